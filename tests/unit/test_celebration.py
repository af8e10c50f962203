"""The celebration summary: what the family's printable page shows, what it never shows, and escaping."""

from __future__ import annotations

import base64
import html
import re
from datetime import date

import pytest

from unit.test_film import recording
from vig_core.case.consent import ConsentKind
from vig_core.case.cycles import Stage
from vig_core.case.outcomes import enter_total, measure_results
from vig_core.case.questionnaires import TimePoint
from vig_core.case.record import new_case
from vig_core.case.review import record_words
from vig_core.printables.celebration import celebration_html
from vig_core.printables.strengths import PRINT_CSS
from vig_core.vocab.instruments import Instrument
from vig_core.vocab.prompts import Prompt

OPENED, REVIEW, LATER, MADE = date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2), date(2026, 4, 6)
SEE, MORE = Prompt("see", "What do you see?"), Prompt("more-of", "What would you like to see more of?")
NASTY = "<script>alert(1)</script>"
ESCAPED = html.escape(NASTY)
PNG = b"\x89PNG\r\n\x1a\n fake still"


def text_of(page: str) -> str:
    """The page as a reader sees it: tags gone, entities read, spaces collapsed."""
    body = page.split("<body>", 1)[1]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.fixture
def case():
    case = new_case("T-1", "Mia", OPENED, carer_name="Sam")
    case.set_stage(Stage.CYCLES, OPENED)
    wait = case.add_goal("I will wait for Mia to lead", 3, OPENED)
    wait.rate(7, REVIEW, cycle=1)
    case.add_goal("I will name her feelings", 5, OPENED)  # rated once only
    case.add_goal("We read a story at bedtime", None, OPENED)  # never rated
    case.add_recording(recording("r1", 1))
    case.add_clip("r1", 1.0, 4.0, title="Waiting")
    case.add_clip("r1", 5.0, 8.0, title="Laughing")
    return case


def said(case, index: int, prompt: Prompt, words: str, day: date = REVIEW):
    return record_words(case, case.chosen_clips(1)[index].id, prompt, words, day)


def test_the_title_names_the_carer_then_the_child_and_the_day_it_was_made(case):
    page = celebration_html(case, MADE)
    assert "<title>Celebrating our work together: Sam and Mia</title>" in page
    assert "<h1>Celebrating our work together: Sam and Mia</h1>" in page
    assert "Made on 6 April 2026." in text_of(page)
    case.carer_name = ""
    assert "<h1>Celebrating our work together: Mia</h1>" in celebration_html(case, MADE)


def test_goals_show_the_first_and_the_latest_rating_in_words_and_as_bars(case):
    page = celebration_html(case, MADE)
    text = text_of(page)
    assert "Our goals" in text
    assert "I will wait for Mia to lead At the start 3 out of 10 Now 7 out of 10" in text
    assert 'style="width: 30%"' in page and 'style="width: 70%"' in page
    assert 'class="track" aria-hidden="true"' in page  # the picture repeats the words; readers skip it
    # rated once: only the start, no "Now" invented
    assert re.search(r"I will name her feelings At the start 5 out of 10 (?!Now)", text)
    assert "We read a story at bedtime" not in text  # never rated: nothing to show
    assert "Goal ratings use Goal Based Outcomes: © Duncan Law, CC BY-NC-SA 4.0" in text


def test_a_goal_set_aside_is_left_out_unless_chosen_and_then_marked_as_such(case):
    assert "(set aside)" not in celebration_html(case, MADE)
    case.goals[1].retired_on = REVIEW
    assert "I will name her feelings" not in celebration_html(case, MADE)
    case.goals[1].set_shown_when_retired(True)
    text = text_of(celebration_html(case, MADE))
    assert "I will name her feelings (set aside) At the start 5 out of 10" in text
    assert "I will wait for Mia to lead (set aside)" not in text


def test_without_rated_goals_there_is_no_goals_section_nor_credit(case):
    for goal in case.goals:
        goal.ratings = []
    page = celebration_html(case, MADE)
    assert "Our goals" not in page and "out of 10" not in page and "Goal Based Outcomes" not in page
    assert "please keep it somewhere safe." in page


