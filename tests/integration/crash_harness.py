"""Crash a piece of work as a power cut or ``kill -9`` would: in a forked child, with SIGKILL.

:func:`crash` runs ``work`` in a child process and kills it either just before
its n-th file-system step (an ``os`` call that opens, writes, syncs, renames or
removes something: every point where a crash leaves a different state on disk)
or after a number of seconds (somewhere inside a long ffmpeg run or zip write).
A dry run (:func:`steps_of`) lists the steps, so a test can kill at each of them,
or at a spread of them: ``VIG_CRASH_STEPS`` says how many per operation (``all``
for every one; default :data:`DEFAULT_STEPS`), and as many kills again land at
random moments.

Nothing here waits on time for an assertion: the moments are chosen, and what
is checked is the state after the next start.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

STEP_CALLS = ("open", "write", "fsync", "rename", "replace", "unlink", "rmdir", "mkdir")
DEFAULT_STEPS = 6


@dataclass
class Crash:
    killed: bool  # False: the work finished before the chosen moment
    steps: list[str]  # the steps the work took (the dry run), as "call argument"
    seconds: float  # how long the child ran


def _count_steps(kill_at: int | None, note: Callable[[str], None]) -> None:
    """In the child: count each :data:`STEP_CALLS` call; die by SIGKILL just before the ``kill_at``-th."""
    count = 0
    for name in STEP_CALLS:
        real = getattr(os, name)

        def step(*args, _real=real, _name=name, **kwargs):
            nonlocal count
            count += 1
            if count == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            note(f"{_name} {args[0] if args else ''}")
            return _real(*args, **kwargs)

        setattr(os, name, step)


def crash(work: Callable[[], object], *, at_step: int | None = None, after: float | None = None,
          record_steps: bool = False) -> Crash:
    """Run ``work()`` in a forked child; SIGKILL it before step ``at_step`` or ``after`` seconds."""
    reads, writes = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code, write = 0, os.write  # the real one: steps are counted once the work begins
        try:
            os.close(reads)
            write(writes, b"started\n")
            _count_steps(at_step, lambda text: write(writes, f"step {json.dumps(text)}\n".encode())
                         if record_steps else None)
            work()
            write(writes, b"done\n")
        except BaseException:  # noqa: BLE001 - reported to the parent, which fails the test
            write(writes, f"error {json.dumps(traceback.format_exc())}\n".encode())
            code = 1
        finally:
            os._exit(code)
    os.close(writes)
    with os.fdopen(reads, "rb") as pipe:
        assert pipe.readline() == b"started\n", "the child did not start"
        if after is not None:
            time.sleep(after)
            os.kill(pid, signal.SIGKILL)
        lines = pipe.read().decode().splitlines()
    os.waitpid(pid, 0)
    errors = [line for line in lines if line.startswith("error ")]
    assert not errors, f"the work failed in the child: {json.loads(errors[0][6:])}"
    steps = [json.loads(line[5:]) for line in lines if line.startswith("step ")]
    return Crash("done" not in lines, steps, time.monotonic() - started)


def steps_of(work: Callable[[], object]) -> Crash:
    """A run of ``work`` to the end, listing its steps and its length."""
    run = crash(work, record_steps=True)
    assert not run.killed, "the dry run did not finish"
    return run


def chosen_steps(steps: list[str], must: tuple[str, ...] = ("rename", "replace")) -> list[int]:
    """The steps to kill at (1-based): every ``must`` call (the swaps), and a spread of the others;
    all of them when ``VIG_CRASH_STEPS=all``."""
    wanted = os.environ.get("VIG_CRASH_STEPS", str(DEFAULT_STEPS)).strip().lower()
    every = list(range(1, len(steps) + 1))
    if wanted == "all":
        return every
    count = max(1, int(wanted))
    spread = every[:: max(1, len(every) // count)][:count]
    swaps = [n for n, step in enumerate(steps, start=1) if step.split(" ", 1)[0] in must]
    return sorted({*spread, *swaps, len(steps)})


def random_moments(seconds: float, seed: int) -> list[float]:
    """As many moments within ``seconds`` as steps are chosen (see :func:`chosen_steps`)."""
    wanted = os.environ.get("VIG_CRASH_STEPS", str(DEFAULT_STEPS)).strip().lower()
    count = 3 * DEFAULT_STEPS if wanted == "all" else max(1, int(wanted))
    rng = random.Random(seed)
    return [rng.uniform(0, seconds) for _ in range(count)]


def hidden_leftovers(folder: Path) -> list[str]:
    """Every hidden file or folder under ``folder`` (a temp file, a work folder, a journal, a note),
    apart from the lock files the store keeps beside each record and the empty folder of notes."""
    found = []
    for path in sorted(Path(folder).rglob(".*")):
        if path.name.endswith(".lock") and path.is_file():
            continue
        if path.name == ".writing" and path.is_dir() and not any(path.iterdir()):
            continue
        found.append(str(path.relative_to(folder)))
    return found


def ffmpeg_working_on(folder: Path) -> list[int]:
    """The process ids of ffmpeg processes whose command line names a file under ``folder`` (Linux)."""
    mark = str(folder).encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"ffmpeg" in command and mark in command and state != "Z":
            pids.append(int(entry.name))
    return pids


def wait_for_no_ffmpeg(folder: Path, patience: float = 20.0) -> list[int]:
    """Wait (up to ``patience`` seconds: a busy machine) until no ffmpeg works on ``folder``; return
    the ids of those still working then, after killing them so that they do not outlive the test."""
    deadline = time.monotonic() + patience
    while (pids := ffmpeg_working_on(folder)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return pids
