"""What is in a film? Read with PyAV (FFmpeg's libraries), never trusted blindly.

Opening the container is not enough to call a file usable: the first video
frame is decoded too, which catches random bytes with a plausible header and
gives the rotation a phone recorded (only frames carry it in PyAV).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from ..errors import VigError


class MediaError(VigError):
    """A file that cannot be used as a recording, said in one plain sentence."""


@dataclass(frozen=True)
class MediaInfo:
    container: str  # e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    duration: float  # seconds
    video_codec: str  # e.g. "h264", "hevc", "vp9"
    width: int
    height: int
    fps: float
    pix_fmt: str
    rotation: int  # degrees counter-clockwise the picture must turn to be upright
    audio_codec: str | None  # None: the film has no sound
    variable_rate: bool = False  # frames not evenly spaced (phones): frame stepping needs a CFR copy

    @property
    def is_mp4_family(self) -> bool:
        return "mp4" in self.container.split(",")


def probe(path: Path) -> MediaInfo:
    """Describe the film at ``path`` or raise :class:`MediaError`."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise MediaError(f"The file “{path.name}” could not be opened.") from error
    if size == 0:
        raise MediaError(f"The file “{path.name}” is empty.")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            if not container.streams.video:
                kind = "a sound recording" if container.streams.audio else "not a film"
                raise MediaError(f"The file “{path.name}” is {kind}: it has no video picture.")
            video = container.streams.video[0]
            first = next(container.decode(video=0), None)
            if first is None:
                raise MediaError(f"No picture could be read from “{path.name}”; the file may be damaged.")
            audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
            duration = _duration(container, video)
            rate = video.average_rate or video.guessed_rate or Fraction(0)
            base = video.base_rate or rate
            variable = bool(rate and base and abs(float(rate) - float(base)) > 0.01 * float(base))
            return MediaInfo(
                container=container.format.name,
                duration=duration,
                video_codec=video.codec_context.name,
                width=video.codec_context.width,
                height=video.codec_context.height,
                fps=float(base if variable else rate),  # the nominal rate of an uneven film
                pix_fmt=video.codec_context.pix_fmt or "",
                rotation=int(round(first.rotation or 0)) % 360,
                audio_codec=audio,
                variable_rate=variable,
            )
    except MediaError:
        raise
    except (av.FFmpegError, ValueError, StopIteration) as error:
        raise MediaError(
            f"“{path.name}” is not a film the workbook can read (it may be damaged or of another type)."
        ) from error


def _duration(container: av.container.InputContainer, video: av.VideoStream) -> float:
    if container.duration:
        return container.duration / av.time_base
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return 0.0