def test_chosen_quotes_appear_in_the_chosen_order_with_their_date(case):
    first = said(case, 0, SEE, "She looked at me first")
    said(case, 0, MORE, "Not chosen words")
    second = said(case, 1, SEE, "We laughed\ntogether", LATER)
    case.ending.chosen_quotes = [second.id, "gone-id", first.id]
    page = celebration_html(case, MADE)
    text = text_of(page)
    assert "In your own words" in text
    assert text.index("We laughed") < text.index("She looked at me first")
    assert "“We laughed\ntogether”" in html.unescape(page)  # the line break is kept (pre-wrap)
    assert page.count("<blockquote>") == 2
    assert "Sam, 2 March 2026" in text and "Sam, 2 February 2026" in text
    assert "Not chosen words" not in page


def test_without_chosen_quotes_the_section_is_left_out(case):
    said(case, 0, SEE, "She looked at me first")
    page = celebration_html(case, MADE)
    assert "In your own words" not in page and "<blockquote>" not in page and "She looked" not in page


def test_stills_only_with_consent_to_keep_clips(case):
    said(case, 0, SEE, "She looked at me first")
    case.chosen_clips(1)[1].naming = "You waited and Mia showed you the ball"
    stills = {clip.id: PNG for clip in case.chosen_clips(1)}
    encoded = base64.b64encode(PNG).decode()

    without = celebration_html(case, MADE, stills=stills)
    assert "<img" not in without and encoded not in without and "Moments we saw" not in without

    case.consent.give(ConsentKind.PARENT_KEEPS_CLIPS, OPENED)
    page = celebration_html(case, MADE, stills=stills)
    assert "Moments we saw" in page
    assert page.count(f'<img src="data:image/png;base64,{encoded}"') == 2
    assert 'alt="Still from the clip: Waiting"' in page and 'alt="Still from the clip: Laughing"' in page
    text = text_of(page)
    assert "“She looked at me first” Sam’s words" in text  # the strengths record's caption
    assert "You waited and Mia showed you the ball What we saw" in text

    assert "<img" not in celebration_html(case, MADE)  # consent but no stills given
    case.consent.withdraw(ConsentKind.PARENT_KEEPS_CLIPS, LATER)
    withdrawn = celebration_html(case, MADE, stills=stills)
    assert "<img" not in withdrawn and encoded not in withdrawn and "Moments we saw" not in withdrawn


def test_ending_words_appear_only_when_written_with_line_breaks_kept(case):
    assert all(label not in celebration_html(case, MADE)
               for label in ("What has changed", "What helped", "Looking ahead"))
    case.ending.what_changed = "We play more.\nShe comes to me."
    case.ending.what_helped = "   \n "
    case.ending.looking_ahead = "Keep waiting for her"
    page = celebration_html(case, MADE)
    assert '<h2>What has changed</h2><p class="words">We play more.\nShe comes to me.</p>' in page
    assert ".words { white-space: pre-wrap;" in page
    assert "<h2>Looking ahead</h2>" in page and "Keep waiting for her" in page
    assert "What helped" not in page


def test_goals_for_the_future_are_listed_only_when_there_are_some(case):
    assert "Goals for the future" not in celebration_html(case, MADE)
    case.ending.future_goals = ["Go to the park together", "Sing at bath time"]
    page = celebration_html(case, MADE)
    assert "<h2>Goals for the future</h2>" in page
    assert re.search(r"<li[^>]*>Go to the park together</li>\s*<li[^>]*>Sing at bath time</li>", page)


