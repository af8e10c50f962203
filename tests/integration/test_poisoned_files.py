"""``validate-instrument`` (a real process) refuses each poisoned definition of issue 18 in a
sentence, never a traceback. The definitions and the rest are in tests/unit/test_poisoned_files.py."""

from __future__ import annotations

import pytest

from integration.test_cli import run_cli
from unit.test_poisoned_files import POISONED


@pytest.mark.parametrize("what", list(POISONED))
def test_validate_instrument_refuses_each_poisoned_definition_in_a_sentence(data_dir, tmp_path, what):
    """Before: ``OK`` for the lone surrogate and the tiny SD, raw ``OverflowError`` and
    ``RecursionError`` tracebacks for the huge integers and the deep nesting."""
    path = tmp_path / "worse.json"
    path.write_text(POISONED[what], encoding="utf-8")
    result = run_cli("validate-instrument", str(path), data_dir=data_dir)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.returncode == 1 and result.stdout.startswith("worse.json: "), (result.stdout, result.stderr)
    assert len(result.stdout) < 400
