"""Consent governs use: which consent each use of the film needs, and what a
withdrawal means for the work (pure, no Streamlit).

Every place that makes or shares material asks :func:`require` first, so the
rule is written once: adding a film and exporting clips for the shared review
need filming consent; a supervision pack needs the supervisor consent; use in
training needs training consent *given in writing*; anything the family takes
home needs their consent to keep clips. A film of the shared review itself (the practitioner
with the parent, for the practitioner's supervision) needs its own consent to be added, and its
clips go to the supervisor only while that consent (and the supervisor consent) stands.
"""

from __future__ import annotations

from enum import StrEnum

from vig_core.case.consent import CONSENT_LABELS, ConsentKind
from vig_core.case.film import Recording, RecordingKind
from vig_core.case.record import Case
from vig_core.errors import ValidationError


class Use(StrEnum):
    FILMING = "adding a film"
    REVIEW = "exporting clips for the shared review"
    SUPERVISION = "sharing clips with the VIG supervisor"
    TRAINING = "using clips in training"
    FAMILY_COPY = "giving the family stills or clips to keep"
    SHARED_REVIEW_FILM = "adding or sharing a film of the shared review"


NEEDS: dict[Use, ConsentKind] = {
    Use.FILMING: ConsentKind.FILMING,
    Use.REVIEW: ConsentKind.FILMING,
    Use.SUPERVISION: ConsentKind.SUPERVISOR,
    Use.TRAINING: ConsentKind.TRAINING,
    Use.FAMILY_COPY: ConsentKind.PARENT_KEEPS_CLIPS,
    Use.SHARED_REVIEW_FILM: ConsentKind.SHARED_REVIEW_FILMING,
}

WITHDRAWAL_MEANS: dict[ConsentKind, str] = {
    ConsentKind.FILMING: "No film can be added or exported any more. The films, clips and stills already made "
                         "can be erased here.",
    ConsentKind.SUPERVISOR: "No clips may be shared with the VIG supervisor from now on.",
    ConsentKind.TRAINING: "No clips may be used in training from now on.",
    ConsentKind.PARENT_KEEPS_CLIPS: "No stills or clips go into anything the family takes home from now on.",
    ConsentKind.SHARED_REVIEW_FILMING: "No film of a shared review can be added, and no clip of one goes to the "
                                       "VIG supervisor from now on.",
}

IMPORTING: dict[RecordingKind, Use] = {  # what adding a film of each kind is
    RecordingKind.FAMILY: Use.FILMING,
    RecordingKind.SHARED_REVIEW: Use.SHARED_REVIEW_FILM,
}


def allows(case: Case, use: Use) -> bool:
    choice = case.consent.choice(NEEDS[use])
    return choice.active and (use is not Use.TRAINING or choice.in_writing)


def require(case: Case, use: Use) -> None:
    """Raise a plain :class:`ValidationError` when the case's consent does not allow ``use``."""
    if allows(case, use):
        return
    kind = NEEDS[use]
    choice = case.consent.choice(kind)
    why = f"was withdrawn on {choice.withdrawn_on:%d %b %Y}" if choice.withdrawn_on else "is not on record"
    raise ValidationError(f"{use.value[0].upper()}{use.value[1:]} needs the consent “{CONSENT_LABELS[kind]}”, "
                          f"which {why}. Nothing was done; see the Consent page.")


def withdrawals(case: Case) -> list[tuple[ConsentKind, str]]:
    """Each consent withdrawn, with what that means for the work."""
    return [(kind, WITHDRAWAL_MEANS[kind]) for kind in case.consent.withdrawn]


def may_import(case: Case, kind: RecordingKind) -> bool:
    """Whether a film of ``kind`` may be added now."""
    return allows(case, IMPORTING[RecordingKind(kind)])


def require_import(case: Case, kind: RecordingKind) -> None:
    """:func:`require` the consent for adding a film of ``kind`` (the family's, or a shared review's)."""
    require(case, IMPORTING[RecordingKind(kind)])


def may_supervise(case: Case, recording: Recording) -> bool:
    """Whether clips of ``recording`` may go to the VIG supervisor: the supervisor consent, and for a
    film of the shared review its own consent too."""
    return allows(case, Use.SUPERVISION) and (
        recording.kind is not RecordingKind.SHARED_REVIEW or allows(case, Use.SHARED_REVIEW_FILM))


def require_supervision(case: Case, recording: Recording) -> None:
    """:func:`require` what :func:`may_supervise` asks, naming the consent missing."""
    require(case, Use.SUPERVISION)
    if recording.kind is RecordingKind.SHARED_REVIEW:
        require(case, Use.SHARED_REVIEW_FILM)
