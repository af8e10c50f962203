"""AppTest fixtures: the film picker never looks at this machine's own folders."""

from __future__ import annotations

import pytest

from vig_core.services import film_picker
from vig_core.storage import places


@pytest.fixture(autouse=True)
def no_usual_places(monkeypatch: pytest.MonkeyPatch) -> None:
    """No usual places (a test that wants some replaces ``usual_places`` again), nothing remembered."""
    monkeypatch.setattr(places, "usual_places", list)
    film_picker.forget()


@pytest.fixture(autouse=True)
def no_jobs_left_behind():
    """A background job one test started (its owner the demo case every test has) is stopped and
    forgotten after it: it must not draw its progress, and the timed reruns that come with it, on the
    next test's pages (where a message shown once can then be gone from the last run's screen)."""
    yield
    from vig_core.services.jobs import JOBS

    for owner in {job.owner for job in list(JOBS._jobs.values())}:
        JOBS.drop(owner)
