"""Questionnaire definitions, kept as data files and validated on load.

Shipped definitions live in ``data/instruments/*.json``; a practitioner's own
go in the data folder's ``instruments/`` and take the place of a shipped one
with the same id (the mechanism of every vocabulary, in :mod:`.definitions`).
A definition is either answered item by item (``items``:
our own check-in, or an instrument whose licence allows its text) or a
``score-entry`` of a licensed measure, where the practitioner types the total
from their own licensed copy and no item text is ever stored.

Every problem of a file is reported (file, field, what is wrong), not just the
first, so a practitioner can mend a definition in one go; a broken file is
skipped and the rest keep working.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from vig_core.datafiles import check_json, read_data_file
from vig_core.datafiles import is_safe_id as _safe_id
from vig_core.errors import ValidationError
from vig_core.shipped import SHIPPED_DATA
from vig_core.vocab.definitions import OWN_INSTRUMENTS, DefinitionFolders

SHIPPED_DIR = SHIPPED_DATA / "instruments"
KINDS = ("items", "score-entry")
RULES = ("sum", "mean")
MAX_ITEMS = 200
MAX_TEXT = 500
MAX_FILE_BYTES = 1_000_000  # a definition is a few kilobytes; more is not a definition
MAX_SCORE = 1_000_000  # no questionnaire scores beyond this; a page could not draw or compute with more
MIN_RANGE = 0.01  # scores are kept with 2 decimals: a narrower range cannot be told apart
MIN_SD_SHARE = 0.001  # an SD below this share of the score range would make any change "reliable"
IN_USE_SETTING = "measures_in_use"  # installation setting: the ids of the measures the practitioner uses
DEFAULT_IN_USE = ("parent-check-in",)  # until they choose: our own check-in (and their own definitions)


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    reverse: bool = False


@dataclass(frozen=True)
class Subscale:
    id: str
    title: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Band:
    low: float
    high: float
    label: str

    def holds(self, score: float) -> bool:
        return self.low <= score <= self.high


@dataclass(frozen=True)
class Instrument:
    id: str
    title: str
    plain_title: str
    kind: str
    validated: bool
    citation: str
    licence: str
    minimum: float
    maximum: float
    higher_is_better: bool
    rule: str = "sum"
    max_missing: int = 0
    options: tuple[Option, ...] = ()
    items: tuple[Item, ...] = ()
    subscales: tuple[Subscale, ...] = ()
    bands: tuple[Band, ...] = ()
    sd: float | None = None
    reliability: float | None = None
    norms_source: str = ""

    @property
    def decimals(self) -> int:
        """Decimals a typed total can have: none for a sum of answers, two for an average."""
        return 0 if self.rule == "sum" else 2

    @property
    def has_rci(self) -> bool:
        return self.sd is not None and self.reliability is not None

    def band(self, score: float) -> Band | None:
        return next((b for b in self.bands if b.holds(score)), None)


def scale_note(instrument: Instrument, *, plain: bool = False) -> str:
    """What a score of ``instrument`` is, to read it by: ``average of 6 answers, 1–5``, ``total, 14–70``."""
    low, high = f"{instrument.minimum:g}", f"{instrument.maximum:g}"
    what, count = "average" if instrument.rule == "mean" else "total", len(instrument.items)
    if plain:
        return f"the {what} of your {count} answers, from {low} to {high}" if count else \
            f"the {what}, from {low} to {high}"
    return f"{what} of {count} answers, {low}–{high}" if count else f"{what}, {low}–{high}"


def measures_in_use(found: dict[str, Instrument], chosen: list[str] | None, *, own: set[str]) -> list[str]:
    """The ids of the measures the practitioner uses, in the order of ``found``: those ``chosen`` in Settings,
    or, until they choose, our own check-in and their own definitions (``own``)."""
    wanted = set(DEFAULT_IN_USE) | set(own) if chosen is None else set(chosen)
    return [i for i in found if i in wanted]


class Settings(Protocol):
    """What :func:`start_using` needs of the installation's settings (``storage.settings.SettingsStore``)."""

    def get(self, key: str, default: Any = None) -> Any: ...

    def set(self, key: str, value: Any) -> None: ...


def start_using(settings: Settings, instrument_id: str) -> None:
    """Add a measure to those in use, where the practitioner has chosen them (until then own ones are in use)."""
    chosen = settings.get(IN_USE_SETTING)
    if chosen is not None and instrument_id not in chosen:
        settings.set(IN_USE_SETTING, [*chosen, instrument_id])


