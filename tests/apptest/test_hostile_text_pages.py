"""Every page, headless, with hostile text in every text field of two families.

Script tags, Markdown links, Streamlit directives (``:red[..]``), LaTeX, headings, control
characters and a 20 000-character line go into every typed field of both demo families (the
fields are found by walking the dataclasses, see ``unit/test_hostile_text.py``), into the
practitioner's own review questions, and the family is shown on every practitioner page and
every client-view page. Each page must run without an exception or the generic error, and
every string the page sends to the browser is checked by how the browser will treat it:

* plain-text places (``st.text``, text box values, select options, image alt text) may hold
  the text as typed, and the text boxes must hold it exactly;
* every other string (Markdown bodies, headings, captions, alerts, widget labels and help,
  expander labels, progress texts) is rendered as Markdown, so user text must arrive escaped:
  each hostile value starts with the marker ``HOSTILE-<n>``, whose ``-`` ``plain`` escapes, so
  a bare ``HOSTILE-<n>`` in such a string is user text the page forgot to escape;
* Plotly charts render a subset of HTML: no tag from user text may reach their spec;
* Streamlit's Markdown also turns some patterns into links, icons and arrows *after* reading
  the escapes (``https://…``, ``:material/home:``, ``:smile:``, `` -> ``): none may be left in a
  Markdown string as the reader gets it; and a bidi override or isolate (U+202E, ...) reaches no
  string but a text box's own value (elsewhere it is shown as its code, ``[U+202E]``).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from apptest.helpers import messages, open_app
from integration.test_hostile_text import TYPED, _limit, every_instance
from unit.test_markdown_escaping import AFTER_ESCAPES, unescape_markdown
from vig_core.case.consent import ConsentKind
from vig_core.case.film import ME
from vig_core.case.review import review_cycle
from vig_core.services.clips import prepare_review_clips
from vig_core.services.demo import ensure_demo_cases
from vig_core.storage.definitions import save_own_prompt_set
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.ui.session import CLIENT_VIEW_SETTING, GENERIC_ERROR
from vig_core.vocab.prompts import SHARED_REVIEW, Prompt, PromptSet

pytestmark = pytest.mark.timeout(600)

FAMILIES = ("demo", "demo-ending")  # in its first cycle (shared review today), and at the ending
PIECES = ["https://h.example/x", ":material/home:", "\u202eRLO\u202c", ":smile:", "www.h.example", "a@h.example",
          "a -- b -> c", "<script>alert('x')</script>", ":red[red]", "$\\frac{1}{2}$", "**bold**",
          "[link](javascript:alert(1))", "<img src=x onerror=alert(1)>", "# heading"]
NOTE_EXTRA = ("\n# heading\n> quote\n- item\n\x00\x07\x08\x1b[31m\x7f \u202eRTL\u202c\u200f 😀 e\u0301\r\n"
              "\tindented\nline\n===\n")
LONG_LINE = ("<b>x</b> :blue[y] " * 1200)[:20_000]
MARKER = re.compile(r"HOSTILE-\d+")
APP_WRITTEN = {"Recording.how"}  # written by the importer from ffmpeg's own codec names: no one types it


def hostile(n: int, limit: int | None) -> str:
    """Hostile text for a field that takes ``limit`` characters, starting with its marker."""
    text = f"HOSTILE-{n} " + " ".join(PIECES)
    if limit is None or limit >= 2_000:
        text += NOTE_EXTRA
    if limit is None or limit >= 40_000:
        text += LONG_LINE + "\nafter the long line"
    return text[:limit] if limit else text


# --- the data folder: both families, every typed field hostile ------------------------------
@dataclass
class Built:
    root: Path
    values: dict[str, str]  # marker -> the field it went into ("Clip.title of demo")


def _make_hostile(store: CaseStore, case_id: str, start: int, values: dict[str, str],
                  limits: dict[str, int | None]) -> int:
    n = start

    def text_for(field) -> str:
        nonlocal n
        n += 1
        values[f"HOSTILE-{n}"] = f"{field.label} of {case_id}"
        return hostile(n, limits[field.label])

    def change(c) -> None:
        for recording in c.recordings:  # the practitioner's moments stay theirs: a hostile coder has a layer
            c.mark_moment(recording.id, 1.0, "second coder")
        for field in (f for f in TYPED if f.label not in APP_WRITTEN):
            if field.label == "Moment.coder":
                for moment in (m for m in c.moments if m.coder != ME):
                    moment.coder = text_for(field)
                continue
            for obj, name in every_instance(c, field):
                if field.is_list:
                    items = getattr(obj, name)
                    items[:] = [text_for(field) for _ in items]
                else:
                    setattr(obj, name, text_for(field))

    store.update(case_id, change)
    return n


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("hostile-pages") / "data"
    store = CaseStore(root)
    ensure_demo_cases(store)
    for case_id in FAMILIES:
        store.update(case_id, lambda c: c.ending.future_goals.append("a goal for the future"))
    values: dict[str, str] = {}
    full = store.load("demo-ending")  # has an item of every kind
    limits = {f.label: _limit(full, f) for f in TYPED}
    n = 0
    for case_id in FAMILIES:
        n = _make_hostile(store, case_id, n, values, limits)

    def flag(c) -> None:  # the caseload's alerts name the case: a withdrawal and a retention date passed
        c.consent.withdraw(ConsentKind.SUPERVISOR, c.created_on + timedelta(days=1))
        c.retention_override = c.created_on

    store.update("demo-ending", flag)
    # The practitioner's own review questions: one keeps the id of the parent's earlier words,
    # so those are shown under it and the others under "Earlier question".
    values["HOSTILE-9001"] = values["HOSTILE-9002"] = "an own review question"
    save_own_prompt_set(root, PromptSet(SHARED_REVIEW, "Shared review", (
        Prompt("see", hostile(9001, 300)), Prompt("own-question", hostile(9002, 300)))))
    for case_id in FAMILIES:  # cut the review's clips now, not in a background job per test
        case = store.load(case_id)
        for cycle in case.cycles:
            if case.chosen_clips(cycle.number):
                prepare_review_clips(store, case_id, cycle.number)
    return Built(root, values)


@pytest.fixture
def family_data(built: Built, data_dir: Path) -> Built:
    shutil.copytree(built.root, data_dir, dirs_exist_ok=True)
    return Built(data_dir, built.values)


# --- what the page sends to the browser -----------------------------------------------------
# Strings the browser shows as plain text (never Markdown or HTML).
PLAIN_TEXT_FIELDS = {
    "Text.body", "TextArea.default", "TextArea.value", "TextInput.default", "TextInput.value",
    "Selectbox.options", "Selectbox.raw_value", "Selectbox.default", "MultiSelect.options",
    "MultiSelect.raw_values", "MultiSelect.default", "Code.code_text", "ImageList.imgs.alt",
    "Image.alt",
    "BidiComponent.json",  # the analysis player's data: its labels go in by textContent and createTextNode only
}


def strings(message, prefix: str):
    """(field path, string) for every string in a protobuf message, nested ones included."""
    for descriptor, value in message.ListFields():
        values = value if descriptor.is_repeated else [value]
        if descriptor.type == descriptor.TYPE_MESSAGE:
            for item in values:
                yield from strings(item, f"{prefix}.{descriptor.name}")
        elif descriptor.type == descriptor.TYPE_STRING:
            for item in values:
                yield f"{prefix}.{descriptor.name}", item


def sent(node):
    """(field path, string) for every element and block under ``node``."""
    proto = getattr(node, "proto", None)
    if proto is not None:
        yield from strings(proto, type(proto).__name__)
    for child in getattr(node, "children", {}).values():
        yield from sent(child)


TEXT_BOX_VALUES = {"TextArea.default", "TextArea.value", "TextInput.default", "TextInput.value"}
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")


def escaping_problems(node, values: dict[str, str]) -> list[str]:
    problems = []
    for path, text in sent(node):
        if path not in TEXT_BOX_VALUES and BIDI_CONTROL.search(text):
            problems.append(f"{path} obeys a bidi control from user text: {text[:90]!r}")
        markers = MARKER.findall(text)
        if not markers:
            continue
        if path == "PlotlyChart.spec":
            for chart_text in _json_strings(json.loads(text)):
                if MARKER.search(chart_text) and re.search(r"<(script|img|b|a|i|span)\b", chart_text):
                    problems.append(f"a chart shows HTML from {values.get(MARKER.search(chart_text).group())}: "
                                    f"{chart_text[:90]!r}")
            continue
        if path in PLAIN_TEXT_FIELDS:
            continue
        for marker in markers:
            problems.append(f"{path} shows {values.get(marker, marker)} unescaped as Markdown: {text[:90]!r}")
        read = unescape_markdown(text)
        for pattern in (p for p in AFTER_ESCAPES if p.search(read)):
            problems.append(f"{path} turns {pattern.search(read).group()!r} from user text into something else: "
                            f"{text[:90]!r}")
    return problems


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def text_boxes(at) -> dict[str, str]:
    return {w.key: w.value for w in [*at.text_area, *at.text_input] if w.key}


def ask_every_confirmation(at) -> None:
    """Press every "…" button: each only asks its question (which may name user text)."""
    for key in [b.key for b in at.button if b.label.endswith("…") and b.key]:
        at.button(key=key).click().run()
        assert not at.exception, at.exception
        assert at.button(key=f"{key}-yes"), f"{key} did not ask"


# --- the pages --------------------------------------------------------------------------------
PRACTITIONER_PAGES = ["pages/caseload.py", "pages/case.py", "pages/consent.py", "pages/conversation.py",
                      "pages/goals.py", "pages/questionnaires.py", "pages/recordings.py", "pages/analysis.py",
                      "pages/clips.py", "pages/review.py", "pages/review.py#all-questions",
                      "pages/review.py#finish", "pages/strengths.py", "pages/outcomes.py", "pages/ending.py",
                      "pages/timeline.py", "pages/exports.py"]
CLIENT_PAGES = ["pages/conversation.py", "pages/goals.py", "pages/questionnaires.py", "pages/review.py",
                "pages/review.py#all-questions", "pages/review.py#finish", "pages/strengths.py",
                "pages/outcomes.py", "pages/ending.py", "pages/timeline.py"]
CASES = ([("practitioner", f, p) for f in FAMILIES for p in PRACTITIONER_PAGES]
         + [("client", f, p) for f in FAMILIES for p in CLIENT_PAGES])


PRACTITIONER_ONLY = {"Case.practitioner_notes", "Consent.notes", "Cycle.review_notes", "Cycle.own_reflection",
                     "Moment.note",
                     "Clip.private_note", "Ending.practitioner_notes"}


def open_page(data: Built, view: str, family: str, page: str):
    store = CaseStore(data.root)
    case = store.load(family)
    page, _, variant = page.partition("#")
    if view == "client":
        SettingsStore(data.root).set(CLIENT_VIEW_SETTING, family)
        at = open_app(None, page if page != "pages/conversation.py" else None)
    else:
        at = open_app(family, page if page != "pages/caseload.py" else None)
    assert not at.exception, at.exception
    if page == "pages/analysis.py" and case.moments:
        at.session_state["analysis_moment"] = case.moments_of(case.recordings[0].id)[0].id
        at.run()
    if variant == "all-questions":
        at.toggle(key="review-one-at-a-time").set_value(False).run()
    if variant == "finish":
        cycle = review_cycle(case)
        at.session_state[f"review-step-{family}-{cycle}"] = len(case.chosen_clips(cycle))
        at.run()
    if view == "practitioner":
        ask_every_confirmation(at)
    return at, store.load(family)


@pytest.mark.parametrize(("view", "family", "page"), CASES, ids=[f"{v}-{f}-{p[6:]}" for v, f, p in CASES])
def test_hostile_text_is_shown_escaped_on_every_page(family_data, view, family, page):
    at, case = open_page(family_data, view, family, page)
    assert not at.exception, at.exception
    shown = messages(at, "error")
    assert GENERIC_ERROR not in shown and not [m for m in shown if "Something went wrong" in m], shown
    assert not [m for m in shown if "too long" in m or "must be text" in m], shown

    problems = escaping_problems(at.main, family_data.values)
    assert problems == [], "\n".join(problems)
    if view == "client":  # (and client view is what is on screen: nothing private, however it is written)
        private = {m for m, f in family_data.values.items() if f.split(" of ")[0] in PRACTITIONER_ONLY}
        on_screen = {f"HOSTILE-{n}" for _, text in sent(at.main) for n in re.findall(r"HOSTILE\\?-(\d+)", text)}
        assert not private & on_screen, [family_data.values[m] for m in private & on_screen]

    # The text boxes hold the family's words exactly as stored (NUL, escapes, the long line too).
    stored = {f"conv-{family}-{name}": getattr(case.conversation, name)
              for name in ("about_parent", "about_child", "relationship", "going_well",
                           "would_like_different", "helping_question")}
    stored |= {f"goal-text-{g.id}": g.text for g in case.goals}
    stored |= {f"clip-title-{c.id}": c.title for c in case.clips}
    stored |= {f"rec-title-{r.id}": r.title for r in case.recordings}
    stored |= {f"ending-{family}-{n}": getattr(case.ending, n) for n in ("what_changed", "what_helped",
                                                                          "looking_ahead")}
    stored |= {f"private-{family}": case.practitioner_notes, f"consent-notes-{family}": case.consent.notes}
    boxes = text_boxes(at)
    for key in stored.keys() & boxes.keys():
        assert boxes[key] == stored[key], f"the box {key} does not hold the stored text as typed"
    if page.startswith("pages/conversation.py"):
        assert stored.keys() & boxes.keys() >= {f"conv-{family}-about_parent"}
        assert "\x00" in boxes[f"conv-{family}-about_parent"] and LONG_LINE in boxes[f"conv-{family}-about_parent"]


@pytest.mark.parametrize("view", ["practitioner", "client"])
def test_the_sidebar_shows_the_family_escaped(family_data, view):
    at, _ = open_page(family_data, view, "demo", "pages/caseload.py" if view == "practitioner"
                      else "pages/conversation.py")
    problems = escaping_problems(at.sidebar, family_data.values)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("page", ["pages/case.py", "pages/review.py", "pages/goals.py"])
def test_markdown_places_show_the_escaped_form(family_data, page):
    """Where user text goes into Markdown, it arrives in the escaped form (so it shows as typed)."""
    from vig_core.ui.widgets import plain

    at, case = open_page(family_data, "practitioner", "demo", page)
    bodies = "\n".join(text for path, text in sent(at.main) if path not in PLAIN_TEXT_FIELDS)
    assert f"Case {plain(case.code)}" in bodies  # the page heading's caption
    assert "<script>" not in bodies and ":red[red]" not in bodies and "](javascript:" not in bodies
    if page == "pages/review.py":
        clip = case.chosen_clips(review_cycle(case))[0]
        assert plain(clip.title) in bodies and f"{plain(case.carer_name)}’s words" in bodies


def test_a_case_code_typed_with_markdown_is_shown_escaped_in_the_messages_that_name_it(store):
    """The practitioner types the code in the browser: the "created" message and the "already
    used" refusal both name it, and both are Markdown."""
    code, child = "HOSTILE-1 **b** :red[x] <script>alert(1)</script>", "HOSTILE-2 $x$ [a](javascript:x)"
    values = {"HOSTILE-1": "the case code typed", "HOSTILE-2": "the child's name typed"}
    problems = []
    for attempt in range(2):
        at = open_app()
        if attempt:  # a case exists now, so the New case panel starts closed: open it
            at.session_state["caseload-new"] = True
            at.run()
        at.text_input(key="new-code").input(code)
        at.text_input(key="new-child").input(child)
        at.button(key="FormSubmitter:new-case-Create case").click().run()
        assert not at.exception, at.exception
        problems += escaping_problems(at.main, values)
        assert [c.code for c in store.caseload().cases] == [code]  # kept as typed; the second refused
    assert problems == [], "\n".join(problems)


# --- text the store keeps but a browser could never send --------------------------------------
def test_a_lone_surrogate_in_a_field_does_not_break_the_page(store, data_dir):
    """Half a character is refused when typed (see unit/test_poisoned_files.py); one already in a record
    (made before, or by hand) shows as � and the page works."""
    from conftest import make_case
    from vig_core.storage.layout import CASE_FILE

    case = make_case(store, "S-1", "Ada")
    path = store.case_folder(case.id) / CASE_FILE
    path.write_text(path.read_text().replace('"about_parent":""', '"about_parent":"lone \\ud800 surrogate"'))
    at = open_app(case.id, "pages/conversation.py")
    assert not at.exception and GENERIC_ERROR not in messages(at, "error")
    assert at.text_area(key=f"conv-{case.id}-about_parent").value == "lone \ufffd surrogate"
