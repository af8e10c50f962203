"""Films dropped on the Recordings page, received in pieces over HTTP however large they are.

Streamlit's own uploader holds a file in memory, so a phone film of 1.5–3 GB cannot come that
way. Instead the page asks for an **upload ticket** (:meth:`UploadTickets.issue`) bound to the
case, the file's name and its declared size; the browser then sends the film in pieces of at
most :data:`PIECE_MAX` bytes to ``/api/upload/<ticket>`` (:mod:`vig_core.web.upload`), each
naming the offset it starts at. Like a media token, the ticket is the only thing the browser
names: never a path, never a case.

The rules, checked here for every piece: the offset is exactly what has arrived (so nothing is
written twice or leaves a gap; a wrong one is answered with the count, from which the browser
carries on), a piece is at most :data:`PIECE_MAX`, and the film never grows past its declared
size. When the last byte is in, the ticket is *done*; the page then
takes it (:meth:`UploadTickets.take`) and imports the file like any other upload, which removes
it afterwards.

Space is checked before any byte is sent: the disk must hold what is still to come, a playable
copy as large again plus a tenth (a converted phone film can grow), and :data:`SPARE` to spare
(:func:`space_needed`). A disk that fills anyway removes the partial file and says so plainly.

A ticket lives in this process only; one untouched for :data:`TICKET_TTL` (24 h) is dropped and
its partial file removed (:meth:`UploadTickets.sweep`, run on every request and every time the
Recordings page draws the drop zone). A restart forgets every ticket, and the start-up tidying
removes every partial file (:mod:`vig_core.storage.housekeeping`): a film cut off by a restart is
sent again from the start. Erasing a case (or its films) drops its tickets first
(:meth:`UploadTickets.forget_case`). No Streamlit here.
"""

from __future__ import annotations

import logging
import math
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from vig_core.errors import NotFoundError, ValidationError
from vig_core.services.recordings import UPLOADS, VIDEO_SUFFIXES, hold_upload
from vig_core.storage.files import Writing, plain_os_error
from vig_core.storage.store import CaseStore
from vig_core.storage.uploads import OffsetMismatch, append_at, new_partial, partial_size, remove_partial
from vig_core.text import displayable, new_id
from vig_core.vault.errors import DamagedMedia

log = logging.getLogger("vig_workbook.uploads")

PIECE_MAX = 8 * 1024 * 1024  # the largest piece one request may carry (the page sends pieces of this size)
TICKET_TTL = 24 * 3600.0  # an upload untouched this long is abandoned
SPARE = 200 * 1024 * 1024  # left free on the disk besides the film and its playable copy
COPY_GROWTH = 1.1  # the playable copy, at most this times the film (room kept for it)
MAX_SIZE = 1024 ** 4  # 1 TiB: a declared size beyond this is a mistake, not a film
MAX_TICKETS = 64
GB = 1000 ** 3


