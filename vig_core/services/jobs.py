"""Long media work (imports, exports) run off the script thread, with progress.

A Streamlit script run must stay short, or the page (and every other page the
practitioner opens meanwhile) waits. A :class:`Job` runs its work on a daemon
thread and keeps the fraction done, so a page can poll it and draw a progress
bar with the time left. Jobs live in this process only: a restart forgets
them, and the work itself leaves nothing half-written (see ``media.ffmpeg``).

A job started ``cancellable`` can be stopped: :meth:`Job.cancel` makes the
work's next progress report raise :class:`Cancelled`, so the work must report
only where stopping leaves nothing behind (e.g. reading a file before anything
is saved).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from vig_core.errors import Cancelled, VigError

log = logging.getLogger("vig_workbook.jobs")

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"
UNEXPECTED = "Something went wrong with this work; nothing was saved. Please try again."


class JobBusy(VigError):  # noqa: N818 - what happened, as the page says it
    """The same work (same key) is running already."""


@dataclass
class Job:
    id: str
    owner: str  # e.g. the case id: which page should show it
    label: str
    key: str | None = None  # what it works on: no two running jobs share one (e.g. a file into a case)
    started: float = field(default_factory=time.monotonic)
    fraction: float = 0.0
    state: str = RUNNING
    message: str = ""  # the plain-language error when it failed
    result: Any = None
    seen: bool = False  # a finished job is shown once, then forgotten
    cancellable: bool = False
    stopping: bool = False  # asked to stop: the next report raises Cancelled

    def report(self, fraction: float) -> None:
        if self.stopping:
            raise Cancelled
        self.fraction = max(self.fraction, min(1.0, fraction))

    def cancel(self) -> None:
        """Ask a cancellable job to stop at its next progress report (others go on)."""
        self.stopping = self.cancellable and self.state == RUNNING

    def seconds_left(self, now: float | None = None) -> float | None:
        """A simple estimate from the rate so far, once there is enough to go on."""
        elapsed = (now if now is not None else time.monotonic()) - self.started
        if self.fraction < 0.02 or elapsed < 1:
            return None
        return elapsed * (1 - self.fraction) / self.fraction

    def status_text(self) -> str:
        left = self.seconds_left()
        percent = f"{self.fraction:.0%}"
        if left is None:
            return f"{self.label}: {percent}"
        return f"{self.label}: {percent}, about {_duration_words(left)} left"


def _duration_words(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"


class Jobs:
    """All jobs of this process. Safe to use from any thread."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._count = 0

    def start(self, owner: str, label: str, work: Callable[[Callable[[float], None]], Any], *,
              key: str | None = None, cancellable: bool = False) -> Job:
        """Run ``work(report_progress)`` on a thread; return its job at once.

        Raises :class:`JobBusy` while a job with the same ``key`` runs (a second
        press, a second tab): the check and the start are one step.
        """
        with self._lock:
            if key is not None and self._running(key):
                raise JobBusy(f"{label}: this is under way already.")
            self._count += 1
            job = Job(id=f"job-{self._count}", owner=owner, label=label, key=key, cancellable=cancellable)
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, work), name=job.id, daemon=True).start()
        return job

    @staticmethod
    def _run(job: Job, work: Callable[[Callable[[float], None]], Any]) -> None:
        try:
            job.result = work(job.report)
            job.fraction = 1.0
            job.state = DONE
        except Cancelled:
            job.state = CANCELLED
        except VigError as error:
            job.message, job.state = str(error), FAILED
        except Exception:
            log.exception("job %s failed", job.label)
            job.message, job.state = UNEXPECTED, FAILED

    def of(self, owner: str) -> list[Job]:
        """The owner's jobs that are running or not yet shown as finished."""
        with self._lock:
            return [j for j in self._jobs.values() if j.owner == owner and not j.seen]

    def running(self, key: str) -> Job | None:
        """The running job with this ``key``, if any."""
        with self._lock:
            return self._running(key)

    def _running(self, key: str) -> Job | None:
        return next((j for j in self._jobs.values() if j.key == key and j.state == RUNNING), None)

    def busy(self) -> bool:
        """Whether any job is still running (a restore must not pull the data folder from under it)."""
        with self._lock:
            return any(j.state == RUNNING for j in self._jobs.values())

    def forget(self, job: Job) -> None:
        with self._lock:
            job.seen = True
            self._jobs.pop(job.id, None)

    def drop(self, owner: str) -> None:
        """Nobody waits for the owner's jobs any more: stop those that can stop, forget them all."""
        for job in self.of(owner):
            job.cancel()
            self.forget(job)

    def wait(self, job: Job, timeout: float = 600) -> Job:
        """Block until ``job`` ends (for the command line and tests)."""
        deadline = time.monotonic() + timeout
        while job.state == RUNNING and time.monotonic() < deadline:
            time.sleep(0.05)
        return job


JOBS = Jobs()
