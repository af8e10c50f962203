"""The film picker's length and still (issue 21): probed with the bundled ffmpeg, kept in memory,
never written beside the practitioner's film."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from media_fixtures import make
from vig_core.errors import VigError
from vig_core.services import film_picker
from vig_core.storage.film_listing import newest_films
from vig_core.storage.places import Place, distinct_places


@pytest.fixture(autouse=True)
def nothing_remembered():
    film_picker.forget()
    yield
    film_picker.forget()


def test_length_and_still_of_a_listed_film_kept_until_it_changes(tmp_path, monkeypatch):
    videos = tmp_path / "Videos"
    videos.mkdir()
    film = make("h264_aac.mp4", videos)
    (videos / "random.mp4").write_bytes(os.urandom(4096))
    place, = distinct_places([Place("Videos", videos)], skip=[])
    listing = newest_films([place], skip=[])
    found = {f.name: film_picker.details(f) for f in listing.films}
    assert round(found["h264_aac.mp4"].length, 1) == 2.0
    assert found["h264_aac.mp4"].still.startswith(b"\x89PNG")
    assert found["random.mp4"] == film_picker.Details(None, None)  # listed, but said to be unreadable
    assert sorted(p.name for p in videos.iterdir()) == ["h264_aac.mp4", "random.mp4"]  # nothing written there

    probed: list[Path] = []
    real = film_picker.probe
    monkeypatch.setattr(film_picker, "probe", lambda path, *a: (probed.append(path), real(path, *a))[1])
    again = next(f for f in newest_films([place], skip=[]).films if f.name == film.name)
    assert film_picker.details(again) == found["h264_aac.mp4"] and probed == []  # kept
    os.utime(film, (1_900_000_000, 1_900_000_000))
    changed = next(f for f in newest_films([place], skip=[]).films if f.name == film.name)
    film_picker.details(changed)
    assert probed == [changed.path]  # read again once changed


def test_a_chosen_film_is_checked_again_before_importing(tmp_path):
    videos = tmp_path / "Videos"
    videos.mkdir()
    film = make("h264_aac.mp4", videos)
    place, = distinct_places([Place("Videos", videos)], skip=[])
    assert film_picker.chosen(place, place.path / film.name) == place.path / film.name
    with pytest.raises(VigError, match="could not be found any more"):
        film_picker.chosen(place, place.path / "gone.mp4")
    with pytest.raises(VigError, match="not a film file"):
        (videos / "folder.mp4").mkdir()
        film_picker.chosen(place, place.path / "folder.mp4")


def test_locking_forgets_the_stills_and_listings_kept_in_memory(tmp_path, monkeypatch):
    """What the picker showed (stills of the practitioner's films) goes with everything else
    served before the lock."""
    from vig_core.ui import session

    videos = tmp_path / "Videos"
    videos.mkdir()
    make("h264_aac.mp4", videos)
    place, = distinct_places([Place("Videos", videos)], skip=[])
    listed, = newest_films([place], skip=[]).films
    film_picker.details(listed)
    probed: list[Path] = []
    real = film_picker.probe
    monkeypatch.setattr(film_picker, "probe", lambda path, *a: (probed.append(path), real(path, *a))[1])
    session.forget_served_files()  # what the lock calls
    film_picker.details(listed)
    assert probed == [listed.path]  # nothing was kept: read again


def test_a_listing_is_reused_between_runs_until_asked_again_or_a_place_changes(tmp_path, monkeypatch):
    """Each run of Recordings draws the picker: the folders are walked once, not on every run."""
    walked: list[tuple] = []
    real = film_picker.newest_films
    monkeypatch.setattr(film_picker, "newest_films", lambda where, **kw: (walked.append(tuple(where)),
                                                                          real(where, **kw))[1])
    videos, phone = tmp_path / "Videos", tmp_path / "Phone"
    videos.mkdir()
    phone.mkdir()
    home = [Place("Videos", videos)]
    film_picker.newest(home)
    film_picker.newest(home)
    assert len(walked) == 1  # the second run reused it
    film_picker.newest(home, fresh=True)  # Look again
    film_picker.newest([*home, Place("Phone", phone)])  # a phone plugged in
    assert len(walked) == 3
