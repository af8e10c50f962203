"""Hostile text in every text field: stored verbatim, refused plainly over its limit, shown escaped.

The requirement: text of any kind (any unicode, control characters, NUL, 1 MB
pastes, HTML and script tags, Markdown and Streamlit directives) typed into any
field is kept exactly as typed; text over the field's limit, and text that is
not valid Unicode (a lone surrogate: half a character, which no page can show),
is refused with a plain :class:`ValidationError` and loses nothing already stored;
every place that turns user text into Markdown or HTML escapes it; and no ``unsafe_allow_html``/``st.html`` call ever carries user text.

The text fields are *discovered* by walking the dataclasses from ``Case``
down (``dataclasses.fields`` and ``typing.get_type_hints``, through nested
dataclasses and lists of them), and each field's limit is discovered by asking
``Case.validate`` itself, so a field added later is covered without editing
this file. Only identifiers and text the app writes itself are skipped, each
with its reason below.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import re
import types
import typing
from datetime import date, datetime
from enum import Enum
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vig_core.case.consent import ConsentKind
from vig_core.case.film import MAX_MOMENT_NOTE
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
from vig_core.ui.escape import JOINER, shown
from vig_core.ui.widgets import plain
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
PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(document.cookie)">',
    "</textarea><svg/onload=alert(1)>",
    '"><iframe src="javascript:alert(1)"></iframe>',
    "**bold** _em_ [a link](javascript:alert(1)) ![img](http://e.invalid/x.png) <https://e.invalid>",
    ":red[red] :blue-background[x] :material/home: :smile: :rainbow[x]",
    "$x^2$ $$\\frac{1}{2}$$ \\(x\\)",
    "# heading\n> quote\n- item\n1. item\n```\ncode\n```\n| a | b |\n|---|---|\nline\n===",
    "\u202eRTL override\u202c \u200f\u200e \u2066isolate\u2069 \u0645\u0631\u062d\u0628\u0627",
    "😀 👨‍👩‍👧 🏳️‍🌈 e\u0301 \U0010ffff \ufeffBOM \ufffd \uffff",
    "\x00 NUL \x01\x07\x08\x1b[31mred\x1b[0m\x7f\x85\u2028\u2029\r\n\t\x0b\x0c",
    "\ud800 \udfff lone surrogates \udc80",
    "&amp; &lt;script&gt; &#x3C; &#60; &nbsp;",
    "  leading and trailing blanks  \n\n",
    "\\ backslash \\\\ `code` ~~strike~~ ==mark== ^sup^ {{ jinja }} {% tag %} ${x} %s {0}",
    "' OR 1=1 -- \"; DROP TABLE cases; ../../etc/passwd C:\\Windows\\",
]
SPECIALS = "<>&\"'`*_[](){}#+-.!|~:$\\=\x00\x1b\u202e\ud800"
CHARS = st.one_of(st.characters(exclude_categories=()), st.characters(categories=["Cs", "Cc"]),
                  st.sampled_from(SPECIALS))


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
    known = {MAX_SHORT_TEXT, MAX_TITLE_TEXT, MAX_GOAL_TEXT, MAX_MOMENT_NOTE, MAX_NOTE_TEXT}
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
                world.store.update(world.case_id, lambda c: set_text(c, field, text))
            assert get_text(world.store.load(world.case_id), field) == before
            continue
        saved = world.store.update(world.case_id, lambda c: set_text(c, field, text))
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


# --- Markdown escaping: widgets.plain -----------------------------------------------------
# Every character CommonMark, GitHub Markdown, Streamlit's directives (:red[..], :material/..:,
# emoji shortcodes) and its LaTeX ($..$) give a meaning to inside a line; "=" matters only as a
# setext underline (see the block test below).
INLINE_SPECIALS = set("\\`*_{}[]()#+-.!|~<>:$&")
ASCII_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")


CHARACTER_REFERENCE = re.compile(r"(?<!\\)&#(\d+);")


def unescape_markdown(text: str) -> str:
    """What CommonMark makes of backslash escapes (the punctuation character itself) and of
    numeric character references (``&#32;``: the character)."""
    parts = CHARACTER_REFERENCE.split(text)  # text, number, text, number, ...
    return "".join(ASCII_PUNCTUATION.sub(r"\1", part) if n % 2 == 0 else chr(int(part))
                   for n, part in enumerate(parts))


def unescaped_specials(text: str) -> list[str]:
    """Markdown characters in ``text`` not protected by a backslash."""
    bare, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and ASCII_PUNCTUATION.match(text, i):
            i += 2
            continue
        reference = CHARACTER_REFERENCE.match(text, i)
        if reference:
            i = reference.end()
            continue
        if text[i] in INLINE_SPECIALS:
            bare.append(text[i])
        i += 1
    return bare


@given(st.text(CHARS, max_size=300) | st.sampled_from(PAYLOADS))
@example("<script>alert(1)</script>")
@example("[a](javascript:alert(1)) :red[x] $\\frac{1}{2}$ **b** # h")
@example("\\")
@settings(max_examples=300, deadline=None)
def test_plain_escapes_every_markdown_character_and_loses_nothing(text):
    escaped = plain(text)
    assert unescaped_specials(escaped) == []
    assert as_read(escaped) == without_joiners(shown(text))


JOINED = ["https://example.org/x", "HTTP://EXAMPLE.ORG", "www.example.org", "WWW.Example.org", "mail@example.org",
          "mailto:a@b.co", ":material/home:", ":material_home:", ":smile:", ":+1:", ":-1:", ":100:", ":8ball:",
          ":streamlit:", " -- ", " -> ", " <- ", " <-> ", " >= ", " <= ", " ~= ", "--", "\u202eRTL\u202c",
          "a\u2066b\u2069c"]
# What Streamlit's Markdown turns into something else *after* backslash escapes are read
# (its frontend bundle: material icons, the logo, remark-emoji, GFM autolink literals, typography).
AFTER_ESCAPES = [re.compile(p, re.IGNORECASE) for p in (
    r":material[/_]\w+:", r":streamlit:", r":(\+1|-1|[a-z_][\w-]*|100|1234|8ball):", r"https?://", r"www\.",
    r"[-.\w+]+@[-\w]+(\.[-\w]+)+", r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)", "[\u202a-\u202e\u2066-\u2069]")]


def without_joiners(text: str) -> str:
    return text.replace(JOINER, "")


def as_read(markdown: str) -> str:
    """The text a reader gets from ``markdown``, the invisible joiners taken out."""
    return without_joiners(unescape_markdown(markdown))


@given(st.lists(st.sampled_from(JOINED) | st.text(CHARS, max_size=8), max_size=8).map("".join))
@example("see https://example.org/x, www.example.org or mail@example.org :material/home: :smile: a -- b -> c")
@settings(max_examples=300, deadline=None)
def test_plain_leaves_nothing_that_streamlit_turns_into_a_link_an_icon_or_an_arrow(text):
    """Issue 18, item 11: URLs became links, ``:material/...:`` icons, and a right-to-left override
    reversed the rest of the line, although every Markdown character was escaped."""
    read = unescape_markdown(plain(text))  # the text the patterns are looked for in (joiners and all)
    assert [p.pattern for p in AFTER_ESCAPES if p.search(read)] == []
    assert as_read(plain(text)) == without_joiners(shown(text))


SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


def block_problems(markdown: str) -> list[str]:
    """Block-level Markdown that survives in ``markdown``: a setext heading underline after a
    line of text, or an indented code block (4 spaces or a tab after a blank line)."""
    problems, previous = [], ""
    for line in markdown.split("\n"):
        if previous.strip() and SETEXT_UNDERLINE.match(line):
            problems.append(f"setext heading underline {line!r}")
        if not previous.strip() and line.strip() and re.match(r"^( {4}|\t)", line):
            problems.append(f"indented code block {line!r}")
        previous = line
    return problems


@given(st.lists(st.sampled_from(["words", "", "===", "=", "---", "    (indented)", "\tx", "# h", "> q"]),
                min_size=1, max_size=6).map("\n".join))
@example("I will wait for Leo\n===")
@settings(max_examples=100, deadline=None)
def test_plain_leaves_no_block_markdown_in_text_of_several_lines(text):
    """Goals and "what to film next time" are typed in text areas (several lines) and shown with
    ``plain`` inside ``st.markdown``/``st.caption``: each line must still show as typed."""
    escaped = plain(text).strip()  # st.markdown and st.caption dedent and strip the body first
    assert block_problems(escaped) == []


def _commonmark():
    mdit = pytest.importorskip("markdown_it", reason="markdown-it-py is not installed in this venv")
    md = mdit.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    try:
        from mdit_py_plugins.dollarmath import dollarmath_plugin
    except ImportError:
        return md
    return md.use(dollarmath_plugin)


LINE_CHARS = st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"])


@given(st.text(st.one_of(LINE_CHARS, st.sampled_from(SPECIALS.replace("\x00", "").replace("\x1b", "")
                                                      .replace("\ud800", ""))), max_size=200)
       | st.sampled_from([p for p in PAYLOADS if "\n" not in p and "\x00" not in p and "\ud800" not in p]))
@settings(max_examples=300, deadline=None)
def test_plain_text_renders_back_to_itself_through_a_markdown_parser(text):
    """A line of user text after a label (how the pages use ``plain``) parses to one paragraph
    of plain text equal to what was typed: no emphasis, link, image, HTML, code or math."""
    md = _commonmark()
    label = "Goal 1: "
    tokens = md.parse(label + plain(text))
    assert [t.type for t in tokens] in ([], ["paragraph_open", "inline", "paragraph_close"])
    children = tokens[1].children if tokens else []
    assert {c.type for c in children} <= {"text"}, [c.type for c in children]
    assert without_joiners("".join(c.content for c in children)).rstrip() == \
        without_joiners(label + shown(text)).rstrip()


# --- HTML escaping: the celebration summary and the strengths record ------------------------
class Structure(HTMLParser):
    """The elements and attributes of a page, and its text runs, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple]] = []
        self.texts: list[str] = []
        self.attr_values: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple((k, None if k in ("alt", "src") else v) for k, v in attrs)))
        self.attr_values.extend(v for k, v in attrs if k == "alt")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.tags.append((f"/{tag}", ()))

    def handle_data(self, data):
        self.texts.append(data)

    def handle_comment(self, data):
        self.tags.append(("!--", (("data", data),)))

    def handle_decl(self, decl):
        self.tags.append(("!", (("decl", decl),)))

    def unknown_decl(self, data):
        self.tags.append(("!?", (("decl", data),)))

    def handle_pi(self, data):
        self.tags.append(("?", (("pi", data),)))


def read_page(page: str) -> Structure:
    parser = Structure()
    parser.feed(page)
    parser.close()
    return parser


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
    for expected in captions + [bad_case.carer_name, bad_case.child_first_name]:
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


# --- no raw HTML with user text ---------------------------------------------------------------
SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "vig_core").rglob("*.py")])

# Every call that puts raw HTML on the screen, reviewed: (file, enclosing function) -> why it is safe.
REVIEWED_RAW_HTML = {
    ("app.py", "main"): "st.html(CLIENT_VIEW_CSS): a module-level constant of CSS, no user text",
}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "?"


def raw_html_calls(source: str, filename: str) -> list[tuple[str, str, ast.Call]]:
    """(file, enclosing function, call) for every st.html/components.html call and every call
    with ``unsafe_allow_html`` not literally False."""
    tree = ast.parse(source, filename=filename)
    html_names = set()  # names bound to streamlit's html functions by "from ... import html"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit"):
            html_names |= {a.asname or a.name for a in node.names if a.name in ("html", "iframe")}
    found = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else where
            if isinstance(child, ast.Call):
                name = _dotted(child.func)
                parts = name.split(".")
                raw = (parts[-1] in ("html", "iframe") and len(parts) > 1
                       and parts[0] in ("st", "streamlit", "components", "stc", "v1"))
                raw = raw or (isinstance(child.func, ast.Name) and child.func.id in html_names)
                unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant)
                                                                  and k.value.value is False)
                             for k in child.keywords)
                if raw or unsafe:
                    found.append((filename, where, child))
            visit(child, inner)

    visit(tree, "<module>")
    return found


def test_the_scan_finds_raw_html_calls():
    sample = ("import streamlit as st\nfrom streamlit.components.v1 import html as h\n"
              "def f(x):\n    st.markdown(x, unsafe_allow_html=True)\n    st.html(x)\n    h(x)\n"
              "    st.components.v1.html(x)\n    st.markdown(x, unsafe_allow_html=False)\n    html.escape(x)\n")
    assert [(w, _dotted(c.func)) for _, w, c in raw_html_calls(sample, "sample.py")] == [
        ("f", "st.markdown"), ("f", "st.html"), ("f", "h"), ("f", "st.components.v1.html")]


def test_raw_html_is_only_used_at_reviewed_places_and_only_with_constants():
    calls = [c for path in SOURCES
             for c in raw_html_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    new = {(f, w): ast.unparse(c) for f, w, c in calls if (f, w) not in REVIEWED_RAW_HTML}
    assert new == {}, "raw HTML at a place nobody reviewed: escape any user text and add it here"
    for _, _, call in calls:
        for arg in [*call.args, *(k.value for k in call.keywords if k.arg in ("body", "html"))]:
            assert isinstance(arg, ast.Constant) or (isinstance(arg, ast.Name) and arg.id.isupper()), (
                f"{ast.unparse(call)}: the HTML must be a module-level constant")


def test_the_reviewed_raw_html_is_a_plain_style_sheet():
    from vig_core.ui.widgets import CLIENT_VIEW_CSS

    page = read_page(CLIENT_VIEW_CSS)
    assert [t for t, _ in page.tags] == ["style", "/style"]
    assert "<script" not in CLIENT_VIEW_CSS.lower() and "url(" not in CLIENT_VIEW_CSS
