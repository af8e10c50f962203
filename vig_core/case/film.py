"""Recordings of a cycle and what the practitioner finds in them.

A *recording* is the film of one cycle, kept as a browser-playable copy in the
case folder. *Moments* are the times the practitioner marks while watching
(coded with principles of attuned interaction and a turn of the attuned
cycle). *Clips* are the short spans cut for the shared review; a few of them
are *chosen*, in order, for the parent to see.

Times are seconds from the start of the playable copy, kept on the frame grid
of that copy (its frame rate is constant), so "one frame on" is exact.

Every page and export calls a clip by :func:`clip_name`: its title, or for an
untitled clip where it starts ("Clip at 1:05.40"). A clip cut around a coded
moment starts with a title from that coding (:func:`title_from_coding`).

*Reflections* are what the parent says about a chosen clip in the shared
review, one per reflective prompt, kept verbatim as the parent's own words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from vig_core.case.frames import format_time, frame_index, last_frame_index
from vig_core.errors import ValidationError
from vig_core.text import MAX_NOTE_TEXT, MAX_SHORT_TEXT, MAX_TITLE_TEXT, check_text
from vig_core.vocab.principles import Principles

MAX_MOMENT_NOTE = 2_000
MIN_CLIP_SECONDS, MAX_CLIP_SECONDS = 2.0, 60.0  # services mostly use 3-10 s, never over a minute
DEFAULT_CHOSEN_CLIPS = 3


class Turn(StrEnum):
    """A turn of the attuned cycle: initiative, reception or response, by child or adult."""

    CHILD_INITIATIVE = "child: initiative"
    ADULT_RECEPTION = "adult: reception"
    ADULT_RESPONSE = "adult: response"
    CHILD_RECEPTION = "child: reception"
    CHILD_RESPONSE = "child: response"
    ADULT_INITIATIVE = "adult: initiative"


MAX_FINGERPRINT = MAX_SHORT_TEXT  # a size and a hash, made by the workbook
ME = "me"  # the coder of the practitioner's own moments (Settings gives it a name to show)
MAX_CODER_NAME = 40  # a coder's name as typed ("Supervisor", a first name; see case.coding.check_coder)


class RecordingKind(StrEnum):
    """Whom a recording films: the family (parent/carer and child), or the shared review itself
    (the practitioner and the parent), brought to supervision for the guider's own attunement."""

    FAMILY = "family"
    SHARED_REVIEW = "shared_review"


@dataclass
class Recording:
    id: str
    cycle: int
    title: str  # the practitioner's name for it; the file name by default
    original_name: str
    imported_at: datetime
    playable: str  # path of the browser-playable MP4, relative to the case folder
    duration: float
    fps: float  # of the playable copy (constant unless it was only remuxed)
    width: int
    height: int
    has_audio: bool
    how: str = ""  # e.g. "converted for the browser: hevc video, turned 90°"
    original: str | None = None  # relative path of the kept original, if kept
    filmed_on: date | None = None  # the day it was filmed, when the file says (its creation time)
    fingerprint: str = ""  # of the imported file (size and hash of its ends), to notice the same file again
    kind: RecordingKind = RecordingKind.FAMILY
    video_codec: str = "h264"  # of the playable copy: "hevc" when a phone's picture was kept (older records: h264)
    import_seconds: float = 0.0  # how long making the playable copy took (0: not noted)

    def validate(self) -> None:
        check_text(self.title, "The recording's title", MAX_TITLE_TEXT, required=True)
        check_text(self.fingerprint, "The recording's fingerprint", MAX_FINGERPRINT)

    @property
    def kept_hevc(self) -> bool:
        """Its playable copy is the phone's own HEVC picture: only browsers that play HEVC show it."""
        return self.video_codec == "hevc"

    @property
    def frame(self) -> float:
        return 1.0 / self.fps if self.fps > 0 else 0.04


@dataclass
class Moment:
    id: str
    recording_id: str
    time: float
    principles: list[str] = field(default_factory=list)  # heading ids from the principles file
    behaviours: list[str] = field(default_factory=list)  # behaviour texts under those headings
    turn: Turn | None = None
    note: str = ""
    working_point: bool = False  # a moment to develop, once strengths are established
    coder: str = ME  # whose coding: the practitioner's own (ME), or a second coder's layer (supervision)

    def see_behaviours(self, behaviours: list[str], principles: Principles) -> None:
        """Keep ``behaviours`` as what was seen; a behaviour under a principle not chosen yet
        brings that principle in (a principle is never dropped here)."""
        self.behaviours = list(behaviours)
        for behaviour in behaviours:
            heading = principles.heading_of(behaviour)
            if heading and heading.id not in self.principles:
                self.principles.append(heading.id)

    def set_principles(self, principles: list[str]) -> None:
        """The principles (heading ids) the moment shows; the behaviours seen are kept as they are."""
        self.principles = list(principles)

    def set_turn(self, turn: Turn | None) -> None:
        """Its turn in the attuned cycle, or None when not coded."""
        self.turn = Turn(turn) if turn else None

    def set_working_point(self, working_point: bool) -> None:
        self.working_point = working_point

    def validate(self) -> None:
        check_text(self.note, "The moment's note", MAX_MOMENT_NOTE)
        check_text(self.coder, "The coder's name", MAX_CODER_NAME, required=True)
        if self.time < 0:
            raise ValidationError("A moment cannot be before the start of the film.")


