"""Test films with a known conversation, for the listening engine (made on demand, never committed).

A script of blocks is drawn from a seeded random generator: serve-and-return
episodes (a child turn answered by the adult after 0.3–1.5 s, some going on for
several turns), child turns nobody answers, long adult monologues, and knocks
(non-speech noise). Each utterance is spoken by Debian's ``espeak-ng`` and moved
with ``sox`` to the speaker's pitch: a child at 300–350 Hz, a mother at
200–230 Hz, a father at 110–130 Hz. The sound gets a noise floor, and the
bundled ffmpeg puts it under a ``testsrc2`` picture. The script's truth (every
answered episode and every unanswered child turn, in seconds) comes back with
the film, so a test can score what the engine suggests.

espeak-ng and sox are Debian packages (``python3 dev.py test`` installs them
when missing); tests skip when they are not there.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import subprocess
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from vig_core.media.ffmpeg import ffmpeg_exe

RATE = 48_000  # a phone's sound rate; the engine reads it at 16 kHz
PITCH_HZ = {"child": (300.0, 350.0), "mother": (200.0, 230.0), "father": (110.0, 130.0)}
ESPEAK_VOICE = {"child": "en-us+f4", "mother": "en-gb+f3", "father": "en-us+m3"}
CHILD_WORDS = ["ball", "look", "doggy", "more", "uh oh", "mama", "up", "there", "want that", "car", "bye bye",
               "ba ba ba", "yes", "no no", "juice", "what's that"]
ADULT_ANSWERS = ["yes, a ball", "you found it", "oh, the doggy", "more juice?", "uh oh, it fell down",
                 "I'm here", "up we go", "it's over there", "you want that one?", "a red car", "bye bye, teddy",
                 "that's right", "shall we look?", "well done"]
MONOLOGUE = ["now we are going to tidy all of these toys away into the big blue box",
             "and after that we can have some lunch and then go out to the park",
             "do you remember when grandma came to see us last week with the cake",
             "I need to find your shoes because it is getting cold outside this afternoon",
             "we will read the story about the hungry caterpillar before your nap"]
NOISE_FLOOR_DBFS = -48.0  # room hum and hiss, well under speech at about -20 dBFS
SPEECH_PEAK = 0.5


@dataclass(frozen=True)
class Utterance:
    speaker: str  # "child", "mother" or "father"
    start: float
    end: float
    words: str = ""  # what espeak-ng says (the script's only; the engine keeps no words)


@dataclass(frozen=True)
class TruthEpisode:
    start: float  # the child's first sound
    end: float  # the end of the last turn
    turns: int  # utterances in it, child and adult, the first being the child's


@dataclass(frozen=True)
class ConversationFilm:
    path: Path
    duration: float
    adult: str
    episodes: list[TruthEpisode]  # answered child initiatives
    unanswered: list[Utterance]  # child turns nobody answered
    utterances: list[Utterance]
    knocks: list[float]  # times of non-speech knocks


def tools_missing() -> list[str]:
    """Which of the Debian tools the films need are not installed."""
    return [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]


def make_film(folder: Path, adult: str = "mother", minutes: float = 3.0, seed: int = 0,
              size: str = "160x120", fps: int = 10) -> ConversationFilm:
    """Write (once) a film of ``minutes`` of a child talking with ``adult`` into ``folder``; return it
    with its truth. The same arguments always give the same script."""
    folder = Path(folder)
    name = f"conversation-{adult}-{minutes:g}min-seed{seed}"
    path, truth_file = folder / f"{name}.mp4", folder / f"{name}.json"
    if path.exists() and truth_file.exists():
        return _read_truth(path, truth_file)
    rng = random.Random(f"{adult}-{seed}")
    utterances, episodes, unanswered, knocks, duration = _script(rng, adult, minutes * 60)
    with tempfile.TemporaryDirectory(prefix="vig-voices-") as scratch:
        sound = _mix(utterances, knocks, duration, Path(scratch), rng)
        wav = Path(scratch) / "sound.wav"
        _write_wav(wav, sound)
        _mux(wav, path, duration, size, fps)
    film = ConversationFilm(path, duration, adult, episodes, unanswered, utterances, knocks)
    truth_file.write_text(json.dumps({
        "duration": duration, "adult": adult, "episodes": [asdict(e) for e in episodes],
        "unanswered": [asdict(u) for u in unanswered], "utterances": [asdict(u) for u in utterances],
        "knocks": knocks}))
    return film


def _read_truth(path: Path, truth_file: Path) -> ConversationFilm:
    data = json.loads(truth_file.read_text())
    return ConversationFilm(path, data["duration"], data["adult"], [TruthEpisode(**e) for e in data["episodes"]],
                            [Utterance(**u) for u in data["unanswered"]],
                            [Utterance(**u) for u in data["utterances"]], data["knocks"])


def _script(rng: random.Random, adult: str, length: float):
    """Blocks one after another with 3–5 s of quiet between them, until ``length`` seconds."""
    utterances: list[Utterance] = []
    episodes: list[TruthEpisode] = []
    unanswered: list[Utterance] = []
    knocks: list[float] = []
    now = rng.uniform(1.0, 2.0)
    kinds = ["single", "single", "multi", "multi", "unanswered", "unanswered", "monologue", "knocks"]
    while now < length - 20:
        kind = rng.choice(kinds)
        if kind in ("single", "multi"):
            turns = 2 if kind == "single" else rng.randint(3, 5)
            block = []
            for turn in range(turns):
                speaker = "child" if turn % 2 == 0 else adult
                words = rng.choice(CHILD_WORDS if speaker == "child" else ADULT_ANSWERS)
                seconds = _spoken_length(words, speaker)
                block.append(Utterance(speaker, round(now, 3), round(now + seconds, 3), words))
                now += seconds + rng.uniform(0.3, 1.5)
            utterances += block
            episodes.append(TruthEpisode(block[0].start, block[-1].end, turns))
            now = block[-1].end
        elif kind == "unanswered":
            words = rng.choice(CHILD_WORDS)
            turn = Utterance("child", round(now, 3), round(now + _spoken_length(words, "child"), 3), words)
            utterances.append(turn)
            unanswered.append(turn)
            now = turn.end
        elif kind == "monologue":
            for _ in range(rng.randint(2, 3)):
                words = rng.choice(MONOLOGUE)
                seconds = _spoken_length(words, adult)
                utterances.append(Utterance(adult, round(now, 3), round(now + seconds, 3), words))
                now += seconds + rng.uniform(0.15, 0.4)
        else:
            for _ in range(rng.randint(1, 3)):
                knocks.append(round(now, 3))
                now += rng.uniform(0.3, 0.8)
        now += rng.uniform(3.0, 5.0)
    return utterances, episodes, unanswered, knocks, round(max(length, now + 2.0), 3)


_spoken: dict[tuple[str, str], np.ndarray] = {}  # (words, speaker) -> base voice before the pitch shift


def _spoken_length(words: str, speaker: str) -> float:
    return len(_base_voice(words, speaker)) / RATE


def _base_voice(words: str, speaker: str) -> np.ndarray:
    """espeak-ng's voice for ``words`` at 48 kHz, trimmed of its leading and trailing quiet."""
    key = (words, speaker)
    if key not in _spoken:
        with tempfile.TemporaryDirectory(prefix="vig-espeak-") as scratch:
            raw, resampled = Path(scratch) / "raw.wav", Path(scratch) / "voice.wav"
            speed = "150" if speaker == "child" else "165"
            subprocess.run(["espeak-ng", "-v", ESPEAK_VOICE[speaker], "-s", speed, "-w", str(raw), words],
                           check=True, capture_output=True)
            subprocess.run(["sox", str(raw), "-r", str(RATE), str(resampled),
                            "silence", "1", "0.02", "1%", "reverse", "silence", "1", "0.02", "1%", "reverse"],
                           check=True, capture_output=True)
            _spoken[key] = _read_wav(resampled)
    return _spoken[key]


