"""The free-text parts of a case, each read and written by name.

A text box on screen saves itself while the practitioner types (see
``vig_core.ui.autosave``). To tell a change made in another tab from its own, a
box must read the text as it is stored *now* as well as write it, so each
piece of text is a :class:`TextField`: a pair of named functions over a case.
Pages ask for ``text_fields.goal_text(goal.id)``; none of them names a
dataclass attribute as a string. Pure: no disk, no Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from vig_core.case.conversation import CONVERSATION_FIELDS, ENDING_FIELDS
from vig_core.case.record import Case
from vig_core.case.review import record_words, words_by_prompt
from vig_core.text import MAX_SHORT_TEXT, check_name
from vig_core.vocab.prompts import Prompt


@dataclass(frozen=True)
class TextField:
    read: Callable[[Case], str]
    write: Callable[[Case, str], None]


def _attribute(owner: Callable[[Case], object], name: str, *, strip: bool = False) -> TextField:
    def write(case: Case, text: str) -> None:
        setattr(owner(case), name, text.strip() if strip else text)

    return TextField(read=lambda case: getattr(owner(case), name), write=write)


def conversation(name: str) -> TextField:
    if name not in CONVERSATION_FIELDS:
        raise KeyError(name)
    return _attribute(lambda c: c.conversation, name)


def ending(name: str) -> TextField:
    if name not in ENDING_FIELDS and name != "practitioner_notes":
        raise KeyError(name)
    return _attribute(lambda c: c.ending, name)


def practitioner_notes() -> TextField:
    return _attribute(lambda c: c, "practitioner_notes")


def consent_notes() -> TextField:
    return _attribute(lambda c: c.consent, "notes")


def _name(name: str, label: str) -> TextField:
    """A code or name of the case: one line, stripped, and nothing invisible in it (see ``check_name``).
    Only a new value is checked, so a record made before the check still opens and saves."""
    kept = _attribute(lambda c: c, name, strip=True)

    def write(case: Case, text: str) -> None:
        if text.strip() != kept.read(case):
            check_name(text.strip(), label, MAX_SHORT_TEXT)
        kept.write(case, text)

    return TextField(read=kept.read, write=write)


def case_code() -> TextField:
    return _name("code", "The case code")


def child_first_name() -> TextField:
    return _name("child_first_name", "The child's first name")


def carer_name() -> TextField:
    return _name("carer_name", "The parent or carer's name")


def goal_text(goal_id: str) -> TextField:
    return _attribute(lambda c: c.goal(goal_id), "text")


def recording_title(recording_id: str) -> TextField:
    return _attribute(lambda c: c.recording(recording_id), "title")


def moment_note(moment_id: str) -> TextField:
    return _attribute(lambda c: c.moment(moment_id), "note")


def clip_title(clip_id: str) -> TextField:
    return _attribute(lambda c: c.clip(clip_id), "title")


def clip_naming(clip_id: str) -> TextField:
    return _attribute(lambda c: c.clip(clip_id), "naming")


def clip_private_note(clip_id: str) -> TextField:
    return _attribute(lambda c: c.clip(clip_id), "private_note")


CYCLE_TEXTS = ("film_next", "review_notes", "own_reflection")


def cycle_text(number: int, name: str) -> TextField:
    if name not in CYCLE_TEXTS:
        raise KeyError(name)
    return _attribute(lambda c: c.cycle(number), name)


def parent_words(clip_id: str, prompt: Prompt, today: date) -> TextField:
    """The parent's words about a clip for one question (kept verbatim, dated when said)."""

    def read(case: Case) -> str:
        said = words_by_prompt(case, clip_id).get(prompt.id)
        return said.words if said else ""

    return TextField(read=read, write=lambda case, text: record_words(case, clip_id, prompt, text, today))


SAME, SAVE, CONFLICT = "same", "save", "conflict"


def merge_typed(base: str, current: str, typed: str) -> str:
    """What to do with ``typed``, written over ``base`` while the store now holds ``current``.

    ``SAVE`` when nobody else changed the text meanwhile; ``SAME`` when the store
    already holds it; ``CONFLICT`` when another tab or window changed it since this
    box last showed it: the typed text must then neither win silently nor be lost.
    """
    if typed == current:
        return SAME
    return SAVE if current == base else CONFLICT
