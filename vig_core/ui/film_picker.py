"""The film picker of the Recordings page: the newest films in the usual places on this computer,
or one place's folders to open, each film with a still, its name, date, length and size and an
Import button. A film is named by its place and the folders below it, never by the path above.

The page passes what an Import press does (``on_import``); the film pressed is kept in this
session (:func:`picked`) so the page's import, and its "import it again?" question, read it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import streamlit as st

from vig_core.case.frames import format_time
from vig_core.errors import VigError
from vig_core.services import film_picker as picker
from vig_core.storage.film_listing import FoundFilm, Listing
from vig_core.storage.places import Place, shown_path
from vig_core.text import displayable
from vig_core.ui.escape import plain

NEWEST = "Newest films in all of them"
PAGE = 5  # films shown at a time
MAX_FOLDERS = 40  # folder buttons shown at a time


def _key(what: str, case_id: str) -> str:
    return f"pick-{what}-{case_id}"


def _digest(path: Path) -> str:
    """A short name for a path in a widget key (the key reaches the browser; the path must not)."""
    return hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest()[:16]


def picked(case_id: str) -> Path | None:
    """The film last chosen with an Import button, checked again to be where it was; None if none."""
    choice = st.session_state.get(_key("chosen", case_id))
    return picker.chosen(*choice) if choice else None


def forget_pick(case_id: str) -> None:
    """The practitioner chose another way (a typed path): the pressed film no longer applies."""
    st.session_state.pop(_key("chosen", case_id), None)


def _choose(case_id: str, place: Place, path: Path, on_import: Callable[[], None]) -> None:
    st.session_state[_key("chosen", case_id)] = (place, path)
    on_import()


def _moved(case_id: str, folder: tuple[str, ...] | None = None) -> None:
    """Another place or folder: start at its first page (and at the place's top unless ``folder``)."""
    st.session_state[_key("folder", case_id)] = folder or ()
    st.session_state[_key("page", case_id)] = 0


def _turn(case_id: str, step: int) -> None:
    st.session_state[_key("page", case_id)] = max(0, st.session_state.get(_key("page", case_id), 0) + step)


def _look_again(case_id: str) -> None:
    st.session_state[_key("fresh", case_id)] = True
    _moved(case_id)


def size_text(size: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _film(case_id: str, film: FoundFilm, on_import: Callable[[], None]) -> None:
    digest = _digest(film.path)
    found = picker.details(film)
    with st.container(border=True, key=_key(f"film-{digest}", case_id)):
        picture, words, action = st.columns([1.2, 4, 1.2], vertical_alignment="center")
        name = displayable(film.name)
        if found.still:
            picture.image(found.still, width=120, alt=f"A still from “{name}”")
        else:
            picture.caption("No picture")
        words.markdown(f"**{plain(name)}**")
        length = format_time(found.length).split(".")[0] if found.length is not None else "not a film it can read"
        where = displayable(shown_path(film.place, film.path.parent))
        words.caption(plain(f"{where} · {datetime.fromtimestamp(film.modified):%d %b %Y %H:%M} · "
                            f"{length} · {size_text(film.size)}"))
        action.button("Import", key=_key(f"import-{digest}", case_id), type="primary",
                      on_click=_choose, args=(case_id, film.place, film.path, on_import))


def _films(case_id: str, listing: Listing, on_import: Callable[[], None]) -> None:
    for where in listing.unreadable:
        st.warning(plain(f"“{displayable(where)}” could not be read: it may have been removed or "
                         "this account may not open it."))
    if not listing.films:
        st.info("No films here.")
        return
    pages = (len(listing.films) + PAGE - 1) // PAGE
    page = min(st.session_state.get(_key("page", case_id), 0), pages - 1)
    first = page * PAGE
    for film in listing.films[first:first + PAGE]:
        _film(case_id, film, on_import)
    if pages > 1:
        back, told, on = st.columns([1, 3, 1], vertical_alignment="center")
        back.button("Newer", key=_key("back", case_id), disabled=page == 0, on_click=_turn, args=(case_id, -1),
                    icon=":material/chevron_left:")
        told.caption(f"Films {first + 1}–{min(first + PAGE, len(listing.films))} of {len(listing.films)}")
        on.button("Older", key=_key("on", case_id), disabled=page == pages - 1, on_click=_turn, args=(case_id, 1),
                  icon=":material/chevron_right:")
    if listing.more:
        st.caption("There may be more films than are shown here (the listing stops after a while); "
                   "choose a place above to open its folders, or type the film's path below.")


def _browse(case_id: str, place: Place, on_import: Callable[[], None]) -> None:
    parts = tuple(st.session_state.get(_key("folder", case_id), ()))
    try:
        listing = picker.folder(place, place.path.joinpath(*parts))
    except VigError:  # the folder went away meanwhile: back to the top of the place
        parts, listing = (), picker.folder(place, place.path)
        st.session_state[_key("folder", case_id)] = ()
    here, up = st.columns([5, 1], vertical_alignment="center")
    here.markdown(plain(f"In {displayable(' › '.join([place.label, *parts]))}"))
    up.button("Up", key=_key("up", case_id), disabled=not parts, icon=":material/arrow_upward:",
              on_click=_moved, args=(case_id, parts[:-1]))
    if listing.folders:
        shown = listing.folders[:MAX_FOLDERS]
        with st.container(horizontal=True, key=_key("folders", case_id)):
            for sub in shown:
                st.button(plain(displayable(sub.name)), key=_key(f"open-{_digest(sub)}", case_id),
                          icon=":material/folder:", on_click=_moved, args=(case_id, (*parts, sub.name)))
        if len(listing.folders) > MAX_FOLDERS:
            st.caption(f"{len(listing.folders) - MAX_FOLDERS} more folders not shown.")
    _films(case_id, listing, on_import)


def film_picker(case_id: str, on_import: Callable[[], None]) -> None:
    """Draw the picker; an Import press keeps the film (see :func:`picked`) and calls ``on_import``."""
    places = picker.places()
    if not places:
        st.info("No usual places for films were found on this computer (Videos, Pictures, Downloads, "
                "Desktop, a phone, a card or a USB drive). Type the film's path below.")
        return
    labels = {place.label: place for place in places}
    where = st.selectbox("Where to look", [NEWEST, *labels], key=_key("where", case_id),
                         format_func=displayable, on_change=_moved, args=(case_id,),
                         help="Your Videos, Pictures, Downloads and Desktop folders and the phones, cards "
                              "and drives plugged in. The films are read where they are and not changed.")
    if where in labels:
        _browse(case_id, labels[where], on_import)
        return
    st.caption(plain("Looked in " + ", ".join(displayable(label) for label in labels) + "."))
    st.button("Look again", key=_key("again", case_id), on_click=_look_again, args=(case_id,),
              icon=":material/refresh:", type="tertiary")
    listing = picker.newest(places, fresh=bool(st.session_state.pop(_key("fresh", case_id), False)))
    _films(case_id, listing, on_import)
