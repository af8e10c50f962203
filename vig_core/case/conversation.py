"""The initial conversation and the ending, written together with the parent."""

from __future__ import annotations

from dataclasses import dataclass, field

from vig_core.errors import ValidationError
from vig_core.text import MAX_GOAL_TEXT, MAX_NOTE_TEXT, check_text

# The initial conversation, written together with the parent on screen.
CONVERSATION_FIELDS: dict[str, tuple[str, str]] = {
    "about_parent": ("About you (the parent or carer)", "Who you are, what matters to you."),
    "about_child": ("About your child", "What they enjoy, what they are like."),
    "relationship": ("You and your child together", "How things are between you."),
    "going_well": ("What is going well", "Moments you enjoy together."),
    "would_like_different": ("What you would like to be different", "In your own words."),
    "helping_question": ("Your Helping Question", "“How can I help my child …?”"),
}


@dataclass
class Conversation:
    about_parent: str = ""
    about_child: str = ""
    relationship: str = ""
    going_well: str = ""
    would_like_different: str = ""
    helping_question: str = ""

    def validate(self) -> None:
        for name, (label, _) in CONVERSATION_FIELDS.items():
            check_text(getattr(self, name), label, MAX_NOTE_TEXT)


# The closing conversation at the ending; the parent may see all but the notes.
ENDING_FIELDS: dict[str, tuple[str, str]] = {
    "what_changed": ("What has changed", "For you, for your child, between you."),
    "what_helped": ("What helped", "Moments, clips or ideas you will take with you."),
    "looking_ahead": ("Looking ahead", "What you would like to keep doing."),
}
MAX_FUTURE_GOALS = 10


@dataclass
class Ending:
    """The ending: a second conversation, quotes chosen for the celebration, goals for the future."""

    what_changed: str = ""
    what_helped: str = ""
    looking_ahead: str = ""
    practitioner_notes: str = ""  # never shown in client view
    chosen_quotes: list[str] = field(default_factory=list)  # ids of the parent's words to celebrate
    future_goals: list[str] = field(default_factory=list)  # new goals, in the parent's words

    def choose_quotes(self, reflection_ids: list[str]) -> None:
        """The parent's words (by id) to celebrate in the ending and its summary, in this order."""
        self.chosen_quotes = list(dict.fromkeys(reflection_ids))

    def add_future_goal(self, goal: str) -> None:
        """A new goal for the future, last; its words and the number of goals are checked on save."""
        self.future_goals.append(goal)

    def remove_future_goal(self, goal: str) -> None:
        """Take ``goal`` out, found by its words: a second click on its Remove button takes out no other."""
        if goal in self.future_goals:
            self.future_goals.remove(goal)

    def validate(self) -> None:
        for name, (label, _) in ENDING_FIELDS.items():
            check_text(getattr(self, name), label, MAX_NOTE_TEXT)
        check_text(self.practitioner_notes, "The ending notes", MAX_NOTE_TEXT)
        if len(self.future_goals) > MAX_FUTURE_GOALS:
            raise ValidationError(f"Keep to {MAX_FUTURE_GOALS} goals for the future.")
        for goal in self.future_goals:
            check_text(goal, "A goal for the future", MAX_GOAL_TEXT, required=True)
