"""Agreement figures in the supervision pack: agreement.csv, disagreements.csv and a section of its
page, only when asked for, with the case code and never the family's names."""

from __future__ import annotations

import csv
import io

import pytest

from integration.test_agreement_cli import add_second_coder
from integration.test_exports import Page, contains_a_name, members, name_the_family
from vig_core.errors import ValidationError
from vig_core.exports.save import export


def rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # a byte-order mark, so a spreadsheet reads accents right
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_pack_carries_the_agreement_figures_and_disagreements_when_asked(demo, out):
    name_the_family(demo)
    add_second_coder(demo)
    [path] = export(demo, "demo", "supervision", out, agreement_tolerance=1.0)
    files = members(path)
    figures = rows(files["agreement.csv"])
    assert len(figures) == 6  # one comparison (me against Supervisor) × the six principles
    receiving = next(r for r in figures if r["principle_id"] == "receiving")
    assert {k: receiving[k] for k in ("recording", "coder_a", "coder_b", "tolerance_s", "paired", "only_a", "only_b",
                                      "principle", "pairs", "percent_agreement", "kappa")} == {
        "recording": "cycle 1, recording 1", "coder_a": "me", "coder_b": "Supervisor", "tolerance_s": "1.0",
        "paired": "4", "only_a": "1", "only_b": "1", "principle": "Receiving initiatives", "pairs": "4",
        "percent_agreement": "75.0", "kappa": "0.5"}
    guiding = next(r for r in figures if r["principle_id"] == "guiding")
    assert guiding["kappa"] == "" and "absent on every paired moment" in guiding["kappa_note"]
    assert len({r["alpha"] for r in figures}) == 1 and figures[0]["alpha"] != ""
    wrong = rows(files["disagreements.csv"])
    assert [(r["at_a"], r["at_b"], r["kind"], r["principle_id"], r["a_says"], r["b_says"]) for r in wrong] == [
        ("0:09.60", "0:09.60", "principle", "receiving", "present", "absent"),
        ("0:26.00", "", "only A", "", "guiding", "no moment"),
        ("", "0:38.00", "only B", "", "no moment", "guiding")]
    assert (wrong[0]["time_a"], wrong[2]["time_a"], wrong[2]["time_b"]) == ("9.6", "", "38.0")
    page = Page()
    page.feed(files["index.html"].decode())
    shown = " ".join(page.text)
    assert "Agreement between coders" in shown and "Cycle 1, recording 1: A = me, B = Supervisor" in shown
    assert "Tolerance ±1.0 s. Paired 4, only A 1, only B 1." in shown and "closest moments are paired first" in shown
    assert "agreement.csv" in files["README.txt"].decode() and "disagreements.csv" in files["README.txt"].decode()
    for name, data in files.items():
        assert not contains_a_name(data), f"a family name in {name}"
    assert "agreement figures" in demo.activity("demo")[-1]["what"]


def test_without_the_tick_the_pack_has_no_agreement(demo, out):
    add_second_coder(demo)
    [path] = export(demo, "demo", "supervision", out)
    files = members(path)
    assert "agreement.csv" not in files and "disagreements.csv" not in files
    assert "Agreement between coders" not in files["index.html"].decode()
    assert "agreement.csv" not in files["README.txt"].decode()


def test_a_tolerance_out_of_range_is_refused_before_anything_is_cut(demo, out):
    with pytest.raises(ValidationError, match="between 0.1 and 5 seconds"):
        export(demo, "demo", "supervision", out, agreement_tolerance=9.0)
    assert list(out.iterdir()) == []


def test_no_second_coder_says_so_on_the_page_and_the_tables_have_their_columns(demo, out):
    [path] = export(demo, "demo", "supervision", out, agreement_tolerance=1.0)
    files = members(path)
    assert "no second coder" in files["index.html"].decode()
    assert files["disagreements.csv"].decode("utf-8-sig").startswith("recording,coder_a,coder_b,time_a")
