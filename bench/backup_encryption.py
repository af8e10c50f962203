"""Backup and restore of a data folder with 1 GB of film, plain and encrypted (issue 23):
seconds and the process's peak memory growth, on a throwaway data root.

    .venv/bin/python bench/backup_encryption.py [SIZE_MB]

The film is random bytes (written once, so the disk cache is warm for both runs, as
for a practitioner's recent films); each run is one backup and one verified restore.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vig_core.services.demo import ensure_demo_cases
from vig_core.storage.backup import backup
from vig_core.storage.restore import restore
from vig_core.storage.store import CaseStore

PASS = "quiet river morning"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "data"
        store = CaseStore(root)
        case_id = ensure_demo_cases(store)
        film = root / "cases" / case_id / "recordings" / "bench" / "film.mp4"
        film.parent.mkdir(parents=True)
        with open(film, "wb") as handle:
            for _ in range(size_mb):
                handle.write(os.urandom(10**6))
        print(f"data folder: {size_mb} MB film + the demo cases; peak before: {peak_mb():.0f} MB")
        for label, secrets in (("plain", None), ("encrypted", {"passphrase": PASS})):
            out, back = Path(folder) / f"{label}.zip", Path(folder) / f"back-{label}"
            start = time.perf_counter()
            backup(root, out, secrets=secrets)
            made = time.perf_counter() - start
            after_backup = peak_mb()
            start = time.perf_counter()
            restore(out, back, secret=PASS if secrets else None)
            restored = time.perf_counter() - start
            print(f"{label:9} backup {made:5.1f} s ({size_mb / made:4.0f} MB/s), restore {restored:5.1f} s, "
                  f"file {out.stat().st_size / 1e6:,.0f} MB, peak after backup {after_backup:.0f} MB, "
                  f"after restore {peak_mb():.0f} MB")
            out.unlink()
            shutil.rmtree(back)


if __name__ == "__main__":
    main()
