"""Fixtures several integration test files share: a module's folder for generated films, and a
case with filming consent (a file may define its own ``case_id`` where it needs another case)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import make_case
from vig_core.case.consent import ConsentKind


@pytest.fixture(scope="module")
def films(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("films")


@pytest.fixture
def case_id(store) -> str:
    case = make_case(store)
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    return case.id
