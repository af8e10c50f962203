"""What the workbook heard in a film, and whose voice each stretch of speech was.

The listening engine (:mod:`vig_core.media.listening`) reads a film's sound once
and keeps a :class:`Listening`: the stretches of speech with their pitch, and a
loudness envelope for the timeline. No words are kept, only times, pitch
summaries and counts. Everything after that is pure and quick, so a
practitioner's correction ("swap the voices", or a pitch boundary of their own)
regroups the stretches without reading the film again.

Voices are told apart by pitch alone: in a parent–child film the child's voice
is usually the higher (300 Hz and up for a toddler), an adult's the lower (a
mother about 200 Hz, a father about 120 Hz). The boundary between them is
found in each film's own stretches (:func:`voice_boundary`), since a mother
with a high voice and a father need different ones; when that fails (one voice
only, or a mother as high as her baby) the practitioner can set or swap it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

LISTENING_VERSION = 1  # of the engine that makes a Listening: a result of another version is heard again
PEAK_STEP = 0.1  # seconds of sound per value of the loudness envelope
DEFAULT_BOUNDARY_HZ = 250.0  # between a typical mother's voice and a toddler's, when a film gives no better one
LOWEST_BOUNDARY_HZ, HIGHEST_BOUNDARY_HZ = 150.0, 400.0  # a found boundary outside these is not believed
DISTINCT_VOICES = 1.25  # the two groups' typical pitches must differ by this ratio to be two voices
TURN_GAP = 1.0  # seconds: one voice's stretches closer than this are one turn
# A voice's pitch moves (intonation, and a few per cent of jitter even in a held "aaa"); a machine's
# tone (a hum, a beep, a toy's note, a test film's sine) holds it. A stretch this long or longer whose
# 10th and 90th percentile pitches lie within this ratio is a tone, nobody's voice.
STEADY_TONE_SECONDS = 0.5
STEADY_TONE_RATIO = 1.015  # about a quarter of a semitone


class Voice(Enum):
    CHILD = "child"  # the higher voice, unless swapped
    ADULT = "adult"  # the lower voice, unless swapped


@dataclass(frozen=True)
class Stretch:
    """A stretch of speech from one voice, as heard (times in seconds from the film's start)."""

    start: float
    end: float
    pitch_hz: float | None  # median pitch of its voiced frames; None: too little voicing to tell (a knock, a whisper)
    pitch_low_hz: float | None = None  # 10th percentile
    pitch_high_hz: float | None = None  # 90th percentile
    voiced: float = 0.0  # the share of its frames that had a pitch

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Listening:
    """What the engine heard in one film: enough to group voices, find episodes and draw a waveform."""

    version: int
    duration: float  # seconds of sound read
    stretches: list[Stretch] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)  # loudness 0..1, one value per ``peak_step`` seconds
    peak_step: float = PEAK_STEP
    boundary_hz: float = DEFAULT_BOUNDARY_HZ  # the pitch boundary found between the voices

    @property
    def current(self) -> bool:
        """Made by this version of the engine (else it should be heard again)."""
        return self.version == LISTENING_VERSION


@dataclass(frozen=True)
class VoiceCorrection:
    """The practitioner's correction of how the voices were told apart."""

    boundary_hz: float | None = None  # None: the boundary found in the film
    swapped: bool = False  # the lower voice is the child's (e.g. a mother with a high voice and a baby)


@dataclass(frozen=True)
class Turn:
    """One voice speaking: its stretches closer than :data:`TURN_GAP` to each other, joined."""

    voice: Voice
    start: float
    end: float
    speech_seconds: float  # the stretches' own length, without the short pauses between them
    pitch_hz: float  # the median pitch of its stretches, weighted by their length

    @property
    def seconds(self) -> float:
        return self.end - self.start


