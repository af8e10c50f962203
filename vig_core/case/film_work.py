"""The case's films: its recordings, the moments marked on them, the clips cut from them and the
parent's words on each clip. A part of :class:`vig_core.case.record.Case`, kept apart to keep
the record readable: the methods work on the case's own lists."""

from __future__ import annotations

from vig_core.case.cycles import CycleStatus
from vig_core.case.film import DEFAULT_CHOSEN_CLIPS, ME, Clip, Moment, Recording, RecordingKind, Reflection, on_frame
from vig_core.case.items import by_id
from vig_core.errors import ValidationError
from vig_core.text import new_id


class FilmWork:
    """Recordings, moments, clips and reflections of a case (mixed into ``Case``)."""

    recordings: list[Recording]
    moments: list[Moment]
    clips: list[Clip]
    reflections: list[Reflection]

    def recording(self, recording_id: str) -> Recording:
        return by_id(self.recordings, recording_id, "recording")

    def recordings_in(self, cycle: int) -> list[Recording]:
        return [r for r in self.recordings if r.cycle == cycle]

    def add_recording(self, recording: Recording) -> None:
        """Add the film of a cycle; a cycle still planned is then filmed, and a cycle without a
        filming date takes the film's (else the day it was imported), unless that would put the
        filming after the review."""
        cycle = self.cycle(recording.cycle)  # raises for a cycle the case does not have
        if cycle.status is CycleStatus.PLANNED:
            cycle.status = CycleStatus.FILMED
        filmed = recording.filmed_on or recording.imported_at.date()
        if cycle.filming_date is None and not (cycle.review_date and cycle.review_date < filmed):
            cycle.filming_date = filmed
        self.recordings.append(recording)

    def remove_recording(self, recording_id: str) -> Recording:
        """Forget a recording with its moments and clips (its files are the store's job)."""
        recording = self.recording(recording_id)
        self.recordings.remove(recording)
        self.moments = [m for m in self.moments if m.recording_id != recording_id]
        cycle_clips = self.clips_in(recording.cycle)
        self.clips = [c for c in self.clips if c.recording_id != recording_id]
        self._forget_reflections_without_clip()
        self._renumber_chosen([c for c in cycle_clips if c.recording_id != recording_id])
        return recording

    def moments_of(self, recording_id: str, coder: str = ME) -> list[Moment]:
        """The moments ``coder`` marked in the recording, in time order: the practitioner's own by
        default, so a second coder's layer never mixes into the practitioner's list."""
        return sorted((m for m in self.moments if m.recording_id == recording_id and m.coder == coder),
                      key=lambda m: m.time)

    def coders_of(self, recording_id: str) -> list[str]:
        """Who has coded the recording: :data:`ME` (the practitioner) first, always, then each second
        coder's layer in the order its names sort (letter case aside)."""
        others = {m.coder for m in self.moments if m.recording_id == recording_id and m.coder != ME}
        return [ME, *sorted(others, key=lambda c: (c.casefold(), c))]

    def remove_layer(self, recording_id: str, coder: str) -> int:
        """Forget a second coder's moments of the recording; how many went. The practitioner's own
        moments are never a layer to remove."""
        if coder == ME:
            raise ValidationError("Your own moments are not a second coder's layer; delete them one by one.")
        gone = {m.id for m in self.moments if m.recording_id == recording_id and m.coder == coder}
        self.moments = [m for m in self.moments if m.id not in gone]
        for clip in self.clips:
            if clip.moment_id in gone:
                clip.moment_id = None
        return len(gone)

    def moment(self, moment_id: str) -> Moment:
        return by_id(self.moments, moment_id, "moment")

    def mark_moment(self, recording_id: str, seconds: float, coder: str = ME) -> Moment:
        """A new moment of ``coder`` (the practitioner by default) at ``seconds`` (put on the frame
        grid, kept inside the film)."""
        recording = self.recording(recording_id)
        moment = Moment(id=new_id(), recording_id=recording_id, time=on_frame(recording, seconds), coder=coder)
        self.moments.append(moment)
        return moment

    def move_moment(self, moment_id: str, seconds: float) -> float:
        """Put the moment at ``seconds`` (on the frame grid); return where it went."""
        moment = self.moment(moment_id)
        moment.time = on_frame(self.recording(moment.recording_id), seconds)
        return moment.time

    def remove_moment(self, moment_id: str) -> None:
        moment = self.moment(moment_id)
        self.moments.remove(moment)
        for clip in self.clips:
            if clip.moment_id == moment_id:
                clip.moment_id = None

    def clip(self, clip_id: str) -> Clip:
        return by_id(self.clips, clip_id, "clip")

    def clips_in(self, cycle: int) -> list[Clip]:
        ids = {r.id for r in self.recordings_in(cycle)}
        return sorted((c for c in self.clips if c.recording_id in ids), key=lambda c: (c.recording_id, c.start))

    def add_clip(self, recording_id: str, start: float, end: float, *, title: str = "",
                 moment_id: str | None = None) -> Clip:
        """Cut a clip; the first few of a cycle's family films are chosen for the shared review by default
        (a clip of a shared review's own film is for supervision, never shown to the parent)."""
        recording = self.recording(recording_id)
        clip = Clip(id=new_id(), recording_id=recording_id, start=on_frame(recording, start),
                    end=on_frame(recording, end, out_point=True), title=title, moment_id=moment_id)
        clip.validate()
        if recording.kind is RecordingKind.FAMILY and len(self.chosen_clips(recording.cycle)) < DEFAULT_CHOSEN_CLIPS:
            clip.chosen = len(self.chosen_clips(recording.cycle)) + 1
        self.clips.append(clip)
        return clip

    def set_clip_span(self, clip_id: str, start: float, end: float) -> Clip:
        clip = self.clip(clip_id)
        recording = self.recording(clip.recording_id)
        clip.start, clip.end = on_frame(recording, start), on_frame(recording, end, out_point=True)
        clip.exported = None  # the old file no longer matches
        clip.validate()
        return clip

    def remove_clip(self, clip_id: str) -> None:
        clip = self.clip(clip_id)
        cycle = self.recording(clip.recording_id).cycle
        self.clips.remove(clip)
        self._forget_reflections_without_clip()
        self._renumber_chosen(self.clips_in(cycle))

    def chosen_clips(self, cycle: int) -> list[Clip]:
        """The clips chosen for the cycle's shared review, in the order they will be shown: only
        ever clips of the family's films."""
        family = {r.id for r in self.recordings_in(cycle) if r.kind is RecordingKind.FAMILY}
        return sorted((c for c in self.clips_in(cycle) if c.chosen and c.recording_id in family),
                      key=lambda c: c.chosen)

    def choose_clip(self, clip_id: str, chosen: bool) -> None:
        clip = self.clip(clip_id)
        recording = self.recording(clip.recording_id)
        cycle = recording.cycle
        if chosen and recording.kind is not RecordingKind.FAMILY:
            raise ValidationError("This clip is from a film of a shared review: it is for supervision, "
                                  "not for showing to the parent in the shared review.")
        if chosen and not clip.chosen:
            clip.chosen = len(self.chosen_clips(cycle)) + 1
        elif not chosen:
            clip.chosen = None
        self._renumber_chosen(self.clips_in(cycle))

    def move_chosen_clip(self, clip_id: str, offset: int) -> None:
        clip = self.clip(clip_id)
        order = self.chosen_clips(self.recording(clip.recording_id).cycle)
        if clip not in order:
            raise ValidationError("Only a chosen clip has a place in the shared review.")
        index = order.index(clip)
        order.insert(max(0, min(len(order) - 1, index + offset)), order.pop(index))
        for position, item in enumerate(order, start=1):
            item.chosen = position

    def reflections_of(self, clip_id: str) -> list[Reflection]:
        return [r for r in self.reflections if r.clip_id == clip_id]

    def _forget_reflections_without_clip(self) -> None:
        clip_ids = {c.id for c in self.clips}
        self.reflections = [r for r in self.reflections if r.clip_id in clip_ids]
        kept = {r.id for r in self.reflections}
        self.ending.chosen_quotes = [q for q in self.ending.chosen_quotes if q in kept]

    @staticmethod
    def _renumber_chosen(clips: list[Clip]) -> None:
        for position, clip in enumerate(sorted((c for c in clips if c.chosen), key=lambda c: c.chosen), start=1):
            clip.chosen = position
