"""The parent's words on a clip of the demo case are kept verbatim per question."""

from __future__ import annotations

from datetime import date

from vig_core.case import text_fields
from vig_core.vocab.prompts import Prompt


def test_parent_words_are_kept_verbatim_per_question(demo) -> None:
    case = demo.load("demo")
    clip = case.clips[0]
    question = Prompt(id="see", text="What do you see?")
    words = text_fields.parent_words(clip.id, question, date(2026, 2, 1))
    words.write(case, "  She waits for me  ")
    assert words.read(case) == "  She waits for me  "
    words.write(case, "   ")
    assert words.read(case) == ""
