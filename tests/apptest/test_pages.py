"""Every page, driven headless: what a practitioner clicks and types."""

from datetime import date, timedelta

import pytest

from apptest.helpers import messages, open_app, screen_text
from conftest import make_case
from vig_core.case.caseload import PAGE_SIZE
from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import CycleStatus, Stage
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.settings import SettingsStore
from vig_core.text import MAX_NOTE_TEXT

TODAY = date.today()


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


# --- caseload -----------------------------------------------------------------
def test_empty_caseload_invites_a_first_case(data_dir):
    at = open_app()
    assert [t.value for t in at.title] == ["Caseload"]
    assert any("No cases yet" in m for m in messages(at, "info"))


def test_create_a_case_and_land_on_it(store):
    at = open_app()
    at.text_input(key="new-code").input("FAM-07")
    at.text_input(key="new-child").input("Noor")
    at.text_input(key="new-carer").input("Lena")
    at.number_input(key="new-cycles").set_value(4)
    at.button(key="FormSubmitter:new-case-Create case").click().run()
    assert not at.exception
    (case,) = store.caseload().cases
    assert (case.code, case.child_first_name, case.carer_name, case.planned_cycles) == ("FAM-07", "Noor", "Lena", 4)
    assert [t.value for t in at.title] == ["Where we are"]
    assert at.query_params["case"] == [case.id] or at.query_params["case"] == case.id


def test_new_case_form_is_built_only_while_its_panel_is_open(store, demo):
    """With cases listed, the closed panel sends no form: a fresh browser then needs no date or
    number widget code before the caseload can be used."""
    at = open_app()
    assert at.expander(key="caseload-new").label == "New case"
    assert [t.key for t in at.text_input] == ["caseload-search"] and not at.date_input and not at.number_input
    at.session_state["caseload-new"] = True  # what the practitioner's click on the panel sets
    at.run()
    assert {t.label for t in at.text_input if t.key.startswith("new-")} == {
        "Case code or pseudonym", "Child's first name", "Parent or carer's first name (optional)"}
    assert at.date_input(key="new-birth") and at.number_input(key="new-cycles").value == 3


def test_creating_a_case_without_a_code_explains_and_creates_nothing(store):
    at = open_app()
    at.text_input(key="new-child").input("Noor")
    at.button(key="FormSubmitter:new-case-Create case").click().run()
    assert not at.exception
    assert any("case code cannot be empty" in m for m in messages(at))
    assert store.case_ids() == []


def test_caseload_lists_filters_and_flags(store, demo):
    other = make_case(store, "FAM-22", "Zed")
    store.update(other.id, lambda c: (c.consent.give(ConsentKind.FILMING, date(2026, 1, 6)),
                                      c.consent.withdraw(ConsentKind.FILMING, date(2026, 1, 8))))
    at = open_app()
    shown = [t.value for t in at.text]
    assert "DEMO-1 (fictional)" in shown and "FAM-22" in shown and "cycle 1: shared review" in shown
    assert any("Consent withdrawn in 1 case(s): FAM-22" in m for m in messages(at))
    at.text_input(key="caseload-search").input("mia").run()
    shown = [t.value for t in at.text]
    assert "DEMO-1 (fictional)" in shown and "FAM-22" not in shown
    at.text_input(key="caseload-search").input("").run()
    at.multiselect(key="caseload-status").select("initial conversation").run()
    shown = [t.value for t in at.text]
    assert "FAM-22" in shown and "DEMO-1 (fictional)" not in shown


def test_a_long_caseload_is_shown_a_page_at_a_time_and_a_filter_starts_again_at_the_first(store):
    for n in range(PAGE_SIZE + 5):
        make_case(store, f"FAM-{n:02d}")
    at = open_app()
    codes = lambda: [t.value for t in at.text if t.value.startswith("FAM-")]  # noqa: E731
    assert codes() == [f"FAM-{n:02d}" for n in range(PAGE_SIZE)]
    assert at.button(key="caseload-previous").disabled
    at.button(key="caseload-next").click().run()
    assert codes() == [f"FAM-{n:02d}" for n in range(PAGE_SIZE, PAGE_SIZE + 5)]
    assert at.button(key="caseload-next").disabled
    assert any(f"Cases {PAGE_SIZE + 1}–{PAGE_SIZE + 5} of {PAGE_SIZE + 5}" in c.value for c in at.caption)
    at.text_input(key="caseload-search").input("FAM-0").run()  # FAM-00 … FAM-09, back on page one
    assert codes() == [f"FAM-0{n}" for n in range(10)]
    assert not any(k.key == "caseload-next" for k in at.button)  # one page: no page buttons


def test_open_a_case_from_the_caseload(demo):
    at = open_app()
    at.button(key=f"open-{demo}").click().run()
    assert [t.value for t in at.title] == ["Where we are"]
    assert any("Cycle 1: shared review" in str(m.value) for m in at.metric)


def test_unreadable_case_is_reported_without_a_traceback(store, demo):
    (store.cases_dir / demo / "case.json").write_text("{broken")
    at = open_app()
    assert not at.exception
    assert any("damaged" in m for m in messages(at))


