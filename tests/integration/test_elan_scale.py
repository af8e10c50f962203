"""ELAN import at scale: the work grows in step with the file (counted, never timed), limits are checked as the
file is read, and a long read reports progress and stops when asked."""

from __future__ import annotations

import pytest

from unit.test_elan import PRINCIPLES, coding, film_case, hand_made
from vig_core.case.film import MAX_MOMENT_NOTE
from vig_core.errors import ValidationError
from vig_core.exports import elan_import
from vig_core.exports.elan_import import MAX_IMPORTED_MOMENTS, plan_import, read_and_plan, read_eaf


@pytest.fixture
def note_reads(monkeypatch) -> list[int]:
    """The length of every note the merge reads back (as an export would write it) to compare the file's texts."""
    lengths: list[int] = []
    real = elan_import.xml_text

    def counted(value: str) -> str:
        lengths.append(len(value))
        return real(value)

    monkeypatch.setattr(elan_import, "xml_text", counted)
    return lengths


def on_one_frame(tier: str, texts: list[str], start: int = 4000) -> bytes:
    return hand_made({tier: [(start, text) for text in texts]})


def test_texts_already_in_the_note_are_compared_without_reading_the_note_again_for_each(note_reads):
    case = film_case()
    words = [f"w{n:03}" for n in range(400)]
    case.mark_moment("r1", 4.0).note = " ".join(words)  # 1,999 characters
    plan = plan_import(case, "r1", read_eaf(on_one_frame("Notes", words * 5)), PRINCIPLES)  # 2,000 notes, all there
    assert (plan.new, plan.merged, plan.already_there) == (0, 0, 1)
    assert sum(note_reads) <= 2 * MAX_MOMENT_NOTE  # once per change of the note, not once per text of the file


@pytest.mark.parametrize("tier", ["Notes", "Being attentive", "Turn", "Working point"])
def test_a_frame_holding_more_text_than_a_note_takes_is_refused_at_the_first_text_over_the_limit(tier, note_reads):
    texts = [f"remark {n:04} said on one frame" for n in range(1000)]  # 30 characters each, 30,000 in all
    with pytest.raises(ValidationError, match=r"moment at 0:04\.00 would be too long"):
        plan_import(film_case(), "r1", read_eaf(on_one_frame(tier, texts)), PRINCIPLES)
    assert max(note_reads) <= MAX_MOMENT_NOTE  # the note was never built up past the limit to be compared
    assert len(note_reads) <= MAX_MOMENT_NOTE // 30 + 1  # one read per text taken in, then it stopped


def test_a_file_coding_more_moments_than_one_film_holds_is_refused_while_it_is_read(monkeypatch):
    made = []
    monkeypatch.setattr(elan_import, "_moment", lambda *args: made.append(args))
    data = hand_made({"Notes": [(n * 40, "a look") for n in range(MAX_IMPORTED_MOMENTS + 1)]})
    with pytest.raises(ValidationError, match=f"more than {MAX_IMPORTED_MOMENTS:,} moments"):
        plan_import(film_case(duration=MAX_IMPORTED_MOMENTS / 10), "r1", read_eaf(data), PRINCIPLES)
    assert made == []  # refused before any moment was made of it


def test_reading_a_file_reports_its_progress_and_stops_when_the_report_says_so():
    data = hand_made({"Notes": [(n * 40, f"note {n}") for n in range(1500)],
                      "Being attentive": [(n * 40, "Turning towards") for n in range(1500)]})
    case = film_case(duration=120)
    said: list[float] = []
    plan = read_and_plan(case, "r1", data, PRINCIPLES, said.append)
    assert plan.new == 1500 and coding(case, "r1") == []  # a plan: nothing added yet
    assert len(said) >= 10 and said == sorted(said) and said[0] > 0 and said[-1] <= 1

    class Stop(Exception):  # noqa: N818 - the request to stop, as the practitioner makes it
        pass

    for stop_at in (1, len(said) // 2, len(said)):  # while parsing, while planning, at the end
        heard: list[float] = []

        def report(fraction: float, heard: list[float] = heard, stop_at: int = stop_at) -> None:
            heard.append(fraction)
            if len(heard) == stop_at:
                raise Stop

        with pytest.raises(Stop):  # the request to stop comes through as it is, never as "damaged file"
            read_and_plan(case, "r1", data, PRINCIPLES, report)
        assert len(heard) == stop_at and coding(case, "r1") == []
