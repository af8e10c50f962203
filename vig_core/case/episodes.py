"""Serve-and-return episodes and turn-taking figures, found in a film's turns (pure functions).

A serve-and-return episode is the child's initiative received and answered: the
child vocalises and the adult answers within :data:`ANSWER_WITHIN` seconds,
possibly for several turns back and forth. This is what a VIG practitioner
looks for first in micro-analysis, so these episodes are offered as
*suggestions*: places to look, found from the sound alone. They miss everything
non-verbal (a look, a smile, waiting), which remains the practitioner's eye.

The turn-taking figures count the same things over the whole film. They are a
process indicator for the practitioner, not a validated measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from vig_core.case.voices import Listening, Turn, Voice, VoiceCorrection, turns

ANSWER_WITHIN = 2.0  # seconds from the end of one turn to the start of the other voice's answer
OVERLAP_ALLOWED = 0.5  # seconds an answer may start before the turn it answers has ended
CLIP_SHORTEST, CLIP_LONGEST = 3.0, 10.0  # seconds of a proposed clip span
CLIP_LEAD_IN, CLIP_LEAD_OUT = 1.0, 1.0  # seconds shown before the child's initiative and after the exchange


@dataclass(frozen=True)
class Episode:
    """A child's initiative and the answers that followed it, turn by turn."""

    turns: list[Turn]  # alternating voices, the child's first, then the adult's answer, ...

    @property
    def start(self) -> float:
        return self.turns[0].start

    @property
    def end(self) -> float:
        return self.turns[-1].end

    @property
    def answered_after(self) -> float:
        """Seconds from the end of the child's initiative to the adult's answer (negative: overlapping)."""
        return self.turns[1].start - self.turns[0].end


@dataclass(frozen=True)
class Suggestion:
    """A place in the film worth a look, with what a practitioner needs to judge it."""

    start: float  # the child's initiative
    end: float  # the end of the last turn
    turns: int  # turns in the exchange, the child's initiative included
    answered_after: float  # seconds until the adult answered
    clip_start: float  # a proposed clip span of 3–10 s around the exchange
    clip_end: float
    child_pitch_hz: float
    adult_pitch_hz: float

    @property
    def key(self) -> str:
        """What names it across runs and regroupings: its span, to a hundredth of a second.

        The practitioner's accept and dismiss decisions are kept by this key, so it must not
        change while the same exchange is found again (the times are rounded already)."""
        return f"{self.start:.2f}-{self.end:.2f}"

    @property
    def reason(self) -> str:
        """Why it was suggested, in one plain sentence."""
        wait = "at once" if self.answered_after < 0.05 else f"{self.answered_after:.1f} s later"
        more = f"; {self.turns} turns back and forth" if self.turns > 2 else ""
        return (f"The child's voice (about {self.child_pitch_hz:.0f} Hz) was answered by the adult's "
                f"(about {self.adult_pitch_hz:.0f} Hz) {wait}{more}.")


@dataclass(frozen=True)
class TurnTaking:
    """Turn-taking figures for one film (a process indicator, not a validated measure)."""

    minutes: float  # the film's length
    child_initiatives: int  # child turns that were not themselves an answer to the adult
    answered: int  # of those, answered by the adult within ANSWER_WITHIN seconds
    conversational_turns: int  # changes of voice within ANSWER_WITHIN seconds, either way
    child_talk_seconds: float
    adult_talk_seconds: float

    @property
    def turns_per_minute(self) -> float:
        return self.conversational_turns / self.minutes if self.minutes > 0 else 0.0

    @property
    def answered_share(self) -> float | None:
        return self.answered / self.child_initiatives if self.child_initiatives else None

    @property
    def adult_share_of_talk(self) -> float | None:
        """The adult's part of all talk heard (0..1); None when nobody spoke."""
        talk = self.child_talk_seconds + self.adult_talk_seconds
        return self.adult_talk_seconds / talk if talk > 0 else None


