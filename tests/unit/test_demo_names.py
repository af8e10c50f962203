"""No shipped text names a demo family outside the demo itself.

A placeholder, help text, prompt or example that says "Mia" would show the demo
child's name on every real family's screen (in client view too). The names are
read from the demo files, so a demo family added or renamed later is covered.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import ROOT
from vig_core.services.demo import DEMO_FILE

TEXT_SUFFIXES = {".py", ".json", ".md", ".toml", ".txt", ".css", ".html", ".js", ".yaml", ".yml", ".cfg", ".ini"}
LEFT_OUT_DIRS = {".git", ".venv", "__pycache__", "tests", ".pytest_cache", ".hypothesis"}
DEMO_ITSELF = {DEMO_FILE.parent, ROOT / "vig_core" / "demo.py"}  # the demo's own data and the code that makes it


def demo_names() -> set[str]:
    names = set()
    for spec_file in DEMO_FILE.parent.glob("*.json"):
        spec = json.loads(spec_file.read_text(encoding="utf-8"))
        names |= {spec[field].strip() for field in ("child_first_name", "carer_name") if spec.get(field, "").strip()}
    return names


def shipped_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT)
        if (path.is_file() and path.suffix in TEXT_SUFFIXES and not set(relative.parts) & LEFT_OUT_DIRS
                and not any(path == d or d in path.parents for d in DEMO_ITSELF)):
            files.append(path)
    return files


def test_the_demo_families_have_names_to_look_for():
    assert {"Mia", "Sam", "Leo", "Alex"} <= demo_names()


def test_no_shipped_text_outside_the_demo_names_a_demo_family():
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(demo_names()))) + r")\b")
    files = shipped_files()
    assert ROOT / "pages" / "ending.py" in files and ROOT / "data" / "prompts" / "shared-review.json" in files
    found = [f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
             for path in files
             for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1)
             if pattern.search(line)]
    assert not found, "A demo family's name in shipped text:\n" + "\n".join(found)
