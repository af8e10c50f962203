"""How a case is laid out in its ``case.json``: TinyDB tables, a schema version, and the steps
that bring an older file up to date.

Why it is built like this:

* **Tables, not one document.** The case, its goals, its cycles and each of its lists
  (:data:`LIST_TABLES`) are a table each, so that the activity log can say which part
  a change touched (:func:`vig_core.case.activity.changed_parts`) by comparing tables.
* **Schema versions.** Each file records its schema version; older files are migrated
  step by step on read (and written back on the next change), newer ones are refused
  with a clear message rather than damaged.

The fields of each row come from the record codec (:mod:`.codec`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vig_core.case.record import Case
from vig_core.errors import StoreError
from vig_core.storage.codec import from_record, to_record

SCHEMA_VERSION = 5
# Raw-table migrations: MIGRATIONS[n] turns a version-n file into version n+1.
Tables = dict[str, dict[str, dict[str, Any]]]
FILM_TABLES = ("recordings", "moments", "clips")
LIST_TABLES = (*FILM_TABLES, "reflections", "administrations")  # lists of the case kept as ordered tables


def _adding_tables(*names: str) -> Callable[[Tables], Tables]:
    """A migration step that adds empty tables (an older case has none of them)."""
    return lambda tables: {**tables, **{name: tables.get(name, {}) for name in names}}


def _filling(table: str, **defaults: Any) -> Callable[[Tables], Tables]:
    """A migration step that gives every row of ``table`` the new fields ``defaults`` (kept where set)."""
    return lambda tables: {**tables, table: {key: {**defaults, **row} for key, row in tables.get(table, {}).items()}}


def _steps(*steps: Callable[[Tables], Tables]) -> Callable[[Tables], Tables]:
    def run(tables: Tables) -> Tables:
        for step in steps:
            tables = step(tables)
        return tables
    return run


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {
    1: _adding_tables(*FILM_TABLES),  # version 2: recordings, moments, clips
    2: _adding_tables("reflections"),  # version 3: the parent's words in the shared review
    3: _adding_tables("administrations"),  # version 4: questionnaires given at a time point
    # version 5: every moment so far is the practitioner's own, every recording one of the family
    4: _steps(_filling("moments", coder="me"), _filling("recordings", kind="family")),
}


def migrate(tables: Tables, source: str) -> Tables:
    """Bring raw tables up to :data:`SCHEMA_VERSION`, one step at a time."""
    version = int(tables.get("_meta", {}).get("1", {}).get("schema", 0))
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{source} was written by a newer version of the workbook; update the workbook to open it."
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise StoreError(f"{source} uses an old format (version {version}) that cannot be converted.")
        tables = step(tables)
        version += 1
    tables["_meta"] = {"1": {"schema": SCHEMA_VERSION}}
    return tables


def case_to_tables(case: Case) -> Tables:
    """Lay a case out as TinyDB tables: the case, goals, cycles, and the lists of :data:`LIST_TABLES`."""
    record = to_record(case)
    goals = record.pop("goals")
    cycles = record.pop("cycles")
    lists = {name: {str(i): {**row, "position": i} for i, row in enumerate(record.pop(name), start=1)}
             for name in LIST_TABLES}
    return {
        "_meta": {"1": {"schema": SCHEMA_VERSION}},
        "case": {"1": record},
        "goals": {str(i): {**g, "position": i} for i, g in enumerate(goals, start=1)},
        "cycles": {str(c["number"]): c for c in cycles},
        **lists,
    }


def _in_order(table: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(table.values(), key=lambda row: row.get("position", 0))


def case_from_tables(tables: Tables) -> Case:
    """The case laid out in ``tables`` (brought up to date by :func:`migrate` first)."""
    record = dict(tables["case"]["1"])
    cycles = sorted(tables.get("cycles", {}).values(), key=lambda c: c["number"])
    lists = {name: _in_order(tables.get(name, {})) for name in LIST_TABLES}
    return from_record(Case, {**record, "goals": _in_order(tables.get("goals", {})), "cycles": cycles, **lists})
