"""Probe, plan and run the import of every kind of film a practitioner brings."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from media_fixtures import CREATED_UTC, PLAYABLE, SECONDS, STILL, make
from vig_core.media.ffmpeg import run_ffmpeg
from vig_core.media.plan import plan_import
from vig_core.media.probe import MediaError, probe

FRAME = 1 / 30


@pytest.fixture(scope="session")
def films(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("films")


@pytest.mark.parametrize("kind, video, audio, rotation", [
    ("h264_aac.mp4", "h264", "aac", 0), ("moov_at_end.mp4", "h264", "aac", 0),
    ("phone hevc rotated é.mov", "hevc", "aac", 90), ("vp9_opus.webm", "vp9", "opus", 0),
    ("no_audio.mp4", "h264", None, 0), ("mjpeg.avi", "mjpeg", "pcm_s16le", 0)])
def test_probe_reads_real_world_kinds(films, kind, video, audio, rotation):
    info = probe(make(kind, films))
    assert (info.video_codec, info.audio_codec, info.rotation) == (video, audio, rotation)
    assert (info.width, info.height) == (320, 240)
    assert info.duration == pytest.approx(SECONDS, abs=0.1)


@pytest.mark.parametrize("kind, message", [
    ("audio_only.m4a", "sound recording"), ("empty.mp4", "is empty"), ("random.mp4", "not a film the workbook"),
    ("notes.mov", "not a film the workbook"), ("truncated.mp4", "not a film the workbook")])
def test_unusable_files_get_one_plain_sentence(films, kind, message):
    with pytest.raises(MediaError, match=message) as raised:
        probe(make(kind, films))
    assert kind in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("kind, mode", [
    ("h264_aac.mp4", "remux"), ("moov_at_end.mp4", "remux"), ("no_audio.mp4", "remux"),
    ("phone hevc rotated é.mov", "transcode"), ("vp9_opus.webm", "transcode"), ("mjpeg.avi", "transcode")])
def test_plan_remuxes_only_what_browsers_already_play(films, tmp_path, kind, mode):
    plan = plan_import(probe(make(kind, films)), make(kind, films), tmp_path / "out.mp4")
    assert plan.mode == mode
    assert plan.args[-1] == str(tmp_path / "out.mp4") and "+faststart" in plan.args
    if mode == "transcode":
        assert plan.args[plan.args.index("-c:v") + 1] == "libx264" and "cfr" in plan.args


@pytest.mark.parametrize("kind", PLAYABLE)
def test_import_makes_an_upright_browser_playable_mp4(films, tmp_path, kind):
    source = make(kind, films)
    info = probe(source)
    target = tmp_path / "playable.mp4"
    plan = plan_import(info, source, target)
    seen: list[float] = []
    run_ffmpeg(plan.args, target, info.duration, seen.append)

    out = probe(target)
    assert out.video_codec == "h264" and out.pix_fmt in ("yuv420p", "yuvj420p") and out.rotation == 0
    assert out.audio_codec == ("aac" if info.audio_codec else None)
    upright = (240, 320) if info.rotation in (90, 270) else (320, 240)
    assert (out.width, out.height) == upright
    assert out.duration == pytest.approx(info.duration, abs=FRAME + 0.025)  # one frame, plus AAC priming
    data = target.read_bytes()
    assert data.find(b"moov") < data.find(b"mdat"), "the index must come first for streaming"
    assert seen and seen[-1] == 1.0 and seen == sorted(seen)
    assert not list(tmp_path.glob(".*partial"))


def test_a_failed_run_leaves_nothing_behind(films, tmp_path):
    source = make("random.mp4", films)
    target = tmp_path / "out.mp4"
    with pytest.raises(MediaError, match="could not be prepared"):
        run_ffmpeg(["-hide_banner", "-nostdin", "-y", "-i", str(source), "-f", "mp4", str(target)], target, 2.0)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind, words", [
    ("png picture.mp4", "still picture"), ("jpeg picture.mov", "still picture"), ("gif picture.mp4", "still picture"),
    ("webp picture.mov", "still picture"), ("one_frame.mp4", "still picture"),
    ("cover_picture.mp4", "sound recording"), ("no_frames.mkv", "No picture could be read")])
def test_a_file_without_a_moving_picture_is_refused_in_one_sentence(films, kind, words):
    assert kind in STILL
    with pytest.raises(MediaError, match=words) as raised:
        probe(make(kind, films))
    assert kind in str(raised.value) and "\n" not in str(raised.value)


def test_a_cover_picture_before_the_film_is_passed_over(films, tmp_path):
    source = make("cover then film.mkv", films)
    info = probe(source)
    assert (info.video_codec, info.width, info.height, info.stream) == ("h264", 320, 240, 1)
    target = tmp_path / "playable.mp4"
    run_ffmpeg(plan_import(info, source, target).args, target, info.duration)
    assert probe(target).duration == pytest.approx(SECONDS, abs=0.1)


def test_messages_name_the_file_as_the_practitioner_knows_it(films, tmp_path):
    """An upload is kept under an internal name: the message names the practitioner's own file only."""
    internal = tmp_path / "5ab407d7c3ed.mp4"
    for kind in ["random.mp4", "png picture.mp4", "audio_only.m4a", "empty.mp4"]:
        internal.write_bytes(make(kind, films).read_bytes())
        with pytest.raises(MediaError) as raised:
            probe(internal, name="Yusuf_film.mp4")
        assert "“Yusuf_film.mp4”" in str(raised.value) and "5ab407d7c3ed" not in str(raised.value)
    with pytest.raises(MediaError) as raised:
        probe(tmp_path / "gone.mp4", name="Yusuf_film.mp4")
    assert "“Yusuf_film.mp4”" in str(raised.value) and "gone" not in str(raised.value)


def test_the_filming_day_is_read_from_the_film(films):
    assert probe(make("dated.mp4", films)).filmed_on == datetime.fromisoformat(CREATED_UTC).astimezone().date()
    # Apple's tag keeps the local time where it was filmed: after midnight there, though before it in UTC.
    assert probe(make("dated apple.mov", films)).filmed_on == date(2026, 3, 21)
    assert probe(make("h264_aac.mp4", films)).filmed_on is None


@pytest.mark.parametrize("tags, day", [
    ({"creation_time": "1970-01-01T00:00:00.000000Z"}, None),  # a camera without a clock
    ({"creation_time": "1904-01-01T00:00:00Z"}, None),  # QuickTime's zero
    ({"creation_time": "2999-01-01T00:00:00Z"}, None),  # a clock far ahead
    ({"creation_time": "not a date"}, None),
    ({"date": "2026-03-20"}, date(2026, 3, 20)),  # Matroska and AVI write a plain date
    ({"com.apple.quicktime.creationdate": "2026-03-21T00:30:00+0100", "creation_time": "2026-03-20T23:30:00Z"},
     date(2026, 3, 21)),
])
def test_implausible_filming_dates_are_ignored(tags, day):
    from vig_core.media.probe import filming_day

    assert filming_day(tags, today=date(2026, 6, 1)) == day