class UploadRefused(Exception):  # noqa: N818 - what the route answers
    """A piece (or a question about a ticket) the route refuses: ``status`` for HTTP, ``message``
    in plain words, ``received`` the count so far when there is a ticket."""

    def __init__(self, status: int, message: str, received: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.received = status, message, received


@dataclass
class Upload:
    ticket: str
    case_id: str
    name: str  # as the practitioner's computer calls it (shown, never used as a path)
    size: int  # declared
    path: Path
    note: Writing
    touched: float
    received: int = 0
    busy: bool = False  # a piece is being written
    done: bool = False

    def status(self) -> dict:
        return {"received": self.received, "size": self.size, "done": self.done}


def space_needed(size: int, received: int = 0) -> int:
    """Free bytes needed to take the rest of a film of ``size`` (``received`` in already) and import it."""
    return (size - received) + math.ceil(size * COPY_GROWTH) + SPARE


def disk_free(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _gb(n: int) -> str:
    return f"{max(n, 1) / GB:.1f} GB"


def check_film_name(name: str) -> None:
    suffix = Path(name).suffix.lower()
    if suffix not in VIDEO_SUFFIXES:
        raise ValidationError(f"“{name}” does not look like a film (its type is “{suffix or 'none'}”). "
                              "Choose a video file such as .mp4, .mov, .webm or .avi.")


class UploadTickets:
    """The live upload tickets of this process (thread-safe); ``clock`` is monotonic, tests give their own."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic, ttl: float = TICKET_TTL,
                 free: Callable[[Path], int] | None = None) -> None:
        self._clock, self._ttl = clock, ttl
        self._free = free or (lambda folder: disk_free(folder))
        self._lock = threading.Lock()
        self._uploads: dict[str, Upload] = {}

    # -- the page ------------------------------------------------------------------------------
    def issue(self, store: CaseStore, case_id: str, name: str, size: int) -> Upload:
        """The ticket for sending ``name`` (``size`` bytes) into the case: a live one for the same
        case, name and size is found again (to carry on after a dropped connection or a reload).
        Refused in one sentence (``ValidationError``) when it is no film or will not fit."""
        name = displayable(str(name))[:255]
        if isinstance(size, bool) or not isinstance(size, int) or size <= 0 or size > MAX_SIZE:
            raise ValidationError(f"“{name}” is empty or its size could not be read, so it was not uploaded.")
        check_film_name(name)
        self.sweep()
        with self._lock:
            for upload in self._uploads.values():
                if (upload.case_id, upload.name, upload.size) == (case_id, name, size):
                    upload.touched = self._clock()
                    return upload
        store.load(case_id)  # the case exists
        folder = store.new_folder(case_id, UPLOADS)
        free = self._free(folder)
        if free < space_needed(size):
            raise ValidationError(
                f"“{name}” needs about {_gb(space_needed(size))} free on this computer's disk (the film, its "
                f"playable copy and some room to spare) and only {_gb(free)} is free, so it was not uploaded.")
        path = folder / f"{new_id()}{Path(name).suffix.lower()}"
        note = Writing(store.root, path)
        try:
            new_partial(path)
        except BaseException as error:
            remove_partial(path)
            note.close()
            if isinstance(error, OSError):
                raise plain_os_error(error, "receiving the film") from error
            raise
        upload = Upload(secrets.token_urlsafe(32), case_id, name, size, path, note, self._clock())
        with self._lock:
            self._uploads[upload.ticket] = upload
            excess = sorted((u for u in self._uploads.values() if not u.busy),
                            key=lambda u: u.touched)[:max(0, len(self._uploads) - MAX_TICKETS)]
        for old in excess:
            self.discard(old.ticket)
        return upload

    def take(self, ticket: str, case_id: str) -> Upload:
        """A finished upload of ``case_id``, handed over for import: from now on the import owns
        its file (:func:`~vig_core.services.recordings.discard_upload` removes it)."""
        with self._lock:
            upload = self._uploads.get(ticket) if isinstance(ticket, str) else None
            if upload is None or upload.case_id != case_id or not upload.done or upload.busy:
                raise NotFoundError("That film has not arrived completely; send it again.")
            del self._uploads[ticket]
        hold_upload(upload.path, upload.note)
        return upload

    def discard(self, ticket: str) -> bool:
        """Drop the ticket and remove its partial file (Cancel, a refusal, abandonment)."""
        with self._lock:
            upload = self._uploads.pop(ticket, None) if isinstance(ticket, str) else None
        if upload is None:
            return False
        remove_partial(upload.path)
        upload.note.close()
        return True

    def forget_case(self, case_id: str) -> int:
        """Drop every ticket of the case and remove their files (before the case or its films are erased)."""
        with self._lock:
            tickets = [t for t, u in self._uploads.items() if u.case_id == case_id]
        return sum(self.discard(t) for t in tickets)

    def receiving(self) -> bool:
        """Whether a piece of some film is arriving right now."""
        with self._lock:
            return any(u.busy for u in self._uploads.values())

    def discard_all(self) -> int:
        """Drop every ticket with its partial file (the data folder changes format: a vault is made
        or removed, and a half-sent film would go on in the other one); return how many went."""
        with self._lock:
            tickets = list(self._uploads)
        return sum(self.discard(t) for t in tickets)

    def sweep(self) -> int:
        """Drop uploads untouched for the ticket's lifetime, with their files; return how many."""
        now = self._clock()
        with self._lock:
            stale = [t for t, u in self._uploads.items() if not u.busy and now - u.touched >= self._ttl]
        gone = sum(self.discard(t) for t in stale)
        if gone:
            log.info("%d abandoned upload(s) removed", gone)
        return gone

    # -- the route -----------------------------------------------------------------------------
    def _live(self, ticket: str) -> Upload:
        upload = self._uploads.get(ticket) if isinstance(ticket, str) and len(ticket) <= 128 else None
        if upload is None or self._clock() - upload.touched >= self._ttl:
            raise UploadRefused(404, "This upload is not known (any more); choose the film again.")
        return upload

    def status(self, ticket: str) -> dict:
        """``{"received", "size", "done"}`` of a live ticket (an unknown one: :class:`UploadRefused` 404)."""
        with self._lock:
            upload = self._live(ticket)
            upload.touched = self._clock()
            return upload.status()

    def begin(self, ticket: str, offset: int, length: int) -> Upload:
        """Claim the ticket for a piece of ``length`` bytes at ``offset`` (see module notes); the
        caller writes it and then calls :meth:`end`. Refusals carry the count so far."""
        with self._lock:
            upload = self._live(ticket)
            have = upload.received
            if upload.busy:
                raise UploadRefused(409, "Another piece of this film is arriving; wait for it.", have)
            if upload.done:
                raise UploadRefused(409, "This film has arrived completely already.", have)
            if offset != have:
                raise UploadRefused(409, f"The piece starts at byte {offset}, but {have} bytes have arrived; "
                                    "carry on from there.", have)
            if length <= 0 or length > PIECE_MAX:
                raise UploadRefused(413, f"A piece must hold 1 to {PIECE_MAX} bytes.", have)
            if offset + length > upload.size:
                raise UploadRefused(413, f"The piece would take “{upload.name}” past its declared size.", have)
            upload.busy = True
            upload.touched = self._clock()
            return upload

    def open_piece(self, upload: Upload) -> BinaryIO:
        """The partial file opened at its end (call in a worker thread); a file that went or does not
        match the count drops the upload (:class:`UploadRefused`)."""
        try:
            return append_at(upload.path, upload.received)
        except (OSError, OffsetMismatch, DamagedMedia) as error:
            self.end(upload, partial_size(upload.path) or 0)
            self.discard(upload.ticket)
            log.warning("an upload's partial file was gone or changed: %s", type(error).__name__)
            raise UploadRefused(410, "This upload was stopped (its file is gone); choose the film again.") from error

    def end(self, upload: Upload, received: int, *, done: bool = False) -> dict:
        """The piece is over (whole or cut short): ``received`` is the file's length now."""
        with self._lock:
            upload.received = min(max(received, 0), upload.size)
            upload.done = done and upload.received == upload.size
            upload.busy = False
            upload.touched = self._clock()
            return upload.status()

    def failed(self, upload: Upload, error: OSError) -> UploadRefused:
        """Writing failed (a full disk, say): the partial file goes, and the refusal says why in plain words."""
        with self._lock:
            upload.busy = False
        self.discard(upload.ticket)
        message = str(plain_os_error(error, "receiving the film"))
        return UploadRefused(507 if "disk is full" in message else 500, f"“{upload.name}”: {message}")

    def __len__(self) -> int:
        with self._lock:
            return len(self._uploads)


# The app's one registry: the page issues and takes tickets, the route writes through them.
TICKETS = UploadTickets()
