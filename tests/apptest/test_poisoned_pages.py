"""Files that were accepted and then broke pages (issue 18, items 8 and 9), headless.

One bad definition or record must never take a page with it: the page shows the rest, names
the bad one, and offers a way to remove it.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from apptest.helpers import messages, open_app
from apptest.test_review_pages import client_view
from conftest import make_case
from vig_core.case import outcomes
from vig_core.case.questionnaires import TimePoint
from vig_core.storage.layout import CASE_FILE
from vig_core.ui.session import GENERIC_ERROR
from vig_core.vocab.instruments import SHIPPED_DIR, load_instruments

WEMWBS = json.loads((SHIPPED_DIR / "wemwbs.json").read_text(encoding="utf-8"))
DEEP = "[" * 50_000 + "]" * 50_000


def own_definitions(data_dir) -> dict[str, str]:
    """Own definitions in the data folder, each of which passed the checks before and broke a page."""
    folder = data_dir / "instruments"
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "broken-title": json.dumps({**WEMWBS, "id": "broken-title"}).replace('"title": "', '"title": "\\ud800'),
        "tiny-sd": json.dumps({**WEMWBS, "id": "tiny-sd", "sd": 5e-324}),
        "huge-max": json.dumps({**WEMWBS, "id": "huge-max"}).replace('"max": 70', '"max": 1e400'),
        "deep": DEEP,
    }
    for name, text in files.items():
        (folder / f"{name}.json").write_text(text, encoding="utf-8")
    return files


def no_failure(at) -> None:
    assert not at.exception, at.exception
    shown = messages(at, "error")
    assert GENERIC_ERROR not in shown, shown


def test_the_questionnaires_page_names_each_poisoned_definition_and_removes_it(store, data_dir):
    """Before: the definition with a broken character in its title was checked and added, and then every
    case's Questionnaires page showed the generic error, with its Remove button on that same broken page."""
    files = own_definitions(data_dir)
    case = make_case(store)
    at = open_app(case.id, "pages/questionnaires.py")
    no_failure(at)
    warnings = messages(at, "warning")
    for name in files:
        assert any(f"{name}.json" in w for w in warnings), (name, warnings)
    assert "total-wemwbs-baseline" in [n.key for n in at.number_input]  # the rest of the page is all there
    for name in files:  # each can be removed from here
        at.button(key=f"forget-{name}").click().run()
        at.button(key=f"forget-{name}-yes").click().run()
        no_failure(at)
    assert not list((data_dir / "instruments").glob("*.json"))
    at = open_app(case.id, "pages/questionnaires.py")
    assert not messages(at, "warning")


@pytest.mark.parametrize("page", ["pages/outcomes.py", "pages/ending.py"])
@pytest.mark.parametrize("view", ["practitioner", "client"])
def test_before_and_after_and_the_ending_survive_a_definition_with_an_sd_of_5e_324(store, data_dir, page, view):
    """Before: ZeroDivisionError in the reliable change index, for the practitioner and in client view."""
    (data_dir / "instruments").mkdir(parents=True)
    (data_dir / "instruments" / "tiny-sd.json").write_text(json.dumps({**WEMWBS, "id": "tiny-sd", "sd": 5e-324}))
    case = make_case(store)
    measure = dataclasses.replace(load_instruments(data_dir)[0]["wemwbs"], id="tiny-sd", sd=5e-324)
    for point, total in ((TimePoint.BASELINE, 40), (TimePoint.END, 52)):
        store.update(case.id, lambda c, p=point, t=total: outcomes.enter_total(c, measure, p, t, date.today()))
    if view == "client":
        client_view(data_dir, case.id)
        at = open_app(page=page)
    else:
        at = open_app(case.id, page)
    no_failure(at)
    if view == "practitioner" and page == "pages/outcomes.py":
        assert any("tiny-sd.json" in w for w in messages(at, "warning"))
        assert any("no longer installed" in w for w in messages(at, "warning"))


def test_one_questionnaire_that_cannot_be_drawn_is_named_and_the_others_are_shown(store, data_dir, monkeypatch):
    """Containment: whatever makes one panel fail, the others are drawn and the failing one is named."""
    real = outcomes.progress

    def failing(administration, instrument):
        if instrument.id == "wemwbs":
            raise ZeroDivisionError("as a bad definition could")
        return real(administration, instrument)

    monkeypatch.setattr(outcomes, "progress", failing)
    at = open_app(make_case(store).id, "pages/questionnaires.py")
    no_failure(at)
    assert any("Warwick-Edinburgh" in e and "could not be shown" in e for e in messages(at, "error"))
    assert "total-parent-check-in-baseline" in [n.key for n in at.number_input]
    assert "total-epds-baseline" in [n.key for n in at.number_input]  # after the failing one, in Other measures


def _write_code(store, case_id: str, code: str) -> None:
    path = store.case_folder(case_id) / CASE_FILE
    tables = json.loads(path.read_text())
    tables["case"]["1"]["code"] = "CODE"
    tables["case"]["1"]["conversation"]["about_parent"] = "ABOUT"
    text = json.dumps(tables, ensure_ascii=True)
    path.write_text(text.replace('"CODE"', json.dumps(code)).replace('"ABOUT"', '"words \\ud800 half"'))


