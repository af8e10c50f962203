"""Listening to a case's film and the practitioner's decisions on what it suggests (the service layer).

After a film is imported, the workbook hears its sound in the background
(:func:`start_listening`, a cancellable job of :mod:`.jobs`) and keeps the result
beside the film (:mod:`vig_core.storage.listening`). Everything after that is pure
and quick: the suggested serve-and-return moments (:func:`open_suggestions`), the
turn-taking figures (:func:`figures`) and a correction of the voices
(:func:`correct_voices`) all work from the stored result and never read the film again.

Accepting a suggestion makes an ordinary moment at the child's initiative with a
proposed clip around the exchange; from then on it is the practitioner's coding like
any other, and goes wherever moments go (the family's copy included). Suggestions
themselves, accepted or not, stay the practitioner's: they live in the listening file only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from vig_core.case.episodes import Suggestion, TurnTaking, suggestions, turn_taking
from vig_core.case.film import Moment, RecordingKind, Turn, on_frame
from vig_core.case.voices import Listening, VoiceCorrection
from vig_core.errors import NotFoundError, StoreError, ValidationError
from vig_core.media.listening import NoSound, listen
from vig_core.services.jobs import JOBS, RUNNING, Job, JobBusy
from vig_core.storage.listening import ListeningRecord, listening_lock, read_listening, save_listening
from vig_core.storage.store import CaseStore

LOWEST_CORRECTION_HZ, HIGHEST_CORRECTION_HZ = 75.0, 700.0  # the engine hears pitch only in this range
NOT_HEARD = "This film has not been listened to yet; its suggestions appear once the workbook has heard it."
NO_SOUND = "This film has no sound, so the workbook cannot listen for conversation in it."
NOT_FOR_A_REVIEW = ("This is a film of a shared review: the voices are the parent's and the practitioner's. "
                    "Listening tells a child's voice from an adult's, so it makes no suggestions for this film.")
NOT_OFFERED = "That suggestion is no longer offered (the voices may have been corrected); choose another."

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Heard:
    """A recording's current listening with the practitioner's correction and decisions."""

    listening: Listening
    correction: VoiceCorrection
    accepted: frozenset[str]  # suggestion keys
    dismissed: frozenset[str]


def listening_job_key(case_id: str, recording_id: str) -> str:
    """What a listening job works on (see :meth:`~vig_core.services.jobs.Jobs.start`): one per film."""
    return f"listen {case_id} {recording_id}"


def listening_owner(case_id: str) -> str:
    """The owner of the case's listening jobs (see :meth:`~vig_core.services.jobs.Jobs.of`)."""
    return f"listening {case_id}"


def _current(store: CaseStore, case_id: str, recording_id: str) -> ListeningRecord | None:
    record = read_listening(store, case_id, recording_id)
    return record if record is not None and record.listening.current else None


def heard(store: CaseStore, case_id: str, recording_id: str) -> Heard | None:
    """What is stored for the recording; ``None`` when it was never heard, or by an older engine."""
    record = _current(store, case_id, recording_id)
    if record is None:
        return None
    return Heard(record.listening, record.correction, frozenset(record.accepted), frozenset(record.dismissed))


def listen_now(store: CaseStore, case_id: str, recording_id: str, progress: Progress | None = None) -> Heard:
    """Hear the film here and now (for the command line), or take its stored result when current.

    Raises :class:`~vig_core.media.listening.NoSound` for a film without sound, and a plain
    ValidationError for a film of a shared review (its voices are not a child's and an adult's)."""
    recording = store.load(case_id).recording(recording_id)
    if recording.kind is RecordingKind.SHARED_REVIEW:
        raise ValidationError(NOT_FOR_A_REVIEW)
    found = heard(store, case_id, recording_id)
    if found is not None:
        return found
    if not recording.has_audio:
        raise NoSound(NO_SOUND)
    _listen_and_keep(store, case_id, recording_id, progress)
    found = heard(store, case_id, recording_id)
    if found is None:  # written, yet not readable as current: the engine and its version disagree
        raise NotFoundError(NOT_HEARD)
    return found


def _listen_and_keep(store: CaseStore, case_id: str, recording_id: str, progress: Progress | None) -> int:
    """Hear the film and store the result, keeping the correction and decisions already made;
    return how many suggestions are open. Nothing is written until the whole film is heard."""
    recording = store.load(case_id).recording(recording_id)
    listening = listen(store.media_path(case_id, recording.playable), progress=progress)
    with listening_lock(store, case_id, recording_id):
        before = read_listening_quietly(store, case_id, recording_id)
        record = (replace(before, listening=listening) if before is not None else ListeningRecord(listening))
        save_listening(store, case_id, recording_id, record)
    return len(open_suggestions(store, case_id, recording_id))


def read_listening_quietly(store: CaseStore, case_id: str, recording_id: str) -> ListeningRecord | None:
    """The stored record, or ``None`` when there is none or it cannot be read (it is about to be replaced)."""
    try:
        return read_listening(store, case_id, recording_id)
    except StoreError:  # a damaged file is replaced by the new hearing; its decisions are lost with it
        return None


