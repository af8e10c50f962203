"""Files that are accepted and then break pages (issue 18, items 8 and 9): definitions, own
principles and prompts, and records holding what no page can show or compute with.

A lone surrogate (half of a character), NaN, Infinity, 1e400 or a huge integer, an SD so small
that the reliable-change divisor underflows to 0, and JSON nested thousands deep were each
accepted by a check and then failed a page, or printed a traceback from ``validate-instrument``.
"""

from __future__ import annotations

import copy
import json
import math
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import make_case
from unit.test_scoring import SCORE_ENTRY, check_in
from vig_core.case.scoring import clinical_cutoff, reliable_change, score_entry, score_items
from vig_core.datafiles import MAX_DEPTH, json_problem, nesting_depth
from vig_core.errors import ValidationError
from vig_core.storage.definitions import save_own_instrument
from vig_core.storage.layout import CASE_FILE
from vig_core.vocab.instruments import DefinitionError, Instrument, load_instruments, parse_instrument, scale_note
from vig_core.vocab.principles import load_principles
from vig_core.vocab.prompts import load_prompt_sets

DEEP = "[" * 100_000 + "]" * 100_000


def raw(definition: dict) -> str:
    return json.dumps(definition)


# The definitions of the issue, as raw JSON text (some cannot be written by json.dumps at all).
POISONED = {
    "lone surrogate in the title": raw(SCORE_ENTRY).replace('"title": "', '"title": "\\ud800'),
    "sd 5e-324": raw({**SCORE_ENTRY, "sd": 5e-324}),
    "max 1e400": raw(SCORE_ENTRY).replace('"max": 40', '"max": 1e400'),
    "max a 400-digit integer": raw(SCORE_ENTRY).replace('"max": 40', '"max": 1' + "0" * 400),
    "sd a 400-digit integer": raw(SCORE_ENTRY).replace('"sd": 5.0', '"sd": 1' + "0" * 400),
    "min NaN": raw(SCORE_ENTRY).replace('"min": 0', '"min": NaN'),
    "band to Infinity": raw(SCORE_ENTRY).replace('"to": 40', '"to": Infinity'),
    "option value a 400-digit integer": raw(check_in()).replace('"value": 5', '"value": 5' + "0" * 400),
    "a range of 1e-300": raw({**SCORE_ENTRY, "score": {"min": 0, "max": 1e-300, "higher_is": "worse"},
                             "bands": []}),
    "nested 100,000 deep": DEEP,
    "citation nested 100,000 deep": raw(SCORE_ENTRY).replace('"citation": "Someone (2000)."', '"citation": ' + DEEP),
    "a lone surrogate in a key": raw(SCORE_ENTRY).replace('"licence"', '"\\udc00": 1, "licence"'),
}


@pytest.mark.parametrize("what", list(POISONED))
def test_checking_and_adding_a_poisoned_definition_refuses_it_and_keeps_nothing(tmp_path, what):
    with pytest.raises(DefinitionError) as refused:
        save_own_instrument(tmp_path, POISONED[what].encode("utf-8", "surrogatepass"), "worse.json")
    assert refused.value.problems and all(p.startswith("worse.json: ") for p in refused.value.problems)
    assert not list(tmp_path.rglob("*.json"))


def test_a_poisoned_definition_in_the_folder_is_named_and_the_others_still_load(tmp_path):
    own = tmp_path / "instruments"
    own.mkdir()
    for n, text in enumerate(POISONED.values()):
        (own / f"poison-{n}.json").write_text(text.replace('"id": "worse"', f'"id": "poison-{n}"'),
                                              encoding="utf-8")
    found, warnings = load_instruments(tmp_path)
    assert not any(i.startswith("poison") for i in found) and "wemwbs" in found
    assert len(warnings) == len(POISONED) and all("poison-" in w for w in warnings)


# --- every definition that validates can be shown and computed with ---------------------------------
HOSTILE_LEAVES = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, 5e-324, 10**400, -(10**30),
                     1e-300, 0, -0.0, "\ud800", "x\udfff", "", [], {}, None, True, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(), st.text(st.characters(categories=["Cs", "L"])),
)


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _leaves(item, (*path, n))
    yield path


