"""How to turn an imported film into the workbook's playable copy (pure).

Browsers play H.264 video with AAC sound in an MP4 whose index (``moov``)
comes first. A film that already has those streams and needs no turning is
only *remuxed* (copied into a new container: fast, no quality loss);
anything else is *transcoded* to H.264 yuv420p at a constant frame rate with
a keyframe at least every second (so that seeking to a moment is exact and
quick) plus AAC sound.

A phone's HEVC film is *kept* as it is (``copy-hevc``: its picture copied into
an MP4 tagged ``hvc1``, the tag Safari needs) when the practitioner's browser
said it plays HEVC and the film needs nothing else: 8-bit 4:2:0 pixels (what
HEVC Main decoders take) and an even frame rate (frame steps need one). Its
rotation is kept too: a stream copy keeps the display matrix, which browsers
and ffmpeg's own decoding (stills, cuts) honour. Sound other than AAC is
converted on its own, which is cheap. Everything else is converted as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from vig_core.media.probe import MediaInfo

PLAYABLE_VIDEO = {"h264"}
PLAYABLE_AUDIO = {"aac", None}
KEPT_VIDEO = "hevc"  # kept as it is when the browser plays it
MAIN_PIXELS = ("yuv420p", "yuvj420p")  # 8-bit 4:2:0: H.264 High and HEVC Main both take it
KEPT_HEVC = "kept the phone's HEVC picture: your browser plays it"
DEFAULT_FPS = 25.0
MAX_FPS = 60.0


@dataclass(frozen=True)
class ImportPlan:
    mode: str  # "remux", "copy-hevc" or "transcode"
    reason: str
    args: list[str]  # ffmpeg arguments after the executable

    @property
    def video_codec(self) -> str:
        """The codec of the picture in the copy made: only a kept HEVC film is not H.264."""
        return KEPT_VIDEO if self.mode == "copy-hevc" else "h264"


def output_fps(info: MediaInfo) -> int:
    """A whole frame rate for the copy: the film's own, within sensible bounds."""
    fps = info.fps if 1.0 <= info.fps <= MAX_FPS else DEFAULT_FPS
    return max(1, round(fps))


def can_keep_hevc(info: MediaInfo) -> bool:
    """Whether ``info``'s picture can be kept as it is for a browser that plays HEVC (see module notes)."""
    return (info.video_codec == KEPT_VIDEO and info.pix_fmt in MAIN_PIXELS and not info.variable_rate
            and 1.0 <= info.fps <= MAX_FPS)


def plan_import(info: MediaInfo, source: Path, target: Path, *, browser_plays_hevc: bool = False) -> ImportPlan:
    """The ffmpeg command that makes ``target`` (an MP4) from ``source``; an HEVC film is kept
    as it is only when ``browser_plays_hevc`` (the practitioner's browser said so)."""
    common_in = ["-hide_banner", "-nostdin", "-y", "-i", str(source)]
    maps = ["-map", f"0:{info.stream}", "-map", "0:a:0?", "-sn", "-dn", "-map_metadata", "-1"]
    tail = ["-movflags", "+faststart", "-progress", "pipe:1", "-nostats", "-f", "mp4", str(target)]
    can_copy = (
        info.video_codec in PLAYABLE_VIDEO
        and info.audio_codec in PLAYABLE_AUDIO
        and info.pix_fmt in MAIN_PIXELS
        and info.rotation == 0
        and not info.variable_rate
    )
    if can_copy:
        return ImportPlan("remux", "already H.264/AAC: copied into a fresh MP4",
                          [*common_in, *maps, "-c", "copy", *tail])
    if browser_plays_hevc and can_keep_hevc(info):
        if info.audio_codec in PLAYABLE_AUDIO:
            audio, reason = ["-c:a", "copy"], KEPT_HEVC
        else:
            audio = ["-c:a", "aac", "-b:a", "128k", "-ac", "2"]
            reason = f"{KEPT_HEVC}; {info.audio_codec} sound converted"
        return ImportPlan("copy-hevc", reason, [*common_in, *maps, "-c:v", "copy", "-tag:v", "hvc1", *audio, *tail])
    fps = output_fps(info)
    reasons = []
    if info.video_codec not in PLAYABLE_VIDEO:
        reasons.append(f"{info.video_codec} video")
    if info.audio_codec not in PLAYABLE_AUDIO:
        reasons.append(f"{info.audio_codec} sound")
    if info.rotation:
        reasons.append(f"turned {info.rotation}°")
    if info.pix_fmt not in MAIN_PIXELS:
        reasons.append(f"{info.pix_fmt} pixels")
    if info.variable_rate:
        reasons.append("uneven frame rate")
    video = [
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2",  # x264 needs even sizes; autorotate is on
        "-fps_mode", "cfr", "-r", str(fps), "-g", str(fps), "-keyint_min", str(fps), "-sc_threshold", "0",
    ]
    audio = ["-c:a", "aac", "-b:a", "128k", "-ac", "2"] if info.audio_codec else []
    return ImportPlan("transcode", "converted for the browser: " + ", ".join(reasons),
                      [*common_in, *maps, *video, *audio, *tail])


def plan_conversion(info: MediaInfo, source: Path, target: Path) -> ImportPlan:
    """Convert a kept HEVC copy to H.264 for a browser that cannot play it: the import's conversion,
    but at the copy's exact frame rate (29.97 stays 30000/1001), so its frames, and so the times of
    moments and clips, stay where they were."""
    plan = plan_import(info, source, target)
    args = list(plan.args)
    rate = Fraction(info.fps).limit_denominator(1001) if 1.0 <= info.fps <= MAX_FPS else Fraction(output_fps(info))
    args[args.index("-r") + 1] = str(rate)
    return ImportPlan("transcode", "converted later for a browser that does not play HEVC", args)


def progress_fraction(out_time_us: int, duration: float) -> float:
    """Share of the work done from ffmpeg's ``out_time_us`` progress key (0 to 1)."""
    if duration <= 0 or out_time_us <= 0 or math.isnan(duration):
        return 0.0
    return min(1.0, out_time_us / 1_000_000 / duration)
