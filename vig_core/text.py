"""Identifiers and the checks every piece of typed-in text goes through."""

from __future__ import annotations

import re
import secrets
import unicodedata

from vig_core.errors import ValidationError

MAX_SHORT_TEXT = 80  # codes and first names: one line on the caseload
MAX_TITLE_TEXT = 120  # a clip or recording title
MAX_GOAL_TEXT = 500  # a goal is a sentence or two, in the parent's words
MAX_NOTE_TEXT = 50_000  # a long conversation note; larger is almost surely a paste by mistake

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# Characters that cannot be seen or that change how the text around them is shown: controls
# (NUL, TAB, ...), format characters (bidi overrides and isolates, zero-width spaces and joiners,
# soft hyphens, byte-order marks) and line or paragraph separators.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


def new_id() -> str:
    """An opaque, unguessable identifier (also used in URLs, so never a name)."""
    return secrets.token_hex(6)


def is_valid_unicode(text: str) -> bool:
    """Whether ``text`` holds only whole characters: no lone half of a surrogate pair, which
    a file or a paste can carry but no page, file or browser can show or store as text."""
    return _LONE_SURROGATE.search(text) is None


def displayable(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD (�), which shows where it was."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def check_text(value: object, label: str, max_len: int, *, required: bool = False) -> str:
    """Return ``value`` unchanged if it is acceptable text, else raise a plain message.

    Text is stored verbatim (the parent's own words matter), so nothing is
    stripped here except by callers for one-line fields.
    """
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.")
    if required and not value.strip():
        raise ValidationError(f"{label} cannot be empty.")
    if len(value) > max_len:
        raise ValidationError(
            f"{label} is too long ({len(value):,} characters); the limit is {max_len:,}."
        )
    if not is_valid_unicode(value):
        raise ValidationError(f"{label} holds a broken character (half of one, often from a paste) "
                              "that cannot be kept; please type that part again.")
    return value


def check_name(value: object, label: str, max_len: int = MAX_SHORT_TEXT, *, required: bool = False) -> str:
    """:func:`check_text` for a code or a name, which also refuses what cannot be seen (tabs,
    NUL, right-to-left overrides, zero-width spaces): two codes must never look the same."""
    check_text(value, label, max_len, required=required)
    hidden = next((ch for ch in value if unicodedata.category(ch) in _INVISIBLE_CATEGORIES), None)
    if hidden is not None:
        name = unicodedata.name(hidden, "").lower() or f"control character U+{ord(hidden):04X}"
        raise ValidationError(f"{label} holds an invisible or control character ({name}); "
                              "please use only letters, digits, spaces and punctuation.")
    return value


def code_key(code: str) -> str:
    """A case code as codes are told apart: case, width and composed or decomposed accents ignored."""
    return unicodedata.normalize("NFKC", code).strip().casefold()
