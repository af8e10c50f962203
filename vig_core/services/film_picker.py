"""Picking a film on this computer to import, without typing its path.

What pages ask: the usual places (:func:`places`), the newest films in them
(:func:`newest`, kept for a short while so each rerun of a page does not list
the disk again), one folder's subfolders and films (:func:`folder`), and for
each film shown its length and a small still (:func:`details`; probed only for
the films on screen, kept in memory by path, size and modification time). The
still is made by ffmpeg into memory: nothing is ever written beside the
practitioner's film. :func:`chosen` checks again, at the moment of importing,
that the film is still where it was and inside its place.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from vig_core.errors import VigError
from vig_core.media.probe import probe
from vig_core.media.stills import still_png
from vig_core.storage import places as places_module
from vig_core.storage.film_listing import FoundFilm, Listing, folder_contents, newest_films
from vig_core.storage.paths import data_root
from vig_core.storage.places import Place, inside

# Seconds a listing of the newest films is reused: each run of Recordings would otherwise walk the
# folders again (up to film_listing.SECONDS on a slow phone). A new place (a phone plugged in) is a new
# listing at once, and *Look again* makes one whenever asked.
KEEP_LISTING = 300.0
STILL_WIDTH = 160
MAX_DETAILS = 256  # films whose length and still are kept in memory


@dataclass(frozen=True)
class Details:
    length: float | None  # seconds; None: not a film the workbook can read
    still: bytes | None  # PNG


_lock = threading.Lock()
_listings: dict[tuple[Place, ...], tuple[float, Listing]] = {}
_details: OrderedDict[tuple[str, int, float], Details] = OrderedDict()


def places() -> list[Place]:
    """The usual places that exist on this computer (see :mod:`vig_core.storage.places`)."""
    return places_module.usual_places()


def newest(where: list[Place], *, fresh: bool = False) -> Listing:
    """The newest films in ``where`` (a listing made in the last seconds is reused unless ``fresh``)."""
    key = tuple(where)
    with _lock:
        made = _listings.get(key)
    if made and not fresh and time.monotonic() - made[0] < KEEP_LISTING:
        return made[1]
    listing = newest_films(where, skip=[data_root()])
    with _lock:
        _listings.clear()  # one listing kept: the places rarely change within a session
        _listings[key] = (time.monotonic(), listing)
    return listing


def folder(place: Place, path: Path) -> Listing:
    """The subfolders and films directly in ``path``, a folder inside ``place``."""
    return folder_contents(place, path, skip=[data_root()])


def details(film: FoundFilm) -> Details:
    """The film's length and a small still of its first second (kept while the file is unchanged)."""
    key = (str(film.path), film.size, film.modified)
    with _lock:
        if key in _details:
            _details.move_to_end(key)
            return _details[key]
    try:
        info = probe(film.path)
    except VigError:
        found = Details(None, None)
    else:
        try:
            still = still_png(film.path, min(1.0, info.duration / 2), max_width=STILL_WIDTH, info=info)
        except VigError:
            still = None
        found = Details(info.duration, still)
    with _lock:
        _details[key] = found
        while len(_details) > MAX_DETAILS:
            _details.popitem(last=False)
    return found


def chosen(place: Place, path: Path) -> Path:
    """``path`` if it is still a film file inside ``place`` (reached without a link), else a plain refusal."""
    path = inside(place, Path(path))
    if not path.is_file():
        raise VigError("That is not a film file; choose a film in the list.")
    return path


def forget() -> None:
    """Drop what is kept in memory (listings, lengths and stills)."""
    with _lock:
        _listings.clear()
        _details.clear()
