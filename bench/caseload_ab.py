"""Caseload interactive in a new browser profile: this checkout against another one, in one run.

The absolute figure of ``first_view.py`` moves by ±0.2 s with the machine's load from one run to
the next, more than most changes to the caseload are worth. Here two servers, one per checkout,
each on its own copy of the same synthetic caseload, are measured turn about (the order swaps
every round), so both sides see the same load and the difference is the change's own.

    git worktree add /tmp/before <commit> && ln -s "$PWD/.venv" /tmp/before/.venv
    .venv/bin/python bench/caseload_ab.py /tmp/before --scale 10 --runs 20
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from bench.first_view import CASELOAD_READY, ROOT, VIEWPORT, new_context, rows_drawn, workbook
from bench.report import median, p95
from bench.synthetic import build
from browser.conftest import CHROMIUM, CHROMIUM_ARGS


def seconds_to_interactive(browser, base: str, expected: int) -> tuple[float, float]:
    """One new profile: (navigation to usable, DOMContentLoaded to usable), in seconds."""
    context = new_context(browser, base, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{base}/", wait_until="commit")
        ready = page.wait_for_function(CASELOAD_READY, arg=expected, polling="raf", timeout=60_000).json_value()
        loaded = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        return ready / 1000, (ready - loaded) / 1000
    finally:
        context.close()


def compare(other: Path, scale: float, runs: int) -> dict[str, list[tuple[float, float]]]:
    """Each checkout's (total, after DOMContentLoaded) times, ``runs`` each after a warm-up round."""
    checkouts = {"this checkout": ROOT, f"other ({other})": other.resolve()}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as servers, sync_playwright() as playwright:
        roots = [Path(scratch) / f"data-{n}" for n in range(len(checkouts))]
        build(roots[0], scale)
        shutil.copytree(roots[0], roots[1])
        _, expected = rows_drawn(roots[0])
        bases = {name: servers.enter_context(workbook(root, code))
                 for root, (name, code) in zip(roots, checkouts.items())}
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for round_ in range(runs + 1):
                for name in (list(bases) if round_ % 2 else list(bases)[::-1]):
                    measured = seconds_to_interactive(browser, bases[name], expected)
                    if round_:  # round 0 warms both servers
                        times[name].append(measured)
        finally:
            browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("other", type=Path, help="the other checkout (with .venv, or sharing this one's)")
    parser.add_argument("--scale", type=float, default=10, help="busy years of synthetic cases (default 10)")
    parser.add_argument("--runs", type=int, default=20, help="measured rounds, after one warm-up (default 20)")
    args = parser.parse_args()

    times = compare(args.other, args.scale, args.runs)
    print(f"Caseload interactive, new browser profile, {args.scale:g}x, {args.runs} alternating runs each")
    print("| checkout | median | p95 | after DOMContentLoaded, median |\n|---|---|---|---|")
    for name, pairs in times.items():
        total, after = [t for t, _ in pairs], [a for _, a in pairs]
        print(f"| {name} | {median(total):.2f} s | {p95(total):.2f} s | {median(after):.2f} s |")


if __name__ == "__main__":
    main()
