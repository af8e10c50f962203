"""A second coder on Micro-analysis, driven headless on the demo case: coding as them puts marks in
their layer, blind coding hides every other coder's moments, and a coding file comes in on the page."""

from __future__ import annotations

import json

import pytest

from apptest.helpers import messages, open_app, screen_text
from vig_core.case.film import ME
from vig_core.services import coding
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.codec import to_record
from vig_core.storage.settings import SettingsStore
from vig_core.ui import coders

PAGE = "pages/analysis.py"


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


def test_coding_as_a_second_coder_puts_the_mark_in_their_layer(store, demo):
    rid = store.load(demo).recordings[0].id
    mine = [to_record(m) for m in store.load(demo).moments_of(rid)]
    at = open_app(demo, PAGE)
    at.selectbox(key=f"coding-as-{demo}").set_value(coding_new := at.selectbox(key=f"coding-as-{demo}").options[-1])
    at.run()
    assert coding_new and at.text_input(key="new-coder")
    at.text_input(key="new-coder").set_value("Me").run()
    at.button(key="new-coder-start").click().run()
    assert any("your own coding" in m for m in messages(at))
    at.text_input(key="new-coder").set_value("Supervisor").run()
    at.button(key="new-coder-start").click().run()
    assert not at.exception
    assert at.selectbox(key=f"coding-as-{demo}").value == "Supervisor"
    assert not [b for b in at.button if (b.key or "").startswith("moment-")]  # none of the practitioner's listed
    at.button(key="mark-moment").click().run()
    case = store.load(demo)
    (theirs,) = case.moments_of(rid, "Supervisor")
    assert theirs.coder == "Supervisor" and [to_record(m) for m in case.moments_of(rid)] == mine
    assert [b.key for b in at.button if (b.key or "").startswith("moment-")] == [f"moment-{theirs.id}"]
    assert not [b for b in at.button if b.key == "clip-around"] and "Cut a clip by hand" not in screen_text(at)


def test_blind_mode_hides_every_other_coders_moments(store, demo):
    coding.import_example(store, demo)
    case = store.load(demo)
    rid = case.recordings[0].id
    theirs = {m.id for m in case.moments_of(rid, "Supervisor (example)")}
    at = open_app(demo, PAGE)
    text = screen_text(at)
    assert all(f"other-{i}" in text for i in theirs) and "Supervisor (example): 5 moments" in text
    at.toggle(key=f"blind-{demo}").set_value(True).run()
    text = screen_text(at)
    assert not any(i in text for i in theirs) and "Supervisor (example):" not in text  # named only as a choice
    assert "Blind coding is on" in text
    assert not any(c.id in text for c in case.clips)  # the clips show where the practitioner's moments are
    at.selectbox(key=f"coding-as-{demo}").set_value("Supervisor (example)").run()  # the second coder, blind
    text = screen_text(at)
    assert all(f"moment-{i}" in text for i in theirs)
    assert not any(m.id in text for m in case.moments_of(rid))  # the practitioner's own: hidden from them


def test_the_example_second_coder_is_one_click_on_the_demo_case(store, demo):
    at = open_app(demo, PAGE)
    at.button(key="import-example-coder").click().run()
    assert not at.exception
    case = store.load(demo)
    rid = case.recordings[0].id
    assert case.coders_of(rid) == [ME, "Supervisor (example)"]
    assert "5 moments came in as Supervisor (example)'s coding." in messages(at, "success")
    assert len(case.moments_of(rid)) == 5


def test_a_coding_file_is_imported_and_its_layer_removed_on_the_page(store, demo):
    rid = store.load(demo).recordings[0].id
    data = coding.coding_file(store, demo, rid)
    at = open_app(demo, PAGE)
    at.text_input(key=f"layer-name-{rid}").set_value("Ann").run()
    at.file_uploader(key=f"layer-file-{rid}-0").set_value(("mine.json", data, "application/json")).run()
    at.button(key=f"import-layer-{rid}").click().run()
    assert not at.exception
    assert "5 moments came in as Ann's coding." in messages(at, "success")
    assert len(store.load(demo).moments_of(rid, "Ann")) == 5
    # again for Ann: asks first, then replaces
    at.file_uploader(key=f"layer-file-{rid}-1").set_value(("mine.json", data, "application/json")).run()
    at.button(key=f"import-layer-{rid}").click().run()
    assert any("replace them" in w for w in messages(at, "warning"))
    at.button(key=f"import-layer-{rid}-yes").click().run()
    assert any("replacing the 5" in m for m in messages(at, "success"))
    other = json.loads(data)
    other["recording"]["fingerprint"] = "1-ab"
    at.file_uploader(key=f"layer-file-{rid}-2").set_value(("x.json", json.dumps(other).encode(), "text/json")).run()
    at.button(key=f"import-layer-{rid}").click().run()
    at.button(key=f"import-layer-{rid}-yes").click().run()
    assert any("another film" in m for m in messages(at))
    at.button(key=f"remove-layer-{rid}-{coders.coder_key('Ann')}").click().run()
    at.button(key=f"remove-layer-{rid}-{coders.coder_key('Ann')}-yes").click().run()
    assert store.load(demo).coders_of(rid) == [ME] and len(store.load(demo).moments_of(rid)) == 5


def test_the_practitioners_coder_name_is_set_in_settings_and_shown_on_micro_analysis(store, demo):
    at = open_app(demo, "pages/settings.py")
    at.text_input(key="coder-name").set_value("   ").run()
    assert any("cannot be empty" in m for m in messages(at))
    at.text_input(key="coder-name").set_value("Sam").run()
    assert coding.practitioner_name(SettingsStore(store.root)) == "Sam"
    at = open_app(demo, PAGE)
    assert at.selectbox(key=f"coding-as-{demo}").format_func(ME) == "Sam (you)"
    assert "Sam (you): 5 moments" in screen_text(at)


def test_the_example_is_offered_on_the_demo_case_only(store, demo):
    from vig_core.services.demo import ensure_demo_cases
    ensure_demo_cases(store)
    at = open_app("demo-ending", PAGE)
    assert not [b for b in at.button if b.key == "import-example-coder"]
    assert coding.example_coding(store.load("demo-ending")) is None
