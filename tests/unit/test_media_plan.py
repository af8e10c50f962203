"""The import plan (pure): what is copied, kept or converted, and its progress arithmetic.
Probing and importing real films is in tests/integration/test_media.py and test_hevc.py."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from vig_core.media.plan import KEPT_HEVC, can_keep_hevc, plan_import, progress_fraction
from vig_core.media.probe import MediaInfo


def test_progress_fraction_is_bounded():
    assert progress_fraction(1_000_000, 2.0) == 0.5
    assert progress_fraction(5_000_000, 2.0) == 1.0
    assert progress_fraction(-5, 2.0) == 0.0 and progress_fraction(10, 0.0) == 0.0


# --- keeping a phone's HEVC picture (issue 21) -----------------------------------------------------------


PHONE = MediaInfo(container="mov,mp4,m4a,3gp,3g2,mj2", duration=60.0, video_codec="hevc", width=1920, height=1080,
                  fps=30.0, pix_fmt="yuv420p", rotation=90, audio_codec="aac")
SRC, DST = Path("/films/in.mov"), Path("/case/film.mp4")


def option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args else None


def test_an_even_8_bit_hevc_phone_film_is_kept_as_it_is_for_a_browser_that_plays_hevc():
    plan = plan_import(PHONE, SRC, DST, browser_plays_hevc=True)

    assert plan.mode == "copy-hevc" and plan.video_codec == "hevc"
    assert plan.reason == KEPT_HEVC
    assert option(plan.args, "-c:v") == "copy" and option(plan.args, "-tag:v") == "hvc1"
    assert option(plan.args, "-c:a") == "copy"
    assert option(plan.args, "-movflags") == "+faststart" and "libx264" not in plan.args
    assert "-vf" not in plan.args  # nothing touches the picture: the rotation goes along as the display matrix


def test_the_same_film_is_converted_to_h264_when_the_browser_does_not_play_hevc_or_was_not_asked():
    for plan in (plan_import(PHONE, SRC, DST), plan_import(PHONE, SRC, DST, browser_plays_hevc=False)):
        assert plan.mode == "transcode" and plan.video_codec == "h264"
        assert option(plan.args, "-c:v") == "libx264"
        assert "hevc video" in plan.reason and "turned 90°" in plan.reason


@pytest.mark.parametrize("audio", [None, "aac"])
def test_aac_or_no_sound_is_copied(audio):
    plan = plan_import(dataclasses.replace(PHONE, audio_codec=audio), SRC, DST, browser_plays_hevc=True)
    assert plan.mode == "copy-hevc" and option(plan.args, "-c:a") == "copy"


def test_other_sound_alone_is_converted_to_aac_and_the_picture_still_kept():
    plan = plan_import(dataclasses.replace(PHONE, audio_codec="pcm_s16le"), SRC, DST, browser_plays_hevc=True)

    assert plan.mode == "copy-hevc" and option(plan.args, "-c:v") == "copy"
    assert option(plan.args, "-c:a") == "aac"
    assert plan.reason.startswith(KEPT_HEVC) and "pcm_s16le sound converted" in plan.reason


@pytest.mark.parametrize(("change", "why"), [
    ({"variable_rate": True}, "uneven frame rate"),
    ({"pix_fmt": "yuv420p10le"}, "yuv420p10le pixels"),
    ({"pix_fmt": "yuv422p"}, "yuv422p pixels"),
])
def test_an_uneven_or_10_bit_hevc_film_is_converted_even_for_a_browser_that_plays_hevc(change, why):
    info = dataclasses.replace(PHONE, **change)
    plan = plan_import(info, SRC, DST, browser_plays_hevc=True)

    assert not can_keep_hevc(info)
    assert plan.mode == "transcode" and why in plan.reason


def test_a_full_jpeg_range_hevc_film_is_kept_and_other_codecs_are_never_kept():
    assert plan_import(dataclasses.replace(PHONE, pix_fmt="yuvj420p"), SRC, DST, browser_plays_hevc=True).mode == \
        "copy-hevc"
    vp9 = plan_import(dataclasses.replace(PHONE, video_codec="vp9"), SRC, DST, browser_plays_hevc=True)
    assert vp9.mode == "transcode" and vp9.video_codec == "h264"
    h264 = plan_import(dataclasses.replace(PHONE, video_codec="h264", rotation=0), SRC, DST, browser_plays_hevc=True)
    assert h264.mode == "remux" and h264.video_codec == "h264"
