"""What each turn of the attuned cycle is called in a recording of a given kind (pure).

A moment keeps its :class:`~vig_core.case.film.Turn` as stored ("child: initiative", ...). In a
film of the family those are the words shown. In a film of a shared review (the practitioner
guiding the parent) the same cycle runs between the parent and the guider: the parent takes the
child's place (the one whose initiative is received) and the guider the adult's. So only the
words change, never what is stored: "child: initiative" shows as "parent: initiative", "adult:
reception" as "guider: reception". A moment moved between films, a coding file or a count across
films keeps one vocabulary.
"""

from __future__ import annotations

from vig_core.case.film import RecordingKind, Turn

_ROLES: dict[RecordingKind, dict[str, str]] = {
    RecordingKind.FAMILY: {"child": "child", "adult": "adult"},
    RecordingKind.SHARED_REVIEW: {"child": "parent", "adult": "guider"},
}


def turn_labels(kind: RecordingKind | str) -> dict[Turn, str]:
    """The words to show for every turn in a recording of ``kind``, in the order of :class:`Turn`."""
    roles = _ROLES[RecordingKind(kind)]
    labels = {}
    for turn in Turn:
        who, what = turn.value.split(": ", 1)
        labels[turn] = f"{roles[who]}: {what}"
    return labels


def turn_label(turn: Turn | str | None, kind: RecordingKind | str) -> str:
    """The words for ``turn`` in a recording of ``kind``; empty for no turn."""
    return turn_labels(kind)[Turn(turn)] if turn else ""


def turn_from_label(text: str, kind: RecordingKind | str) -> Turn | None:
    """The turn written as ``text`` (its words in a recording of ``kind``, or its stored value, as a
    coding file made elsewhere may hold); ``None`` when it is neither."""
    wanted = " ".join(text.split()).casefold()
    for turn, label in turn_labels(kind).items():
        if wanted in (label.casefold(), turn.value.casefold()):
            return turn
    return None


# What a recording is, as the practitioner chooses it when adding one, and as a list names it.
KIND_CHOICES: dict[RecordingKind, str] = {
    RecordingKind.FAMILY: "The family (parent and child)",
    RecordingKind.SHARED_REVIEW: "A shared review (me and the parent)",
}
KIND_NAMES: dict[RecordingKind, str] = {
    RecordingKind.FAMILY: "film of the family",
    RecordingKind.SHARED_REVIEW: "film of a shared review",
}
