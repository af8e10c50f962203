"""Settings (backup, restore, a family's copy, deletion log) and the consent and retention banners."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta

import pytest

from apptest.helpers import messages, open_app
from conftest import make_case
from vig_core.case.consent import ConsentKind
from vig_core.errors import LockedError
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS

TODAY = date.today()


@pytest.fixture
def demo(store):
    return ensure_demo_case(store)


def finish_jobs(at) -> list[str]:
    """Wait for the page's background work; the success messages of the run that started it
    (a small job may end within it) and of the run after."""
    shown = messages(at, "success")
    for job in JOBS.of("settings") + JOBS.of("settings-export"):
        JOBS.wait(job)
    at.run()
    return shown + messages(at, "success")


def test_backup_then_restore_from_the_settings_page_brings_an_erased_case_back(store, demo, tmp_path):
    at = open_app(page="pages/settings.py")
    at.text_input(key="backup-folder").input(str(tmp_path / "missing")).run()
    at.button[[b.label for b in at.button].index("Make a backup")].click().run()
    assert any("There is no folder" in m for m in messages(at))
    at.text_input(key="backup-folder").input(str(tmp_path)).run()
    at.button[[b.label for b in at.button].index("Make a backup")].click().run()
    shown = finish_jobs(at)
    (made,) = tmp_path.glob("vig-workbook-backup-*.zip")
    assert any(m.startswith("Backing up to") and m.endswith("done.") for m in shown)
    with zipfile.ZipFile(made) as archive:
        assert any(name.endswith("film.mp4") for name in archive.namelist())

    store.erase(demo, "the whole case", TODAY.isoformat())
    at.text_input(key="restore-file").input(str(made)).run()
    assert at.button[[b.label for b in at.button].index("Restore")].disabled  # not before the box is ticked
    at.checkbox(key="restore-sure").check().run()
    at.button[[b.label for b in at.button].index("Restore")].click().run()
    assert not at.exception
    assert any("Restored 1 cases" in m for m in messages(at, "success"))
    assert store.exists(demo) and store.load(demo).recordings


def test_a_broken_backup_is_refused_and_changes_nothing(store, demo, tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    at = open_app(page="pages/settings.py")
    at.text_input(key="restore-file").input(str(broken)).run()
    at.checkbox(key="restore-sure").check().run()
    at.button[[b.label for b in at.button].index("Restore")].click().run()
    assert any("damaged" in m for m in messages(at))
    assert store.case_ids() == [demo]


def test_a_family_copy_is_exported_and_the_deletion_log_is_shown(store, demo, tmp_path):
    other = make_case(store, "FAM-09", "Zed")
    store.erase(other.id, "the whole case: 0 films", TODAY.isoformat())
    at = open_app(page="pages/settings.py")
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["Date", "Case code", "Erased"] and frame.iloc[0]["Case code"] == "FAM-09"
    at.text_input(key="export-folder").input(str(tmp_path)).run()
    at.checkbox(key="export-media").uncheck().run()
    at.button[[b.label for b in at.button].index("Export the case")].click().run()
    finish_jobs(at)
    (bundle,) = tmp_path.glob("*-family-copy-*.zip")
    with zipfile.ZipFile(bundle) as archive:
        assert "case.json" in archive.namelist() and not any(n.startswith("media/") for n in archive.namelist())


def test_withdrawn_filming_consent_offers_to_erase_the_films_on_every_page(store, demo):
    store.update(demo, lambda c: c.consent.withdraw(ConsentKind.FILMING, TODAY))
    at = open_app(demo, page="pages/clips.py")
    assert any("Consent withdrawn on" in m and "To be filmed" in m for m in messages(at))
    at.button(key=f"withdrawn-erase-films-{demo}").click().run()
    assert any("Erase the films:" in m for m in messages(at, "warning"))
    at.button(key=f"withdrawn-erase-films-{demo}-yes").click().run()
    assert not at.exception
    case = store.load(demo)
    assert not case.recordings and not case.clips and case.goals
    assert not (store.case_folder(demo) / "recordings").exists()
    assert any("were erased" in m for m in messages(at, "success"))


def test_a_case_past_its_retention_date_is_flagged_and_can_be_erased_from_the_caseload(store, demo):
    due = make_case(store, "FAM-31", "Zed", today=TODAY - timedelta(days=400))
    store.update(due.id, lambda c: (setattr(c, "retention_override", TODAY - timedelta(days=1)),
                                    setattr(c, "archived", True)))
    at = open_app(due.id, page="pages/goals.py")
    assert any("retention date of this case" in m for m in messages(at, "warning"))
    at = open_app()
    assert any("1 case(s) past their retention date: FAM-31" in m for m in messages(at, "warning"))
    at.button(key=f"caseload-erase-{due.id}").click().run()
    at.button(key=f"caseload-erase-{due.id}-yes").click().run()
    assert not store.exists(due.id) and store.exists(demo)
    assert store.deletion_log()[-1]["case_code"] == "FAM-31"


def test_where_we_are_shows_the_activity_log_newest_first(store):
    case = make_case(store, "FAM-12", "Ida")
    store.update(case.id, lambda c: setattr(c, "practitioner_notes", "PRIVATE"))
    at = open_app(case.id, page="pages/case.py")
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["When", "What happened", "To what"]
    assert list(frame["To what"]) == ["practitioner notes", "the case"]
    assert frame["When"].str.match(r"\d\d \w{3} \d{4} \d\d:\d\d:\d\d").all()


def test_with_a_passphrase_the_settings_backup_is_encrypted_and_restores_with_it(store, demo, tmp_path):
    from vig_core.services import backups, lock
    from vig_core.storage.settings import SettingsStore
    passphrase = "a long enough passphrase"
    lock.set_passphrase(SettingsStore(store.root), passphrase, passphrase)
    at = open_app(page="pages/settings.py")
    at.text_input(key="unlock-passphrase").input(passphrase)
    at.button(key="FormSubmitter:unlock-Unlock").click().run()
    at.switch_page("pages/settings.py").run()
    assert not at.checkbox(key="backup-plain").value
    at.text_input(key="backup-folder").input(str(tmp_path)).run()
    at.button[[b.label for b in at.button].index("Make a backup")].click().run()
    assert any("Type the workbook's passphrase" in m for m in messages(at))
    at.text_input(key="backup-passphrase").input("not the passphrase").run()
    at.button[[b.label for b in at.button].index("Make a backup")].click().run()
    assert any("not the workbook's passphrase" in m for m in messages(at)) and not list(tmp_path.glob("*.zip"))
    at.text_input(key="backup-passphrase").input(passphrase).run()
    at.button[[b.label for b in at.button].index("Make a backup")].click().run()
    assert not at.exception
    shown = finish_jobs(at)
    assert any("(encrypted)" in m and m.endswith("done.") for m in shown)
    (made,) = tmp_path.glob("vig-workbook-backup-*-encrypted.zip")
    assert backups.is_encrypted_backup(made) and at.text_input(key="backup-passphrase").value == ""

    store.erase(demo, "the whole case", TODAY.isoformat())
    at.text_input(key="restore-file").input(str(made)).run()
    at.checkbox(key="restore-sure").check().run()
    at.text_input(key="restore-passphrase").input("not the passphrase").run()
    at.button[[b.label for b in at.button].index("Restore")].click().run()
    assert any("That passphrase does not open this backup" in m for m in messages(at)) and not store.exists(demo)
    at.text_input(key="restore-passphrase").input(passphrase).run()
    at.button[[b.label for b in at.button].index("Restore")].click().run()
    assert not at.exception and store.exists(demo)
    assert at.text_input(key="unlock-passphrase")  # the restored workbook locks: its passphrase guards it
    from vig_core.services import vault
    with pytest.raises(LockedError):  # and its key is dropped: nothing reads the restored case
        store.load(demo)
    vault.unlock(store.root, passphrase)
    assert store.load(demo).recordings


def test_a_plain_backup_is_an_explicit_choice_with_a_warning(store, demo, tmp_path):
    from vig_core.services import backups, lock
    from vig_core.storage.settings import SettingsStore
    at = open_app(page="pages/settings.py")
    assert any("not encrypted because the workbook has no passphrase" in m for m in messages(at, "info"))
    lock.set_passphrase(SettingsStore(store.root), "a long enough passphrase", "a long enough passphrase")
    at = open_app(page="pages/settings.py")  # the lock made at the first run stays open in this process
    at.checkbox(key="backup-plain").check().run()
    assert any("A plain backup is not encrypted" in m for m in messages(at, "warning"))
    at.text_input(key="backup-folder").input(str(tmp_path)).run()
    at.button[[b.label for b in at.button].index("Make a backup")].click().run()
    finish_jobs(at)
    (made,) = tmp_path.glob("vig-workbook-backup-*.zip")
    assert not made.name.endswith("-encrypted.zip") and not backups.is_encrypted_backup(made)
