"""Every benchmark of BENCHMARKS.md, one after another, as one Markdown table with the date,
the machine and the commit, ready to paste.

    python3 dev.py bench                 # sets up, then runs this (about 20 minutes on 2 cores)
    python3 dev.py bench --quick         # small sizes: proves every benchmark runs (a few minutes)
    python3 dev.py bench --only scale    # one of: scale, memory, media, hevc, first-view, listening, analysis,
                                         # upload, vault, vault-workflow

Run it on an otherwise idle machine: the import and export figures are ratios against bare
ffmpeg in the same run, but page times and first views are wall-clock times.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import analysis_page  # noqa: E402
import first_view  # noqa: E402
import hevc_import  # noqa: E402
import listening  # noqa: E402
import media_memory  # noqa: E402
import media_speed  # noqa: E402
import scale  # noqa: E402
import upload  # noqa: E402
import vault  # noqa: E402
import vault_workflow  # noqa: E402
from report import Row, table  # noqa: E402

from vig_core.media.ffmpeg import ffmpeg_exe  # noqa: E402

BENCHES = {"scale": scale, "memory": media_memory, "media": media_speed, "first-view": first_view,
           "hevc": hevc_import, "listening": listening, "analysis": analysis_page, "upload": upload,
           "vault": vault, "vault-workflow": vault_workflow}


def machine() -> str:
    """CPU, cores, memory, OS, Python and ffmpeg, for the figures' context."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    memory = next((int(line.split()[1]) // 1024 ** 2 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    ffmpeg = subprocess.run([ffmpeg_exe(), "-version"], capture_output=True, text=True).stdout.split("\n")[0]
    return (f"{cpu}, {os.cpu_count()} cores, {memory} GB RAM; {platform.platform()}; "
            f"Python {platform.python_version()}; {' '.join(ffmpeg.split()[:3])}")


def commit() -> str:
    found = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return found.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes: proves every benchmark runs")
    parser.add_argument("--only", choices=list(BENCHES), action="append", help="run only these (repeatable)")
    args = parser.parse_args()
    rows: list[Row] = []
    started = time.perf_counter()
    for name, bench in BENCHES.items():
        if args.only and name not in args.only:
            continue
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        begun = time.perf_counter()
        rows += bench.measure(quick=args.quick)
        print(f"[bench] {name} took {time.perf_counter() - begun:.0f} s", file=sys.stderr, flush=True)
    print(f"\nRun on {datetime.now():%Y-%m-%d %H:%M} at commit {commit()}"
          f"{' (QUICK: sizes too small to report)' if args.quick else ''}, "
          f"in {(time.perf_counter() - started) / 60:.0f} min.\n\nMachine: {machine()}\n")
    print(table(rows))
    missed = [r.what for r in rows if r.met is False]
    print(f"\n{len(missed)} target(s) missed." if missed else "\nEvery target met.")


if __name__ == "__main__":
    main()
