"""User text in a real browser (issue 18): shown literally (item 11), and half a character typed or
pasted into a box is told, not silently lost (item 12)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from browser.helpers import ARTIFACTS, settle
from conftest import make_case
from vig_core.storage.store import CaseStore

pytestmark = pytest.mark.browser
JOINER = "\u2060"  # invisible; plain() puts it into patterns Streamlit would turn into links or icons

# Put into the box as a paste would: through the box's own value setter, then an input event.
PASTE_HALF_A_CHARACTER = """(box) => {
  const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set;
  setter.call(box, box.value + ' loves \\uD83D stories');
  box.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
}"""


def test_half_a_character_pasted_into_a_box_is_told_and_the_rest_is_saved(server: str, page: Page, data_dir):
    """Before: the browser sent the lone surrogate, the server could not read the message ("Error
    deserializing back message"), closed the connection, and the text was silently not saved."""
    store = CaseStore(data_dir)
    case = make_case(store)
    page.goto(f"{server}/conversation?case={case.id}")
    settle(page)
    box = page.get_by_role("textbox", name="About your child", exact=True)
    box.click()
    box.press_sequentially("She", delay=20)
    box.evaluate(PASTE_HALF_A_CHARACTER)
    box.press_sequentially(" and songs", delay=20)
    expect(box).to_have_value("She loves \ufffd stories and songs")  # mended in the box, the cursor kept
    box.press("Tab")  # leaving the box sends its text
    settle(page)
    expect(page.get_by_text("“About your child” held a broken character")).to_be_visible()
    page.screenshot(path=ARTIFACTS / "half-a-character-told.png")
    assert store.load(case.id).conversation.about_child == "She loves \ufffd stories and songs"
    page.reload()
    settle(page)
    expect(page.get_by_role("textbox", name="About your child", exact=True)).to_have_value(
        "She loves \ufffd stories and songs")
    assert "Error deserializing back message" not in (data_dir.parent / "server.log").read_text()


SHOWN = "See https://h.example/x or www.h.example, ask a@h.example :material/home: :smile: a -- b -> c"


def test_a_goal_with_links_shortcodes_arrows_and_a_right_to_left_override_is_shown_as_typed(
        server: str, page: Page, data_dir):
    """Before: the URLs became links, ``:material/home:`` an icon, ``:smile:`` an emoji, ``--`` a dash and
    ``->`` an arrow (Streamlit reads them after the escapes), and U+202E reversed the rest of the line."""
    store = CaseStore(data_dir)
    case = make_case(store)
    text = SHOWN + " \u202eRLO end"
    store.update(case.id, lambda c: (c.add_goal(text, 4, date(2026, 1, 5)), c.ending.future_goals.append(text)))
    page.goto(f"{server}/outcomes?case={case.id}")  # "Goal 1: <the goal>" in Markdown
    settle(page)
    goal = page.locator('[data-testid="stMarkdownContainer"]').filter(has_text="Goal 1")
    expect(goal).to_have_count(1)
    assert goal.locator("a").count() == 0, goal.inner_html()
    assert goal.locator('[role="img"], img').count() == 0, goal.inner_html()
    shown = goal.inner_text().replace(JOINER, "")
    assert f"{SHOWN} [U+202E]RLO end" in shown, shown
    assert "\u202e" not in goal.inner_text()
    page.goto(f"{server}/ending?case={case.id}")  # a goal for the future: plain text (st.text)
    settle(page)
    expect(page.get_by_text(f"{SHOWN} [U+202E]RLO end", exact=True)).to_be_visible()
    page.screenshot(path=ARTIFACTS / "goal-shown-as-typed.png")
    page.goto(f"{server}/goals?case={case.id}")  # and the goal's own box holds it exactly as typed
    settle(page)
    expect(page.get_by_role("textbox", name="Goal", exact=True)).to_have_value(text)
