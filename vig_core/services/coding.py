"""Second coders' layers: the practitioner's coder name, coding files in and out, layers removed.

Every moment belongs to a coder: the practitioner's own (:data:`~vig_core.case.film.ME`, shown
under the name set in Settings) or a second coder's *layer*, which never changes the
practitioner's own moments and never reaches the family (lists, exports for the family, client
view, clips and the strengths record take the practitioner's moments only). A layer comes from a
coding file (:mod:`vig_core.case.coding`) made by another copy of the workbook, from an ELAN
file, or from a second coder coding at this laptop on the Micro-analysis page. Bringing in a
layer again for the same coder replaces it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from vig_core.case.activity import EXPORTED
from vig_core.case.coding import (
    FORMAT,
    MOMENT_FIELDS,
    VERSION,
    check_coder,
    check_recording,
    put_layer,
    read_coding,
    write_coding,
)
from vig_core.case.film import MAX_CODER_NAME, ME, Recording
from vig_core.case.record import Case
from vig_core.errors import ValidationError
from vig_core.exports.elan_import import apply_import, plan_import, read_eaf
from vig_core.exports.elan_read import MAX_EAF_BYTES
from vig_core.shipped import SHIPPED_DATA
from vig_core.storage.files import atomic_file
from vig_core.storage.paths import check_new_files
from vig_core.storage.settings import SettingsStore
from vig_core.storage.store import CaseStore
from vig_core.text import check_name
from vig_core.vocab.principles import load_principles

PRACTITIONER_NAME = "coder_name"  # installation setting: how the practitioner's own coding is shown
DEFAULT_PRACTITIONER_NAME = "Me"
EXAMPLE_FILE = SHIPPED_DATA / "demo" / "second-coder.json"
NEITHER = "This is neither a coding file nor an ELAN file (.eaf); choose the file the other coder sent."


def practitioner_name(settings: SettingsStore) -> str:
    """The name the practitioner's own coding is shown under; the default for a missing or odd value."""
    value = settings.get(PRACTITIONER_NAME, DEFAULT_PRACTITIONER_NAME)
    try:
        return check_name(value, "Your coder name", MAX_CODER_NAME, required=True).strip()
    except ValidationError:
        return DEFAULT_PRACTITIONER_NAME


def set_practitioner_name(settings: SettingsStore, name: str) -> str:
    name = check_name((name or "").strip(), "Your coder name", MAX_CODER_NAME, required=True)
    settings.set(PRACTITIONER_NAME, name)
    return name


def coder_label(coder: str, practitioner: str) -> str:
    """How a coder is shown: the practitioner's own name for :data:`ME`, else the layer's name."""
    return practitioner if coder == ME else coder


@dataclass(frozen=True)
class ImportedLayer:
    coder: str
    moments: int  # now in the layer
    replaced: int  # moments of the layer before, now gone
    left_out: int = 0  # behaviours not in this workbook's principles, left out

    def summary(self) -> str:
        said = f"{self.moments} moment{'s' * (self.moments != 1)} came in as {self.coder}'s coding"
        if self.replaced:
            said += f", replacing the {self.replaced} of their coding before"
        if self.left_out:
            said += (f"; {self.left_out} behaviour{'s' * (self.left_out != 1)} not in this workbook's principles "
                     f"{'were' if self.left_out != 1 else 'was'} left out")
        return said + "."


def read_source(source: Path | bytes) -> bytes:
    """The bytes of an uploaded file, or of the file at a path (refused before reading if too large)."""
    if isinstance(source, bytes):
        return source
    path = Path(source).expanduser()
    try:
        if not path.is_file():
            raise ValidationError(f"There is no file at “{path}”; check the path.")
        if path.stat().st_size > MAX_EAF_BYTES:
            raise ValidationError(f"The file “{path.name}” is too large for a coding file or an ELAN file.")
        return path.read_bytes()
    except OSError as error:
        raise ValidationError(f"The file “{path.name}” could not be read.") from error


