"""Agreement between two coders of one recording (pure: no disk, no screen).

**Pairing.** Coder A's and coder B's moments are paired one to one, nearest first:
every pair of an A moment and a B moment at most ``tolerance`` seconds apart is a
candidate; the candidates are taken in order of their time difference (smallest
first; equal differences by the earlier A moment, then the earlier B moment), and a
candidate is kept when neither of its moments is paired yet. A moment left over is
"only A" or "only B". So each moment is paired at most once, never with one further
away than the tolerance, and the closest moments are always paired with each other.

**Per principle** (each heading id of the principles file, and any other id a
moment of either coder still carries), over the paired moments: does each coder's
moment show the principle (present / absent)? Percent agreement is the share of
pairs where both say the same; Cohen's kappa is scikit-learn's
``cohen_kappa_score`` on those two columns. Kappa is undefined when there are no
pairs, or when both coders gave one and the same answer to every pair (chance
agreement is then already complete): it is reported as None with the reason.

**Krippendorff's alpha** (the ``krippendorff`` package, nominal level) over all
principles at once. Reliability data: one row per coder, one column (a *unit*) per
paired moment × principle, the value 1 when that coder's moment shows the
principle and 0 when it does not. Each unpaired moment × principle is a unit too,
with the other coder's value missing; by Krippendorff's definition a unit with a
single value has nothing to compare and does not change alpha, so moments only one
coder marked count in "only A" / "only B", not in alpha.

**Turn**: the share of pairs whose two moments have the same turn of the attuned
cycle, over the pairs where at least one coder coded a turn.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from vig_core.case.film import Moment
from vig_core.case.record import Case
from vig_core.errors import NotFoundError, ValidationError

DEFAULT_TOLERANCE = 1.0
MIN_TOLERANCE, MAX_TOLERANCE = 0.1, 5.0
_EPSILON = 1e-6  # times sit on a frame grid; differences are compared to the microsecond
PRESENT, ABSENT = "present", "absent"
ONLY_A, ONLY_B = "only A", "only B"


@dataclass(frozen=True)
class Pair:
    a: Moment
    b: Moment

    @property
    def difference(self) -> float:
        """B's time less A's, in seconds."""
        return self.b.time - self.a.time


@dataclass(frozen=True)
class Pairing:
    pairs: tuple[Pair, ...]  # in A's time order
    only_a: tuple[Moment, ...]
    only_b: tuple[Moment, ...]
    tolerance: float


def check_tolerance(tolerance: float) -> float:
    if not (isinstance(tolerance, int | float) and math.isfinite(tolerance)) or not (
            MIN_TOLERANCE - _EPSILON <= tolerance <= MAX_TOLERANCE + _EPSILON):
        raise ValidationError(f"The tolerance must be between {MIN_TOLERANCE:g} and {MAX_TOLERANCE:g} seconds.")
    return float(tolerance)


def pair_moments(a: Sequence[Moment], b: Sequence[Moment], tolerance: float = DEFAULT_TOLERANCE) -> Pairing:
    """Pair A's and B's moments one to one, nearest first, within ``tolerance`` seconds (module notes)."""
    candidates = sorted(
        ((round(abs(y.time - x.time), 6), x.time, y.time, i, j)
         for i, x in enumerate(a) for j, y in enumerate(b) if abs(y.time - x.time) <= tolerance + _EPSILON))
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    pairs = []
    for _, _, _, i, j in candidates:
        if i not in taken_a and j not in taken_b:
            taken_a.add(i)
            taken_b.add(j)
            pairs.append(Pair(a[i], b[j]))
    return Pairing(tuple(sorted(pairs, key=lambda p: (p.a.time, p.b.time))),
                   tuple(sorted((m for i, m in enumerate(a) if i not in taken_a), key=lambda m: m.time)),
                   tuple(sorted((m for j, m in enumerate(b) if j not in taken_b), key=lambda m: m.time)),
                   tolerance)


@dataclass(frozen=True)
class PrincipleAgreement:
    principle: str  # heading id
    pairs: int
    agreed: int
    kappa: float | None
    kappa_note: str = ""  # why kappa is undefined, when it is

    @property
    def percent(self) -> float | None:
        return 100.0 * self.agreed / self.pairs if self.pairs else None


def kappa(a: Sequence[bool], b: Sequence[bool]) -> tuple[float | None, str]:
    """Cohen's kappa of two present/absent columns (scikit-learn), or None with the reason it is undefined."""
    if not a:
        return None, "no paired moments"
    if len(set(a) | set(b)) == 1:
        return None, (f"both coders said {PRESENT if a[0] else ABSENT} on every paired moment, so agreement "
                      "by chance is already complete")
    from sklearn.metrics import cohen_kappa_score  # loaded only when agreement is asked for (slow to import)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(cohen_kappa_score([int(x) for x in a], [int(y) for y in b], labels=[0, 1]))
    return (None, "undefined for these answers") if math.isnan(value) else (value, "")


def reliability_data(pairing: Pairing, principle_ids: Sequence[str]) -> list[list[float]]:
    """Two rows (A, B), one column per moment × principle: 1 shown, 0 not, NaN no moment (module notes)."""
    rows: list[list[float]] = [[], []]
    for pair in pairing.pairs:
        for pid in principle_ids:
            rows[0].append(float(pid in pair.a.principles))
            rows[1].append(float(pid in pair.b.principles))
    for moments, row in ((pairing.only_a, 0), (pairing.only_b, 1)):
        for moment in moments:
            for pid in principle_ids:
                rows[row].append(float(pid in moment.principles))
                rows[1 - row].append(math.nan)
    return rows


