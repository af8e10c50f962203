"""The Agreement page: two coders of the demo film compared, the figures shown, and a disagreement's
"Look at it" opening Micro-analysis on that recording at its time; never in client view."""

from __future__ import annotations

import zipfile

from apptest.helpers import open_app, screen_text, unescaped
from apptest.test_export_pages import choose, export_button
from integration.test_agreement_cli import add_second_coder
from vig_core.exports.save import Format
from vig_core.services.jobs import JOBS
from vig_core.ui import routes
from vig_core.ui.media import ANALYSIS_RECORDING_KEY


def test_the_page_shows_the_counts_kappa_alpha_and_the_pairing_rule(demo):
    add_second_coder(demo)
    at = open_app("demo", "pages/agreement.py")
    assert not at.exception
    assert [m.value for m in at.metric][:3] == ["4", "1", "1"]  # paired, only A, only B
    assert at.metric[0].label == "Paired" and "Supervisor" in at.metric[2].label
    table = at.dataframe[0].value
    receiving = table[table["Principle"] == "Receiving initiatives"].iloc[0]
    assert (receiving["Cohen's kappa"], receiving["Agreement"], receiving["Pairs"]) == ("0.50", "75%", 4)
    guiding = table[table["Principle"] == "Guiding"].iloc[0]
    assert guiding["Cohen's kappa"].startswith("— (both coders said absent on every paired moment")
    assert "How moments are paired" in screen_text(at) and "closest moments are paired first" in screen_text(at)
    assert "Moments paired within ±1.0 s" in [s.value for s in at.subheader]
    at.number_input(key="agreement-tolerance").set_value(0.3).run()
    assert [m.value for m in at.metric][:3] == ["2", "3", "3"]
    assert "Moments paired within ±0.3 s" in [s.value for s in at.subheader]


def test_look_at_it_opens_micro_analysis_at_the_disagreement(demo):
    rid = add_second_coder(demo)
    at = open_app("demo", "pages/agreement.py")
    texts = [t.value for t in at.text]
    # the first disagreement in time: receiving at A 0:09.60 / B 0:09.60 (A says present, B absent)
    assert texts[:4] == ["A 0:09.60\nB 0:09.60", "Receiving initiatives", "A: present", "B: absent"]
    at.button(key="agreement-look-0").click().run()
    assert not at.exception
    assert at.session_state[ANALYSIS_RECORDING_KEY] == rid
    assert at.session_state[f"position-{rid}"] == 9.6  # the player was sent there
    assert "Micro-analysis" in [t.value for t in at.title]
    moment = next(m for m in demo.load("demo").moments_of(rid) if m.time == 9.6)
    assert at.session_state["analysis_moment"] == moment.id  # the practitioner's moment there is open
    only_b = next(n for n, t in enumerate(texts) if t.startswith("A —\nB 0:38"))
    assert texts[only_b + 1] == "only B (Supervisor)" and texts[only_b + 3] == "B: Guiding"


def test_with_only_the_practitioners_moments_the_page_says_what_is_needed(demo):
    at = open_app("demo", "pages/agreement.py")
    assert not at.exception and not at.metric
    assert any("second coder" in i.value for i in at.info)


def test_the_page_is_never_in_client_view():
    assert routes.AGREEMENT in routes.CASE_PAGES and routes.AGREEMENT not in routes.CLIENT_PAGES


def test_the_exports_page_puts_agreement_in_the_pack_when_ticked(demo, out):
    at = open_app("demo", "pages/exports.py")
    choose(at, Format.SUPERVISION, out)
    assert at.checkbox(key="out-agreement").disabled  # no second coder yet
    add_second_coder(demo)
    at.run()
    at.checkbox(key="out-agreement").check().run()
    at.number_input(key="out-agreement-tolerance").set_value(0.3).run()
    export_button(at).click().run()
    assert not at.exception
    for job in JOBS.of("exports-demo"):
        JOBS.wait(job)
    [pack] = out.iterdir()
    with zipfile.ZipFile(pack) as archive:
        figures = archive.read("agreement.csv").decode("utf-8-sig")
        assert "disagreements.csv" in archive.namelist()
    assert ",0.3,2,3,3," in figures  # tolerance 0.3 s: paired 2, only A 3, only B 3


def test_a_coder_name_shows_as_typed(demo):
    hostile = "**Sam** :red[x] $y$ \u202egnp"
    add_second_coder(demo, coder=hostile)
    at = open_app("demo", "pages/agreement.py")
    assert not at.exception
    label = at.metric[2].label
    assert r"\*\*Sam\*\* \:" in label and unescaped(label) == "Only B (**Sam** :red[x] $y$ [U+202E]gnp)"
    assert "only B (**Sam** :red[x] $y$ [U+202E]gnp)" in [t.value for t in at.text]