def is_steady_tone(stretch: Stretch) -> bool:
    """Whether the stretch is a machine's steady tone rather than a voice (see :data:`STEADY_TONE_RATIO`)."""
    low, high = stretch.pitch_low_hz, stretch.pitch_high_hz
    return (stretch.seconds >= STEADY_TONE_SECONDS and low is not None and high is not None and low > 0
            and high / low < STEADY_TONE_RATIO)


def voice_boundary(stretches: list[Stretch]) -> float:
    """The pitch (Hz) that best parts the stretches into a higher and a lower voice.

    Otsu's split of the stretches' log pitch (each stretch counts once, so a long monologue
    does not outweigh a child's many short turns). It is kept only when it lies in a believable
    range and the two groups differ clearly; otherwise :data:`DEFAULT_BOUNDARY_HZ`."""
    logs = sorted(math.log2(s.pitch_hz) for s in stretches if s.pitch_hz and not is_steady_tone(s))
    if len(logs) < 2:
        return DEFAULT_BOUNDARY_HZ
    total, total_sum = len(logs), sum(logs)
    best, best_at = -1.0, None
    below_sum = 0.0
    for count in range(1, total):
        below_sum += logs[count - 1]
        if logs[count] == logs[count - 1]:
            continue
        low_mean, high_mean = below_sum / count, (total_sum - below_sum) / (total - count)
        between = count * (total - count) * (high_mean - low_mean) ** 2
        if between > best:
            best, best_at = between, count
    if best_at is None:
        return DEFAULT_BOUNDARY_HZ
    low, high = logs[:best_at], logs[best_at:]
    low_typical, high_typical = 2 ** low[len(low) // 2], 2 ** high[len(high) // 2]
    boundary = 2 ** ((logs[best_at - 1] + logs[best_at]) / 2)
    if high_typical / low_typical < DISTINCT_VOICES or not LOWEST_BOUNDARY_HZ <= boundary <= HIGHEST_BOUNDARY_HZ:
        return DEFAULT_BOUNDARY_HZ
    return round(boundary, 1)


def voice_of(stretch: Stretch, boundary_hz: float, swapped: bool = False) -> Voice | None:
    """Whose the stretch is: the child's above the boundary (below it when swapped); None without a
    pitch or for a steady tone."""
    if stretch.pitch_hz is None or is_steady_tone(stretch):
        return None
    higher = stretch.pitch_hz >= boundary_hz
    return Voice.CHILD if higher != swapped else Voice.ADULT


def turns(listening: Listening, correction: VoiceCorrection | None = None) -> list[Turn]:
    """The film's turns in order: each stretch given to a voice by the (corrected) boundary, and a
    voice's stretches joined while no other voice comes between and the pause is under :data:`TURN_GAP`.
    Stretches without a pitch (knocks, rustles, whispers) or with a machine's steady one belong to
    no one and are left out."""
    correction = correction or VoiceCorrection()
    boundary = correction.boundary_hz or listening.boundary_hz
    voiced = [(s, voice_of(s, boundary, correction.swapped)) for s in sorted(listening.stretches,
                                                                              key=lambda s: s.start)]
    grouped: list[list[Stretch]] = []
    voices: list[Voice] = []
    for stretch, voice in voiced:
        if voice is None:
            continue
        if grouped and voices[-1] is voice and stretch.start - grouped[-1][-1].end < TURN_GAP:
            grouped[-1].append(stretch)
        else:
            grouped.append([stretch])
            voices.append(voice)
    return [_turn(voice, group) for voice, group in zip(voices, grouped)]


def _turn(voice: Voice, stretches: list[Stretch]) -> Turn:
    by_pitch = sorted(stretches, key=lambda s: s.pitch_hz or 0.0)
    speech = sum(s.seconds for s in stretches)
    so_far, median = 0.0, by_pitch[-1].pitch_hz or 0.0
    for stretch in by_pitch:
        so_far += stretch.seconds
        if so_far >= speech / 2:
            median = stretch.pitch_hz or 0.0
            break
    return Turn(voice, stretches[0].start, max(s.end for s in stretches), round(speech, 3), median)
