"""The training record in the data folder: a backup holds it (and an own requirements file), a
restore brings both back and refuses a damaged record, and erasing a case leaves its code in past
supervision sessions exactly as typed and nothing else of the family."""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date

import pytest

from conftest import make_case
from vig_core.errors import ValidationError
from vig_core.services.erasure import erase_case
from vig_core.storage.backup import MANIFEST, backup
from vig_core.storage.restore import restore
from vig_core.storage.training import load_training, save_own_requirements, training_path, update_training
from vig_core.vocab.training_requirements import OWN_REQUIREMENTS, load_requirements

TODAY = date(2026, 6, 1)
OWN = {"source": "My course", "stages": [{"stage": 1, "cycles": 4, "new_clients": 1, "supervision_hours": 5}]}


def fill_training(root) -> None:
    update_training(root, lambda r: r.set_stage(2, date(2026, 1, 1), TODAY))
    update_training(root, lambda r: r.add_session(date(2026, 5, 1), "Dr Ann Lee", 90, "FAM-01, FAM-02", "Notes",
                                                  TODAY))
    update_training(root, lambda r: r.set_reflection(2, "Waiting longer."))
    save_own_requirements(root, json.dumps(OWN).encode(), "course.json")


def test_a_backup_holds_the_training_record_and_a_restore_brings_it_back(store, tmp_path):
    make_case(store)
    fill_training(store.root)
    out = tmp_path / "backup.zip"
    backup(store.root, out, media=False)
    with zipfile.ZipFile(out) as archive:
        assert {"training.json", OWN_REQUIREMENTS} <= set(archive.namelist())
    target = tmp_path / "restored"
    restore(out, target)
    assert load_training(target) == load_training(store.root)
    assert training_path(target).read_bytes() == training_path(store.root).read_bytes()
    assert load_requirements(target)[0].source == "My course"


def test_a_backup_with_a_damaged_training_record_is_refused_and_nothing_changes(store, tmp_path):
    fill_training(store.root)
    out = tmp_path / "backup.zip"
    backup(store.root, out, media=False)
    with zipfile.ZipFile(out) as archive:
        files = {n: archive.read(n) for n in archive.namelist() if n != MANIFEST}
        manifest = json.loads(archive.read(MANIFEST))
    files["training.json"] = b'{"stage": 1, "sessions": [{"id": "a", "on": "2026-01-01", "supervisor": "", ' \
                             b'"minutes": 60}]}'
    manifest["files"] = [{"path": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()}
                         for n, d in files.items()]
    poisoned = tmp_path / "poisoned.zip"
    with zipfile.ZipFile(poisoned, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(MANIFEST, json.dumps(manifest))
    target = tmp_path / "restored"
    with pytest.raises(ValidationError, match="training.json"):
        restore(poisoned, target)
    assert not target.exists()


def test_erasing_a_case_leaves_its_code_in_past_sessions_as_typed(store, tmp_path):
    case = make_case(store, "FAM-01", "Ada", carer_name="Jo Patel")
    fill_training(store.root)
    before = training_path(store.root).read_bytes()
    erase_case(store, case.id, TODAY)
    assert not store.exists(case.id)
    assert training_path(store.root).read_bytes() == before
    assert load_training(store.root).sessions[0].case_codes == ("FAM-01", "FAM-02")
    assert b"Ada" not in before and b"Patel" not in before
