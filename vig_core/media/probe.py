"""What is in a film? Read with PyAV (FFmpeg's libraries), never trusted blindly.

Opening the container is not enough to call a file usable: the first two
video frames are decoded too, which catches random bytes with a plausible
header, refuses a still picture in any container (a photo renamed ``.mp4``,
a single frame, a song's cover picture) and gives the rotation a phone
recorded (only frames carry it in PyAV). The day it was filmed is read from
the container's tags where it has them.

Messages name the file as the practitioner knows it (``name``), never the
workbook's internal name for it (an upload is kept under a random one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import av

from vig_core.errors import VigError
from vig_core.storage.media_source import av_source, plaintext_size
from vig_core.vault.errors import DamagedMedia


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
    stream: int = 0  # index of the film's video stream in the file (a cover picture may come first)
    filmed_on: date | None = None  # the day it was filmed, from the file's tags; None when it has none

    @property
    def is_mp4_family(self) -> bool:
        return "mp4" in self.container.split(",")


def probe(path: Path, name: str | None = None) -> MediaInfo:
    """Describe the film at ``path`` or raise :class:`MediaError` naming it ``name`` (default: its file name)."""
    path = Path(path)
    shown = f"“{name or path.name}”"
    try:
        size = plaintext_size(path)
    except (OSError, DamagedMedia) as error:
        raise MediaError(f"The file {shown} could not be opened.") from error
    if size == 0:
        raise MediaError(f"The file {shown} is empty.")
    try:
        with av_source(path) as source, av.open(source, metadata_errors="ignore") as container:
            candidates = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
            if not candidates:
                kind = "a sound recording" if container.streams.audio else "not a film"
                raise MediaError(f"The file {shown} is {kind}: it has no video picture.")
            video, first = _moving_picture(container, candidates)
            if video is None:
                raise MediaError(
                    f"{shown} is a still picture, not a film: it has no moving picture." if first else
                    f"No picture could be read from {shown}; the file may be damaged."
                )
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
                rotation=round(first.rotation or 0) % 360,
                audio_codec=audio,
                variable_rate=variable,
                stream=video.index,
                filmed_on=filming_day({**video.metadata, **container.metadata}),
            )
    except MediaError:
        raise
    except (av.FFmpegError, ValueError, StopIteration) as error:
        raise MediaError(
            f"{shown} is not a film the workbook can read (it may be damaged or of another type)."
        ) from error


OWN_FILE_DAMAGED = ("A film file this case keeps is missing or damaged; remove that recording (or clip) "
                    "and bring it in again.")


def probe_copy(path: Path) -> MediaInfo:
    """:func:`probe` a file the workbook made itself (the playable copy, a clip), whose
    internal name means nothing to the practitioner: a failure says what it is instead."""
    try:
        return probe(path)
    except MediaError as error:
        raise MediaError(OWN_FILE_DAMAGED) from error


def _moving_picture(container: av.container.InputContainer, candidates: list[av.VideoStream]
                    ) -> tuple[av.VideoStream | None, av.VideoFrame | None]:
    """The first of ``candidates`` to give two frames, with its first frame; else ``(None, a first
    frame of any, or None)``. A picture stream has one packet, so this reads little of any film."""
    frames: dict[int, list[av.VideoFrame]] = {s.index: [] for s in candidates}
    for packet in container.demux(*candidates):
        got = frames[packet.stream.index]
        for frame in packet.decode():
            got.append(frame)
            if len(got) == 2:
                return packet.stream, got[0]
    return None, next((got[0] for got in frames.values() if got), None)


APPLE_CREATED = "com.apple.quicktime.creationdate"  # local time with its offset, where it was filmed
EARLIEST_FILMING = date(2000, 1, 1)  # before this, a camera's clock was never set (1904, 1970)


def filming_day(tags: dict[str, str], *, today: date | None = None) -> date | None:
    """The day a film was made, from its container tags, or ``None`` when none is plausible.

    Apple's own tag carries the local time where it was filmed, so its date is
    taken as written; ``creation_time`` is UTC and turned into this computer's
    time zone. A date before 2000 or after tomorrow is a camera clock never set.
    """
    today = today or date.today()
    lowered = {key.lower(): value for key, value in tags.items()}
    for key in (APPLE_CREATED, "creation_time", "date"):
        text = (lowered.get(key) or "").strip()
        try:
            stamp = datetime.fromisoformat(text)
        except ValueError:
            continue
        if key == "creation_time":
            stamp = (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).astimezone()
        if EARLIEST_FILMING <= stamp.date() <= today + timedelta(days=1):
            return stamp.date()
    return None


def _duration(container: av.container.InputContainer, video: av.VideoStream) -> float:
    if container.duration:
        return container.duration / av.time_base
    if video.duration and video.time_base:
        return float(video.duration * video.time_base)
    return 0.0