def import_coding(store: CaseStore, case_id: str, recording_id: str, coder: str, source: Path | bytes) -> ImportedLayer:
    """Bring in a coding file or an ELAN file as ``coder``'s layer of the recording, replacing the
    layer they had; the practitioner's own moments are never touched (``coder`` may not be theirs)."""
    coder = check_coder(coder, practitioner_name(SettingsStore(store.root)))
    data = read_source(source)
    principles, _ = load_principles(store.root)
    store.load(case_id).recording(recording_id)  # an unknown case or recording, before reading the file
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"{":
        coding = read_coding(data, principles)
        with store.edit(case_id) as case:
            check_recording(coding, case.recording(recording_id))
            count, replaced = put_layer(case, recording_id, coder, coding.moments)
        return ImportedLayer(coder, count, replaced, coding.left_out)
    if start != b"<":
        raise ValidationError(NEITHER)
    eaf = read_eaf(data)
    with store.edit(case_id) as case:
        replaced = len(case.moments_of(recording_id, coder))
        apply_import(case, plan_import(case, recording_id, eaf, principles, coder=coder))
        count = len(case.moments_of(recording_id, coder))
    return ImportedLayer(coder, count, replaced)


def coding_file(store: CaseStore, case_id: str, recording_id: str) -> bytes:
    """The practitioner's own coding of the recording as a coding file (no names, notes or titles)."""
    case = store.load(case_id)
    principles, _ = load_principles(store.root)
    return write_coding(case.recording(recording_id), case.moments_of(recording_id), principles)


def write_coding_file(store: CaseStore, case_id: str, recording_id: str, out: Path) -> Path:
    """Write :func:`coding_file` to ``out`` (a new file outside the data folder); note it in the activity log."""
    out = Path(out).expanduser()
    data = coding_file(store, case_id, recording_id)
    check_new_files([out], store.root)
    with atomic_file(out, "saving the coding file", note_in=store.root) as handle:
        handle.write(data)
    store.note_activity(case_id, EXPORTED, "a coding file of one recording")
    return out


def remove_layer(store: CaseStore, case_id: str, recording_id: str, coder: str) -> int:
    """Forget a second coder's layer of the recording; how many moments went."""
    with store.edit(case_id) as case:
        gone = case.remove_layer(recording_id, coder)
    return gone


def layers(case: Case, recording_id: str) -> list[tuple[str, int]]:
    """Each coder of the recording (the practitioner first) with how many moments they marked."""
    return [(coder, len(case.moments_of(recording_id, coder))) for coder in case.coders_of(recording_id)]


def example_recording(case: Case) -> Recording | None:
    """The demo film the shipped example second coder coded: DEMO-1's first recording (None for another case)."""
    spec = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    ok = case.is_demo and case.id == spec["case"] and case.recordings and case.recordings[0].fingerprint
    return case.recordings[0] if ok else None


def example_coding(case: Case) -> tuple[str, bytes] | None:
    """For the demo case only: the example second coder's name and their coding file of the demo
    film, made from the shipped moments for the film as generated on this computer (its
    fingerprint differs between computers, so no fixed file could match it)."""
    recording = example_recording(case)
    if recording is None:
        return None
    spec = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
    items = [{k: v for k, v in item.items() if k in MOMENT_FIELDS}
             for item in spec["moments"]]
    document = {"format": FORMAT, "version": VERSION,
                "recording": {"fingerprint": recording.fingerprint, "duration": recording.duration,
                              "fps": recording.fps}, "moments": items}
    return spec["coder"], (json.dumps(document, indent=1) + "\n").encode("ascii")


def import_example(store: CaseStore, case_id: str) -> ImportedLayer:
    """Import the example second coder's coding into the demo case (see :func:`example_coding`)."""
    case = store.load(case_id)
    example = example_coding(case)
    if example is None:
        raise ValidationError("The example second coder belongs to the demo case's film only.")
    coder, data = example
    return import_coding(store, case_id, example_recording(case).id, coder, data)