def _voice(words: str, speaker: str, target_hz: float, scratch: Path) -> np.ndarray:
    """``words`` spoken at ``target_hz`` (median pitch): espeak-ng's voice moved by sox ``pitch``,
    which keeps the length, so the script's times hold."""
    import parselmouth  # the tests' own measure of where espeak-ng put the voice

    base = _base_voice(words, speaker)
    pitch = parselmouth.Sound(base.astype(np.float64), RATE).to_pitch(pitch_floor=60, pitch_ceiling=500)
    voiced = pitch.selected_array["frequency"]
    voiced = voiced[voiced > 0]
    source_hz = float(np.median(voiced)) if len(voiced) else 120.0
    cents = 1200 * math.log2(target_hz / source_hz)
    source, shifted = scratch / "in.wav", scratch / "out.wav"
    _write_wav(source, base)
    subprocess.run(["sox", str(source), str(shifted), "pitch", f"{cents:.0f}"], check=True, capture_output=True)
    voice = _read_wav(shifted)[:len(base)]
    return voice * (SPEECH_PEAK / max(1e-6, float(np.max(np.abs(voice)))))


def _mix(utterances: list[Utterance], knocks: list[float], duration: float, scratch: Path,
         rng: random.Random) -> np.ndarray:
    """The whole sound: a noise floor, every utterance at its time and pitch, every knock."""
    noise = np.random.default_rng(rng.randrange(2 ** 32))
    total = int(duration * RATE)
    floor = np.cumsum(noise.standard_normal(total)).astype(np.float32)  # brown noise: a room's low rumble
    floor -= np.convolve(floor, np.ones(4801, np.float32) / 4801, mode="same")  # without its drift
    floor += 0.3 * floor.std() * noise.standard_normal(total).astype(np.float32)  # and some hiss
    sound = (floor / floor.std() * 10 ** (NOISE_FLOOR_DBFS / 20)).astype(np.float32)
    for utterance in utterances:
        voice = _voice(utterance.words, utterance.speaker, rng.uniform(*PITCH_HZ[utterance.speaker]), scratch)
        at = int(utterance.start * RATE)
        sound[at:at + len(voice)] += voice[:total - at]
    for at_seconds in knocks:
        at = int(at_seconds * RATE)
        knock = _knock(noise)
        sound[at:at + len(knock)] += knock[:total - at]
    return np.clip(sound, -1, 1)


