"""How well and how fast the workbook listens for serve-and-return moments.

Films with a known conversation (``tests/conversation_films.py``: espeak-ng voices moved by
sox to a child, a mother or a father, with unanswered child turns, monologues, knocks and a
noise floor) are heard by :func:`vig_core.media.listening.listen`:

1. Accuracy on a mother–child and a father–child film: the recall of the answered episodes and
   the precision of the suggestions (a suggestion counts when it overlaps an episode), and how
   many unanswered child turns were suggested (target 0).
2. Speed and memory on a longer film: the listening time as a share of the film's length, and
   the growth of this process's resident memory while it listens (sampled every 50 ms, over
   the memory after a warm-up listen of a short film, so the models' loading is not counted).

Run on the 2-core machine, pinned to its two cores:

    taskset -c 0,1 .venv/bin/python bench/listening.py [--quick] [--minutes 10] [--long-minutes 20]

The films are made once into ``--films`` (default: a temp folder, made anew each run).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from report import Row, table  # noqa: E402

from conversation_films import make_film, score, tools_missing  # noqa: E402
from vig_core.case.episodes import suggestions  # noqa: E402
from vig_core.media.listening import listen  # noqa: E402

RECALL_TARGET, PRECISION_TARGET = 0.85, 0.75
SPEED_TARGET = 0.05  # of the film's length
MEMORY_TARGET_MB = 200


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class PeakMemory:
    """This process's highest RSS while in the ``with`` block, sampled every 50 ms on a thread."""

    def __init__(self) -> None:
        self.peak, self._stop = rss_mb(), threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())


def accuracy_rows(folder: Path, minutes: float) -> list[Row]:
    rows = []
    for adult in ("mother", "father"):
        film = make_film(folder, adult, minutes=minutes, seed=7)
        found = suggestions(listen(film.path))
        recall, precision, wrongly = score([(s.start, s.end) for s in found], film)
        what = f"{adult.capitalize()}–child film, {minutes:g} min ({len(film.episodes)} answered episodes, " \
               f"{len(film.unanswered)} unanswered child turns)"
        rows += [Row(f"{what}: recall of answered episodes", f"{recall:.2f}", f"≥ {RECALL_TARGET}",
                     recall >= RECALL_TARGET),
                 Row(f"{what}: precision of suggestions", f"{precision:.2f} ({len(found)} suggested)",
                     f"≥ {PRECISION_TARGET}", precision >= PRECISION_TARGET),
                 Row(f"{what}: unanswered child turns suggested", str(wrongly), "0", wrongly == 0)]
    return rows


def speed_rows(folder: Path, minutes: float) -> list[Row]:
    warm = make_film(folder, "mother", minutes=1.0, seed=3)
    film = make_film(folder, "father", minutes=minutes, seed=11)
    listen(warm.path)  # loads the speech model and Praat, as a running workbook has done already
    before = rss_mb()
    with PeakMemory() as memory:
        started = time.perf_counter()
        heard = listen(film.path)
        took = time.perf_counter() - started
    share = took / film.duration
    growth = memory.peak - before
    return [Row(f"Listening to a {minutes:g}-min film (2 cores)",
                f"{took:.1f} s = {100 * share:.1f} % of its length ({len(heard.stretches)} stretches of speech)",
                f"≤ {100 * SPEED_TARGET:.0f} %", share <= SPEED_TARGET),
            Row(f"Memory growth while listening to the {minutes:g}-min film",
                f"+{growth:.0f} MB (before {before:.0f}, peak {memory.peak:.0f})", f"under {MEMORY_TARGET_MB} MB",
                growth < MEMORY_TARGET_MB)]


def measure(quick: bool = False, minutes: float = 10, long_minutes: float = 20, films: Path | None = None) -> list[Row]:
    if tools_missing():
        raise SystemExit(f"bench/listening.py needs Debian's {' and '.join(tools_missing())} "
                         "(python3 dev.py bench installs them)")
    if quick:
        minutes, long_minutes = 1.0, 1.0
    with tempfile.TemporaryDirectory(prefix="vig-listening-") as scratch:
        folder = Path(films) if films else Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        return accuracy_rows(folder, minutes) + speed_rows(folder, long_minutes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1-minute films: a smoke run")
    parser.add_argument("--minutes", type=float, default=10, help="length of the accuracy films (default 10)")
    parser.add_argument("--long-minutes", type=float, default=20, help="length of the speed film (default 20)")
    parser.add_argument("--films", type=Path, help="a folder to keep the films in between runs")
    args = parser.parse_args()
    print(table(measure(args.quick, args.minutes, args.long_minutes, args.films)))


if __name__ == "__main__":
    main()
