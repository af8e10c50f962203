"""Finding films in the usual places (issue 21): a fake home with empty files under film names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vig_core.errors import ValidationError
from vig_core.services import recordings
from vig_core.storage import places as places_module
from vig_core.storage.film_listing import folder_contents, newest_films
from vig_core.storage.places import Place, distinct_places, inside, shown_path


def film(path: Path, age: int = 0) -> Path:
    """An empty file under a film's name, ``age`` hours old."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    stamp = 1_800_000_000 - age * 3600
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    film(home / "Videos" / "visit 1.mp4", age=5)
    film(home / "Videos" / "visits" / "visit 2.MOV", age=1)
    film(home / "Videos" / "notes.txt")
    film(home / "Videos" / "photo.jpg")
    film(home / "Videos" / ".hidden" / "secret.mp4")
    film(home / "Videos" / ".partial.mp4")
    film(home / "Downloads" / "a" / "b" / "c" / "deep3.webm", age=3)
    film(home / "Downloads" / "a" / "b" / "c" / "d" / "deep4.webm", age=2)
    (home / "Pictures").mkdir()
    return home


def places_of(home: Path) -> list[Place]:
    return distinct_places([Place("Videos", home / "Videos"), Place("Pictures", home / "Pictures"),
                            Place("Downloads", home / "Downloads")], skip=[])


def names(listing) -> list[str]:
    return [f.name for f in listing.films]


def test_films_newest_first_only_films_no_hidden_and_three_levels_deep(home):
    listing = newest_films(places_of(home), skip=[])
    assert names(listing) == ["visit 2.MOV", "deep3.webm", "visit 1.mp4"]
    assert not listing.more and not listing.unreadable
    assert [shown_path(f.place, f.path) for f in listing.films][:2] == ["Videos › visits › visit 2.MOV",
                                                                        "Downloads › a › b › c › deep3.webm"]


def test_links_are_neither_followed_nor_listed_and_a_loop_ends(home, tmp_path):
    outside = film(tmp_path / "elsewhere" / "other family.mp4")
    (home / "Videos" / "link to elsewhere").symlink_to(outside.parent, target_is_directory=True)
    (home / "Videos" / "linked film.mp4").symlink_to(outside)
    (home / "Videos" / "visits" / "loop").symlink_to(home / "Videos", target_is_directory=True)
    place = places_of(home)[0]
    listing = newest_films([place], skip=[], depth=50)
    assert names(listing) == ["visit 2.MOV", "visit 1.mp4"]
    contents = folder_contents(place, place.path, skip=[])
    assert [p.name for p in contents.folders] == ["visits"] and names(contents) == ["visit 1.mp4"]
    with pytest.raises(ValidationError):  # a page can never open a folder through a link
        folder_contents(place, place.path / "link to elsewhere", skip=[])
    with pytest.raises(ValidationError):
        inside(place, place.path / "linked film.mp4")
    with pytest.raises(ValidationError):
        inside(place, place.path / ".." / ".." / "elsewhere" / "other family.mp4")
    with pytest.raises(ValidationError):
        inside(place, outside)


def test_the_workbook_data_folder_is_never_entered(home):
    data = home / "Videos" / "vig-data"
    film(data / "cases" / "c1" / "recordings" / "r1" / "film.mp4")
    listing = newest_films(places_of(home), skip=[data])
    assert "film.mp4" not in names(listing)
    assert "vig-data" not in [p.name for p in folder_contents(places_of(home)[0], home / "Videos", skip=[data]).folders]
    assert distinct_places([Place("Inside", data / "cases")], skip=[data]) == []


def test_a_huge_folder_stops_after_its_share_of_entries_and_says_more(home):
    for number in range(300):
        film(home / "Downloads" / f"clip {number:03}.mp4", age=10)
    listing = newest_films(places_of(home), skip=[], max_entries=300)
    assert listing.more
    assert {"visit 2.MOV", "visit 1.mp4"} <= set(names(listing))  # Videos had its own share
    assert len(listing.films) < 150
    kept = newest_films(places_of(home), skip=[], max_films=4)
    assert kept.more and len(kept.films) == 4


def test_a_slow_place_stops_when_its_time_is_up(home):
    for number in range(200):
        film(home / "Videos" / f"clip {number:03}.mp4", age=10)
    ticks = iter(range(10_000))
    listing = newest_films(places_of(home)[:1], skip=[], seconds=64.0, clock=lambda: next(ticks) * 100.0)
    assert listing.more and len(listing.films) < 200


def test_an_unreadable_place_is_named_and_the_others_still_listed(home):
    gone = Place("Drive “CARD”", home / "card")  # unplugged after the places were found
    listing = newest_films([gone, *places_of(home)], skip=[])
    assert listing.unreadable == ["Drive “CARD”"] and "visit 1.mp4" in names(listing)


def test_places_are_kept_once_existing_and_uniquely_named(home):
    kept = distinct_places([Place("Videos", home / "Videos"), Place("Movies", home / "Videos"),
                            Place("Videos", home / "Downloads"), Place("Desktop", home / "Desktop")], skip=[])
    assert [(p.label, p.path.name) for p in kept] == [("Videos", "Videos"), ("Videos (2)", "Downloads")]


def test_usual_places_in_a_fake_home_and_its_drives(home, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("VIG_FILM_PLACES", raising=False)
    monkeypatch.setenv("VIG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(places_module, "mounted_places", lambda: [Place("Drive “USB”", home / "Downloads" / "a")])
    assert [p.label for p in places_module.usual_places()] == ["Videos", "Pictures", "Downloads", "Drive “USB”"]


def test_drive_names_say_what_they_are():
    assert places_module._drive_label(Path("/run/user/1000/gvfs/mtp:host=SAMSUNG_Galaxy_A5")) \
        == "Phone “SAMSUNG Galaxy A5”"
    assert places_module._drive_label(Path("/media/me/KINGSTON")) == "Drive “KINGSTON”"


def test_the_film_types_are_the_ones_importing_accepts():
    assert places_module.VIDEO_SUFFIXES == recordings.VIDEO_SUFFIXES


def test_the_places_can_be_named_instead(home, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("VIG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VIG_FILM_PLACES", os.pathsep.join(["~/Downloads", str(home / "gone"), " "]))
    assert [(p.label, p.path) for p in places_module.usual_places()] == [("Downloads", home / "Downloads")]
