"""Errors the practitioner may see.

Every message is one plain-language sentence meant for a person, not a
developer: pages show ``str(error)`` as it is, and nothing else of a failure
reaches the screen.
"""


class VigError(Exception):
    """Base class of every error whose message is safe and useful to show."""


class ValidationError(VigError):
    """Input that breaks a rule of the domain (empty, too long, out of range)."""


class StoreError(VigError):
    """The data folder could not be read or written (disk full, damaged file)."""


class NotFoundError(VigError):
    """A case, goal or cycle that does not exist (any more)."""


class LockedError(VigError):
    """A change asked for while the workbook is locked (a tab that has not caught up with the lock)."""


class Cancelled(Exception):  # noqa: N818 - what happened, as the page says it
    """Raised by a cancelled job's progress report (see :mod:`vig_core.services.jobs`), to stop its work there."""
