"""Figures for the data-protection work: passphrase hashing, a store write with its
activity line, backup, verified restore, a family's copy and erasing films, on a
throwaway data root holding both demo cases.

    .venv/bin/python bench/protection.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vig_core.exports.bundle import export_case_bundle
from vig_core.services import lock
from vig_core.services.demo import ensure_demo_cases
from vig_core.services.erasure import erase_films
from vig_core.storage.backup import backup
from vig_core.storage.restore import restore
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore

PASS = "quiet river morning"


def ms(work: Callable[[], object], times: int = 1) -> list[float]:
    taken = []
    for _ in range(times):
        start = time.perf_counter()
        work()
        taken.append((time.perf_counter() - start) * 1000)
    return sorted(taken)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        settings = SettingsStore(root)
        lock.set_passphrase(settings, PASS, PASS)
        unlocks = ms(lambda: lock.matches(settings, PASS), 10)
        rows = [("Argon2id verify (an unlock)", f"{statistics.median(unlocks):.0f} ms")]
        store = CaseStore(root)
        ensure_demo_cases(store)
        counter = iter(range(10**6))
        writes = ms(lambda: store.update("demo", lambda c: setattr(c, "practitioner_notes", f"{next(counter)}")), 200)
        rows.append(("store write + activity line (200)", f"median {statistics.median(writes):.1f} ms, "
                                                           f"p95 {writes[189]:.1f} ms"))
        out = Path(folder) / "backup.zip"
        rows.append(("backup, both demo cases with films", f"{ms(lambda: backup(root, out))[0]:.0f} ms, "
                                                            f"{out.stat().st_size / 1e6:.1f} MB"))
        rows.append(("verified restore", f"{ms(lambda: restore(out, Path(folder) / 'restored'))[0]:.0f} ms"))
        bundle = Path(folder) / "family.zip"
        rows.append(("DEMO-2 family copy with film",
                     f"{ms(lambda: export_case_bundle(store, 'demo-ending', bundle))[0]:.0f} ms, "
                     f"{bundle.stat().st_size / 1e6:.1f} MB"))
        erased = ms(lambda: erase_films(store, "demo-ending", date.today()))[0]
        rows.append(("erase DEMO-2's films", f"{erased:.0f} ms"))
    width = max(len(name) for name, _ in rows)
    for name, figure in rows:
        print(f"{name:<{width}}  {figure}")


if __name__ == "__main__":
    main()
