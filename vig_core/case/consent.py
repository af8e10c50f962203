"""Consent: a choice per use of the films, dated, given and withdrawn (the rules of use are in
:mod:`vig_core.case.consent_rules`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from vig_core.errors import ValidationError
from vig_core.text import MAX_NOTE_TEXT, check_text


class ConsentKind(StrEnum):
    FILMING = "filming"
    SUPERVISOR = "supervisor"
    TRAINING = "training"
    PARENT_KEEPS_CLIPS = "parent_keeps_clips"
    SHARED_REVIEW_FILMING = "shared_review_filming"  # the parent, filmed with the practitioner in a shared review


CONSENT_LABELS: dict[ConsentKind, str] = {
    ConsentKind.FILMING: "To be filmed",
    ConsentKind.SUPERVISOR: "The VIG supervisor may watch clips",
    ConsentKind.TRAINING: "Clips may be used in training",
    ConsentKind.PARENT_KEEPS_CLIPS: "The parent keeps the final clips",
    ConsentKind.SHARED_REVIEW_FILMING: "The shared review may be filmed for my practitioner's supervision",
}


@dataclass
class ConsentChoice:
    """One consent decision. Withdrawal keeps the date it was given for the record."""

    given_on: date | None = None
    withdrawn_on: date | None = None
    in_writing: bool = False  # for training: written consent of everyone visible

    @property
    def active(self) -> bool:
        return self.given_on is not None and self.withdrawn_on is None

    @property
    def state(self) -> str:
        if self.withdrawn_on:
            return f"withdrawn {self.withdrawn_on:%d %b %Y}"
        if self.given_on:
            return f"given {self.given_on:%d %b %Y}"
        return "not given"


@dataclass
class ConsentEvent:
    kind: ConsentKind
    action: str  # "given" or "withdrawn"
    on: date


@dataclass
class Consent:
    filming: ConsentChoice = field(default_factory=ConsentChoice)
    supervisor: ConsentChoice = field(default_factory=ConsentChoice)
    training: ConsentChoice = field(default_factory=ConsentChoice)
    parent_keeps_clips: ConsentChoice = field(default_factory=ConsentChoice)
    # A case from before this choice existed loads with it not given (a missing field takes its default).
    shared_review_filming: ConsentChoice = field(default_factory=ConsentChoice)
    notes: str = ""
    history: list[ConsentEvent] = field(default_factory=list)

    def choice(self, kind: ConsentKind) -> ConsentChoice:
        return getattr(self, kind.value)

    def give(self, kind: ConsentKind, on: date, *, in_writing: bool = False) -> None:
        if kind is ConsentKind.TRAINING and not in_writing:
            raise ValidationError(
                "Use in training needs the written consent of everyone visible in the film; "
                "confirm that it is in hand first."
            )
        setattr(self, kind.value, ConsentChoice(given_on=on, in_writing=in_writing))
        self.history.append(ConsentEvent(kind, "given", on))

    def withdraw(self, kind: ConsentKind, on: date) -> None:
        current = self.choice(kind)
        if not current.active:
            raise ValidationError(f"“{CONSENT_LABELS[kind]}” is not currently given, so it cannot be withdrawn.")
        if on < current.given_on:
            raise ValidationError("Consent cannot be withdrawn before the date it was given.")
        current.withdrawn_on = on
        self.history.append(ConsentEvent(kind, "withdrawn", on))

    @property
    def withdrawn(self) -> list[ConsentKind]:
        return [k for k in ConsentKind if self.choice(k).withdrawn_on]

    def validate(self) -> None:
        check_text(self.notes, "Consent notes", MAX_NOTE_TEXT)
