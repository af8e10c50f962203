"""Installation-wide settings: one small TinyDB file in the data folder (``settings.json``).

It holds what belongs to the installation rather than to a case: the passphrase's
hash and lock time, the measures in use, which case the client view shows. A change
is one locked read-modify-write of an atomically written file, as for a case.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tinydb import TinyDB

from vig_core.storage.files import DIR_MODE, plain_os_error
from vig_core.storage.jsonfiles import AtomicJSONStorage, file_lock, read_json
from vig_core.storage.layout import SETTINGS_FILE
from vig_core.storage.recovery import recover_restore


class SettingsStore:
    """Installation-wide settings (one small TinyDB file), e.g. client view state."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / SETTINGS_FILE
        try:
            recover_restore(self.path.parent)
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        except OSError as error:
            raise plain_os_error(error, "opening the data folder") from error

    def get(self, key: str, default: Any = None) -> Any:
        return (read_json(self.path) or {}).get("settings", {}).get("1", {}).get(key, default)

    def set(self, key: str, value: Any) -> None:
        with file_lock(self.path):
            db = TinyDB(self.path, storage=AtomicJSONStorage)
            table = db.table("settings")
            if table.contains(doc_id=1):
                table.update({key: value}, doc_ids=[1])
            else:
                table.insert({key: value})