# --- conversation ---------------------------------------------------------------
def test_conversation_is_saved_when_a_field_is_left_and_survives_reload(store, demo):
    at = open_app(demo, "pages/conversation.py")
    at.text_area(key=f"conv-{demo}-about_child").input("She loves <b>buses</b> & *songs*").run()
    at.text_area(key=f"private-{demo}").input("Private: dad away").run()
    assert store.load(demo).conversation.about_child == "She loves <b>buses</b> & *songs*"
    assert store.load(demo).practitioner_notes == "Private: dad away"
    at.switch_page("pages/goals.py").run()
    at.switch_page("pages/conversation.py").run()
    assert at.text_area(key=f"conv-{demo}-about_child").value == "She loves <b>buses</b> & *songs*"
    reloaded = open_app(demo, "pages/conversation.py")
    assert reloaded.text_area(key=f"conv-{demo}-about_child").value == "She loves <b>buses</b> & *songs*"


def test_text_over_the_limit_is_capped_with_a_message(store, demo):
    at = open_app(demo, "pages/conversation.py")
    at.text_area(key=f"conv-{demo}-going_well").set_value("x" * (MAX_NOTE_TEXT + 10)).run()
    assert any("is full (50,000 characters)" in m for m in messages(at, "warning"))
    assert store.load(demo).conversation.going_well == "x" * MAX_NOTE_TEXT


def test_a_failed_save_keeps_the_text_on_screen(store, demo, monkeypatch):
    from vig_core.errors import StoreError

    def disk_full(*args, **kwargs):
        raise StoreError("The disk is full, so saving did not happen. Free some space and try again.")

    at = open_app(demo, "pages/conversation.py")
    monkeypatch.setattr(type(store), "update", disk_full)
    at.text_area(key=f"conv-{demo}-going_well").input("Precious words").run()
    assert any("disk is full" in m for m in messages(at))
    assert at.text_area(key=f"conv-{demo}-going_well").value == "Precious words"


# --- goals -------------------------------------------------------------------------
def test_add_rate_reorder_retire_and_restore_goals(store, demo):
    at = open_app(demo, "pages/goals.py")
    at.text_area(key="new-goal-text").input("I will get down to her level.")
    at.slider(key="new-goal-score").set_value(2)
    at.button(key="FormSubmitter:new-goal-Add goal").click().run()
    case = store.load(demo)
    new = case.goals[-1]
    assert (new.text, [(r.on, r.score) for r in new.ratings]) == ("I will get down to her level.", [(TODAY, 2)])

    at.slider(key=f"rate-{new.id}").set_value(7)
    at.button(key=f"save-{new.id}").click().run()
    assert store.load(demo).goal(new.id).latest_rating.score == 7

    at.button(key=f"up-{new.id}").click().run()
    assert store.load(demo).goals[1].id == new.id

    at.button(key=f"retire-{new.id}").click().run()
    assert store.load(demo).goal(new.id).retired_on == TODAY
    assert f"goal-text-{new.id}" not in [t.key for t in at.text_area]
    at.button(key=f"restore-{new.id}").click().run()
    assert store.load(demo).goal(new.id).retired_on is None

    at.text_area(key=f"goal-text-{new.id}").input("I will kneel beside her.").run()
    assert store.load(demo).goal(new.id).text == "I will kneel beside her."


def test_empty_goal_and_child_focused_goal(store, demo):
    at = open_app(demo, "pages/goals.py")
    at.button(key="FormSubmitter:new-goal-Add goal").click().run()
    assert any("goal cannot be empty" in m for m in messages(at))
    assert len(store.load(demo).goals) == 2
    at.text_area(key="new-goal-text").input("Mia should tidy up")
    at.button(key="FormSubmitter:new-goal-Add goal").click().run()
    assert len(store.load(demo).goals) == 3
    assert any("about what the adult will do" in m for m in messages(at, "info"))


# --- consent -------------------------------------------------------------------------
def test_record_and_withdraw_consent(store, demo):
    at = open_app(demo, "pages/consent.py")
    at.button(key="give-training").click().run()
    assert any("written consent of everyone visible" in m for m in messages(at))
    assert not store.load(demo).consent.training.active
    at.checkbox(key="consent-written-training").check()
    at.button(key="give-training").click().run()
    assert store.load(demo).consent.training.in_writing

    at.button(key="withdraw-filming").click().run()
    consent = store.load(demo).consent
    assert consent.filming.withdrawn_on == TODAY and consent.filming.given_on is not None
    caseload = open_app()
    assert any("Consent withdrawn" in m for m in messages(caseload))


# --- case overview -------------------------------------------------------------------
def test_cycle_dates_in_the_wrong_order_are_explained_and_not_saved(store, demo):
    at = open_app(demo, "pages/case.py")
    filming = store.load(demo).cycle(2).filming_date
    at.date_input(key=f"review-{demo}-2").set_value(filming - timedelta(days=1)).run()
    assert any("is before the filming" in m for m in messages(at))
    assert store.load(demo).cycle(2).review_date == filming + timedelta(days=4)
    at.run()
    assert at.date_input(key=f"review-{demo}-2").value == filming + timedelta(days=4)


