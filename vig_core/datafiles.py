"""Reading the workbook's JSON files (definitions, and every file a restore brings in) the same way.

Each file is JSON; a file that cannot be read or parsed gives one sentence
that names it, so the practitioner knows which file to mend. Parsed data must
also be something every page can show and compute with (:func:`json_problem`):
no nesting deeper than any of the workbook's own files, no number that is not
finite or absurdly large, no text that is not valid Unicode.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from vig_core.errors import StoreError, ValidationError
from vig_core.text import displayable, is_valid_unicode

MAX_DEPTH = 32  # the workbook's own files nest 8 levels at most
MAX_NUMBER = 1e15  # more than any time, size or score the workbook keeps: a number no page can use
MAX_DATA_FILE_BYTES = 1_000_000  # a definition is a few kilobytes; more is not a definition
# A JSON string, or an unterminated one to the end of the text; possessive, so that no text (an
# unterminated string of escaped quotes) makes the scan go back over itself: linear in the text.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*+(?:"|\\?\Z)', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def is_safe_id(value: object) -> bool:
    """A short id of letters, digits, - or _ (also safe as a file name)."""
    return isinstance(value, str) and 0 < len(value) <= 40 and all(ch.isalnum() or ch in "-_" for ch in value)


def nesting_depth(text: str) -> int:
    """How deeply the JSON ``text`` nests (found without parsing it, so without recursing)."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def parse_json(text: str, source: str) -> Any:
    """JSON ``text`` parsed, or one sentence naming ``source`` (nesting too deep is refused before parsing)."""
    if nesting_depth(text) > MAX_DEPTH:
        raise ValidationError(f"{source}: nested more than {MAX_DEPTH} levels deep, which no workbook file is.")
    try:
        return json.loads(text)
    except RecursionError as error:  # (nesting_depth counts what json.loads would recurse into)
        raise ValidationError(f"{source}: nested too deeply to read.") from error
    except ValueError as error:
        raise ValidationError(f"{source}: not valid JSON ({error}).") from error


def json_problem(data: Any) -> str | None:
    """What makes parsed JSON unfit for the workbook, naming where (``None`` when nothing does):
    nesting deeper than :data:`MAX_DEPTH`, a number that is not finite or beyond :data:`MAX_NUMBER`,
    or text (a value or a key) that is not valid Unicode. Iterative, so any depth is examined safely."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        at = f"“{where}”" if where else "the file"
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                return f"{at} is nested more than {MAX_DEPTH} levels deep"
            if isinstance(value, list):
                stack.extend((item, depth + 1, f"{where}[{n}]") for n, item in enumerate(value, start=1))
                continue
            for key, item in value.items():
                name = f"{where}.{displayable(str(key))}" if where else displayable(str(key))
                if not is_valid_unicode(str(key)):
                    return f"“{name}” is a name that is not valid Unicode (it holds a broken character)"
                stack.append((item, depth + 1, name))
        elif isinstance(value, str):
            if not is_valid_unicode(value):
                return f"{at} holds text that is not valid Unicode (a broken character)"
        elif isinstance(value, (int, float)) and not isinstance(value, bool) and (
                (isinstance(value, float) and not math.isfinite(value)) or abs(value) > MAX_NUMBER):
            return f"{at} holds a number that is not finite or far too large (NaN, Infinity, 1e400 ...)"
    return None


def check_json(data: Any, source: str) -> Any:
    """``data`` when :func:`json_problem` finds nothing, else one sentence naming ``source``."""
    problem = json_problem(data)
    if problem:
        raise ValidationError(f"{source}: {problem}.")
    return data


def repaired(data: Any, text: str) -> Any:
    """``data`` parsed from ``text`` with every lone surrogate shown as U+FFFD, for records made
    before they were refused (the workbook writes JSON in ASCII: only an escaped one can be there)."""
    return _displayable(data) if _ESCAPED_SURROGATE.search(text) else data


def _displayable(data: Any) -> Any:
    if isinstance(data, str):
        return displayable(data)
    if isinstance(data, list):
        return [_displayable(item) for item in data]
    if isinstance(data, dict):
        return {displayable(key): _displayable(item) for key, item in data.items()}
    return data


def _as_written(path: Path, raw: bytes) -> bytes:
    return raw


_opener: Callable[[Path, bytes], bytes] = _as_written


def set_file_opener(opener: Callable[[Path, bytes], bytes]) -> None:
    """How a data file's bytes become what was written: :mod:`vig_core.storage.vaulting` sets it when
    it is imported, so the practitioner's own definitions in a vault (sealed like every record)
    read as they were written. The hook points this way because the case layer reaches this
    module and must reach nothing that knows the disk's formats (tests/unit/test_layers.py)."""
    global _opener
    _opener = opener


def read_data_file(path: Path) -> Any:
    """A definition file's JSON, checked with :func:`json_problem`; one sentence naming it otherwise."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_DATA_FILE_BYTES:
            raise ValidationError(f"{path.name}: the file is too large ({path.stat().st_size:,} bytes; "
                                  f"the limit is {MAX_DATA_FILE_BYTES:,}).")
        text = _opener(path, path.read_bytes()).decode("utf-8")
    except (OSError, UnicodeDecodeError, StoreError) as error:
        raise ValidationError(f"{path.name}: the file could not be read.") from error
    return check_json(parse_json(text, path.name), path.name)
