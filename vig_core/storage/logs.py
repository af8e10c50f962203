"""The data folder's logs: the deletion log and each case's activity log, one JSON object a line.

A log only grows, one fsynced line at a time, so a crash can cut at most its last
line short: that line is ended before the next is added (it cannot swallow it) and
skipped when the log is read (the others still count). An erasure finished after a
crash adds its line once (:func:`append_once`), however often the finishing began.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from vig_core.datafiles import repaired
from vig_core.storage import vaulting
from vig_core.storage.files import FILE_MODE, plain_os_error
from vig_core.storage.jsonfiles import file_lock


def append_line(path: Path, entry: dict[str, str], doing: str) -> None:
    """Append one JSON line to ``path`` (private, fsynced). A line a crash cut short
    is ended first, so it cannot swallow this one."""
    line = vaulting.log_line_to_write(path, json.dumps(entry, ensure_ascii=True, separators=(",", ":")).encode("ascii"))
    line += b"\n"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as error:
        raise plain_os_error(error, doing or "writing a log") from error


def log_size(path: Path) -> int:
    """Where the log ``path`` ends now (0 when there is none yet): an erasure notes it before it logs."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def read_lines(path: Path, doing: str, since: int = 0) -> list[dict[str, str]]:
    """The lines of the log ``path`` (from byte ``since``) as dicts; a line a crash cut short is skipped."""
    try:
        with open(path, "rb") as log_file:
            log_file.seek(since)
            raw_lines = log_file.read().splitlines()
    except FileNotFoundError:
        return []
    except OSError as error:
        raise plain_os_error(error, doing) from error
    entries = []
    for raw in raw_lines:
        opened = vaulting.log_line_read(path, raw)
        if opened is None:
            continue  # a sealed line cut short by a crash
        line = opened.decode("utf-8", errors="replace")
        try:
            entry = repaired(json.loads(line), line)
        except (ValueError, RecursionError):
            continue  # a line cut short by a crash; the others still count
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def append_once(log_path: Path, entry: Any, since: Any, same: tuple[str, ...] = ()) -> None:
    """Append ``entry`` to the log ``log_path`` unless a line after byte ``since`` holds it
    already (the same values of ``same``, or the whole line): an erasure finished after a
    crash is logged once."""
    if not isinstance(entry, dict) or not entry:
        return
    since = since if isinstance(since, int) and since >= 0 else 0
    keys = same or tuple(entry)
    with file_lock(log_path):
        for line in read_lines(log_path, "reading a log", since):
            if all(line.get(k) == entry.get(k) for k in keys):
                return
        append_line(log_path, entry, "noting the erasure in the logs")