def test_a_case_with_a_broken_character_does_not_hide_the_cases_after_it(store):
    """Before: a restored case with a lone surrogate made the caseload fail at its row, hiding every later case."""
    for code in ("A-1", "B-1", "C-1"):
        make_case(store, code=code, child=f"Child {code}")
    middle = store.caseload().with_code("B-1").id
    _write_code(store, middle, "B-\ud800")
    at = open_app()
    no_failure(at)
    assert [t.value for t in at.text if t.value in ("A-1", "C-1") or t.value.startswith("B-")] == \
        ["A-1", "B-\ufffd", "C-1"]
    at = open_app(middle, "pages/conversation.py")  # and the case itself opens, its words shown with �
    no_failure(at)
    assert at.text_area(key=f"conv-{middle}-about_parent").value == "words \ufffd half"


def test_one_case_row_that_cannot_be_drawn_is_named_and_the_later_cases_are_listed(store, monkeypatch):
    """Containment on the caseload, whatever makes a row fail (here: showing its code fails)."""
    from vig_core.ui import widgets

    for code in ("A-1", "B-1", "C-1"):
        make_case(store, code=code, child=f"Child {code}")
    middle = store.caseload().with_code("B-1").id
    real = widgets.shown

    def failing(text: str) -> str:
        if text == "B-1":
            raise UnicodeEncodeError("utf-8", text, 0, 1, "as a broken character once did")
        return real(text)

    monkeypatch.setattr(widgets, "shown", failing)
    at = open_app()
    assert not at.exception, at.exception
    assert [t.value for t in at.text if t.value in ("A-1", "C-1")] == ["A-1", "C-1"]
    assert any(e.startswith("The case B-1 could not be shown") and "Open it" in e
               for e in messages(at, "error")), messages(at, "error")
    assert f"open-{middle}" in [b.key for b in at.button]


# --- half a character typed in the browser (item 12) ------------------------------------------------
def test_a_box_the_typing_script_mended_says_so_beside_it_and_the_text_is_saved(store):
    """The typing script puts � for half a character (a lone surrogate, which Streamlit cannot carry:
    before, the text was silently not saved) and reports the box: the page says so beside it."""
    from apptest.helpers import send_component_state
    from vig_core.ui.autosave import WATCH_KEY, class_key

    case = make_case(store)
    key = f"conv-{case.id}-about_child"
    at = open_app(case.id, "pages/conversation.py")
    send_component_state(at, WATCH_KEY, {"typed": {"at": 1, "texts": {class_key(key): "She loves \ufffd stories"},
                                                   "broken": [class_key(key)]}})
    assert store.load(case.id).conversation.about_child == "She loves \ufffd stories"
    warning = [w for w in messages(at, "warning") if "broken character" in w]
    assert warning and warning[0].startswith("“About your child” held a broken character"), messages(at, "warning")
    send_component_state(at, WATCH_KEY, {"typed": {"at": 2, "texts": {}, "broken": [""]}})  # a box not saved here
    assert any(w.startswith("A box held a broken character") for w in messages(at, "warning"))


def test_the_text_of_an_own_definition_is_shown_as_typed_wherever_it_appears(store, data_dir):
    """Titles, questions, answers and bands of a definition file reach Markdown (headings, radio answers,
    captions, the band in a change sentence): each escaped, as a parent's words are."""
    from apptest.test_hostile_text_pages import escaping_problems

    definition = json.loads((SHIPPED_DIR / "parent-check-in.json").read_text(encoding="utf-8"))
    piece = "**b** :material/home: https://h.example <script>x</script> \u202eRLO"
    values = {}

    def hostile(n: int, what: str) -> str:
        values[f"HOSTILE-{n}"] = what
        return f"HOSTILE-{n} {piece}"

    definition.update(id="own", title=hostile(1, "title"), plain_title=hostile(2, "plain title"))
    for n, option in enumerate(definition["options"]):
        option["label"] = hostile(10 + n, f"answer {n}")
    for n, item in enumerate(definition["items"]):
        item["text"] = hostile(20 + n, f"question {n}")
    (data_dir / "instruments").mkdir(parents=True)
    (data_dir / "instruments" / "own.json").write_text(json.dumps(definition), encoding="utf-8")
    case = make_case(store)
    at = open_app(case.id, "pages/questionnaires.py")
    no_failure(at)
    problems = escaping_problems(at.main, values)
    client_view(data_dir, case.id)
    at = open_app(page="pages/questionnaires.py")
    at.button(key="open-own").click().run()
    no_failure(at)
    assert at.radio, "the first question is asked"
    problems += escaping_problems(at.main, values)
    assert problems == [], "\n".join(problems)


def test_a_film_in_a_folder_whose_name_is_not_utf8_is_listed_with_a_replacement(store, tmp_path):
    """A file name written in another encoding comes to Python with half characters: the Recordings
    page failed as a whole when it listed the folder."""
    import os

    from vig_core.case.consent import ConsentKind

    case = make_case(store)
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    folder = tmp_path / "films"
    folder.mkdir()
    open(os.fsencode(folder) + b"/caf\xe9 visit.mp4", "wb").close()
    at = open_app(case.id, "pages/recordings.py")
    at.text_input(key=f"local-path-{case.id}").input(str(folder)).run()
    no_failure(at)
    assert at.selectbox(key=f"local-pick-{case.id}").options == ["caf\ufffd visit.mp4"]
