"""Frame arithmetic: snapping times to frames, stepping, and times as people read and type them.

Practitioners pick *frames* (the moment of attunement), not instants, so
every time is first snapped to the start of the frame on screen at that
moment. Times are seconds (floats) from the start of the film, as a browser's
``currentTime``; the frame shown at ``t`` is the last one starting at or
before ``t``. Pure: the stills themselves come from :mod:`vig_core.media.stills`.
"""

from __future__ import annotations

import math
import re

from vig_core.errors import ValidationError

# Floating-point slack, in frames: 0.12 s at 25 fps is frame 3, not 2.999…; and a time stored
# rounded to the microsecond (up to 3e-5 of a frame early at 60 fps) still names its frame.
EPSILON = 1e-3


def _check(seconds: float, fps: float) -> None:
    if not (fps > 0 and math.isfinite(fps)):
        raise ValueError(f"fps must be a positive number, not {fps!r}")
    if not math.isfinite(seconds):
        raise ValueError(f"seconds must be a finite number, not {seconds!r}")


def frame_index(seconds: float, fps: float) -> int:
    """Index (from 0) of the frame on screen at ``seconds``; never negative."""
    _check(seconds, fps)
    return max(0, math.floor(seconds * fps + EPSILON))


def snap(seconds: float, fps: float) -> float:
    """Start time of the frame on screen at ``seconds``."""
    return frame_index(seconds, fps) / fps


def last_frame_index(duration: float, fps: float) -> int:
    """Index of the last frame of a film lasting ``duration`` seconds (at least 0).

    Containers may report a little more than the picture lasts (sound runs
    on), so this can name one frame past the real end; :func:`still_png`
    copes with that.
    """
    _check(duration, fps)
    return max(0, math.ceil(duration * fps - EPSILON) - 1)


def step(seconds: float, fps: float, frames: int, duration: float | None = None) -> float:
    """Start of the frame ``frames`` whole frames after (or before, if negative)
    the one at ``seconds``, kept between the first and the last frame."""
    index = frame_index(seconds, fps) + frames
    if duration is not None:
        index = min(index, last_frame_index(duration, fps))
    return max(0, index) / fps


def format_time(seconds: float, fps: float | None = None) -> str:
    """``m:ss.cc`` (``h:mm:ss.cc`` from an hour), as practitioners read times.

    With ``fps`` the time is snapped to its frame and rounded *up* to the
    hundredth, so the shown time always lies inside that frame (frames last
    longer than a hundredth of a second up to 100 fps) and typing it back
    finds the same frame. Without ``fps`` it is rounded to the nearest hundredth.
    """
    if fps is not None:
        hundredths = math.ceil(snap(seconds, fps) * 100 - 1e-6)
    else:
        if not math.isfinite(seconds):
            raise ValueError(f"seconds must be a finite number, not {seconds!r}")
        hundredths = max(0, round(seconds * 100))
    minutes, rest = divmod(hundredths, 6000)
    hours, minutes = divmod(minutes, 60)
    clock = f"{rest // 100:02d}.{rest % 100:02d}"
    return f"{hours}:{minutes:02d}:{clock}" if hours else f"{minutes}:{clock}"


TIME_CHARS = 16  # the longest time a box needs: "1:02:03.04" and some room
_CLOCK = re.compile(r"(?:(?:(\d+):)?(\d+):)?(\d+(?:\.\d*)?|\.\d+)")


def parse_time(text: str) -> float:
    """Seconds from a time as practitioners type it: ``1:05.40`` (minutes:seconds, as
    :func:`format_time` shows it), ``1:02:03.5`` or plain seconds ``65.4``; a decimal
    comma and a trailing "s" are accepted. Raises a plain sentence otherwise."""
    typed = str(text).strip()
    how = "type minutes:seconds (e.g. 1:05.40) or seconds (e.g. 65.4)."
    if not typed:
        raise ValidationError(f"A time is needed here: {how}")
    quoted = typed if len(typed) <= 20 else f"{typed[:20]}…"
    match = _CLOCK.fullmatch(typed.removesuffix("s").strip().replace(",", "."))
    if not match:
        raise ValidationError(f"“{quoted}” is not a time: {how}")
    hours, minutes, seconds = match.groups()
    if (minutes is not None and float(seconds) >= 60) or (hours is not None and int(minutes) >= 60):
        raise ValidationError(f"“{quoted}” is not a time: after a colon come fewer than 60 seconds "
                              "(or minutes), e.g. 1:05.40.")
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)