def _set(data, path, value):
    if not path:
        return value
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _usable(instrument: Instrument) -> None:
    """What the pages do with a definition: none of it may fail."""
    for text in (instrument.title, instrument.plain_title, instrument.citation, instrument.licence,
                 scale_note(instrument), *(b.label for b in instrument.bands), *(i.text for i in instrument.items),
                 *(o.label for o in instrument.options)):
        text.encode("utf-8")  # what Streamlit does with every string it sends: a lone surrogate fails here
    for pre, post in [(instrument.minimum, instrument.maximum), (instrument.maximum, instrument.minimum)]:
        change = reliable_change(instrument, pre, post)
        assert change.rci is None or math.isfinite(change.rci)
        assert (change.verdict is None) == (change.rci is None)
    if instrument.kind == "score-entry":
        score_entry(instrument, instrument.minimum)
    else:
        score_items(instrument, {i.id: instrument.options[0].value for i in instrument.items})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from([check_in(), SCORE_ENTRY]), data=st.data())
@example(base=SCORE_ENTRY, data=None)
def test_a_definition_that_validates_never_fails_a_page(base, data):
    definition = copy.deepcopy(base)
    if data is None:
        definition["sd"] = 5e-324
    else:
        paths = list(_leaves(definition))
        for _ in range(data.draw(st.integers(1, 3), label="changes")):
            definition = _set(definition, data.draw(st.sampled_from(paths), label="where"),
                              data.draw(HOSTILE_LEAVES, label="value"))
            paths = list(_leaves(definition)) if isinstance(definition, (dict, list)) else [()]
    try:
        instrument = parse_instrument(definition, "gen.json")
    except DefinitionError as error:
        assert all(p.startswith("gen.json: ") for p in error.problems)
        return
    _usable(instrument)


# --- computing: never a division by zero ------------------------------------------------------------
@pytest.mark.parametrize("sd, reliability", [(5e-324, 0.5), (1e-310, 0.999999), (0.0, 0.5), (math.nan, 0.5),
                                             (math.inf, 0.5), (3.0, 1.0), (3.0, math.nan), (10**400, 0.5)])
def test_reliable_change_with_an_sd_no_one_can_divide_by_gives_no_verdict_instead_of_failing(sd, reliability):
    """Definitions refuse such SDs now, but the Before and after and Ending pages must not fail on one."""
    import dataclasses

    measure = dataclasses.replace(parse_instrument(SCORE_ENTRY, "worse.json"), sd=sd, reliability=reliability)
    change = reliable_change(measure, 20, 12)
    assert (change.rci, change.verdict, change.difference) == (None, None, -8)


@pytest.mark.parametrize("sds", [(0, 0), (0, 4), (-6, 4), (math.inf, 4), (math.nan, 4), (10**400, 4)])
def test_a_clinical_cutoff_with_sds_that_give_none_is_none(sds):
    assert clinical_cutoff(mean_clinical=20, sd_clinical=sds[0], mean_general=10, sd_general=sds[1]) is None


# --- own principles and prompt files (item 9) -------------------------------------------------------
OWN_FILES = {
    "deep nesting": DEEP,
    "a lone surrogate": '{"headings": [{"id": "a", "title": "Being \\ud800 attentive", "behaviours": ["b"]}],'
                        ' "id": "shared-review", "title": "T", "prompts": [{"id": "a", "text": "Q \\udc00?"}]}',
    "NaN": '{"headings": NaN, "id": "shared-review", "title": "T", "prompts": NaN}',
}


@pytest.mark.parametrize("what", list(OWN_FILES))
def test_an_own_principles_file_that_no_page_could_show_falls_back_to_the_shipped_one(tmp_path, what):
    (tmp_path / "principles.json").write_text(OWN_FILES[what], encoding="utf-8")
    principles, warning = load_principles(tmp_path)
    assert len(principles.headings) == 6 and warning.startswith("Your own principles file was not used: "
                                                                "principles.json: ")
    for heading in principles.headings:
        heading.title.encode("utf-8")