@dataclass
class Clip:
    id: str
    recording_id: str
    start: float
    end: float
    title: str = ""
    moment_id: str | None = None  # the moment it was cut around, if any
    chosen: int | None = None  # its place (1, 2, ...) among the cycle's clips for the shared review
    exported: str | None = None  # relative path of the exported clip file, if made
    naming: str = ""  # the practitioner's positive naming of what the clip shows; the parent may see it
    private_note: str = ""  # the practitioner's own note on the clip: never shown in client view
    strengths_caption: str = ""  # caption for the strengths record; empty means the automatic one

    @property
    def duration(self) -> float:
        return self.end - self.start

    def set_strengths_caption(self, caption: str | None) -> None:
        """The caption of this clip's still in the strengths record; empty means the automatic one."""
        self.strengths_caption = caption or ""

    def validate(self) -> None:
        check_text(self.title, "The clip's title", MAX_TITLE_TEXT)
        check_text(self.naming, "The positive naming", MAX_MOMENT_NOTE)
        check_text(self.private_note, "The practitioner's note", MAX_NOTE_TEXT)
        check_text(self.strengths_caption, "The caption", MAX_MOMENT_NOTE)
        if self.start < 0:
            raise ValidationError("A clip cannot start before the film does.")
        if self.end <= self.start:
            raise ValidationError("A clip must end after it starts; check the in and out points.")

    def guidance(self) -> str | None:
        """A gentle word when the length is unusual for a shared-review clip, else ``None``."""
        if self.duration < MIN_CLIP_SECONDS:
            return (
                f"This clip is {self.duration:.1f} s long: shorter than {MIN_CLIP_SECONDS:.0f} s "
                "is hard to take in; consider widening it."
            )
        if self.duration > MAX_CLIP_SECONDS:
            return (
                f"This clip is {self.duration:.0f} s long: over a minute is a lot to talk through; "
                "most clips are a few seconds."
            )
        return None


@dataclass
class Reflection:
    """The parent's own words about one clip, in answer to one reflective prompt.

    The prompt's text is kept as it was asked: a prompt set edited later must
    not change what the parent was answering.
    """

    id: str
    clip_id: str
    prompt_id: str
    prompt: str
    words: str  # verbatim, as the parent said them
    said_on: date

    def validate(self) -> None:
        check_text(self.words, "The parent's words", MAX_NOTE_TEXT, required=True)


def on_frame(recording: Recording, seconds: float, *, out_point: bool = False) -> float:
    """``seconds`` moved to the start of the frame shown then, kept inside the film.

    An out point may sit at the very end of the film (after its last frame).
    """
    fps = 1.0 / recording.frame
    last = last_frame_index(recording.duration, fps)
    index = frame_index(max(0.0, min(seconds, recording.duration)), fps)
    return round(min(index, last + 1 if out_point else last) / fps, 6)


def clip_name(clip: Clip, recording: Recording) -> str:
    """What a clip is called everywhere (pages, title cards, file names, exports):
    its title, or "Clip at 1:05.40" (where it starts, as times are shown) when it has none."""
    return clip.title.strip() or f"Clip at {format_time(clip.start, recording.fps)}"


def title_from_coding(moment: Moment, principles: Principles) -> str:
    """A first title for a clip cut around ``moment``, from its coding: the first principle
    and the first behaviour seen under it ("Encouraging initiatives: waiting"), the
    principle alone, or the first behaviour alone; "" for a moment not coded yet.

    Only the principles' own words, never the note: the parent reads titles, and a note
    is the practitioner's own (and may name people)."""
    heading = next((principles.heading(p) for p in moment.principles if principles.heading(p)), None)
    seen = [b for b in moment.behaviours if heading is None or b in heading.behaviours]
    if not seen:
        return heading.title if heading else ""
    behaviour = seen[0]
    if heading is None:
        return behaviour[:MAX_TITLE_TEXT]
    if behaviour[1:2].islower():  # "Waiting" reads "waiting" after a colon; "I", "OK" stay as they are
        behaviour = behaviour[0].lower() + behaviour[1:]
    return f"{heading.title}: {behaviour}"[:MAX_TITLE_TEXT]
