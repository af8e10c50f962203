"""Every export of the demo case names each file with the case code, what it is and the date
(the naming itself is in tests/unit/test_file_names.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from unit.test_file_names import DAY
from vig_core.exports.save import Format, export


@pytest.mark.parametrize("fmt", list(Format))
def test_every_export_names_each_file_with_the_case_code_and_the_date(demo, tmp_path: Path, fmt):
    out = tmp_path / "exports"
    out.mkdir()
    paths = export(demo, "demo", fmt, out, today=DAY)
    assert paths
    for path in paths:
        assert re.fullmatch(r"DEMO-1-fictional-.+-2026-11-29\.(csv|txt|xlsx|eaf|vtt|zip)", path.name), path.name
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths)
