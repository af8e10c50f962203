"""File names for a case's clips in exports: ``cycle-1-clip-2-taking-turns``.

Within a cycle the clips chosen for the shared review come first, in the order
they are shown, then the others by where they start; so "clip 2" means the same
clip in the caption files, the supervision pack and the review. A caption file
with the same name as the clip beside it is picked up by players such as VLC.
"""

from __future__ import annotations

from vig_core.case.film import clip_name
from vig_core.case.record import Case
from vig_core.services.clips import slug


def clip_stems(case: Case) -> dict[str, str]:
    """``{clip id: file name without suffix}`` for every clip of the case."""
    stems: dict[str, str] = {}
    for cycle in sorted({r.cycle for r in case.recordings}):
        clips = case.clips_in(cycle)
        ordered = case.chosen_clips(cycle) + sorted((c for c in clips if not c.chosen), key=lambda c: c.start)
        for number, clip in enumerate(ordered, start=1):
            stems[clip.id] = f"cycle-{cycle}-clip-{number}-{slug(clip_name(clip, case.recording(clip.recording_id)))}"
    return stems