def follows(previous: Turn, turn: Turn) -> bool:
    """Whether ``turn`` answers ``previous``: the other voice, starting within the answer time."""
    return (turn.voice is not previous.voice
            and -OVERLAP_ALLOWED <= turn.start - previous.end <= ANSWER_WITHIN
            and turn.start > previous.start)


def exchanges(film_turns: list[Turn]) -> list[list[Turn]]:
    """The turns cut into runs in which every turn answers the one before it."""
    runs: list[list[Turn]] = []
    for turn in film_turns:
        if runs and follows(runs[-1][-1], turn):
            runs[-1].append(turn)
        else:
            runs.append([turn])
    return runs


def find_episodes(film_turns: list[Turn]) -> list[Episode]:
    """Every exchange that holds a child's turn answered by the adult, from that child turn on.

    An exchange the adult began (the adult speaks, the child answers, the adult answers back)
    counts from the child's first turn, as that turn was received and answered too."""
    found = []
    for run in exchanges(film_turns):
        first_child = next((i for i, t in enumerate(run) if t.voice is Voice.CHILD), None)
        if first_child is not None and first_child + 1 < len(run):
            found.append(Episode(run[first_child:]))
    return found


def suggest(episode: Episode, duration: float) -> Suggestion:
    """The episode as a suggestion, with a clip span around it inside the film's ``duration``."""
    clip_start = max(0.0, episode.start - CLIP_LEAD_IN)
    clip_end = min(episode.end + CLIP_LEAD_OUT, clip_start + CLIP_LONGEST)
    if clip_end - clip_start < CLIP_SHORTEST:
        clip_end = clip_start + CLIP_SHORTEST
    if duration > 0 and clip_end > duration:
        clip_end = duration
        clip_start = max(0.0, min(clip_start, duration - CLIP_SHORTEST))
    child = [t for t in episode.turns if t.voice is Voice.CHILD]
    adult = [t for t in episode.turns if t.voice is Voice.ADULT]
    return Suggestion(
        start=round(episode.start, 2), end=round(episode.end, 2), turns=len(episode.turns),
        answered_after=round(max(0.0, episode.answered_after), 2),
        clip_start=round(clip_start, 2), clip_end=round(clip_end, 2),
        child_pitch_hz=round(_typical_pitch(child), 1), adult_pitch_hz=round(_typical_pitch(adult), 1))


def _typical_pitch(voice_turns: list[Turn]) -> float:
    pitches = sorted(t.pitch_hz for t in voice_turns)
    return pitches[len(pitches) // 2] if pitches else 0.0


def suggestions(listening: Listening, correction: VoiceCorrection | None = None) -> list[Suggestion]:
    """The serve-and-return episodes of a heard film, as suggestions in film order."""
    return [suggest(e, listening.duration) for e in find_episodes(turns(listening, correction))]


def turn_taking(listening: Listening, correction: VoiceCorrection | None = None) -> TurnTaking:
    """The film's turn-taking figures under the (corrected) grouping of voices."""
    film_turns = turns(listening, correction)
    initiatives = answered = conversational = 0
    for index, turn in enumerate(film_turns):
        previous = film_turns[index - 1] if index else None
        following = film_turns[index + 1] if index + 1 < len(film_turns) else None
        if previous is not None and follows(previous, turn):
            conversational += 1
        if turn.voice is Voice.CHILD and not (previous is not None and follows(previous, turn)):
            initiatives += 1
            answered += following is not None and follows(turn, following)
    talk = {voice: sum(t.speech_seconds for t in film_turns if t.voice is voice) for voice in Voice}
    return TurnTaking(minutes=round(listening.duration / 60, 3), child_initiatives=initiatives, answered=answered,
                      conversational_turns=conversational, child_talk_seconds=round(talk[Voice.CHILD], 2),
                      adult_talk_seconds=round(talk[Voice.ADULT], 2))
