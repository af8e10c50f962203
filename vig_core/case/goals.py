"""The parent's goals and their ratings, each rating tied to the time point it was given at."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from vig_core.errors import ValidationError
from vig_core.text import MAX_GOAL_TEXT, check_text

RATING_MIN, RATING_MAX = 0, 10
DEFAULT_RATING = 5  # where a rating slider starts for a goal never rated


class RatedAt(StrEnum):
    """The time point a goal rating belongs to: a later rating never replaces another point's."""

    START = "start"  # when the goal was set: its first rating
    REVIEW = "review"  # at a cycle's shared review (the rating's cycle says which)
    BETWEEN = "re-rating"  # a plain re-rating on the Goals page, one per day
    ENDING = "ending"  # at the ending


@dataclass
class GoalRating:
    on: date
    score: int
    cycle: int | None = None  # the cycle whose shared review it was rated at, if any
    at: RatedAt | None = None  # None only as read from an older file: Goal works it out on loading

    def validate(self) -> None:
        if isinstance(self.score, bool) or not isinstance(self.score, int):
            raise ValidationError("A goal rating must be a whole number from 0 to 10.")
        if not RATING_MIN <= self.score <= RATING_MAX:
            raise ValidationError(f"A goal rating must be from 0 to 10, not {self.score}.")

    @property
    def label(self) -> str:
        """Where it was given, in words: "the start", "cycle 2 review", "re-rated", "the ending"."""
        if self.at is RatedAt.REVIEW:
            return f"cycle {self.cycle} review"
        return {RatedAt.START: "the start", RatedAt.ENDING: "the ending"}.get(self.at, "re-rated")

    def same_point(self, other: GoalRating) -> bool:
        """Whether ``other`` is a rating of the same time point (so it may correct this one):
        the start, the same cycle's review, the ending, or a re-rating the same day."""
        if self.at is not other.at:
            return False
        if self.at is RatedAt.REVIEW:
            return self.cycle == other.cycle
        return self.at is not RatedAt.BETWEEN or self.on == other.on


@dataclass
class Goal:
    """A goal worded by the parent, ideally about what *they* will do."""

    id: str
    text: str
    created_on: date
    ratings: list[GoalRating] = field(default_factory=list)
    retired_on: date | None = None
    shown_when_retired: bool = False  # the practitioner's choice: a retired goal stays in the family's charts

    def __post_init__(self) -> None:
        # Ratings stored before time points were kept: a review's by its cycle, the first
        # one as the start, any other as a re-rating.
        for index, rating in enumerate(self.ratings):
            if rating.at is None:
                rating.at = (RatedAt.REVIEW if rating.cycle else RatedAt.START if index == 0
                             else RatedAt.BETWEEN)

    @property
    def shown(self) -> bool:
        """Whether the family's charts and documents show it: while worked on, or when chosen after retiring."""
        return self.retired_on is None or self.shown_when_retired

    def set_shown_when_retired(self, shown: bool) -> None:
        self.shown_when_retired = shown

    @property
    def deletable(self) -> bool:
        """A goal rated no more than when it was set (added by mistake, say) may be deleted; after
        that its ratings are part of the record, and it can only be retired."""
        return len(self.ratings) <= 1

    @property
    def first_rating(self) -> GoalRating | None:
        return self.ratings[0] if self.ratings else None

    @property
    def latest_rating(self) -> GoalRating | None:
        return self.ratings[-1] if self.ratings else None

    @property
    def current_score(self) -> int:
        """The latest rating's score; for a goal never rated, where a rating slider starts."""
        return self.ratings[-1].score if self.ratings else DEFAULT_RATING

    def rate(self, score: int, on: date, cycle: int | None = None, *, at: RatedAt | None = None) -> GoalRating:
        """Add a rating at its time point (by default: the cycle's review when ``cycle`` is
        given, else the start for a first rating, else a re-rating). A rating of the same
        time point is corrected in its place (keeping its date: a review's rating belongs to
        that review even when corrected later); every other time point's rating is kept."""
        at = at or (RatedAt.REVIEW if cycle else RatedAt.BETWEEN if self.ratings else RatedAt.START)
        rating = GoalRating(on=on, score=score, cycle=cycle if at is RatedAt.REVIEW else None, at=at)
        rating.validate()
        if at is RatedAt.REVIEW and not cycle:
            raise ValidationError("A rating at a shared review needs the cycle it belongs to.")
        earlier = next((r for r in self.ratings if r.same_point(rating)), None)
        if earlier:
            rating.on = earlier.on
        ratings = [rating if r is earlier else r for r in self.ratings] + ([] if earlier else [rating])
        # The start first, then by date; a day's ratings in the order given, the ending's last.
        self.ratings = sorted(ratings, key=lambda r: (r.at is not RatedAt.START, r.on, r.at is RatedAt.ENDING))
        return rating

    def validate(self) -> None:
        check_text(self.text, "A goal", MAX_GOAL_TEXT, required=True)
        for rating in self.ratings:
            rating.validate()


FIRST_PERSON_WORDS = {"i", "i'm", "i’m", "me", "my", "myself", "we", "our", "us"}


def goal_is_about_the_adult(text: str) -> bool:
    """A gentle heuristic: does the goal speak of the adult ("I", "my", "we")?

    VIG goals focus on what the parent will do. This only drives a hint on
    screen; it never blocks a goal.
    """
    words = {w.strip(".,!?;:“”\"'()").lower() for w in text.split()}
    return bool(words & FIRST_PERSON_WORDS) or text.lower().startswith("how can i")
