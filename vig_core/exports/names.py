"""Replacing the family's names by the case code before anything leaves the workbook.

Exports go to supervisors, researchers and other tools, so by default they
carry the case code, not the family's names. Rather than each exporter
remembering which fields might hold a name, :func:`pseudonymised` returns a copy
of the whole case with every piece of text rewritten: the child's first name
becomes ``[CODE child]`` and the parent's or carer's name (whole, and each part
of it) ``[CODE parent]``, as whole words and in any letter case. Exporters then
work on that copy and cannot leak a name from a field they forgot.

This catches the names the case records, not nicknames, siblings or a name
spoken in a film: the exports say so where they are made.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable
from enum import Enum

from vig_core.case.record import Case

# Fields that hold identifiers or file paths, never typed text: left exactly as they are.
NOT_TEXT = {"id", "playable", "original", "exported", "principles", "chosen_quotes", "answers"}
MIN_NAME_PART = 2  # a one-letter initial would replace every "a" and "I"


def name_replacer(case: Case) -> Callable[[str], str]:
    """A function rewriting a text with the family's names replaced (identity when no names are known)."""
    child = f"[{case.code} child]"
    parent = f"[{case.code} parent]"
    names: dict[str, str] = {}
    carer = case.carer_name.strip()
    for part in [carer, *carer.split()]:
        if len(part) >= MIN_NAME_PART:
            names.setdefault(part.casefold(), parent)
    first = case.child_first_name.strip()
    for part in [first, *first.split()]:
        if len(part) >= MIN_NAME_PART:
            names[part.casefold()] = child  # a child and parent sharing a name: the child's reading wins
    if not names:
        return lambda text: text
    # Longest first, so "Jo Patel" is replaced whole before "Jo".
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                         + r")(?!\w)", re.IGNORECASE)
    return lambda text: pattern.sub(lambda match: names[match.group(0).casefold()], text)


def name_restorer(case: Case) -> Callable[[str], str]:
    """The way back for text coming home (coding done in ELAN on an anonymised export): the
    placeholders of this case become the family's names again."""
    back = {f"[{case.code} child]": case.child_first_name.strip(), f"[{case.code} parent]": case.carer_name.strip()}
    back = {mark: name for mark, name in back.items() if name}
    if not back:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(mark) for mark in back))
    return lambda text: pattern.sub(lambda match: back[match.group(0)], text)


def names_in(case: Case, text: str) -> bool:
    """Whether ``text`` holds one of the family's names (e.g. a case code chosen as a nickname)."""
    return name_replacer(case)(text) != text


def pseudonymised(case: Case) -> Case:
    """A deep copy of ``case`` with the family's names replaced in every text (see module notes)."""
    replace = name_replacer(case)
    twin = copy.deepcopy(case)
    _rewrite(twin, replace)
    twin.child_first_name = f"[{case.code} child]"
    twin.carer_name = f"[{case.code} parent]" if case.carer_name.strip() else ""
    return twin


def _rewrite(item: object, replace: Callable[[str], str]) -> None:
    for field in dataclasses.fields(item):
        if field.name in NOT_TEXT or field.name.endswith("_id"):
            continue
        value = getattr(item, field.name)
        setattr(item, field.name, _rewritten(value, replace))


def _rewritten(value: object, replace: Callable[[str], str]) -> object:
    if isinstance(value, Enum):
        return value
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        return [_rewritten(v, replace) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        _rewrite(value, replace)
    return value
