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
