"""How to turn an imported film into the workbook's playable copy (pure).

Browsers play H.264 video with AAC sound in an MP4 whose index (``moov``)
comes first. A film that already has those streams and needs no turning is
only *remuxed* (copied into a new container: fast, no quality loss);
anything else is *transcoded* to H.264 yuv420p at a constant frame rate with
a keyframe at least every second (so that seeking to a moment is exact and
quick) plus AAC sound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from vig_core.media.probe import MediaInfo

PLAYABLE_VIDEO = {"h264"}
PLAYABLE_AUDIO = {"aac", None}
DEFAULT_FPS = 25.0
MAX_FPS = 60.0


@dataclass(frozen=True)
class ImportPlan:
    mode: str  # "remux" or "transcode"
    reason: str
    args: list[str]  # ffmpeg arguments after the executable


def output_fps(info: MediaInfo) -> int:
    """A whole frame rate for the copy: the film's own, within sensible bounds."""
    fps = info.fps if 1.0 <= info.fps <= MAX_FPS else DEFAULT_FPS
    return max(1, round(fps))


def plan_import(info: MediaInfo, source: Path, target: Path) -> ImportPlan:
    """The ffmpeg command that makes ``target`` (an MP4) from ``source``."""
    common_in = ["-hide_banner", "-nostdin", "-y", "-i", str(source)]
    maps = ["-map", f"0:{info.stream}", "-map", "0:a:0?", "-sn", "-dn", "-map_metadata", "-1"]
    tail = ["-movflags", "+faststart", "-progress", "pipe:1", "-nostats", "-f", "mp4", str(target)]
    can_copy = (
        info.video_codec in PLAYABLE_VIDEO
        and info.audio_codec in PLAYABLE_AUDIO
        and info.pix_fmt in ("yuv420p", "yuvj420p")
        and info.rotation == 0
        and not info.variable_rate
    )
    if can_copy:
        return ImportPlan("remux", "already H.264/AAC: copied into a fresh MP4",
                          [*common_in, *maps, "-c", "copy", *tail])
    fps = output_fps(info)
    reasons = []
    if info.video_codec not in PLAYABLE_VIDEO:
        reasons.append(f"{info.video_codec} video")
    if info.audio_codec not in PLAYABLE_AUDIO:
        reasons.append(f"{info.audio_codec} sound")
    if info.rotation:
        reasons.append(f"turned {info.rotation}°")
    if info.pix_fmt not in ("yuv420p", "yuvj420p"):
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


def progress_fraction(out_time_us: int, duration: float) -> float:
    """Share of the work done from ffmpeg's ``out_time_us`` progress key (0 to 1)."""
    if duration <= 0 or out_time_us <= 0 or math.isnan(duration):
        return 0.0
    return min(1.0, out_time_us / 1_000_000 / duration)
