"""Consent governs use: each use asks for its consent, withdrawal stops it with a plain reason."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import make_case
from vig_core.case.caseload import past_retention
from vig_core.case.consent import ConsentKind
from vig_core.case.consent_rules import NEEDS, Use, allows, require, withdrawals
from vig_core.errors import ValidationError
from vig_core.services.clips import export_cycle

GIVEN, WITHDRAWN = date(2026, 1, 6), date(2026, 2, 1)


def test_every_use_needs_its_own_consent(store):
    case = make_case(store)
    for use in Use:
        assert not allows(case, use)
        with pytest.raises(ValidationError, match="is not on record"):
            require(case, use)
    for kind in ConsentKind:
        case.consent.give(kind, GIVEN, in_writing=True)
    for use in Use:
        require(case, use)
    case.consent.withdraw(ConsentKind.SUPERVISOR, WITHDRAWN)
    with pytest.raises(ValidationError, match="Sharing clips with the VIG supervisor needs the consent "
                       "“The VIG supervisor may watch clips”, which was withdrawn on 01 Feb 2026"):
        require(case, Use.SUPERVISION)
    assert [use for use in Use if allows(case, use)] == [
        u for u in Use if NEEDS[u] is not ConsentKind.SUPERVISOR]
    assert withdrawals(case) == [
        (ConsentKind.SUPERVISOR, "No clips may be shared with the VIG supervisor from now on.")]


def test_training_needs_consent_in_writing(store):
    case = make_case(store)
    case.consent.training.given_on = GIVEN  # an old record without the written confirmation
    assert not allows(case, Use.TRAINING)
    case.consent.give(ConsentKind.TRAINING, GIVEN, in_writing=True)
    assert allows(case, Use.TRAINING)


def test_exporting_clips_after_filming_consent_is_withdrawn_is_refused_and_makes_nothing(store):
    case = make_case(store)
    store.update(case.id, lambda c: (c.consent.give(ConsentKind.FILMING, GIVEN),
                                     c.consent.withdraw(ConsentKind.FILMING, WITHDRAWN)))
    with pytest.raises(ValidationError, match="withdrawn on 01 Feb 2026"):
        export_cycle(store, case.id, 1)
    assert not (store.case_folder(case.id) / "exports").exists()


def test_past_retention_lists_archived_cases_too(store):
    due = make_case(store, "FAM-02", "Zed")
    store.update(due.id, lambda c: (setattr(c, "retention_override", date(2026, 2, 1)), setattr(c, "archived", True)))
    later = make_case(store, "FAM-03", "Ida")
    store.update(later.id, lambda c: setattr(c, "retention_override", date(2026, 6, 1)))
    make_case(store, "FAM-04", "Ola")  # open: no retention date yet
    cases = store.caseload().cases
    assert [c.code for c in past_retention(cases, date(2026, 3, 1))] == ["FAM-02"]
    assert [c.code for c in past_retention(cases, date(2026, 7, 1))] == ["FAM-02", "FAM-03"]
