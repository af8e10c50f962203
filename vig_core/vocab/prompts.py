"""Reflective prompt sets for the shared review, kept as data files.

Shipped sets live in ``data/prompts/*.json``. A practitioner's own edit of a
set is saved under the data folder (``prompts/<id>.json``) and takes the place
of the shipped set with the same id, so an update of the workbook never
overwrites it. Every file is validated on load; a malformed one is named with
the problem and skipped (its shipped version, if any, is used instead): the
mechanism of every vocabulary, in :mod:`.definitions`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from vig_core.datafiles import check_json, read_data_file
from vig_core.datafiles import is_safe_id as _safe_id
from vig_core.errors import ValidationError
from vig_core.shipped import SHIPPED_DATA
from vig_core.text import MAX_TITLE_TEXT
from vig_core.vocab.definitions import OWN_PROMPTS, DefinitionFolders

SHIPPED_DIR = SHIPPED_DATA / "prompts"
SHARED_REVIEW = "shared-review"  # the id of the set the shared review uses
MAX_PROMPT_TEXT = 300
MAX_PROMPTS = 30


@dataclass(frozen=True)
class Prompt:
    id: str
    text: str


@dataclass(frozen=True)
class PromptSet:
    id: str
    title: str
    prompts: tuple[Prompt, ...]

    def to_data(self) -> dict:
        return {"id": self.id, "title": self.title, "prompts": [{"id": p.id, "text": p.text} for p in self.prompts]}


def parse_prompt_set(data: object, source: str) -> PromptSet:
    """Check a prompt set's structure; raise one sentence naming the file, the field and the problem."""

    def problem(where: str, what: str) -> ValidationError:
        return ValidationError(f"{source}: {where} {what}.")

    check_json(data, source)  # nothing a page cannot show (a broken character, deep nesting)
    if not isinstance(data, dict):
        raise problem("the file", "must be an object with id, title and prompts")
    if not _safe_id(data.get("id")):
        raise problem("“id”", "must be a short name of letters, digits, - or _")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE_TEXT:
        raise problem("“title”", f"must be text of 1 to {MAX_TITLE_TEXT} characters")
    raw = data.get("prompts")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_PROMPTS:
        raise problem("“prompts”", f"must be a list of 1 to {MAX_PROMPTS} prompts")
    prompts, seen = [], set()
    for n, item in enumerate(raw, start=1):
        where = f"prompt {n}"
        if not isinstance(item, dict):
            raise problem(where, "must be an object with id and text")
        if not _safe_id(item.get("id")):
            raise problem(f"{where} “id”", "must be a short name of letters, digits, - or _")
        if item["id"] in seen:
            raise problem(where, f"repeats the id “{item['id']}”")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_PROMPT_TEXT:
            raise problem(f"{where} “text”", f"must be text of 1 to {MAX_PROMPT_TEXT} characters")
        seen.add(item["id"])
        prompts.append(Prompt(item["id"], text.strip()))
    return PromptSet(data["id"], title.strip(), tuple(prompts))


def read_prompt_set(path: Path) -> PromptSet:
    return parse_prompt_set(read_data_file(path), Path(path).name)


PROMPT_SETS = DefinitionFolders(SHIPPED_DIR, OWN_PROMPTS, read_prompt_set, lambda _path, prompt_set: prompt_set.id,
                               "A prompt file was not used")


def load_prompt_sets(data_root: Path) -> tuple[dict[str, PromptSet], list[str]]:
    """Every usable prompt set by id (own edits over shipped ones), and a warning per refused file."""
    return PROMPT_SETS.load(data_root)


def edited_prompt_set(base: PromptSet, lines: str) -> PromptSet:
    """The set with one prompt per non-empty line, in that order.

    This is how a practitioner edits, reorders and adds prompts in one box. A
    line that matches an existing prompt keeps its id (so the parent's words
    stay attached to it); a new or reworded line gets a new id.
    """
    known = {p.text: p.id for p in base.prompts}
    prompts, used = [], set()
    for line in (raw.strip() for raw in lines.splitlines()):
        if not line:
            continue
        prompt_id = known.get(line)
        if prompt_id is None or prompt_id in used:
            stem = re.sub(r"[^a-z0-9]+", "-", line.casefold()).strip("-")[:30].strip("-") or "prompt"
            prompt_id, n = stem, 2
            while prompt_id in used or prompt_id in known.values():
                prompt_id, n = f"{stem}-{n}", n + 1
        used.add(prompt_id)
        prompts.append(Prompt(prompt_id, line))
    edited = replace(base, prompts=tuple(prompts))
    parse_prompt_set(edited.to_data(), "Your questions")
    return edited
