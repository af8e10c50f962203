"""The Exports page: every format from the page, the supervision pack's consent and name checks.
(Bringing back an ELAN file needs a file upload: see tests/browser/test_exports.py.)"""

from __future__ import annotations

import zipfile
from datetime import date

import pytest

from apptest.helpers import messages, open_app, screen_text
from vig_core.case.consent import ConsentKind
from vig_core.exports.save import Format
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS
from vig_core.storage.settings import SettingsStore
from vig_core.ui import session
from vig_core.ui.session import CLIENT_VIEW_SETTING


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


def export_button(at):
    return at.button(key="out-go")


def choose(at, fmt: Format, folder) -> None:
    at.radio(key="out-format").set_value(fmt).run()
    at.text_input(key="out-folder").input(str(folder)).run()


@pytest.mark.parametrize("fmt", [Format.CSV, Format.XLSX, Format.EAF, Format.VTT])
def test_each_format_is_saved_from_the_page_and_listed(demo, out, fmt):
    at = open_app(demo, "pages/exports.py")
    choose(at, fmt, out)
    export_button(at).click().run()
    assert not at.exception and not messages(at)
    [said] = messages(at, "success")
    written = sorted(p.name for p in out.iterdir())
    assert written and said.startswith(f"Saved {len(written)} file") and all(name in said for name in written)
    assert not any(b"Mia" in p.read_bytes() for p in out.iterdir())  # the names replaced by default


def test_keeping_the_names_is_a_choice_and_a_second_export_refuses_to_overwrite(demo, out):
    at = open_app(demo, "pages/exports.py")
    choose(at, Format.CSV, out)
    at.checkbox(key="out-keep-names").check().run()
    export_button(at).click().run()
    assert any(b"Mia" in p.read_bytes() for p in out.iterdir())
    written = sorted(out.iterdir())
    export_button(at).click().run()  # a double click: the second press does nothing
    assert not messages(at) and not messages(at, "success") and sorted(out.iterdir()) == written
    session.forget_presses()  # a while later, the same export again
    export_button(at).click().run()
    assert any("already a file called" in m and "nothing was written" in m for m in messages(at))


def test_a_missing_folder_is_said_plainly(demo, out):
    at = open_app(demo, "pages/exports.py")
    choose(at, Format.XLSX, out / "nowhere")
    export_button(at).click().run()
    assert any(m.startswith("There is no folder at") for m in messages(at)) and not at.exception


def test_the_supervision_pack_is_made_in_the_background_with_the_chosen_clips(store, demo, out):
    at = open_app(demo, "pages/exports.py")
    choose(at, Format.SUPERVISION, out)
    assert at.multiselect(key="out-clips").value == [c.id for c in store.load(demo).chosen_clips(1)]
    assert any("own reflection is not written yet for cycle 1" in m for m in messages(at, "info"))
    at.multiselect(key="out-clips").unselect(store.load(demo).chosen_clips(1)[2].id).run()
    export_button(at).click().run()
    shown = messages(at, "success")  # a short job may end within the run that started it
    for job in JOBS.of(f"exports-{demo}"):
        JOBS.wait(job)
    at.run()
    assert "Making the supervision pack: done." in shown + messages(at, "success")
    [pack] = out.iterdir()
    with zipfile.ZipFile(pack) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".mp4")]) == 2


def test_without_supervisor_consent_the_pack_cannot_be_made_and_the_page_says_why(store, demo, out):
    store.update(demo, lambda c: c.consent.withdraw(ConsentKind.SUPERVISOR, date.today()))
    at = open_app(demo, "pages/exports.py")
    choose(at, Format.SUPERVISION, out)
    assert export_button(at).disabled
    assert any("needs the consent “The VIG supervisor may watch clips”, which was withdrawn" in m
               for m in messages(at))


def test_a_case_code_holding_the_childs_name_blocks_the_pack(store, demo, out):
    store.update(demo, lambda c: setattr(c, "code", "Mia K"))
    at = open_app(demo, "pages/exports.py")
    choose(at, Format.SUPERVISION, out)
    assert export_button(at).disabled and any("holds the family's name" in m for m in messages(at))


def test_the_exports_page_is_not_in_client_view(store, demo):
    at = open_app(demo, "pages/case.py")
    assert "Exports" in screen_text(at)
    SettingsStore(store.root).set(CLIENT_VIEW_SETTING, demo)
    at = open_app()
    assert "Exports" not in screen_text(at)


def test_choosing_captions_says_which_clips_will_show_their_title(store, demo):
    store.update(demo, lambda c: setattr(c.chosen_clips(1)[1], "naming", ""))
    at = open_app(demo, "pages/exports.py")
    at.radio(key="out-format").set_value(Format.VTT).run()
    notes = [c.value.replace("\\", "") for c in at.caption]
    assert "1 clip has no positive naming yet, so its caption shows the clip's title: " \
           "“Taking turns with the bricks”." in notes
    at.radio(key="out-captions").set_value("words").run()
    assert any(c.value.startswith("No clip has the parent's words yet") for c in at.caption)
