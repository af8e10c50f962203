"""Identifiers and the checks every piece of typed-in text goes through."""

from __future__ import annotations

import secrets

from .errors import ValidationError

MAX_SHORT_TEXT = 80  # codes and first names: one line on the caseload
MAX_TITLE_TEXT = 120  # a clip or recording title
MAX_GOAL_TEXT = 500  # a goal is a sentence or two, in the parent's words
MAX_NOTE_TEXT = 50_000  # a long conversation note; larger is almost surely a paste by mistake


def new_id() -> str:
    """An opaque, unguessable identifier (also used in URLs, so never a name)."""
    return secrets.token_hex(6)


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
    return value
