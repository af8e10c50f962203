"""Scoring questionnaires and judging change: pure functions over :mod:`instruments`.

* Item answers are reverse-scored where the definition says so, then summed or
  averaged. Up to ``max_missing`` unanswered items are allowed: a sum is then
  prorated (the mean of the answered items times the number of items), so a
  missed item neither lowers nor raises the total; more missing means no score.
  A subscale may also miss fewer than half of its items. Scores keep 2 decimals.
* A typed total (score entry) must lie inside the instrument's range.
* The Reliable Change Index (Jacobson & Truax 1991): SE = SD·√(1−r),
  S_diff = √2·SE, RCI = (post − pre) / S_diff; |RCI| > 1.96 is reliable. The
  verdict reads the sign through the instrument's direction, so a fall on a
  "higher is worse" measure is an improvement. Without SD and reliability
  there is the raw change and no verdict; so too when the SD is too small to divide by
  (definitions refuse such SDs, see :mod:`instruments`, but a page must never fail on one).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from vig_core.errors import ValidationError
from vig_core.vocab.instruments import Band, Instrument, Item

RELIABLE_Z = 1.96


@dataclass(frozen=True)
class Score:
    total: float | None  # None: too many items missing to score
    subscales: dict[str, float | None]
    missing: int
    band: Band | None


def number(value: float) -> str:
    """A score as people write it: at most 2 decimals, no trailing zeros (``4.0`` → ``4``)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def item_value(instrument: Instrument, item: Item, answer: int) -> int:
    values = [o.value for o in instrument.options]
    if answer not in values:
        raise ValidationError(f"“{answer}” is not one of the answers to “{item.text}”.")
    return min(values) + max(values) - answer if item.reverse else answer


def _combine(instrument: Instrument, items: tuple[Item, ...] | list[Item], answers: Mapping[str, int | None],
             allowed_missing: int):
    given = [item_value(instrument, i, answers[i.id]) for i in items if answers.get(i.id) is not None]
    missing = len(items) - len(given)
    if not given or missing > allowed_missing:
        return None, missing
    mean = sum(given) / len(given)
    return round(mean * len(items) if instrument.rule == "sum" else mean, 2), missing


def score_items(instrument: Instrument, answers: Mapping[str, int | None]) -> Score:
    """Score item answers (``None`` or absent: not answered)."""
    if instrument.kind != "items":
        raise ValidationError(f"{instrument.title} is scored by typing its total, not item by item.")
    unknown = set(answers) - {i.id for i in instrument.items}
    if unknown:
        raise ValidationError(f"{instrument.title} has no item “{sorted(unknown)[0]}”.")
    total, missing = _combine(instrument, instrument.items, answers, instrument.max_missing)
    by_id = {i.id: i for i in instrument.items}
    subscales = {  # a subscale may miss no more than the scale allows, and fewer than half of its items
        s.id: _combine(instrument, [by_id[i] for i in s.items], answers,
                       min(instrument.max_missing, (len(s.items) - 1) // 2))[0]
        for s in instrument.subscales}
    return Score(total, subscales, missing, instrument.band(total) if total is not None else None)


def score_entry(instrument: Instrument, total: float) -> Score:
    """A total typed from the practitioner's own copy, checked against the range."""
    if not isinstance(total, (int, float)) or isinstance(total, bool) or not math.isfinite(total):
        raise ValidationError(f"The {instrument.title} total must be a number.")
    if not instrument.minimum <= total <= instrument.maximum:
        raise ValidationError(f"A {instrument.title} total must be from {instrument.minimum:g} to "
                              f"{instrument.maximum:g}, not {total:g}; please check it.")
    return Score(total, {}, 0, instrument.band(total))


class Verdict(StrEnum):
    IMPROVED = "reliable improvement"
    NO_CHANGE = "no reliable change"
    DETERIORATED = "reliable deterioration"


@dataclass(frozen=True)
class Change:
    pre: float
    post: float
    difference: float  # post - pre, in the instrument's own units
    rci: float | None
    verdict: Verdict | None  # None: SD or reliability unknown, so no verdict
    crossed: str | None  # "Slightly raised → Close to average", when the band changed


def reliable_change(instrument: Instrument, pre: float, post: float) -> Change:
    difference = post - pre
    rci = verdict = None
    if instrument.has_rci:
        rci = _quotient(lambda: difference,
                        lambda: math.sqrt(2) * instrument.sd * math.sqrt(1 - instrument.reliability))
    if rci is not None:
        improving = rci if instrument.higher_is_better else -rci
        verdict = (Verdict.IMPROVED if improving > RELIABLE_Z else
                   Verdict.DETERIORATED if improving < -RELIABLE_Z else Verdict.NO_CHANGE)
    before, after = instrument.band(pre), instrument.band(post)
    crossed = f"{before.label} → {after.label}" if before and after and before != after else None
    return Change(pre, post, difference, rci, verdict, crossed)


def clinical_cutoff(mean_clinical: float, sd_clinical: float, mean_general: float,
                    sd_general: float) -> float | None:
    """Jacobson & Truax criterion c: the point between the two populations' means, weighted by their SDs
    (``None`` when the SDs give no such point: not above 0, or too small or large to compute with)."""
    if not (sd_clinical > 0 and sd_general > 0):
        return None
    return _quotient(lambda: sd_clinical * mean_general + sd_general * mean_clinical,
                     lambda: sd_clinical + sd_general)


def _quotient(top: Callable[[], float], bottom: Callable[[], float]) -> float | None:
    """``top() / bottom()`` when ``bottom()`` is a finite number above 0 and so is the result, else
    ``None``: an SD too small to divide by (lost to underflow), or too large to compute with, gives
    no verdict instead of a failure."""
    try:
        divisor = bottom()
        result = top() / divisor if math.isfinite(divisor) and divisor > 0 else math.nan
    except (ArithmeticError, ValueError):  # a division by zero, a number too large for a float, √ of < 0
        return None
    return result if math.isfinite(result) else None