class DefinitionError(ValidationError):
    """A definition file with one or more problems, each a sentence naming file, field and problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _number(value: object) -> bool:
    """A finite number a score can be (its size checked first: ``math.isfinite`` fails on a huge int)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) <= MAX_SCORE
            and math.isfinite(value))


class _Problems:
    """Collects "file: field problem" sentences."""

    def __init__(self, source: str) -> None:
        self.source, self.found = source, []

    def add(self, where: str, what: str) -> None:
        self.found.append(f"{self.source}: {where} {what}.")

    def text(self, data: dict, key: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
        value = data.get(key, "" if not required else None)
        if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
            self.add(f"“{key}”", f"must be text of {1 if required else 0} to {limit} characters")
            return ""
        return value.strip()


def parse_instrument(data: Any, source: str) -> Instrument:
    """Build an instrument from a definition; raise one message listing every problem."""
    problems = _Problems(source)
    if not isinstance(data, dict):
        raise DefinitionError([f"{source}: the file must be an object with id, title, kind and score."])
    try:
        check_json(data, source)  # nothing a page cannot show or compute with (broken text, NaN, 1e400)
    except ValidationError as error:
        raise DefinitionError([str(error)]) from error
    if not _safe_id(data.get("id")):
        problems.add("“id”", "must be a short name of letters, digits, - or _")
    title = problems.text(data, "title")
    plain = problems.text(data, "plain_title", required=False) or title
    kind = data.get("kind")
    if kind not in KINDS:
        problems.add("“kind”", f"must be one of {', '.join(KINDS)}")
    if not isinstance(data.get("validated"), bool):
        problems.add("“validated”", "must be true or false")
    citation = problems.text(data, "citation", limit=2000)
    licence = problems.text(data, "licence", limit=2000)

    score = data.get("score")
    if not isinstance(score, dict):
        problems.add("“score”", "must be an object with min, max, higher_is and rule")
        score = {}
    low, high = score.get("min"), score.get("max")
    if not (_number(low) and _number(high) and high - low >= MIN_RANGE):
        problems.add("“score.min” and “score.max”", f"must be numbers with min below max (by {MIN_RANGE:g} at "
                     f"least), from {-MAX_SCORE:,} to {MAX_SCORE:,}")
        low, high = 0, 0
    if score.get("higher_is") not in ("better", "worse"):
        problems.add("“score.higher_is”", "must be “better” or “worse”")
    rule = score.get("rule", "sum")
    if rule not in RULES:
        problems.add("“score.rule”", "must be “sum” or “mean”")
    max_missing = score.get("max_missing", 0)
    if not isinstance(max_missing, int) or isinstance(max_missing, bool) or max_missing < 0:
        problems.add("“score.max_missing”", "must be a whole number, 0 or more")
        max_missing = 0

    options, items, subscales = _parse_items(data, kind, problems)
    if kind == "items" and items and options:
        values = [o.value for o in options]
        n = len(items)
        lowest, highest = (min(values) * n, max(values) * n) if rule == "sum" else (min(values), max(values))
        if (lowest, highest) != (low, high):
            problems.add("“score”", f"says {low} to {high}, but the items and options give {lowest} to {highest}")
        if max_missing >= n:
            problems.add("“score.max_missing”", "must be fewer than the number of items")
    bands = _parse_bands(data.get("bands", []), low, high, problems)
    sd, reliability = data.get("sd"), data.get("reliability")
    if (sd is None) != (reliability is None):
        problems.add("“sd” and “reliability”", "must be given together (or both left out)")
    if sd is not None and not (_number(sd) and MIN_SD_SHARE * (high - low) <= sd <= high - low and sd > 0):
        problems.add("“sd”", f"must be a number above 0, from {MIN_SD_SHARE:g} to 1 times the score range"
                     + (f" ({MIN_SD_SHARE * (high - low):g} to {high - low:g})" if high > low else ""))
    if reliability is not None and not (_number(reliability) and 0 < reliability < 1):
        problems.add("“reliability”", "must be a number between 0 and 1")
    norms = problems.text(data, "norms_source", required=bool(bands or sd is not None), limit=2000)
    if problems.found:
        raise DefinitionError(problems.found)
    return Instrument(
        id=data["id"], title=title, plain_title=plain, kind=kind, validated=data["validated"], citation=citation,
        licence=licence, minimum=low, maximum=high, higher_is_better=score["higher_is"] == "better", rule=rule,
        max_missing=max_missing, options=options, items=items, subscales=subscales, bands=bands,
        sd=sd, reliability=reliability, norms_source=norms,
    )


def _parse_items(data: dict, kind: object, problems: _Problems):
    if kind != "items":
        if kind == "score-entry" and (data.get("items") or data.get("options")):
            problems.add("“items”", "are not allowed in a score-entry definition (no item text of licensed measures)")
        return (), (), ()
    options, items, subscales = [], [], []
    raw_options = data.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        problems.add("“options”", "must be a list of at least two answers")
        raw_options = []
    for n, option in enumerate(raw_options, start=1):
        if not (isinstance(option, dict) and isinstance(option.get("value"), int) and _number(option["value"])
                and isinstance(option.get("label"), str) and option["label"].strip()):
            problems.add(f"option {n}", f"must have a whole-number “value” (at most {MAX_SCORE:,} either way) "
                                        "and a “label”")
            continue
        options.append(Option(option["value"], option["label"].strip()))
    if len({o.value for o in options}) != len(options):
        problems.add("“options”", "repeat a value")
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not 1 <= len(raw_items) <= MAX_ITEMS:
        problems.add("“items”", f"must be a list of 1 to {MAX_ITEMS} items")
        raw_items = []
    for n, item in enumerate(raw_items, start=1):
        if not (isinstance(item, dict) and _safe_id(item.get("id")) and isinstance(item.get("text"), str)
                and item["text"].strip() and len(item["text"]) <= MAX_TEXT
                and isinstance(item.get("reverse", False), bool)):
            problems.add(f"item {n}", f"must have an “id”, a “text” of 1 to {MAX_TEXT} characters "
                                      "and “reverse” true or false")
            continue
        items.append(Item(item["id"], item["text"].strip(), item.get("reverse", False)))
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        problems.add("“items”", "repeat an id")
    for n, sub in enumerate(data.get("subscales", []) if isinstance(data.get("subscales", []), list) else [None],
                            start=1):
        if not (isinstance(sub, dict) and _safe_id(sub.get("id")) and isinstance(sub.get("title"), str)
                and isinstance(sub.get("items"), list) and sub["items"]):
            problems.add(f"subscale {n}", "must have an “id”, a “title” and a list of “items”")
            continue
        unknown = [i for i in sub["items"] if i not in ids]
        if unknown:
            problems.add(f"subscale {n}", f"names items that do not exist: {', '.join(map(str, unknown))}")
            continue
        subscales.append(Subscale(sub["id"], sub["title"], tuple(sub["items"])))
    return tuple(options), tuple(items), tuple(subscales)


def _parse_bands(raw: object, low: float, high: float, problems: _Problems) -> tuple[Band, ...]:
    if not isinstance(raw, list):
        problems.add("“bands”", "must be a list")
        return ()
    bands = []
    for n, band in enumerate(raw, start=1):
        if not (isinstance(band, dict) and _number(band.get("from")) and _number(band.get("to"))
                and band["from"] <= band["to"] and isinstance(band.get("label"), str) and band["label"].strip()):
            problems.add(f"band {n}", "must have “from” ≤ “to” and a “label”")
            continue
        if band["from"] < low or band["to"] > high:
            problems.add(f"band {n}", f"goes outside the score range {low} to {high}")
        bands.append(Band(band["from"], band["to"], band["label"].strip()))
    for first, second in itertools.pairwise(bands):
        if second.low <= first.high:
            problems.add("“bands”", f"overlap (“{first.label}” and “{second.label}”); list them low to high")
    return tuple(bands)


def read_instrument(path: Path) -> Instrument:
    path = Path(path)
    try:
        data = read_data_file(path)
    except ValidationError as error:
        raise DefinitionError([str(error)]) from error
    instrument = parse_instrument(data, path.name)
    if instrument.id != path.stem:
        raise DefinitionError([f"{path.name}: “id” is “{instrument.id}” but must match the file name “{path.stem}”."])
    return instrument


INSTRUMENTS = DefinitionFolders(SHIPPED_DIR, OWN_INSTRUMENTS, read_instrument, lambda path, _instrument: path.stem,
                                "A questionnaire definition was not used")


def load_instruments(data_root: Path) -> tuple[dict[str, Instrument], list[str]]:
    """Every usable definition by id (own ones over shipped), and a warning per refused file."""
    return INSTRUMENTS.load(data_root)


def own_instrument_ids(data_root: Path) -> set[str]:
    return INSTRUMENTS.own_ids(data_root)
