"""A phone's HEVC film kept as it is when the browser plays it, converted when it does not (issue 21):
import, stills, cuts, the review film, the later conversion and the command line, on real films."""

from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from media_fixtures import make
from tests.integration.test_cli import run_cli
from tests.integration.test_media_edit import FRAME, assert_is_frame, first_frame, frames_of, png_gray
from vig_core.media.edit import compile_film, cut_clip
from vig_core.media.plan import KEPT_HEVC
from vig_core.media.probe import probe
from vig_core.media.stills import still_png
from vig_core.services.conversion import convert_to_h264, start_conversion
from vig_core.services.jobs import DONE, JOBS
from vig_core.services.recordings import import_recording, import_summary

PHONE = "phone hevc rotated é.mov"  # 320x240 HEVC (hvc1) turned 90°, AAC, 2 s at 30 fps


def tag(path: Path) -> str:
    with av.open(str(path)) as container:
        return container.streams.video[0].codec_tag


def upright_frames(path: Path) -> list[np.ndarray]:
    return [np.rot90(frame) for frame in frames_of(path)]  # the phone film turned 90° counter-clockwise


def test_kept_when_the_browser_plays_hevc_picture_rotation_and_frames_as_they_were(store, case_id, films):
    source = make(PHONE, films)
    recording = import_recording(store, case_id, 1, source, browser_plays_hevc=True)
    film = store.media_path(case_id, recording.playable)
    info = probe(film)

    assert recording.video_codec == "hevc" and recording.kept_hevc and recording.how == KEPT_HEVC
    assert (info.video_codec, info.audio_codec, info.rotation, info.fps) == ("hevc", "aac", 90, 30)
    assert tag(film) == "hvc1" and film.read_bytes()[:64].find(b"moov") != -1  # index first: plays at once
    assert (recording.width, recording.height) == (240, 320)  # as watched
    with av.open(str(source)) as a, av.open(str(film)) as b:  # the very same pictures, not re-encoded
        assert [bytes(p) for p in a.demux(video=0) if p.size] == [bytes(p) for p in b.demux(video=0) if p.size]
    summary = import_summary(recording)
    assert summary.startswith("done") and "kept the phone's HEVC picture" in summary


def test_converted_when_the_browser_does_not_play_hevc(store, case_id, films):
    recording = import_recording(store, case_id, 1, make(PHONE, films), browser_plays_hevc=False)
    info = probe(store.media_path(case_id, recording.playable))

    assert recording.video_codec == "h264" and not recording.kept_hevc
    assert (info.video_codec, info.rotation, info.width, info.height) == ("h264", 0, 240, 320)
    assert "hevc video" in recording.how and "turned 90°" in recording.how
    assert "converted" in import_summary(recording)


def test_other_sound_alone_is_converted_when_the_picture_is_kept(store, case_id, films):
    recording = import_recording(store, case_id, 1, make("hevc_pcm.mov", films), browser_plays_hevc=True)
    info = probe(store.media_path(case_id, recording.playable))
    assert (info.video_codec, info.audio_codec) == ("hevc", "aac") and "pcm_s16le sound converted" in recording.how


@pytest.mark.parametrize("index", [0, 1, 17, 30, 59])
def test_stills_of_a_kept_film_are_the_exact_frames_upright(store, case_id, films, index):
    recording = import_recording(store, case_id, 1, make(PHONE, films), browser_plays_hevc=True)
    film = store.media_path(case_id, recording.playable)
    data = still_png(film, (index + 0.5) * FRAME, max_width=None)

    assert Image.open(io.BytesIO(data)).size == (240, 320)
    assert_is_frame(png_gray(data), upright_frames(make(PHONE, films)), index)


def test_clips_and_the_review_film_of_a_kept_film_are_h264_and_start_on_the_chosen_frame(store, case_id, films,
                                                                                        tmp_path):
    recording = import_recording(store, case_id, 1, make(PHONE, films), browser_plays_hevc=True)
    film = store.media_path(case_id, recording.playable)
    clip = cut_clip(film, 0.51, 1.23, tmp_path / "clip.mp4")

    info = probe(clip)
    assert (info.video_codec, info.audio_codec, info.pix_fmt, info.rotation) == ("h264", "aac", "yuv420p", 0)
    assert (info.width, info.height) == (240, 320)
    assert_is_frame(first_frame(clip), upright_frames(make(PHONE, films)), 15)
    joined = probe(compile_film([(clip, "Ada looks up")], tmp_path / "film.mp4"))
    assert joined.video_codec == "h264" and (joined.width, joined.height) == (240, 320)


def test_a_kept_film_is_converted_later_in_place_keeping_its_frames_moments_and_clips(store, case_id, films):
    recording = import_recording(store, case_id, 1, make(PHONE, films), browser_plays_hevc=True)
    store.update(case_id, lambda c: (c.mark_moment(recording.id, 0.5), c.add_clip(recording.id, 0.5, 1.5)))
    film = store.media_path(case_id, recording.playable)
    before = store.load(case_id)

    job = JOBS.wait(start_conversion(store, case_id, recording.id, owner="test"))

    assert job.state == DONE, job.message
    after = store.load(case_id)
    converted = after.recording(recording.id)
    info = probe(film)
    assert (info.video_codec, info.rotation, info.fps) == ("h264", 0, 30)
    assert converted.video_codec == "h264" and not converted.kept_hevc and converted.fps == 30
    assert "converted later" in converted.how
    assert (converted.width, converted.height, converted.duration) == (240, 320, recording.duration)
    assert [m.time for m in after.moments] == [m.time for m in before.moments]
    assert [(c.start, c.end) for c in after.clips] == [(c.start, c.end) for c in before.clips]
    assert sorted(p.name for p in film.parent.iterdir()) == ["film.mp4"]  # nothing half-made left
    assert_is_frame(png_gray(still_png(film, 17.5 * FRAME, max_width=None)), upright_frames(make(PHONE, films)), 17)
    assert convert_to_h264(store, case_id, recording.id) == converted  # H.264 already: left alone


def test_cli_keeps_hevc_only_when_asked_and_names_the_choice(data_dir, store, case_id, films):
    source = str(make(PHONE, films))
    kept = run_cli("import-recording", "--case", case_id, "--keep-hevc", source, data_dir=data_dir)
    plain = run_cli("import-recording", "--case", case_id, source, data_dir=data_dir)

    assert kept.returncode == plain.returncode == 0, kept.stderr + plain.stderr
    assert kept.stderr.count("\n") == plain.stderr.count("\n") == 1
    assert "kept the phone's HEVC picture" in kept.stderr and "converted for the browser" in plain.stderr
    codecs = {r.id: r.video_codec for r in store.load(case_id).recordings}
    assert codecs == {kept.stdout.strip(): "hevc", plain.stdout.strip(): "h264"}
