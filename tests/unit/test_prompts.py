"""Prompt sets for the shared review: shipped, edited per installation, validated."""

from __future__ import annotations

import json

import pytest

from vig_core.errors import ValidationError
from vig_core.storage.definitions import save_own_prompt_set
from vig_core.vocab.prompts import Prompt, load_prompt_sets, parse_prompt_set


def test_the_shipped_set_has_the_five_typical_prompts(tmp_path):
    sets, warnings = load_prompt_sets(tmp_path)
    assert warnings == []
    texts = [p.text for p in sets["shared-review"].prompts]
    assert texts[0] == "What do you see?" and texts[-1] == "What would you like to see more of?"
    assert len(texts) == 5


def test_an_own_edit_replaces_the_shipped_set_and_survives_reload(tmp_path):
    shipped = load_prompt_sets(tmp_path)[0]["shared-review"]
    edited = type(shipped)(shipped.id, shipped.title,
                           (Prompt("proud", "What are you proud of here?"), *reversed(shipped.prompts)))
    path = save_own_prompt_set(tmp_path, edited)
    assert path.stat().st_mode & 0o077 == 0
    again = load_prompt_sets(tmp_path)[0]["shared-review"]
    assert again == edited and again.prompts[1].text == "What would you like to see more of?"


def test_a_malformed_own_file_is_named_and_the_shipped_set_still_works(tmp_path):
    own = tmp_path / "prompts"
    own.mkdir()
    (own / "broken.json").write_text("{nope")
    (own / "empty.json").write_text(json.dumps({"id": "empty", "title": "Empty", "prompts": []}))
    sets, warnings = load_prompt_sets(tmp_path)
    assert "shared-review" in sets and "empty" not in sets
    assert any("broken.json: not valid JSON" in w for w in warnings)
    assert any("empty.json: “prompts” must be a list of 1 to 30 prompts" in w for w in warnings)


@pytest.mark.parametrize("data, problem", [
    ([], "the file must be an object"),
    ({"id": "../x", "title": "T", "prompts": [{"id": "a", "text": "Q?"}]}, "“id” must be a short name"),
    ({"id": "s", "title": " ", "prompts": [{"id": "a", "text": "Q?"}]}, "“title” must be text"),
    ({"id": "s", "title": "T", "prompts": ["Q?"]}, "prompt 1 must be an object"),
    ({"id": "s", "title": "T", "prompts": [{"id": "a", "text": "Q?"}, {"id": "a", "text": "R?"}]},
     "prompt 2 repeats the id “a”"),
    ({"id": "s", "title": "T", "prompts": [{"id": "a", "text": "x" * 301}]}, "prompt 1 “text” must be text"),
])
def test_malformed_sets_name_the_field_and_problem(data, problem):
    with pytest.raises(ValidationError) as raised:
        parse_prompt_set(data, "mine.json")
    assert str(raised.value).startswith("mine.json: ") and problem in str(raised.value)


def test_editing_by_lines_keeps_ids_of_unchanged_prompts_and_adds_new_ones(tmp_path):
    from vig_core.storage.definitions import forget_own_prompt_set
    from vig_core.vocab.prompts import edited_prompt_set

    shipped = load_prompt_sets(tmp_path)[0]["shared-review"]
    typed = "What would you like to see more of?\n\n  What are you proud of?  \nWhat do you see?\n"
    edited = edited_prompt_set(shipped, typed)
    assert [(p.id, p.text) for p in edited.prompts] == [
        ("more-of", "What would you like to see more of?"), ("what-are-you-proud-of", "What are you proud of?"),
        ("see", "What do you see?")]
    twice = edited_prompt_set(shipped, "What do you see?\nWhat do you see?")  # a repeat gets its own id
    assert [p.id for p in twice.prompts] == ["see", "what-do-you-see"]
    with pytest.raises(ValidationError, match="Your questions: “prompts” must be a list of 1 to"):
        edited_prompt_set(shipped, "\n  \n")
    with pytest.raises(ValidationError, match="prompt 1 “text” must be text of 1 to 300"):
        edited_prompt_set(shipped, "x" * 301)
    save_own_prompt_set(tmp_path, edited)
    assert load_prompt_sets(tmp_path)[0]["shared-review"] == edited
    assert forget_own_prompt_set(tmp_path, "shared-review") is True
    assert load_prompt_sets(tmp_path)[0]["shared-review"] == shipped
    assert forget_own_prompt_set(tmp_path, "shared-review") is False
