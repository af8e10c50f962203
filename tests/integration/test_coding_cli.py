"""``import-coding`` and ``export-coding`` on the demo case, each run as a real process."""

from __future__ import annotations

import json

import pytest

from integration.test_cli import run_cli
from vig_core.case.film import ME
from vig_core.services.coding import example_coding, import_coding
from vig_core.services.demo import ensure_demo_case
from vig_core.storage.codec import to_record


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


def test_a_coding_file_goes_out_and_comes_back_as_a_second_coders_layer(store, demo, data_dir, out):
    rid = store.load(demo).recordings[0].id
    mine = [to_record(m) for m in store.load(demo).moments_of(rid)]
    written = run_cli("export-coding", "--case", demo, "--recording", rid, "--out", str(out / "mine.json"),
                      data_dir=data_dir)
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == str(out / "mine.json")
    text = (out / "mine.json").read_text()
    assert "Mia" not in text and "DEMO" not in text and "tower" not in text.lower() and "note" not in text
    assert len(json.loads(text)["moments"]) == 5
    again = run_cli("export-coding", "--case", demo, "--recording", rid, "--out", str(out / "mine.json"),
                    data_dir=data_dir)
    assert again.returncode == 1 and "already a file" in again.stderr  # never overwrites

    first = run_cli("import-coding", "--case", demo, "--recording", rid, "--coder", "Supervisor",
                    str(out / "mine.json"), data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "5 moments came in as Supervisor's coding."
    second = run_cli("import-coding", "--case", demo, "--recording", rid, "--coder", "Supervisor",
                     str(out / "mine.json"), data_dir=data_dir)
    assert second.stdout.strip() == "5 moments came in as Supervisor's coding, replacing the 5 of their coding before."
    case = store.load(demo)
    assert case.coders_of(rid) == [ME, "Supervisor"]
    assert [to_record(m) for m in case.moments_of(rid)] == mine  # the practitioner's own: untouched
    assert [m.time for m in case.moments_of(rid, "Supervisor")] == [m["time"] for m in mine]
    assert all(not m.note for m in case.moments_of(rid, "Supervisor"))


def test_an_elan_file_comes_in_as_a_named_coders_layer(store, demo, data_dir, out):
    rid = store.load(demo).recordings[0].id
    assert run_cli("export", "--case", demo, "--format", "eaf", "--out", str(out), data_dir=data_dir).returncode == 0
    (eaf,) = out.glob("*.eaf")
    done = run_cli("import-coding", "--case", demo, "--recording", rid, "--coder", "Ann", str(eaf), data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "5 moments came in as Ann's coding."
    case = store.load(demo)
    assert len(case.moments_of(rid)) == 5 and len(case.moments_of(rid, "Ann")) == 5
    again = import_coding(store, demo, rid, "Ann", eaf)  # the layer is replaced, not merged into
    assert (again.moments, again.replaced) == (5, 5) and len(store.load(demo).moments_of(rid, "Ann")) == 5
    assert [to_record(m) for m in store.load(demo).moments_of(rid)] == [to_record(m) for m in case.moments_of(rid)]


@pytest.mark.parametrize(("change", "words"), [
    ("other-film", "This coding file is of another film, not of"),
    ("malformed", "not a coding file"),
    ("unknown-principle", "principle “kindness”"),
    ("unknown-case", "case"),
    ("me", "your own coding"),
    ("neither", "neither a coding file nor an ELAN file"),
])
def test_a_wrong_file_case_or_coder_gives_exit_1_and_one_plain_line(store, demo, data_dir, out, change, words):
    rid = store.load(demo).recordings[0].id
    coder, data = example_coding(store.load(demo))
    document = json.loads(data)
    if change == "other-film":
        document["recording"]["fingerprint"] = "123-abc"
    elif change == "unknown-principle":
        document["moments"][0]["principles"] = ["kindness"]
    path = out / "coding.json"
    path.write_bytes({"malformed": b'{"format": "vig-workbook-coding", "version": 1, "moments": [',
                      "neither": b"hello"}.get(change, json.dumps(document).encode()))
    case_id = "no-such-case" if change == "unknown-case" else demo
    done = run_cli("import-coding", "--case", case_id, "--recording", rid, "--coder",
                   "me" if change == "me" else coder, str(path), data_dir=data_dir)
    assert done.returncode == 1 and done.stdout == ""
    assert words in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert store.load(demo).coders_of(rid) == [ME]


def test_the_familys_copy_and_the_elan_export_hold_only_the_practitioners_moments(store, demo, out):
    import zipfile

    from vig_core.exports.bundle import export_case_bundle
    from vig_core.exports.save import export
    from vig_core.services.coding import import_example

    import_example(store, demo)
    export_case_bundle(store, demo, out / "copy.zip", media=False)
    with zipfile.ZipFile(out / "copy.zip") as copy:
        record = json.loads(copy.read("case.json"))
        tables = copy.read("tables/moments.csv").decode("utf-8-sig")
    assert len(record["moments"]) == 5 and {m["coder"] for m in record["moments"]} == {ME}
    assert "Supervisor" not in json.dumps(record) and len(tables.strip().splitlines()) == 6
    (eaf,) = export(store, demo, "eaf", out, keep_names=True)
    assert "Supervisor" not in eaf.read_text() and eaf.read_text().count("<ANNOTATION>") > 0
