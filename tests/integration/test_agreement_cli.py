"""``python -m vig_core agreement``: two coders of the demo film compared, as a real process."""

from __future__ import annotations

import json

import pytest

from integration.test_cli import run_cli
from vig_core.case.film import Moment
from vig_core.text import new_id

# The demo film's own moments (the practitioner's, "me"): 4.0 attentive; 9.6 encouraging, receiving;
# 17.2 receiving, developing; 26.0 guiding; 33.4 developing. A second coder's:
SUPERVISOR = [(4.5, ["attentive"]), (9.6, ["encouraging"]), (17.0, ["receiving", "developing"]),
              (33.0, ["developing"]), (38.0, ["guiding"])]


def add_second_coder(store, case_id: str = "demo", coder: str = "Supervisor") -> str:
    """Give the demo film a second coder's layer; return the recording's id."""
    recording_id = store.load(case_id).recordings[0].id

    def change(case):
        case.moments += [Moment(id=new_id(), recording_id=recording_id, time=t, principles=list(p), coder=coder)
                         for t, p in SUPERVISOR]

    store.update(case_id, change)
    return recording_id


def test_agreement_prints_the_counts_kappa_per_principle_and_alpha(demo, data_dir):
    rid = add_second_coder(demo)
    done = run_cli("agreement", "--case", "demo", "--recording", rid, "--coders", "me", "Supervisor",
                   data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "A = me, B = Supervisor, tolerance ±1 s (nearest moment within the tolerance, one to one)"
    assert lines[1] == "paired 4, only A 1, only B 1"  # 26.0 has no partner; 38.0 neither
    # receiving over the 4 pairs: A 0 1 1 0, B 0 0 1 0: po 3/4, pe 1/2·1/4 + 1/2·3/4 = 1/2, kappa 0.5
    assert "receiving: kappa 0.50, agreement 75%" in lines
    assert "attentive: kappa 1.00, agreement 100%" in lines
    assert any(line.startswith("guiding: kappa — (both coders said absent") for line in lines)
    assert lines[-1].startswith("alpha ")


def test_agreement_as_json_and_with_a_tolerance(demo, data_dir):
    rid = add_second_coder(demo)
    done = run_cli("agreement", "--case", "demo", "--recording", rid, "--coders", "Supervisor", "me", "--json",
                   data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["paired"], result["only_a"], result["only_b"]) == (4, 1, 1)
    assert result["kappa"]["receiving"] == pytest.approx(0.5) and result["kappa"]["guiding"] is None
    assert "absent on every paired moment" in result["kappa_notes"]["guiding"]
    assert set(result["kappa"]) == {"attentive", "encouraging", "receiving", "developing", "guiding", "deepening"}
    assert isinstance(result["alpha"], float) and result["tolerance"] == 1.0
    narrow = json.loads(run_cli("agreement", "--case", "demo", "--recording", rid, "--coders", "me", "Supervisor",
                                "--tolerance", "0.3", "--json", data_dir=data_dir).stdout)
    assert (narrow["paired"], narrow["only_a"], narrow["only_b"]) == (2, 3, 3)  # only 9.6 and 17.2/17.0 within 0.3 s


@pytest.mark.parametrize(("args", "says"), [
    (("--case", "nobody", "--recording", "r", "--coders", "me", "Supervisor"), "That case does not exist"),
    (("--case", "demo", "--recording", "nothing", "--coders", "me", "Supervisor"), "has no recording “nothing”"),
    (("--case", "demo", "--recording", "RID", "--coders", "me", "Nobody"), "no coder “Nobody”"),
    (("--case", "demo", "--recording", "RID", "--coders", "me", "Supervisor", "--tolerance", "9"),
     "between 0.1 and 5 seconds"),
])
def test_agreement_refuses_unknown_cases_recordings_and_coders_in_one_line(demo, data_dir, args, says):
    rid = add_second_coder(demo)
    done = run_cli("agreement", *(rid if a == "RID" else a for a in args), data_dir=data_dir)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("Error: ") and says in done.stderr and len(done.stderr.splitlines()) == 1