def alpha(data: list[list[float]]) -> tuple[float | None, str]:
    """Krippendorff's alpha (nominal) of ``data``, or None with the reason it is undefined."""
    comparable = [values for values in ([v for v in unit if not math.isnan(v)] for unit in zip(*data, strict=True))
                  if len(values) > 1]  # units with two values or more: the paired moments
    if not comparable:
        return None, "no paired moments"
    if len({v for unit in comparable for v in unit}) == 1:
        return None, (f"every answer on the paired moments is the same ({PRESENT if comparable[0][0] else ABSENT}), "
                      "so there is no variation to agree on")
    import krippendorff

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))
    return (None, "undefined for these answers") if math.isnan(value) else (value, "")


@dataclass(frozen=True)
class Disagreement:
    time_a: float | None
    time_b: float | None
    principle: str  # heading id; empty for a moment only one coder marked
    a_says: str  # present / absent, or for "only" rows the moment's principles
    b_says: str
    kind: str = "principle"  # "principle", ONLY_A or ONLY_B
    coded: tuple[str, ...] = ()  # for "only" rows: the lone moment's principles (heading ids)

    @property
    def time(self) -> float:
        """Where to look: A's moment, else B's."""
        return self.time_a if self.time_a is not None else self.time_b or 0.0


@dataclass(frozen=True)
class Agreement:
    coder_a: str
    coder_b: str
    pairing: Pairing
    principles: tuple[PrincipleAgreement, ...]
    alpha: float | None
    alpha_note: str
    turn_pairs: int  # pairs where at least one coder coded a turn
    turn_agreed: int
    disagreements: tuple[Disagreement, ...]

    @property
    def kappas(self) -> dict[str, float | None]:
        return {p.principle: p.kappa for p in self.principles}


def principle_ids_in(shipped: Sequence[str], moments: Sequence[Moment]) -> list[str]:
    """The file's heading ids, then any other id a moment carries (a heading since removed), once each."""
    return list(dict.fromkeys([*shipped, *(p for m in moments for p in m.principles)]))


def agreement(a: Sequence[Moment], b: Sequence[Moment], principle_ids: Sequence[str], *,
              tolerance: float = DEFAULT_TOLERANCE, coder_a: str = "A", coder_b: str = "B") -> Agreement:
    """Pair the moments and work out every figure and disagreement (module notes)."""
    pairing = pair_moments(a, b, check_tolerance(tolerance))
    ids = principle_ids_in(principle_ids, [*a, *b])
    rows, wrong = [], []
    for pid in ids:
        said_a = [pid in p.a.principles for p in pairing.pairs]
        said_b = [pid in p.b.principles for p in pairing.pairs]
        value, note = kappa(said_a, said_b)
        rows.append(PrincipleAgreement(pid, len(pairing.pairs), sum(x == y for x, y in zip(said_a, said_b)),
                                       value, note))
    for pair in pairing.pairs:
        wrong += [Disagreement(pair.a.time, pair.b.time, pid, _says(pid, pair.a), _says(pid, pair.b))
                  for pid in ids if (pid in pair.a.principles) != (pid in pair.b.principles)]
    wrong += [Disagreement(m.time, None, "", ", ".join(m.principles) or "not coded", "no moment", ONLY_A,
                           tuple(m.principles)) for m in pairing.only_a]
    wrong += [Disagreement(None, m.time, "", "no moment", ", ".join(m.principles) or "not coded", ONLY_B,
                           tuple(m.principles)) for m in pairing.only_b]
    turned = [p for p in pairing.pairs if p.a.turn or p.b.turn]
    value, note = alpha(reliability_data(pairing, ids))
    return Agreement(coder_a, coder_b, pairing, tuple(rows), value, note, len(turned),
                     sum(p.a.turn == p.b.turn for p in turned), tuple(sorted(wrong, key=lambda d: d.time)))


def _says(pid: str, moment: Moment) -> str:
    return PRESENT if pid in moment.principles else ABSENT


def check_coders(known: Sequence[str], coder_a: str, coder_b: str) -> None:
    """Refuse, in plain words, a coder not among ``known`` (a recording's coders, ``Case.coders_of``:
    the practitioner always counts) or the same coder twice."""
    for coder in (coder_a, coder_b):
        if coder not in known:
            raise NotFoundError(f"There is no coder “{coder}” on this recording; its coders are "
                                f"{', '.join(known)}.")
    if coder_a == coder_b:
        raise ValidationError("Choose two different coders to compare.")


def recording_agreement(case: Case, recording_id: str, coder_a: str, coder_b: str, principle_ids: Sequence[str],
                        tolerance: float = DEFAULT_TOLERANCE) -> Agreement:
    """:func:`agreement` of two coders' layers of one recording of ``case`` (unknown ones refused in plain words)."""
    if recording_id not in {r.id for r in case.recordings}:
        raise NotFoundError(f"The case {case.code} has no recording “{recording_id}”.")
    check_coders(case.coders_of(recording_id), coder_a, coder_b)
    return agreement(case.moments_of(recording_id, coder_a), case.moments_of(recording_id, coder_b), principle_ids,
                     tolerance=tolerance, coder_a=coder_a, coder_b=coder_b)


def figure(value: float | None, note: str = "") -> str:
    """A kappa or alpha as shown: two decimals, or "—" with the reason it is undefined."""
    return f"{value:.2f}" if value is not None else "—" + (f" ({note})" if note else "")


def percent_text(value: float | None) -> str:
    return f"{value:.0f}%" if value is not None else "—"


PAIRING_RULE = ("Each moment of one coder is paired with at most one moment of the other, never further apart than "
                "the tolerance; the closest moments are paired first (equal gaps: the earlier moment first). "
                "Moments left without a partner count as only A or only B.")
