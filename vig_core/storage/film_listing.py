"""Listing the films in the usual places (:mod:`.places`): newest first across them all, or
the folders and films of one folder. Only reads; bounded in depth, entries and time."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vig_core.storage.places import Place, hidden, inside, is_film_name

DEPTH = 3  # levels of folders below a place looked into for the newest films
MAX_ENTRIES = 20_000  # entries read in one listing, over all places
MAX_FILMS = 500  # films kept in one listing
SECONDS = 3.0  # time one listing may take, over all places


@dataclass(frozen=True)
class FoundFilm:
    place: Place
    path: Path  # inside place.path, reached without a link
    size: int  # bytes
    modified: float  # seconds since the epoch

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def folder(self) -> tuple[str, ...]:
        """The folders between the place and the film."""
        return self.path.parent.relative_to(self.place.path).parts


@dataclass
class Listing:
    films: list[FoundFilm] = field(default_factory=list)  # newest first
    folders: list[Path] = field(default_factory=list)  # by name (only when one folder is listed)
    more: bool = False  # stopped early: more films may be there than are shown
    unreadable: list[str] = field(default_factory=list)  # places or folders that could not be read, as shown


class _Budget:
    def __init__(self, entries: int, seconds: float, clock: Callable[[], float]) -> None:
        self.entries, self.clock, self.until = entries, clock, clock() + seconds

    def spend(self) -> bool:
        """One more entry read; False once the entries or the time are used up."""
        self.entries -= 1
        return self.entries >= 0 and (self.entries % 64 != 0 or self.clock() < self.until)


def _skip(path: Path, skip: list[Path]) -> bool:
    return any(path == s for s in skip)


def _read(folder: Path, budget: _Budget, skip: list[Path]) -> tuple[list[Path], list[tuple[Path, int, float]], bool]:
    """The visible real subfolders and films directly in ``folder``; True as the last value when the
    budget ran out while reading. Raises OSError if the folder cannot be opened."""
    folders, films = [], []
    with os.scandir(folder) as entries:
        for entry in entries:
            if not budget.spend():
                return folders, films, True
            try:
                if entry.is_symlink() or getattr(entry, "is_junction", lambda: False)() or hidden(entry):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if not _skip(Path(entry.path), skip):
                        folders.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False) and is_film_name(entry.name):
                    info = entry.stat(follow_symlinks=False)
                    films.append((Path(entry.path), info.st_size, info.st_mtime))
            except OSError:
                continue  # an entry gone or unreadable meanwhile: not a film to offer
    return folders, films, False


def newest_films(places: list[Place], *, skip: list[Path], depth: int = DEPTH, max_entries: int = MAX_ENTRIES,
                 max_films: int = MAX_FILMS, seconds: float = SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> Listing:
    """The films in ``places`` and up to ``depth`` folders below them, newest first.

    Each place gets an equal share of the entries and the time, so one huge Downloads folder
    cannot hide a phone's films. ``skip``: folders never entered (the data folder).
    """
    listing = Listing()
    skip = [Path(s).resolve() for s in skip]
    share = max(1, len(places))
    for place in places:
        budget = _Budget(max_entries // share, seconds / share, clock)
        level: list[Path] = [place.path]
        for below in range(depth + 1):
            deeper: list[Path] = []
            for folder in level:
                try:
                    folders, films, stopped = _read(folder, budget, skip)
                except OSError:
                    if folder == place.path:
                        listing.unreadable.append(place.label)
                    continue
                listing.films += [FoundFilm(place, *film) for film in films]
                if below < depth:
                    deeper += folders
                if stopped:
                    listing.more = True
                    deeper = []
                    break
            level = sorted(deeper)
            if not level:
                break
    listing.films.sort(key=lambda f: (-f.modified, f.name))
    if len(listing.films) > max_films:
        listing.films, listing.more = listing.films[:max_films], True
    return listing


def folder_contents(place: Place, folder: Path, *, skip: list[Path], max_entries: int = MAX_ENTRIES,
                    seconds: float = SECONDS, clock: Callable[[], float] = time.monotonic) -> Listing:
    """The subfolders (by name) and films (newest first) directly in ``folder``, a folder of ``place``."""
    folder = inside(place, folder)
    listing = Listing()
    try:
        folders, films, listing.more = _read(folder, _Budget(max_entries, seconds, clock),
                                             [Path(s).resolve() for s in skip])
    except OSError:
        listing.unreadable.append(" › ".join([place.label, *folder.relative_to(place.path).parts]))
        return listing
    listing.folders = sorted(folders, key=lambda p: p.name.lower())
    listing.films = sorted((FoundFilm(place, *film) for film in films), key=lambda f: (-f.modified, f.name))
    return listing
