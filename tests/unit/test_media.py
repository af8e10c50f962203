"""Probe, plan and run the import of every kind of film a practitioner brings."""

from __future__ import annotations

from pathlib import Path

import pytest

from media_fixtures import PLAYABLE, SECONDS, make
from vig_core.media.ffmpeg import run_ffmpeg
from vig_core.media.plan import plan_import, progress_fraction
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


def test_progress_fraction_is_bounded():
    assert progress_fraction(1_000_000, 2.0) == 0.5
    assert progress_fraction(5_000_000, 2.0) == 1.0
    assert progress_fraction(-5, 2.0) == 0.0 and progress_fraction(10, 0.0) == 0.0
