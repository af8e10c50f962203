"""Private folders and files are private however deep they are made, under the usual umask 022.
The whole workflow (films, exports, a restore) is checked in tests/integration/test_file_modes.py."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from vig_core.storage.files import new_private_file, private_folder


def not_private(root: Path) -> list[str]:
    """Each file not 0600 and each folder not 0700 under ``root`` (itself included), with its mode."""
    wrong = []
    for path in [root, *sorted(root.rglob("*"))]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode != (0o700 if path.is_dir() else 0o600):
            wrong.append(f"{oct(mode)} {path.relative_to(root)}")
    return wrong


def test_private_folders_are_made_private_however_deep(open_umask, tmp_path):
    deep = private_folder(tmp_path / "a" / "b" / "c")
    assert deep == tmp_path / "a" / "b" / "c"
    assert not_private(tmp_path / "a") == []
    with new_private_file(deep / "x.bin") as out:
        out.write(b"x")
    with pytest.raises(FileExistsError):
        new_private_file(deep / "x.bin")
    assert not_private(tmp_path / "a") == []
