"""The principles of attuned interaction, loaded from an editable data file.

The six headings and their behaviours are data, not code, so a service can
word the behaviours its own way. The shipped list is ``data/principles.json``;
a practitioner's own copy named ``principles.json`` in the data folder takes
its place. A malformed file is reported with its name and the problem, and
the shipped list is used meanwhile, so micro-analysis never stops working
(the mechanism of every vocabulary, in :mod:`.definitions`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from vig_core.datafiles import check_json, read_data_file
from vig_core.errors import ValidationError
from vig_core.shipped import SHIPPED_DATA
from vig_core.vocab.definitions import OWN_PRINCIPLES, own_or_shipped

SHIPPED = SHIPPED_DATA / "principles.json"
# Marker colours on the analysis timeline, one per heading in the file's order (Okabe and Ito's
# palette, told apart with the common colour-vision deficiencies); an own file with more headings
# than colours repeats them. Uncoded moments and headings since removed are grey.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F6A00", "#000000")
UNCODED = "#8A8F98"


@dataclass(frozen=True)
class Heading:
    id: str
    title: str
    behaviours: tuple[str, ...]


@dataclass(frozen=True)
class Principles:
    headings: tuple[Heading, ...]
    source: str  # the file they came from, shown to the practitioner

    def heading(self, heading_id: str) -> Heading | None:
        return next((h for h in self.headings if h.id == heading_id), None)

    def title(self, heading_id: str) -> str:
        heading = self.heading(heading_id)
        return heading.title if heading else heading_id  # a heading since removed from the file

    def colour(self, heading_id: str | None) -> str:
        """The heading's marker colour (:data:`PALETTE` by its place in the file); grey for none."""
        index = next((n for n, h in enumerate(self.headings) if h.id == heading_id), None)
        return UNCODED if index is None else PALETTE[index % len(PALETTE)]

    def heading_of(self, behaviour: str) -> Heading | None:
        """The (first) heading listing ``behaviour``; None for a behaviour since removed from the file."""
        return next((h for h in self.headings if behaviour in h.behaviours), None)

    def behaviours_first_of(self, chosen: Iterable[str]) -> list[str]:
        """Every behaviour once: those of the ``chosen`` headings first (in that order), then the rest.

        All are always offered, so a behaviour can be picked the moment its heading is,
        before the page has caught up with that choice (or without choosing the heading first).
        """
        first = [h for h in (self.heading(c) for c in chosen) if h]
        return list(dict.fromkeys(b for h in [*first, *(h for h in self.headings if h not in first)]
                                  for b in h.behaviours))


def parse_principles(data: object, source: str) -> Principles:
    """Check the structure of a principles file; raise one plain sentence naming the problem."""

    def problem(where: str, what: str) -> ValidationError:
        return ValidationError(f"{source}: {where} {what}.")

    check_json(data, source)  # nothing a page cannot show (a broken character, deep nesting)
    if not isinstance(data, dict) or not isinstance(data.get("headings"), list) or not data["headings"]:
        raise problem("“headings”", "must be a non-empty list")
    headings, seen = [], set()
    for n, raw in enumerate(data["headings"], start=1):
        where = f"heading {n}"
        if not isinstance(raw, dict):
            raise problem(where, "must be an object with id, title and behaviours")
        heading_id, title, behaviours = raw.get("id"), raw.get("title"), raw.get("behaviours")
        if not isinstance(heading_id, str) or not heading_id.strip():
            raise problem(where, "needs an “id” (short text)")
        if heading_id in seen:
            raise problem(where, f"repeats the id “{heading_id}”")
        if not isinstance(title, str) or not title.strip():
            raise problem(where, "needs a “title”")
        if not isinstance(behaviours, list) or not all(isinstance(b, str) and b.strip() for b in behaviours):
            raise problem(where, "needs “behaviours”: a list of non-empty texts")
        seen.add(heading_id)
        headings.append(Heading(heading_id, title.strip(), tuple(b.strip() for b in behaviours)))
    return Principles(tuple(headings), source)


def read_principles(path: Path) -> Principles:
    return parse_principles(read_data_file(path), Path(path).name)


def load_principles(data_root: Path) -> tuple[Principles, str | None]:
    """The practitioner's own principles if present and valid, else the shipped ones.

    Returns the principles and a warning to show when an own file was refused.
    """
    return own_or_shipped(Path(data_root) / OWN_PRINCIPLES, SHIPPED, read_principles,
                          "Your own principles file was not used")