def test_questionnaires_show_first_and_last_total_in_plain_words(case):
    sdq = Instrument(id="sdq", title="SDQ Total Difficulties", plain_title="Your child's difficulties",
                     kind="score-entry", validated=True, citation="", licence="", minimum=0, maximum=40,
                     higher_is_better=False, sd=5.0, reliability=0.8)
    wellbeing = Instrument(id="wb", title="WB", plain_title="How you are feeling", kind="score-entry",
                           validated=True, citation="", licence="", minimum=0, maximum=70, higher_is_better=True)
    enter_total(case, sdq, TimePoint.BASELINE, 18, OPENED)
    enter_total(case, sdq, TimePoint.END, 11.5, LATER)
    enter_total(case, wellbeing, TimePoint.BASELINE, 40, OPENED)  # once only: nothing to compare
    results = measure_results(case, {"sdq": sdq, "wb": wellbeing})

    assert "Questionnaires" not in celebration_html(case, MADE)
    page = celebration_html(case, MADE, measures=results)
    assert ("Your child's difficulties: 18 at the start → 11.5 at the end (the total, from 0 to 40; "
            "lower is better)") in text_of(page)
    assert "How you are feeling" not in page
    assert "RCI" not in page and "reliable" not in page.lower()
    assert "Questionnaires" not in celebration_html(case, MADE, measures=results[1:])


def test_nothing_meant_for_the_practitioner_alone_is_ever_shown(case):
    case.code = "ZZ-CASE-CODE"
    case.practitioner_notes = "ZZ-CASE-NOTES"
    case.ending.practitioner_notes = "ZZ-ENDING-NOTES"
    case.cycle(1).review_notes = "ZZ-REVIEW-NOTES"
    case.consent.notes = "ZZ-CONSENT-NOTES"
    moment = case.mark_moment("r1", 2.0)
    moment.note = "ZZ-MOMENT-NOTE"
    for clip in case.clips:
        clip.moment_id = moment.id
        clip.private_note = "ZZ-CLIP-NOTE"
    case.consent.give(ConsentKind.PARENT_KEEPS_CLIPS, OPENED)
    case.ending.chosen_quotes = [said(case, 0, SEE, "She looked at me first").id]
    case.ending.what_changed = "We play more"
    case.ending.future_goals = ["Go to the park"]
    page = celebration_html(case, MADE, stills={c.id: PNG for c in case.clips})
    assert "Moments we saw" in page and "She looked at me first" in page and "We play more" in page
    assert "ZZ-" not in page


def test_every_text_of_the_family_is_escaped(case):
    case.carer_name = f"Sam {NASTY}"
    case.goals[0].text = f"I will **wait** {NASTY}"
    case.ending.what_changed = f"# Heading {NASTY}"
    case.ending.what_helped = f'<img src=x onerror="alert(1)"> {NASTY}'
    case.ending.looking_ahead = NASTY
    case.ending.future_goals = [NASTY]
    case.chosen_clips(1)[0].strengths_caption = NASTY
    case.chosen_clips(1)[1].title = f'Laugh" onload="alert(1) {NASTY}'
    case.ending.chosen_quotes = [said(case, 0, SEE, f"_She_ did it {NASTY}").id]
    case.consent.give(ConsentKind.PARENT_KEEPS_CLIPS, OPENED)
    page = celebration_html(case, MADE, stills={c.id: PNG for c in case.clips})
    assert "<script" not in page.lower() and "</script" not in page.lower()
    assert "<img src=x" not in page and 'onload="' not in page and 'onerror="' not in page
    # name in title and heading, goal, three ending fields, future goal, quote, caption, alt text, who
    assert page.count(ESCAPED) >= 11
    assert "I will **wait** &lt;script&gt;" in page and "# Heading &lt;script&gt;" in page
    assert "_She_ did it &lt;script&gt;" in page


def test_a_plain_printable_page_with_no_script_or_outside_resource(case):
    page = celebration_html(case, MADE)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page and '<meta charset="utf-8">' in page and "<title>" in page
    assert PRINT_CSS in page and "@page { margin:" in page
    assert ".goal {" in page and "break-inside: avoid" in page.split(".goal {", 1)[1].split("}", 1)[0]
    assert "print-color-adjust: exact" in page
    assert page.rstrip().endswith("</body></html>")
    assert "<script" not in page.lower()
    assert not re.search(r"<link|@import|url\(|(?:src|href)=\"(?:https?:)?//", page)
    assert "This page shows your family: please keep it somewhere safe." in page