def start_listening(store: CaseStore, case_id: str, recording_id: str) -> Job | None:
    """Hear the film in the background; ``None`` when a current result is stored already.

    A second call while the film is being heard returns the job under way. A film without
    sound makes a job that fails with a plain sentence (the page may check ``has_audio`` first).
    The job's result is the number of suggestions open once it is done; its owner is
    :func:`listening_owner`, and a finished one is forgotten when the film is asked for again."""
    recording = store.load(case_id).recording(recording_id)  # an unknown case or film: NotFoundError
    if heard(store, case_id, recording_id) is not None:
        return None
    key, owner = listening_job_key(case_id, recording_id), listening_owner(case_id)
    for job in JOBS.of(owner):  # a finished job of the same film nobody looked at is not kept forever
        if job.key == key and job.state != RUNNING:
            JOBS.forget(job)

    def work(report: Progress) -> int:
        return _listen_and_keep(store, case_id, recording_id, report)

    while True:
        running = JOBS.running(key)
        if running is not None:
            return running
        if heard(store, case_id, recording_id) is not None:
            return None  # another tab's job finished meanwhile
        try:
            return JOBS.start(owner, f"Listening to “{recording.title}”", work, key=key, cancellable=True)
        except JobBusy:
            continue  # started meanwhile by another tab: hand back that one


def open_suggestions(store: CaseStore, case_id: str, recording_id: str) -> list[Suggestion]:
    """The suggestions under the practitioner's correction, without those accepted or dismissed."""
    found = heard(store, case_id, recording_id)
    if found is None:
        return []
    decided = found.accepted | found.dismissed
    return [s for s in suggestions(found.listening, found.correction) if s.key not in decided]


def figures(store: CaseStore, case_id: str, recording_id: str) -> TurnTaking | None:
    """The film's turn-taking figures under the correction; ``None`` before it is heard."""
    found = heard(store, case_id, recording_id)
    return turn_taking(found.listening, found.correction) if found is not None else None


def _heard_record(store: CaseStore, case_id: str, recording_id: str) -> ListeningRecord:
    record = _current(store, case_id, recording_id)
    if record is None:
        raise NotFoundError(NOT_HEARD)
    return record


def accept_suggestion(store: CaseStore, case_id: str, recording_id: str, key: str) -> Moment:
    """Make the suggestion a moment at the child's initiative with a proposed clip around the
    exchange, and note it accepted; return the moment.

    A second call with the same key (a double click, a second tab) returns the moment made
    the first time. A moment the practitioner marked already on the same frame is taken
    rather than twinned, so a crash between saving the moment and noting the decision
    never leads to two."""
    with listening_lock(store, case_id, recording_id):
        record = _heard_record(store, case_id, recording_id)
        made = record.accepted.get(key)
        if made is not None:
            kept = next((m for m in store.load(case_id).moments if m.id == made), None)
            if kept is not None:
                return kept
        suggestion = next((s for s in suggestions(record.listening, record.correction) if s.key == key), None)
        if suggestion is None:
            raise NotFoundError(NOT_OFFERED)
        with store.edit(case_id) as case:
            time = on_frame(case.recording(recording_id), suggestion.start)
            moment = next((m for m in case.moments_of(recording_id) if m.time == time), None)
            if moment is None:
                moment = case.mark_moment(recording_id, suggestion.start)
            if moment.turn is None:
                moment.set_turn(Turn.CHILD_INITIATIVE)
            if not any(c.moment_id == moment.id for c in case.clips):
                case.add_clip(recording_id, suggestion.clip_start, suggestion.clip_end, moment_id=moment.id)
        record.accepted[key] = moment.id
        record.dismissed = [k for k in record.dismissed if k != key]
        save_listening(store, case_id, recording_id, record)
    return moment


def dismiss_suggestion(store: CaseStore, case_id: str, recording_id: str, key: str) -> None:
    """Note the suggestion dismissed, so it is offered no more (an accepted one stays accepted)."""
    with listening_lock(store, case_id, recording_id):
        record = _heard_record(store, case_id, recording_id)
        if key in record.accepted or key in record.dismissed:
            return
        record.dismissed.append(key)
        save_listening(store, case_id, recording_id, record)


def correct_voices(store: CaseStore, case_id: str, recording_id: str, correction: VoiceCorrection) -> None:
    """Keep the practitioner's correction of the voices; the suggestions and figures follow it at once."""
    boundary = correction.boundary_hz
    if boundary is not None and not LOWEST_CORRECTION_HZ <= boundary <= HIGHEST_CORRECTION_HZ:
        raise ValidationError(f"A pitch boundary must lie between {LOWEST_CORRECTION_HZ:.0f} and "
                              f"{HIGHEST_CORRECTION_HZ:.0f} Hz.")
    with listening_lock(store, case_id, recording_id):
        record = _heard_record(store, case_id, recording_id)
        if record.correction != correction:
            save_listening(store, case_id, recording_id, replace(record, correction=correction))
