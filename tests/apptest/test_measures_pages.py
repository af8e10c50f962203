"""Questionnaires show the measures the practitioner uses (chosen in Settings) with the rest one
click away, and totals are typed as whole numbers where the measure has no decimals."""

from __future__ import annotations

from datetime import date

from streamlit.proto.NumberInput_pb2 import NumberInput

from apptest.helpers import open_app
from apptest.test_messages_beside import elements
from apptest.test_review_pages import client_view
from conftest import make_case
from vig_core.case import outcomes
from vig_core.case.questionnaires import TimePoint
from vig_core.storage.settings import SettingsStore
from vig_core.vocab.instruments import IN_USE_SETTING, load_instruments


def panels(node) -> list[str]:
    """The ids of the questionnaires shown under ``node``, by their total boxes (``total-<id>-<time>``)."""
    return [e.key.removeprefix("total-").rsplit("-", 1)[0] for e in elements(node)
            if e.type == "number_input" and e.key.startswith("total-")]


def shown_and_other(at) -> tuple[list[str], list[str]]:
    other = next((e for e in at.expander if e.label.startswith("Other measures")), None)
    hidden = panels(other) if other else []
    return [i for i in panels(at.main) if i not in hidden], hidden


def test_only_the_measures_in_use_show_and_the_rest_are_one_click_away(store, data_dir):
    family = make_case(store).id
    found, _ = load_instruments(data_dir)
    at = open_app(family, "pages/questionnaires.py")
    shown, other = shown_and_other(at)
    assert shown == ["parent-check-in"]  # until chosen: our own check-in
    assert sorted(other) == sorted(set(found) - {"parent-check-in"})
    assert next(e for e in at.expander if e.label.startswith("Other measures")).label == \
        f"Other measures ({len(found) - 1})"

    at = open_app(page="pages/settings.py")
    at.multiselect(key="measures-in-use").set_value(["wemwbs", "sdq-parent-total"]).run()
    assert SettingsStore(data_dir).get(IN_USE_SETTING) == ["wemwbs", "sdq-parent-total"]
    store.update(family, lambda c: outcomes.enter_total(c, found["epds"], TimePoint.BASELINE, 4, date.today()))
    at = open_app(family, "pages/questionnaires.py")
    shown, other = shown_and_other(at)
    assert sorted(shown) == ["epds", "sdq-parent-total", "wemwbs"]  # EPDS was given to this family: never hidden
    assert "parent-check-in" in other

    client_view(data_dir, family)  # the parent is offered only what is in use (or given) to answer on screen
    at = open_app(page="pages/questionnaires.py")
    assert not [b for b in at.button if b.key.startswith("open-")]


def test_a_sum_is_typed_as_a_whole_number_and_an_average_with_decimals(store):
    at = open_app(make_case(store).id, "pages/questionnaires.py")
    wemwbs = at.number_input(key="total-wemwbs-baseline")
    check_in = at.number_input(key="total-parent-check-in-baseline")
    assert wemwbs.proto.data_type == NumberInput.INT and wemwbs.proto.format == "%d"
    assert check_in.proto.data_type == NumberInput.FLOAT and check_in.proto.format == "%.2f"
    wemwbs.set_value(68).run()
    at.button(key="save-total-wemwbs-baseline").click().run()
    administration = store.load(at.session_state["case_id"]).administration("wemwbs", TimePoint.BASELINE)
    assert administration.total == 68
    assert any("done" in c.value and ": 68 (total, 14–70), total typed in" in c.value.replace("\\", "")
               for c in at.caption)
