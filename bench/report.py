"""What every benchmark prints: one row per figure, with its target and whether it is met.

Each benchmark module has ``measure(quick: bool = False) -> list[Row]`` (``quick``
shrinks the work to a smoke run that proves the benchmark still works, not a
figure to report) and a ``main()`` that prints :func:`table` of those rows.
``bench/run_all.py`` runs them all and prints one table for BENCHMARKS.md.
"""

from __future__ import annotations

import http.client
import logging
import statistics
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    what: str
    figure: str
    target: str = ""
    met: bool | None = None  # None: no target (a figure given for context)


def p95(values: list[float]) -> float:
    """The nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(met: bool | None) -> str:
    return {True: "met", False: "**missed**", None: ""}[met]


def table(rows: list[Row]) -> str:
    """A Markdown table of ``rows``."""
    lines = ["| what | measured | target | |", "|---|---|---|---|"]
    lines += [f"| {r.what} | {r.figure} | {r.target} | {verdict(r.met)} |" for r in rows]
    return "\n".join(lines)


def quiet_streamlit() -> None:
    """Streamlit warns about a missing session on every cached call outside a server (AppTest's
    own thread included, and it resets log levels), so that one warning is filtered out."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage())


def wait_for_port(port: int, tries: int = 100) -> None:
    """Until a server on 127.0.0.1:``port`` takes connections (or ``tries`` tenths of a second have passed)."""
    for _ in range(tries):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
            return
        except OSError:
            time.sleep(0.1)