@pytest.mark.parametrize("what", list(OWN_FILES))
def test_an_own_prompt_file_that_no_page_could_show_falls_back_to_the_shipped_set(tmp_path, what):
    (tmp_path / "prompts").mkdir()
    (tmp_path / "prompts" / "shared-review.json").write_text(OWN_FILES[what], encoding="utf-8")
    sets, warnings = load_prompt_sets(tmp_path)
    assert sets["shared-review"].prompts[0].text == "What do you see?" and len(warnings) == 1
    assert "shared-review.json: " in warnings[0]


# --- the JSON checks themselves -------------------------------------------------------------------
@given(st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                max_size=3), max_leaves=30))
@settings(max_examples=200, deadline=None)
def test_json_problem_finds_exactly_what_a_page_could_not_use(data):
    def bad(value, depth=1) -> bool:
        if isinstance(value, (list, dict)):
            items = list(value.values()) if isinstance(value, dict) else value
            keys = list(value) if isinstance(value, dict) else []
            return (depth > MAX_DEPTH or any(bad(k) for k in keys) or any(bad(i, depth + 1) for i in items))
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return True
            return False
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return not math.isfinite(value) or abs(value) > 1e15
        return False

    assert (json_problem(data) is not None) == bad(data)


def test_a_definition_of_endless_escaped_quotes_is_refused_plainly(tmp_path):
    """An unterminated string of escaped quotes made the nesting scan go back over itself for every quote
    (hours for a large file, on the page's own thread); the scan reads each character once."""
    content = ('["' + '\\"' * 333_000).encode()
    with pytest.raises(DefinitionError, match="not valid JSON"):
        save_own_instrument(tmp_path, content, "quotes.json")
    assert nesting_depth('["a\\"]", "[[", ["\\\\"]]') == 2 and nesting_depth('["x\\') == 1


def test_nesting_is_measured_without_recursion_and_ignores_brackets_in_text():
    assert nesting_depth(DEEP) == 100_000
    assert nesting_depth('{"a": "[[[[[[", "b": ["]]]\\"[["]}') == 2
    assert json_problem(json.loads("[" * 33 + "]" * 33)) is not None
    assert json_problem(json.loads("[" * 32 + "]" * 32)) is None


# --- records on disk ----------------------------------------------------------------------------------
def test_a_case_record_with_a_broken_character_opens_with_it_shown_as_a_replacement(store):
    """A record made before broken characters were refused (or by hand) opens; the character shows as �."""
    case = make_case(store, "S-1", "Ada")
    path = store.case_folder(case.id) / CASE_FILE
    path.write_text(path.read_text().replace('"about_parent":""', '"about_parent":"lone \\ud800 half"'))
    loaded = store.load(case.id)
    assert loaded.conversation.about_parent == "lone \ufffd half"
    assert [c.code for c in store.caseload().cases] == ["S-1"]
    store.update(case.id, lambda c: setattr(c, "practitioner_notes", "still saves"))


def test_a_case_record_nested_too_deep_is_named_as_damaged_and_the_others_still_list(store):
    first = make_case(store, "A-1", "Ada")
    make_case(store, "B-1", "Bo")
    path = store.case_folder(first.id) / CASE_FILE
    path.write_text(path.read_text().replace('"practitioner_notes":""', '"practitioner_notes":' + DEEP))
    caseload = store.caseload()
    assert [c.code for c in caseload.cases] == ["B-1"] and len(caseload.unreadable) == 1
    assert "damaged" in caseload.unreadable[0]


def test_text_with_a_broken_character_is_refused_in_a_sentence_and_nothing_is_lost(store):
    case = make_case(store, "S-1", "Ada")
    store.update(case.id, lambda c: setattr(c.conversation, "going_well", "kept words"))
    with pytest.raises(ValidationError, match="broken character"):
        store.update(case.id, lambda c: setattr(c.conversation, "going_well", "a \ud83d paste"))
    assert store.load(case.id).conversation.going_well == "kept words"


def test_a_log_line_with_a_broken_character_reads_with_a_replacement(store):
    case = make_case(store, "S-1", "Ada", today=date(2026, 1, 5))
    store.deletion_log_path.write_text('{"date": "2026-01-05", "case_code": "X\\udc80"}\n')
    assert store.deletion_log() == [{"date": "2026-01-05", "case_code": "X\ufffd"}]
    assert store.activity(case.id)
