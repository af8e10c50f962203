"""Turn domain dataclasses into JSON-ready dicts and back.

One generic converter instead of a hand-written ``to_dict``/``from_dict`` per
class: adding a field to a dataclass is then all it takes to store it. Dates
are ISO strings, enums their values. Keys a newer version wrote are ignored and
missing keys take the field's default, so old and new files both load.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_record(value: Any) -> Any:
    """Return ``value`` as plain JSON types (dict, list, str, int, float, bool, None)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_record(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [to_record(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_record(v) for k, v in value.items()}
    return value


def from_record(cls: type[T], data: Any) -> T:
    """Build an instance of ``cls`` (a dataclass or any annotated type) from ``data``."""
    return _converter(cls)(data)


def _same(data: Any) -> Any:
    return data


@cache
def _converter(tp: Any) -> Callable[[Any], Any]:
    """The function that turns stored data into a ``tp``, built once per type.

    Working the type hints out afresh for every value made reading a big case
    slow (a caseload of 200 cases spent 90 % of its time here); now the hints
    are read once and reading is plain calls.
    """
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = _converter(next(a for a in typing.get_args(tp) if a is not type(None)))
        return lambda data: None if data is None else inner(data)
    if origin is list:
        item = _converter(typing.get_args(tp)[0])
        return lambda data: None if data is None else [item(v) for v in data]
    if origin is dict:
        item = _converter(typing.get_args(tp)[1])
        return lambda data: None if data is None else {k: item(v) for k, v in data.items()}
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        fields = [(f.name, _converter(hints[f.name])) for f in dataclasses.fields(tp) if f.init]

        def build(data: Any) -> Any:
            if data is None:
                return None
            return tp(**{name: convert(data[name]) for name, convert in fields if name in data})
        return build
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda data: None if data is None else tp(data)
    if tp is datetime:
        return lambda data: None if data is None else datetime.fromisoformat(data)
    if tp is date:
        return lambda data: None if data is None else date.fromisoformat(data)
    return _same
