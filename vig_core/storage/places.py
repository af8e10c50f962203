"""Where films usually are on this computer, and what is in them (for picking a film to import).

The *places* are the practitioner's Videos (Movies), Pictures, Downloads and
Desktop folders, and the phones, SD cards and USB drives mounted on the
computer. Everything here only reads: folders are listed with
:func:`os.scandir` without following a symbolic link (a link is neither opened
nor listed, so nothing outside a place is ever reached and a link loop cannot
hang the listing), hidden folders are skipped, and so is the workbook's own
data folder (it holds the films of every family already imported).

A listing is bounded: so many levels below a place, so many entries, so much
time. What it leaves out is said (``more``), never waited for. A film is
shown by its place's name and its folders below it, never by the path above.
"""

from __future__ import annotations

import os
import string
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from vig_core.errors import ValidationError
from vig_core.storage.paths import data_root

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".mts", ".m2ts", ".3gp", ".wmv",
                            ".mpg", ".mpeg"})
PLACES_VAR = "VIG_FILM_PLACES"
SKIPPED_NAMES = frozenset({"System Volume Information", "lost+found", "node_modules", "__pycache__"})
HIDDEN = 0x2  # Windows FILE_ATTRIBUTE_HIDDEN
SYSTEM = 0x4  # Windows FILE_ATTRIBUTE_SYSTEM


@dataclass(frozen=True)
class Place:
    """One usual place: what the practitioner calls it and where it is (resolved)."""

    label: str
    path: Path


def _folders(parent: Path) -> list[Path]:
    """The real folders directly inside ``parent`` (not links, not hidden), by name; none if unreadable."""
    try:
        with os.scandir(parent) as entries:
            return sorted(Path(e.path) for e in entries if not e.name.startswith(".") and not e.is_symlink()
                          and e.is_dir(follow_symlinks=False))
    except OSError:
        return []


def home_places() -> list[Place]:
    """The practitioner's own folders for films and pictures (through ``platformdirs``, which reads
    the XDG user folders on Linux), plus the usual names under the home folder."""
    home = Path.home()
    found = [("Videos", platformdirs.user_videos_dir()), ("Videos", home / "Videos"), ("Movies", home / "Movies"),
             ("Pictures", platformdirs.user_pictures_dir()), ("Pictures", home / "Pictures"),
             ("Downloads", platformdirs.user_downloads_dir()), ("Downloads", home / "Downloads"),
             ("Desktop", platformdirs.user_desktop_dir()), ("Desktop", home / "Desktop")]
    return [Place(label, Path(path)) for label, path in found]


def _drive_label(path: Path) -> str:
    name = path.name
    if name.startswith("mtp:host="):  # a phone, mounted by GNOME's gvfs
        return f"Phone “{name.removeprefix('mtp:host=').replace('_', ' ')}”"
    if name.startswith("gphoto2:host="):
        return f"Camera “{name.removeprefix('gphoto2:host=').replace('_', ' ')}”"
    return f"Drive “{name}”"


def mounted_places(platform: str = sys.platform) -> list[Place]:
    """Phones, SD cards and USB drives mounted on this computer."""
    if platform.startswith("win"):
        system = os.environ.get("SYSTEMDRIVE", "C:").rstrip("\\").upper()
        return [Place(f"Drive {letter}:", Path(f"{letter}:\\")) for letter in string.ascii_uppercase
                if f"{letter}:" != system and letter not in "AB" and os.path.isdir(f"{letter}:\\")]
    if platform == "darwin":
        parents = [Path("/Volumes")]
    else:
        user = os.environ.get("USER") or Path.home().name
        parents = [Path("/media") / user, Path("/run/media") / user, Path("/mnt"),
                   Path(f"/run/user/{os.getuid()}/gvfs") if hasattr(os, "getuid") else Path("/nonexistent")]
        parents += [p for p in _folders(Path("/media")) if p.name != user]  # distributions mounting at /media/NAME
    return [Place(_drive_label(folder), folder) for parent in parents for folder in _folders(parent)]


def usual_places() -> list[Place]:
    """The places that exist on this computer, each once (the first name wins), never inside
    the workbook's data folder. ``VIG_FILM_PLACES`` (folders separated by ``os.pathsep``), when set,
    names the only places to look instead (a practitioner's work folder, so that no film of their
    own shows while a parent looks on). Tests replace this function to look in a fake home."""
    chosen = [p.strip() for p in os.environ.get(PLACES_VAR, "").split(os.pathsep) if p.strip()]
    if chosen:
        found = [Place(Path(p).expanduser().name or p, Path(p).expanduser()) for p in chosen]
    else:
        found = [*home_places(), *mounted_places()]
    return distinct_places(found, skip=[data_root()])


def distinct_places(places: list[Place], *, skip: list[Path]) -> list[Place]:
    """``places`` that are folders, resolved, each once, none inside a ``skip`` folder; labels made unique."""
    skipped = [_resolved(p) for p in skip]
    kept: list[Place] = []
    for place in places:
        path = _resolved(place.path)
        if path is None or not path.is_dir() or any(path == s or path.is_relative_to(s) for s in skipped if s):
            continue
        if any(k.path == path for k in kept):
            continue
        label, number = place.label, 2
        while any(k.label == label for k in kept):
            label, number = f"{place.label} ({number})", number + 1
        kept.append(Place(label, path))
    return kept


def _resolved(path: Path) -> Path | None:
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):
        return None


def is_film_name(name: str) -> bool:
    return Path(name).suffix.lower() in VIDEO_SUFFIXES and not name.startswith(".")


def hidden(entry: os.DirEntry) -> bool:
    """A hidden or system entry (a dot name, Windows' hidden flag, the recycle bin and the like)."""
    if entry.name.startswith((".", "$", "~")) or entry.name in SKIPPED_NAMES:
        return True
    attributes = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
    return bool(attributes & (HIDDEN | SYSTEM))


def shown_path(place: Place, path: Path) -> str:
    """``path`` as the practitioner sees it: the place's name and the folders below it
    (``Videos › visits › Ada.mov``); nothing above the place."""
    parts = Path(path).relative_to(place.path).parts
    return " › ".join([place.label, *parts])


def inside(place: Place, path: Path) -> Path:
    """``path`` if it is a real file or folder inside ``place`` reached without a symbolic link, else
    a plain refusal (what a page picked must still be where it was, and nowhere else)."""
    path = Path(path)
    try:
        relative = path.relative_to(place.path)
    except ValueError:
        raise ValidationError("That film is not in one of the usual places any more; choose it again.") from None
    step = place.path
    for part in relative.parts:
        step = step / part
        if part in ("..", ".") or step.is_symlink() or not step.exists():
            raise ValidationError(f"“{shown_path(place, path)}” could not be found any more; choose it again.")
    return path
