"""Finding one item of a case by its id, with a plain message when it is gone."""

from __future__ import annotations

from vig_core.errors import NotFoundError


def by_id(items, item_id: str, kind: str):
    """The item with ``item_id``; a plain message when another window removed it."""
    for item in items:
        if item.id == item_id:
            return item
    raise NotFoundError(f"That {kind} no longer exists; it may have been changed in another window.")
