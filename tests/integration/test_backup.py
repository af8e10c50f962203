"""A backup taken while a writer changes the case holds the case whole (a writer thread).
The rest of backup and restore is in tests/unit/test_backup.py."""

from __future__ import annotations

import json
import threading
import time

from conftest import make_case
from unit.test_backup import members
from vig_core.storage.backup import backup
from vig_core.storage.schema import case_from_tables, case_to_tables, migrate
from vig_core.storage.store import CaseStore


# --- consistency and privacy ------------------------------------------------------
def test_a_backup_never_holds_a_half_changed_case(store, tmp_path, monkeypatch):
    """A writer that changes the file in place, in two steps, under the lock: only the lock keeps it whole."""
    case_id = make_case(store).id

    def slow_write(self, case):
        data = json.dumps(case_to_tables(case)).encode()
        with open(self._case_file(case.id), "wb") as handle:
            handle.write(data[: len(data) // 2])
            handle.flush()
            time.sleep(0.002)
            handle.write(data[len(data) // 2:])

    monkeypatch.setattr(CaseStore, "_write", slow_write)
    stop, edits = threading.Event(), []

    def edit() -> None:
        while not stop.is_set():
            edits.append(store.update(case_id, lambda c: setattr(c, "practitioner_notes", f"n{len(edits)}" * 2000)))

    editor = threading.Thread(target=edit)
    editor.start()
    try:
        for number in range(25):
            out = tmp_path / f"b{number}.zip"
            backup(store.root, out)
            raw = json.loads(members(out)[f"cases/{case_id}/case.json"])
            assert case_from_tables(migrate(raw, "test")).id == case_id
    finally:
        stop.set()
        editor.join()
    assert len(edits) > 5
