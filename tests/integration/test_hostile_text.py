"""Hostile text in every text field: stored verbatim, refused plainly over its limit, shown escaped.

The requirement: text of any kind (any unicode, control characters, NUL, 1 MB
pastes, HTML and script tags, Markdown and Streamlit directives) typed into any
field is kept exactly as typed; text over the field's limit, and text that is
not valid Unicode (a lone surrogate: half a character, which no page can show),
is refused with a plain :class:`ValidationError` and loses nothing already stored;
every place that turns user text into Markdown or HTML escapes it; and no ``unsafe_allow_html``/``st.html``
call ever carries user text (tests/unit/test_raw_html.py).

The text fields are *discovered* by walking the dataclasses from ``Case``
down (``dataclasses.fields`` and ``typing.get_type_hints``, through nested
dataclasses and lists of them), and each field's limit is discovered by asking
``Case.validate`` itself, so a field added later is covered without editing
this file. Only identifiers and text the app writes itself are skipped, each
with its reason below.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import types
import typing
from datetime import date, datetime
from enum import Enum
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from unit.test_markdown_escaping import CHARS, PAYLOADS
from unit.test_raw_html import read_page
from vig_core.case.consent import ConsentKind
from vig_core.case.film import MAX_CODER_NAME, MAX_MOMENT_NOTE
from vig_core.case.outcomes import measure_results
from vig_core.case.record import Case
from vig_core.errors import ValidationError
from vig_core.printables.celebration import celebration_html
from vig_core.printables.strengths import strengths_html, strengths_items
from vig_core.services.demo import ENDING_DEMO_FILE, ensure_demo_case
from vig_core.storage.codec import to_record
from vig_core.storage.layout import CASE_FILE
from vig_core.storage.store import CaseStore
from vig_core.text import MAX_GOAL_TEXT, MAX_NOTE_TEXT, MAX_SHORT_TEXT, MAX_TITLE_TEXT, is_valid_unicode
from vig_core.vocab.instruments import load_instruments

MB = 1024 * 1024
PROBE_CEILING = 2 * MB  # a field that accepts this much has no limit at all
HYPOTHESIS = settings(max_examples=25, deadline=None,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                             HealthCheck.large_base_example])


# --- the text fields of a case, found by walking the dataclasses ---------------------------
@dataclasses.dataclass(frozen=True)
class TextField:
    owner: type  # the dataclass that holds the field
    name: str
    path: tuple[str, ...]  # attribute names from the case; "[]" steps into a list
    is_list: bool = False  # list[str]: every item is a text of its own

    @property
    def label(self) -> str:
        return f"{self.owner.__name__}.{self.name}{'[]' if self.is_list else ''}"


def _is_identifier(name: str) -> bool:
    return name == "id" or name.endswith("_id")


# str fields that are not free text: nobody types them, so they are not tested as text.
# (Any field called ``id`` or ``..._id`` is an identifier too: made by ``new_id()`` or taken
# from a definition file, never typed.)
NOT_FREE_TEXT = {
    "ConsentEvent.action": "“given” or “withdrawn”, written by Consent.give/withdraw",
    "Recording.playable": "a path inside the case folder, made by the importer",
    "Recording.original": "a path inside the case folder, made by the importer",
    "Clip.exported": "a path inside the case folder, made by the clip export",
    "Recording.fingerprint": "the imported file's size and hash, made by the importer",
    "Recording.video_codec": "the playable copy's codec (h264 or hevc), written by the importer",
    "Moment.principles[]": "heading ids from the principles file",
    "Ending.chosen_quotes[]": "ids of the parent's words (reflections)",
}

# Text copied into the case from elsewhere (a file name, a definition file, the prompt set),
# not typed into the case: it must still come back verbatim, but the case sets no limit of its
# own on it (its source is checked where it is read, e.g. a prompt at most 300 characters).
COPIED_TEXT = {
    "Recording.original_name": "the film's file name, as uploaded or found on disk",
    "Recording.how": "written by the importer (codec, rotation)",
    "Moment.behaviours[]": "behaviour texts copied from the principles file",
    "Reflection.prompt": "the question as it was asked, copied from the prompt set",
    "Administration.band": "a band label copied from the instrument definition",
    "Administration.instrument_title": "the title copied from the instrument definition",
}


def _text_fields(cls: type, path: tuple[str, ...] = ()) -> list[TextField]:
    hints = typing.get_type_hints(cls)
    found: list[TextField] = []
    for f in dataclasses.fields(cls):
        found.extend(_classify(cls, f.name, hints[f.name], (*path, f.name)))
    return found


def _classify(owner: type, name: str, tp: typing.Any, path: tuple[str, ...]) -> list[TextField]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        assert len(inner) == 1, f"{owner.__name__}.{name}: a union this test does not know how to fill"
        return _classify(owner, name, inner[0], path)
    if origin is list:
        (item,) = typing.get_args(tp)
        if item is str:
            return [TextField(owner, name, path, is_list=True)]
        return _classify(owner, name, item, (*path, "[]"))
    if origin is dict:
        key, value = typing.get_args(tp)
        assert key is str and value in (int, float), (
            f"{owner.__name__}.{name}: a dict of {value}; teach this test whether it holds typed text")
        return []  # questionnaire answers: item ids to numbers
    if isinstance(tp, type) and issubclass(tp, Enum):
        return []  # a fixed choice, never typed (StrEnum is a str: checked first)
    if tp is str:
        return [TextField(owner, name, path)]
    if dataclasses.is_dataclass(tp):
        return _text_fields(tp, path)
    assert tp in (int, float, bool, date, datetime), f"{owner.__name__}.{name}: unknown type {tp!r}"
    return []


ALL_FIELDS = _text_fields(Case)
TYPED = [f for f in ALL_FIELDS if not _is_identifier(f.name) and f.label not in NOT_FREE_TEXT]
FREE_TEXT = [f for f in TYPED if f.label not in COPIED_TEXT]
COPIED = [f for f in TYPED if f.label in COPIED_TEXT]
LABEL = {"ids": lambda f: f.label}


def _parent(case: Case, field: TextField, index: int = 0):
    obj = case
    for part in field.path[:-1]:
        if part == "[]":
            assert obj, f"the test case has no item to hold {field.label}; add one to the fixture"
            obj = obj[index] if index < len(obj) else obj[0]
        else:
            obj = getattr(obj, part)
    return obj


def get_text(case: Case, field: TextField) -> str:
    value = getattr(_parent(case, field), field.name)
    return value[0] if field.is_list else value


def set_text(case: Case, field: TextField, text: str) -> None:
    parent = _parent(case, field)
    if field.is_list:
        getattr(parent, field.name)[0] = text
    else:
        setattr(parent, field.name, text)


def every_instance(case: Case, field: TextField) -> list[tuple[object, str]]:
    """Every (object, attribute) holding the field in ``case`` (all items of every list)."""
    objs: list[object] = [case]
    for part in field.path[:-1]:
        objs = [item for obj in objs for item in obj] if part == "[]" else [getattr(o, part) for o in objs]
    return [(o, field.name) for o in objs]


def _accepts(case: Case, field: TextField, text: str) -> bool:
    trial = copy.deepcopy(case)
    set_text(trial, field, text)
    try:
        trial.validate()
    except ValidationError:
        return False
    return True


# --- a stored case with an item of every kind ------------------------------------------------
class World:
    def __init__(self, store: CaseStore, case_id: str, pristine: bytes, limits: dict[str, int | None],
                 required: dict[str, bool]) -> None:
        self.store, self.case_id = store, case_id
        self.pristine = pristine  # the case file as made, written back before each test
        self.limits = limits  # field label -> longest accepted text (None: no limit)
        self.required = required  # field label -> refuses blank text

    @property
    def case_file(self) -> Path:
        return self.store.case_folder(self.case_id) / CASE_FILE

    def __repr__(self) -> str:
        return f"World({self.case_id})"

    def reset(self) -> Case:
        self.case_file.write_bytes(self.pristine)
        return self.store.load(self.case_id)


def _limit(case: Case, field: TextField) -> int | None:
    if _accepts(case, field, "x" * PROBE_CEILING):
        return None
    low, high = 1, PROBE_CEILING  # accepted, refused
    assert _accepts(case, field, "x"), f"{field.label} refuses even one character"
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if _accepts(case, field, "x" * middle) else (low, middle)
    return low


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    """The fictional family at the ending (films, moments, clips, the parent's words,
    questionnaires, ratings), plus a goal for the future so that every list has an item."""
    store = CaseStore(tmp_path_factory.mktemp("hostile") / "data")
    case_id = ensure_demo_case(store, spec_file=ENDING_DEMO_FILE)
    store.update(case_id, lambda c: c.ending.future_goals.append("I will keep waiting for Leo."))
    case = store.load(case_id)
    for field in ALL_FIELDS:
        _parent(case, field)  # every nested item exists, or the fixture is named as lacking one
        if field.is_list:
            assert getattr(_parent(case, field), field.name), f"the test case has no item in {field.label}"
    limits = {f.label: _limit(case, f) for f in TYPED}
    required = {f.label: not _accepts(case, f, "") or not _accepts(case, f, " \t\n") for f in TYPED}
    pristine = (store.case_folder(case_id) / CASE_FILE).read_bytes()
    return World(store, case_id, pristine, limits, required)


# --- hostile text ---------------------------------------------------------------------------
def hostile_text(limit: int | None, required: bool, max_random: int = 300) -> st.SearchStrategy[str]:
    """Hostile text that fits within ``limit`` (and is not blank where the field needs words)."""
    top = limit or 60_000
    raw = st.one_of(
        st.text(CHARS, max_size=min(top, max_random)),
        st.sampled_from(PAYLOADS),
        st.lists(st.one_of(st.sampled_from(PAYLOADS), st.text(CHARS, max_size=20)), max_size=6).map("".join),
        st.builds(lambda chunk, n: chunk * n, st.sampled_from(["x", "<b>", "é", "😀", "\x00", "\n", " "]),
                  st.integers(1, top)),  # one very long line (or blank run) up to the limit
    )

    def fit(text: str) -> str:
        text = text[:top]
        if required and not text.strip():
            text = text[: top - 1] + "x"
        return text

    return raw.map(fit)


def long_text(length: int, unit: str = PAYLOADS[0] + "é😀\x00\n") -> str:
    return (unit * (length // len(unit) + 1))[:length]


# --- stored verbatim ------------------------------------------------------------------------
def test_the_walk_finds_the_text_fields_of_every_part_of_a_case():
    labels = {f.label for f in ALL_FIELDS}
    assert {"Case.code", "Case.child_first_name", "Case.carer_name", "Case.practitioner_notes",
            "Consent.notes", "Conversation.about_parent", "Conversation.helping_question", "Goal.text",
            "Cycle.film_next", "Cycle.review_notes", "Recording.title", "Moment.note", "Clip.title",
            "Clip.naming", "Clip.private_note", "Clip.strengths_caption", "Reflection.words",
            "Ending.what_changed", "Ending.practitioner_notes", "Ending.future_goals[]",
            "Administration.band"} <= labels
    assert set(NOT_FREE_TEXT) | set(COPIED_TEXT) <= labels, "a listed field no longer exists: update the lists"
    assert not set(NOT_FREE_TEXT) & set(COPIED_TEXT)
    assert len(FREE_TEXT) >= 25


def test_every_typed_field_has_a_limit_well_under_a_megabyte(world):
    known = {MAX_SHORT_TEXT, MAX_TITLE_TEXT, MAX_GOAL_TEXT, MAX_MOMENT_NOTE, MAX_NOTE_TEXT, MAX_CODER_NAME}
    assert {f.label: world.limits[f.label] for f in FREE_TEXT if world.limits[f.label] not in known} == {}
    assert world.limits["Case.code"] == MAX_SHORT_TEXT and world.limits["Clip.title"] == MAX_TITLE_TEXT
    assert world.limits["Goal.text"] == MAX_GOAL_TEXT and world.limits["Moment.note"] == MAX_MOMENT_NOTE
    assert world.limits["Conversation.about_child"] == MAX_NOTE_TEXT
    assert world.required["Case.code"] and world.required["Reflection.words"]
    assert not world.required["Case.carer_name"]


@pytest.mark.parametrize("field", FREE_TEXT + COPIED, **LABEL)
@HYPOTHESIS
@given(data=st.data())
@example(data=None)  # the explicit payloads below, once each
def test_hostile_text_is_stored_and_read_back_verbatim(world, field, data):
    limit, required = world.limits[field.label], world.required[field.label]
    if data is None:
        world.reset()
        texts = [t for t in PAYLOADS if (limit is None or len(t) <= limit) and (not required or t.strip())]
        texts.append("".join(PAYLOADS)[: limit or None])
    else:
        texts = [data.draw(hostile_text(limit, required), label="text")]
    for text in texts:
        if not is_valid_unicode(text):  # half a character: refused, and what was there stays
            before = get_text(world.store.load(world.case_id), field)
            with pytest.raises(ValidationError, match="broken character|was not saved"):
                world.store.update(world.case_id, lambda c, text=text: set_text(c, field, text))
            assert get_text(world.store.load(world.case_id), field) == before
            continue
        saved = world.store.update(world.case_id, lambda c, text=text: set_text(c, field, text))
        assert get_text(saved, field) == text
        assert get_text(world.store.load(world.case_id), field) == text, f"{field.label} changed on the way"


@pytest.mark.parametrize("field", FREE_TEXT, **LABEL)
def test_text_exactly_at_the_limit_is_kept(world, field):
    limit = world.limits[field.label]
    before = world.reset()
    text = long_text(limit)
    world.store.update(world.case_id, lambda c: set_text(c, field, text))
    after = world.store.load(world.case_id)
    assert get_text(after, field) == text and len(get_text(after, field)) == limit
    set_text(after, field, get_text(before, field))
    assert to_record(after) == to_record(before), "setting one field changed another"


def _refused_and_nothing_lost(world: World, field: TextField, text: str) -> str:
    before, before_bytes = world.store.load(world.case_id), world.case_file.read_bytes()
    with pytest.raises(ValidationError) as refused:
        world.store.update(world.case_id, lambda c: set_text(c, field, text))
    assert world.case_file.read_bytes() == before_bytes, f"{field.label}: the refused text touched the file"
    assert to_record(world.store.load(world.case_id)) == to_record(before)
    message = str(refused.value)
    limit = world.limits[field.label]
    assert len(message) < 200, message
    if text.strip() or not world.required[field.label]:  # (an all-blank text is refused as empty first)
        assert "too long" in message and f"{limit:,}" in message, message
    assert text[:20] not in message  # a plain sentence, not the pasted text thrown back
    return message


@pytest.mark.parametrize("field", FREE_TEXT, **LABEL)
def test_a_megabyte_is_refused_plainly_and_nothing_is_lost(world, field):
    world.reset()
    world.store.update(world.case_id, lambda c: set_text(c, field, "kept words"))
    message = _refused_and_nothing_lost(world, field, long_text(MB))
    assert f"{MB:,} characters" in message
    assert get_text(world.store.load(world.case_id), field) == "kept words"


@pytest.mark.parametrize("field", FREE_TEXT, **LABEL)
@HYPOTHESIS
@given(data=st.data())
def test_hostile_text_over_the_limit_is_refused_and_nothing_is_lost(world, field, data):
    limit = world.limits[field.label]
    unit = data.draw(st.one_of(st.sampled_from(PAYLOADS), st.text(CHARS, min_size=1, max_size=40)), label="unit")
    over = data.draw(st.one_of(st.integers(1, 3), st.integers(1, 2 * limit)), label="over")
    text = long_text(limit + over, unit)
    assert len(text) == limit + over
    _refused_and_nothing_lost(world, field, text)


@pytest.mark.parametrize("field", COPIED, **LABEL)
def test_copied_text_of_a_megabyte_comes_back_whole(world, field):
    """No limit of their own (see COPIED_TEXT); whatever they hold is at least never cut."""
    world.reset()
    text = long_text(MB)
    world.store.update(world.case_id, lambda c: set_text(c, field, text))
    assert get_text(world.store.load(world.case_id), field) == text


# --- HTML escaping: the celebration summary and the strengths record ------------------------
FAMILY_PAGE_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "section", "div", "span",
                    "blockquote", "figure", "img", "figcaption", "footer", "ul", "li"}
FAMILY_PAGE_ATTRS = {"lang", "charset", "name", "content", "class", "style", "src", "alt", "aria-hidden"}


def _hostile_case(case: Case, make) -> tuple[Case, dict[int, str]]:
    """A copy of ``case`` with every typed field of every item set to ``make(n)``."""
    case = copy.deepcopy(case)
    if not case.consent.choice(ConsentKind.PARENT_KEEPS_CLIPS).active:
        case.consent.give(ConsentKind.PARENT_KEEPS_CLIPS, case.created_on)
    values, n = {}, 0
    for field in TYPED:
        for obj, name in every_instance(case, field):
            if field.is_list:
                items = getattr(obj, name)
                for i in range(len(items)):
                    n += 1
                    items[i] = values[n] = make(n)
            else:
                n += 1
                setattr(obj, name, make(n))
                values[n] = getattr(obj, name)
    return case, values


def _pages(world: World, case: Case, marker) -> tuple[str, str]:
    stills = {item.clip_id: b"\x89PNG fake still" for item in strengths_items(case)}
    found, _ = load_instruments(world.store.root)
    found = {k: dataclasses.replace(v, title=marker("instrument " + k), plain_title=marker("plain " + k))
             for k, v in found.items()}
    made = date(2026, 4, 6)
    return (celebration_html(case, made, stills=stills, measures=measure_results(case, found)),
            strengths_html(case, strengths_items(case), stills, made))


@HYPOTHESIS
@given(text=st.text(CHARS, max_size=200) | st.sampled_from(PAYLOADS))
@example(text="".join(PAYLOADS))
def test_family_pages_show_hostile_text_only_as_text(world, text):
    """Every typed field of every item set to hostile text: the celebration summary and the
    strengths record have exactly the elements and attributes they have with harmless text,
    and the family's words appear as text, exactly (as the page trims them)."""
    base = world.store.load(world.case_id)
    tag = "ZQ{}Q"  # survives escaping unchanged, so each field can be found

    def hostile(n) -> str:
        return f"{text} {tag.format(n)} {text}"

    def harmless(n) -> str:
        return f"harmless {tag.format(n)}"

    bad_case, _ = _hostile_case(base, hostile)
    good_case, _ = _hostile_case(base, harmless)
    for bad_page, good_page in zip(_pages(world, bad_case, hostile), _pages(world, good_case, harmless)):
        bad, good = read_page(bad_page), read_page(good_page)
        assert bad.tags == good.tags, "user text changed the page's elements or attributes"
        assert {t for t, _ in bad.tags if not t.startswith(("/", "!"))} <= FAMILY_PAGE_TAGS
        assert {k for t, attrs in bad.tags if not t.startswith("!") for k, _ in attrs} <= FAMILY_PAGE_ATTRS

    celebration, strengths = (read_page(p) for p in _pages(world, bad_case, hostile))
    shown = []
    for reflection in (r for r in bad_case.reflections if r.id in bad_case.ending.chosen_quotes):
        shown.append(reflection.words.strip())
    shown += [g.text.strip() for g in bad_case.goals if g.ratings]
    shown += [bad_case.ending.what_changed.strip(), bad_case.ending.what_helped.strip(),
              bad_case.ending.looking_ahead.strip(), *(g.strip() for g in bad_case.ending.future_goals)]
    shown += [bad_case.carer_name.strip(), bad_case.child_first_name.strip()]
    captions = [item.caption for item in strengths_items(bad_case)]
    assert captions
    for expected in shown + captions:
        assert any(expected in run for run in celebration.texts), f"{expected[:60]!r} is not shown as text"
    for expected in [*captions, bad_case.carer_name, bad_case.child_first_name]:
        assert any(expected in run for run in strengths.texts), f"{expected[:60]!r} is not shown as text"
    for item in strengths_items(bad_case):
        assert f"Still from the clip: {item.title}" in strengths.attr_values
    private = [bad_case.practitioner_notes, bad_case.ending.practitioner_notes, bad_case.consent.notes,
               *(c.private_note for c in bad_case.clips), *(m.note for m in bad_case.moments),
               *(c.review_notes for c in bad_case.cycles),
               *(c.own_reflection for c in bad_case.cycles)]
    private_tags = {re.search(r"ZQ\d+Q", p).group() for p in private}
    for page in (celebration, strengths):
        seen = "\n".join(page.texts + page.attr_values)
        assert not [t for t in private_tags if t in seen], "a practitioner-only note reached a family page"
