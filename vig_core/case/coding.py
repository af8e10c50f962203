"""Coding files: one coder's coding of one recording, to compare with another coder's (supervision).

A *coding file* carries the moments of a recording and what they were coded with, and nothing
else: no names, no notes, no case code, no titles. It names its recording only by the
fingerprint of the film file (see :func:`vig_core.services.recordings.fingerprint_of`), with the
playable copy's length and frame rate as a check, so a supervisor's workbook holding the same
film can take it in as a *layer* beside the practitioner's own moments::

    {"format": "vig-workbook-coding", "version": 1,
     "recording": {"fingerprint": "1234567-0a1b...", "duration": 40.0, "fps": 25.0},
     "moments": [{"time": 9.6, "principles": ["encouraging", "receiving"],
                  "behaviours": ["Waiting"], "turn": "child: initiative", "working_point": false}]}

``principles`` are heading ids of the principles file; ``behaviours`` (optional) are behaviour
texts of that file, and only those are ever written (a behaviour is chosen from a list, never
typed); ``turn`` (optional) is a turn of the attuned cycle; ``working_point`` is optional.

A coding file comes from another computer, so :func:`read_coding` trusts nothing: size, depth,
every type and length, the number of moments, times inside the film, known principle ids, and
no field it does not know (a file carrying a note or a name is refused, not stripped). Every
problem is one plain sentence (:class:`~vig_core.errors.ValidationError`), never a traceback.
The module is pure: bytes in, bytes out.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass

from vig_core.case.film import MAX_CODER_NAME, ME, Moment, Recording, Turn
from vig_core.case.film_work import FilmWork
from vig_core.case.frames import format_time
from vig_core.errors import ValidationError
from vig_core.text import check_name
from vig_core.vocab.principles import Principles

FORMAT, VERSION = "vig-workbook-coding", 1
MAX_CODING_BYTES = 2_000_000  # about 10,000 coded moments' worth: far more than any film has
MAX_CODED_MOMENTS = 2_000  # as for an ELAN file: a moment every half second of a 15-minute film
MAX_ITEMS = 60  # principles or behaviours of one moment (the shipped file has 31 behaviours in all)
MAX_ITEM_TEXT = 300
MAX_FINGERPRINT_TEXT = 80
DURATION_SLACK = 1.0  # seconds the two copies' lengths may differ (a converted copy's last frame)
NOT_CODING = "This is not a coding file of the workbook; choose the file “Download my coding file” made."
TOP_FIELDS, RECORDING_FIELDS = {"format", "version", "recording", "moments"}, {"fingerprint", "duration", "fps"}
MOMENT_FIELDS = {"time", "principles", "behaviours", "turn", "working_point"}


@dataclass(frozen=True)
class CodedMoment:
    time: float  # seconds, as the file says (put on this film's frame grid when taken in)
    principles: tuple[str, ...] = ()
    behaviours: tuple[str, ...] = ()
    turn: Turn | None = None
    working_point: bool = False


@dataclass(frozen=True)
class CodingFile:
    fingerprint: str
    duration: float
    fps: float
    moments: tuple[CodedMoment, ...]
    left_out: int = 0  # behaviours not in this workbook's principles file, left out when read


# --- writing ---------------------------------------------------------------------------------
def write_coding(recording: Recording, moments: Iterable[Moment], principles: Principles) -> bytes:
    """The coding file of ``moments`` (one coder's, of ``recording``): times, principle ids, the
    behaviours of the principles file, turns and working points. Refused for a recording without
    a fingerprint (imported before the workbook kept one): nothing would tell its film apart."""
    if not recording.fingerprint:
        raise ValidationError("This recording was added before the workbook kept a fingerprint of each film, so "
                              "a coding file could not be matched to it; add the film again to make one.")
    known = {b for h in principles.headings for b in h.behaviours}
    items = [{"time": m.time, "principles": list(m.principles),
              "behaviours": [b for b in m.behaviours if b in known],
              "turn": m.turn.value if m.turn else None, "working_point": m.working_point}
             for m in sorted(moments, key=lambda m: m.time)]
    document = {"format": FORMAT, "version": VERSION,
                "recording": {"fingerprint": recording.fingerprint, "duration": recording.duration,
                              "fps": recording.fps},
                "moments": items}
    return (json.dumps(document, indent=1, ensure_ascii=True) + "\n").encode("ascii")


# --- reading ---------------------------------------------------------------------------------
def read_coding(data: bytes, principles: Principles) -> CodingFile:
    """The coding file in ``data``, checked through (see the module notes); unknown behaviours are
    left out and counted, an unknown principle id refuses the file, naming the id."""
    if len(data) > MAX_CODING_BYTES:
        raise ValidationError(f"This file is too large for a coding file ({len(data) / 1e6:.1f} MB; the limit is "
                              f"{MAX_CODING_BYTES / 1e6:.0f} MB); choose the coding file the workbook made.")
    try:
        document = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except RecursionError as error:
        raise ValidationError("This file is nested too deeply to be a coding file; it was not read.") from error
    except (UnicodeDecodeError, ValueError) as error:
        raise ValidationError(NOT_CODING) from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError(NOT_CODING)
    if document.get("version") != VERSION or isinstance(document.get("version"), bool):
        raise ValidationError("This coding file was made by another version of the workbook, which this one "
                              "cannot read; make it again with the same version.")
    _only(document, TOP_FIELDS, "The coding file")
    film = document.get("recording")
    if not isinstance(film, dict):
        raise ValidationError("The coding file does not say which film it is of; it cannot be used.")
    _only(film, RECORDING_FIELDS, "The coding file's film")
    fingerprint = film.get("fingerprint")
    if not isinstance(fingerprint, str) or not 0 < len(fingerprint) <= MAX_FINGERPRINT_TEXT:
        raise ValidationError("The coding file does not say which film it is of; it cannot be used.")
    duration, fps = _number(film.get("duration"), "The film's length"), _number(film.get("fps"), "The frame rate")
    if duration <= 0 or fps <= 0:
        raise ValidationError("The coding file gives its film no length or no frame rate; it cannot be used.")
    items = document.get("moments")
    if not isinstance(items, list):
        raise ValidationError("The coding file has no list of moments.")
    if len(items) > MAX_CODED_MOMENTS:
        raise ValidationError(f"The coding file has {len(items):,} moments, more than the {MAX_CODED_MOMENTS:,} "
                              "the workbook takes for one film.")
    known = {b for h in principles.headings for b in h.behaviours}
    moments, left_out = [], 0
    for n, item in enumerate(items, 1):
        moment, dropped = _moment(item, n, principles, known, duration + 1 / fps)
        moments.append(moment)
        left_out += dropped
    return CodingFile(fingerprint, duration, fps, tuple(moments), left_out)


def _no_constant(name: str) -> None:
    raise ValidationError(f"The coding file holds “{name}”, which is not a number; it cannot be used.")


def _only(fields: dict, allowed: set[str], where: str) -> None:
    extra = sorted(str(k) for k in fields if k not in allowed)
    if extra:
        raise ValidationError(f"{where} has a field “{extra[0][:40]}” a coding file never carries (it holds no "
                              "names or notes); it was not read.")


def _number(value: object, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{label} in the coding file is not a number.")
    return float(value)


def _texts(value: object, label: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > MAX_ITEMS or not all(
            isinstance(v, str) and len(v) <= MAX_ITEM_TEXT for v in value):
        raise ValidationError(f"{label} must be a short list of texts.")
    return tuple(dict.fromkeys(value))


def _moment(item: object, n: int, principles: Principles, known: set[str], end: float) -> tuple[CodedMoment, int]:
    where = f"Moment {n} of the coding file"
    if not isinstance(item, dict):
        raise ValidationError(f"{where} is not a moment.")
    _only(item, MOMENT_FIELDS, where)
    time = _number(item.get("time"), f"The time of moment {n}")
    if not 0 <= time <= end:
        raise ValidationError(f"{where} is at {time:.2f} s, outside its film ({end:.2f} s long).")
    ids = _texts(item.get("principles"), f"The principles of moment {n}")
    unknown = next((p for p in ids if principles.heading(p) is None), None)
    if unknown is not None:
        raise ValidationError(f"{where} is coded with the principle “{unknown[:40]}”, which this workbook's "
                              "principles do not have; it was not read.")
    behaviours = _texts(item.get("behaviours"), f"The behaviours of moment {n}")
    turn = item.get("turn")
    if turn is not None and turn not in {t.value for t in Turn}:
        raise ValidationError(f"The turn of moment {n} is not a turn of the attuned cycle.")
    working = item.get("working_point", False)
    if not isinstance(working, bool):
        raise ValidationError(f"The working point of moment {n} must be true or false.")
    kept = tuple(b for b in behaviours if b in known)
    return CodedMoment(time, ids, kept, Turn(turn) if turn else None, working), len(behaviours) - len(kept)


def check_recording(coding: CodingFile, recording: Recording) -> None:
    """Refuse a coding file of another film in one sentence (its fingerprint or its length differ)."""
    if not recording.fingerprint or coding.fingerprint != recording.fingerprint or (
            abs(coding.duration - recording.duration) > DURATION_SLACK):
        raise ValidationError(f"This coding file is of another film, not of “{recording.title}”; choose the coding "
                              "file made for this recording.")


# --- layers ----------------------------------------------------------------------------------
def check_coder(name: object, practitioner: str) -> str:
    """A second coder's name as kept (spaces at the ends trimmed), or a plain sentence why not:
    1 to 40 visible characters, neither ``me`` nor the practitioner's own name."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError("Type the second coder's name (e.g. “Supervisor”).")
    name = check_name(name.strip(), "The coder's name", MAX_CODER_NAME)
    if name.casefold() in {ME, practitioner.strip().casefold()}:
        raise ValidationError(f"“{name}” is your own coding; give the second coder another name "
                              "(e.g. “Supervisor”).")
    return name


def put_layer(case: FilmWork, recording_id: str, coder: str, moments: Iterable[CodedMoment]) -> tuple[int, int]:
    """Make ``moments`` the layer of ``coder`` (never :data:`ME`) on the recording, replacing the one
    it had; ``(moments now in it, moments it replaced)``. Two moments on one frame are refused."""
    if coder == ME:
        raise ValidationError("A coding file goes into a second coder's layer, never into your own moments.")
    recording = case.recording(recording_id)
    replaced = case.remove_layer(recording_id, coder)
    seen: set[float] = set()
    for item in moments:
        moment = case.mark_moment(recording_id, item.time, coder)
        if moment.time in seen:
            raise ValidationError(f"The coding file has two moments at {format_time(moment.time, recording.fps)}; "
                                  "it was not read.")
        seen.add(moment.time)
        moment.principles, moment.behaviours = list(item.principles), list(item.behaviours)
        moment.turn, moment.working_point = item.turn, item.working_point
    return len(seen), replaced
