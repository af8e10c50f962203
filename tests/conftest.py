"""Shared fixtures: every test gets its own empty data root."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
import streamlit as st

from vig_core.case.record import Case, new_case
from vig_core.services.demo import ensure_demo_cases
from vig_core.services.lock import OFFERED
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "vig-data"
    monkeypatch.setenv("VIG_DATA_DIR", str(root))
    st.cache_resource.clear()  # the app caches its store per process
    return root


@pytest.fixture
def store(data_dir: Path) -> CaseStore:
    return CaseStore(data_dir)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """A folder for exports (beside, never inside, the test's data folder)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


@pytest.fixture
def open_umask():
    """The umask most systems start with: new files readable by everyone, unless the workbook says otherwise."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def make_case(store: CaseStore, code: str = "FAM-01", child: str = "Ada", **kwargs) -> Case:
    return store.create(new_case(code, child, kwargs.pop("today", date(2026, 1, 5)), **kwargs))


def skip_first_start(root: Path) -> None:
    """Answer the first-start passphrase offer with "not now", as most tests are not about it."""
    SettingsStore(root).set(OFFERED, True)


class Clock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """Both demo families with their film, made once per test run; copy it with ``demo``."""
    root = tmp_path_factory.mktemp("demo") / "data"
    ensure_demo_cases(CaseStore(root))
    return root


@pytest.fixture
def demo(store: CaseStore, demo_template: Path) -> CaseStore:
    """This test's own store holding both demo cases ("demo" and "demo-ending") with their films."""
    shutil.copytree(demo_template / "cases", store.cases_dir, dirs_exist_ok=True)
    return store


# -- every data folder a vault: `VIG_TEST_VAULT=1 pytest tests/integration` ------------------------------------
# Runs the suite as it is with each data folder a store opens made a vault first (a fast Argon2id), to find
# what reads or writes a file of the data folder past the vault. Tests that look at raw files fail by design.
if os.environ.get("VIG_TEST_VAULT") == "1":
    from vig_core.storage import vault_migration, vaulting
    from vig_core.vault import keys as vault_keys

    _opened = CaseStore.__init__
    _one_vault = vault_keys.create("test passphrase", vault_keys.KdfParams(1, 8 * 1024, 1))  # one key: copies open

    def _vault_first(self, root, *args, **kwargs):
        root = Path(root)
        if not vaulting.is_vault(root) and not vaulting.vault_root(root / "cases"):
            root.mkdir(parents=True, exist_ok=True)
            header, key, _code = _one_vault
            vault_keys.write_header(vaulting.header_path(root), header)
            vaulting.hold_key(root, key)
            vault_migration.change_in_place(root, vault_migration.ENCRYPT)
        _opened(self, root, *args, **kwargs)

    CaseStore.__init__ = _vault_first