def test_cycles_planning_status_and_stages(store):
    case = make_case(store)
    at = open_app(case.id, "pages/case.py")
    at.number_input(key=f"planned-{case.id}").set_value(5).run()
    assert len(store.load(case.id).cycles) == 5
    at.button[0].click().run()  # Begin cycle 1
    assert store.load(case.id).stage is Stage.CYCLES
    at.selectbox(key=f"status-{case.id}-1").set_value(CycleStatus.FILMED).run()
    assert store.load(case.id).step == "cycle 1: shared review"
    at.button(key="to-ending").click().run()
    assert store.load(case.id).stage is Stage.CYCLES  # asks first
    at.button(key="to-ending-yes").click().run()
    assert store.load(case.id).stage is Stage.ENDING
    at.button(key="close-case").click().run()
    at.button(key="close-case-no").click().run()
    assert store.load(case.id).stage is Stage.ENDING
    at.button(key="close-case").click().run()
    at.button(key="close-case-yes").click().run()
    closed = store.load(case.id)
    assert closed.stage is Stage.CLOSED and closed.retention_date() is not None


def test_archive_hides_from_the_caseload(store):
    case = make_case(store, "FAM-ARC", "Ari")
    at = open_app(case.id, "pages/case.py")
    next(b for b in at.button if b.label == "Archive this case").click().run()
    assert store.load(case.id).archived
    caseload = open_app()
    assert "FAM-ARC" not in [t.value for t in caseload.text]
    caseload.toggle(key="caseload-archived").set_value(True).run()
    assert "FAM-ARC" in [t.value for t in caseload.text]


def test_case_pages_without_an_open_case_point_to_the_caseload(data_dir):
    at = open_app(None, "pages/goals.py")
    assert any("No case is open" in m for m in messages(at, "info"))


# --- client view -------------------------------------------------------------------
def test_client_view_shows_only_this_family(store, demo):
    make_case(store, "FAM-SECRET", "Otherchild", carer_name="Othercarer")
    store.update(demo, lambda c: setattr(c, "practitioner_notes", "PRIVATE-NOTE-XYZ"))
    at = open_app(demo)
    at.sidebar.button[0].click().run()  # "Client view"
    assert [t.value for t in at.title] == ["Our conversation"]

    # A reload (no case in the session), then each page, including ones client view must not offer.
    # (AppTest drops the sidebar after a page switch, so it is checked on the first screen.)
    for page in [None, "pages/goals.py"]:
        view = open_app(None, page)
        text = screen_text(view)
        assert "Mia" in text
        if page is None:
            assert "Client view" in text and "Leave client view" in text
        for secret in ["FAM-SECRET", "Otherchild", "Othercarer", "PRIVATE-NOTE-XYZ", "Caseload", "DEMO-1"]:
            assert secret not in text, f"{secret} visible in client view on {page}"
    for practitioner_page in ["pages/caseload.py", "pages/case.py", "pages/consent.py"]:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            open_app().switch_page(practitioner_page)  # not even registered while in client view


def test_leaving_client_view_needs_a_deliberate_confirmation(data_dir, demo):
    open_app(demo).sidebar.button[0].click().run()  # enter client view
    settings = SettingsStore(data_dir)
    open_app().sidebar.button(key="leave-client-view").click().run()
    assert settings.get("client_view_case") == demo  # asking is not leaving

    # (AppTest drops the sidebar on reruns, so the question is reopened in a fresh session.)
    at = open_app(leave_client_view_asking=True)
    assert "Back to the practitioner screens?" in screen_text(at)
    at.sidebar.button(key="leave-client-view-yes").click().run()
    assert settings.get("client_view_case") is None
    assert [t.value for t in at.title] == ["Where we are"]


def test_every_page_starts_at_the_gate():
    """A page that skipped ``begin_page`` could be run around app.py's client-view gate."""
    import ast

    from conftest import ROOT

    for path in sorted((ROOT / "pages").glob("*.py")):
        body = [node for node in ast.parse(path.read_text()).body
                if not isinstance(node, (ast.Import, ast.ImportFrom))
                and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
        first = ast.unparse(body[0])
        assert first == "session.begin_page()", f"{path.name} starts with {first!r}"


def test_erasing_a_case_names_what_goes_and_returns_to_the_caseload(store, demo):
    other = make_case(store, "FAM-50", "Ada").id
    at = open_app(other, "pages/case.py")
    at.button(key="erase-case").click().run()
    (question,) = [m for m in messages(at, "warning") if "for good" in m]
    assert question.startswith("Erase case FAM-50 for good? This removes the whole case: 0 films")
    assert store.exists(other)
    at.button(key="erase-case-yes").click().run()
    assert not store.exists(other) and store.exists(demo)
    assert [t.value for t in at.title] == ["Caseload"]
    assert any("Case FAM-50 was erased" in m for m in messages(at, "success"))