def _knock(noise: np.random.Generator) -> np.ndarray:
    """A knock on a table: a 100 ms burst that dies away fast, with a low thump under it."""
    n = int(0.1 * RATE)
    t = np.arange(n) / RATE
    envelope = np.exp(-t / 0.012)
    burst = noise.standard_normal(n) * envelope + 0.8 * np.sin(2 * np.pi * 90 * t) * np.exp(-t / 0.03)
    return (0.6 * burst / np.max(np.abs(burst))).astype(np.float32)


def _read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path)) as file:
        frames = np.frombuffer(file.readframes(file.getnframes()), dtype=np.int16)
        channels = file.getnchannels()
    return (frames.reshape(-1, channels).mean(axis=1) / 32768).astype(np.float32)


def _write_wav(path: Path, sound: np.ndarray) -> None:
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(RATE)
        file.writeframes((np.clip(sound, -1, 1) * 32767).astype(np.int16).tobytes())


def _mux(wav: Path, target: Path, duration: float, size: str, fps: int) -> None:
    """The sound under a moving test picture, as an H.264/AAC MP4 like a phone's."""
    partial = target.with_name(f".{target.name}.partial.mp4")
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                    "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={duration}", "-i", str(wav),
                    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
                    "-c:a", "aac", "-b:a", "96k", "-shortest", "-movflags", "+faststart", str(partial)], check=True)
    partial.replace(target)


def overlaps(a_start: float, a_end: float, b_start: float, b_end: float) -> bool:
    return a_start < b_end and b_start < a_end


def score(found: list[tuple[float, float]], film: ConversationFilm) -> tuple[float, float, int]:
    """(recall of the answered episodes, precision of ``found``, unanswered child turns suggested).

    A truth episode is recalled when a suggestion overlaps it; a suggestion is right when it
    overlaps an episode. An unanswered child turn counts as suggested when a suggestion overlaps
    it and no episode."""
    recalled = sum(any(overlaps(s, e, ep.start, ep.end) for s, e in found) for ep in film.episodes)
    right = sum(any(overlaps(s, e, ep.start, ep.end) for ep in film.episodes) for s, e in found)
    wrongly = sum(any(overlaps(s, e, turn.start, turn.end) and
                      not any(overlaps(s, e, ep.start, ep.end) for ep in film.episodes) for s, e in found)
                  for turn in film.unanswered)
    return (recalled / len(film.episodes) if film.episodes else 1.0,
            right / len(found) if found else 1.0, wrongly)
