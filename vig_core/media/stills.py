"""Stills of a film from the bundled ffmpeg, frame-exact (the times are snapped by
:mod:`vig_core.case.frames`).

ffmpeg's input seek (``-ss`` before ``-i``)
decodes from the previous keyframe and keeps the first frame whose timestamp
is *at or after* the seek time, so we seek a quarter of a frame before the
wanted frame's start: that frame is then the first one kept, even when a
container stores rounded timestamps (WebM keeps milliseconds) or the frame
rate wobbles. Not half a frame: ffmpeg rounds the seek time to the stream's
clock, and in an AVI ticking once a frame half a frame rounds the wrong way.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import av

from vig_core.case.frames import format_time, frame_index
from vig_core.errors import StoreError
from vig_core.media.ffmpeg import ffmpeg_exe, spawn_options
from vig_core.media.loopback import ffmpeg_inputs
from vig_core.media.probe import MediaError, MediaInfo, probe_copy
from vig_core.storage.media_source import av_source
from vig_core.storage.vaulting import write_media_bytes
from vig_core.vault.errors import DamagedMedia

# How far before a frame's start ffmpeg is asked to seek, in frames.
LEAD = 0.25


def seek_point(seconds: float, fps: float) -> float:
    """Where to put ffmpeg's input ``-ss`` so the frame at ``seconds`` comes first
    (a quarter of a frame before its start; see the module docstring)."""
    return max(0.0, (frame_index(seconds, fps) - LEAD) / fps)


def ffmpeg_time(seconds: float) -> str:
    """Seconds (a float or Fraction) as ffmpeg reads them, to the microsecond (no exponent)."""
    return f"{float(seconds):.6f}"


def last_frame_start(video: Path) -> float | None:
    """When the film's last picture starts (seconds), from its packets; None if unknown.

    The reported length of a film is that of its longest stream, and sound
    often runs on after the picture stops, so the end of the picture is read
    from the timestamps of the final packets (no decoding, so it is quick).
    """
    try:
        with av_source(video) as source, av.open(source, metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            if container.duration:
                container.seek(max(0, container.duration - 3 * av.time_base))  # lands on an earlier keyframe
            stamps = [packet.pts for packet in container.demux(stream) if packet.pts is not None]
            if not stamps or stream.time_base is None:
                return None
            origin = (container.start_time or 0) / av.time_base
            return max(0.0, float(max(stamps) * stream.time_base) - origin)
    except (av.FFmpegError, IndexError, ValueError, OSError, DamagedMedia):
        return None


def still_png(video: Path, seconds: float, *, max_width: int | None = 960,
              info: MediaInfo | None = None) -> bytes:
    """PNG bytes of the exact frame on screen at ``seconds``, upright, and scaled
    down (keeping its shape) if wider than ``max_width`` pixels.

    Pass ``info`` (from :func:`probe`) when stepping through one film to skip
    probing it again. A time at or past the end of the picture gives its last frame.
    """
    video = Path(video)
    info = info or probe_copy(video)
    fps = info.fps if info.fps > 0 else 25.0
    data = _grab(video, seek_point(seconds, fps), max_width)
    if not data:  # past the last picture (the sound may run on): show the last one
        last = last_frame_start(video)
        if last is not None:
            data = _grab(video, max(0.0, last - LEAD / fps), max_width)
    if not data:
        raise MediaError(f"No picture could be taken from the film at {format_time(seconds)}.")
    return data


def grab_args(video: Path, seek: float, max_width: int | None) -> list[str]:
    """ffmpeg arguments writing the first frame after ``seek`` as PNG to stdout (pure)."""
    args = ["-hide_banner", "-nostdin", "-loglevel", "error",
            "-ss", ffmpeg_time(seek), "-i", str(Path(video).resolve()),
            "-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn"]
    if max_width:
        # Only ever shrink; -1 keeps the shape.
        args += ["-vf", f"scale=w='min(iw,{int(max_width)})':h=-1"]
    return [*args, "-f", "image2pipe", "-c:v", "png", "-"]


def _grab(video: Path, seek: float, max_width: int | None) -> bytes:
    try:
        with ffmpeg_inputs(grab_args(video, seek, max_width)) as args:
            done = subprocess.run([ffmpeg_exe(), *args], capture_output=True, timeout=120, **spawn_options())
    except (OSError, subprocess.TimeoutExpired, DamagedMedia) as error:
        raise MediaError("No picture could be taken from the film.") from error
    if done.returncode != 0:
        raise MediaError("No picture could be taken from the film; the file may be damaged.")
    return done.stdout


def save_still(video: Path, seconds: float, target: Path, *, info: MediaInfo | None = None) -> Path:
    """Write the full-size frame at ``seconds`` to ``target`` (a .png) and return it.

    Written beside the target under a temporary name and renamed when
    complete, so a failure never leaves a half-written picture; encrypted in a vault.
    """
    target = Path(target)
    data = still_png(video, seconds, max_width=None, info=info)
    try:
        write_media_bytes(target, data, "saving the picture")  # encrypted in a vault
    except (OSError, StoreError) as error:
        raise MediaError(f"The picture “{target.name}” could not be saved; the disk may be full.") from error
    return target
