"""The choice beside a family's copy (Settings) and a supervision pack (Exports): a plain zip says who
can open it; an encrypted one needs the password twice, long enough, and a suggested one is shown once."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from apptest.helpers import open_app
from apptest.test_messages_beside import beside
from conftest import make_case
from vig_core.exports.pack_password import WORD_LIST
from vig_core.exports.save import Format
from vig_core.services.demo import ensure_demo_case
from vig_core.services.jobs import JOBS
from vig_core.storage import locked_pack
from vig_core.ui import session
from vig_core.ui.pack_password import OPEN_WITH, PLAIN_WARNING

PASSWORD = "otter-maple-cocoa-ferry"


def wait_for(at, owner: str) -> None:
    for job in JOBS.of(owner):
        JOBS.wait(job)
    at.run()


def warnings(at) -> list[str]:
    return [w.value for w in at.warning]


def type_twice(at, prefix: str, first: str, second: str) -> None:
    at.text_input(key=f"{prefix}-password").input(first)
    at.text_input(key=f"{prefix}-password-again").input(second).run()


def opened_names(path: Path, password: str) -> list[str]:
    target = io.BytesIO()
    locked_pack.open_pack(path, password, target)
    return zipfile.ZipFile(target).namelist()


def test_the_family_copy_warns_when_plain_and_checks_the_password_twice(store, out):
    case = make_case(store)
    at = open_app(page="pages/settings.py")
    at.text_input(key="export-folder").input(str(out)).run()
    at.checkbox(key="export-media").uncheck().run()
    assert PLAIN_WARNING in warnings(at)  # plain is the default, and says what it means
    assert PLAIN_WARNING == "Anyone who gets this file can open it: the films and words of the family."

    at.radio(key="export-case-protect").set_value("password").run()
    assert PLAIN_WARNING not in warnings(at) and any(c.value == OPEN_WITH for c in at.caption)
    type_twice(at, "export-case", PASSWORD, PASSWORD + "!")
    at.button(key="export-case-go").click().run()
    assert beside(at, "export-case-go") == ["The two passwords are not the same: type it again in both boxes."]
    type_twice(at, "export-case", "short words", "short words")
    at.button(key="export-case-go").click().run()
    [said] = beside(at, "export-case-go")
    assert said.startswith("The password is too short: it has 11 characters and needs at least 12.")
    assert list(out.iterdir()) == [] and not at.exception

    at.button(key="export-case-suggest").click().run()
    [code] = at.code
    suggested = code.value
    assert all(word in WORD_LIST for word in suggested.split("-")) and len(suggested.split("-")) == 7
    assert at.text_input(key="export-case-password").value == suggested
    assert at.text_input(key="export-case-password-again").value == suggested
    at.button(key="export-case-go").click().run()
    wait_for(at, "settings-export")
    assert not at.code  # shown once only
    [made] = out.iterdir()
    assert made.name == f"{case.code}-family-copy-{session.today().isoformat()}.encrypted.zip"
    assert "case.json" in opened_names(made, suggested)
    with pytest.raises(Exception, match="does not open"):
        opened_names(made, PASSWORD)


def test_a_plain_family_copy_is_still_the_default_zip(store, out):
    make_case(store)
    at = open_app(page="pages/settings.py")
    at.text_input(key="export-folder").input(str(out)).run()
    at.checkbox(key="export-media").uncheck().run()
    at.button(key="export-case-go").click().run()
    wait_for(at, "settings-export")
    [made] = out.iterdir()
    assert made.name.endswith("-family-copy-" + session.today().isoformat() + ".zip")
    assert "case.json" in zipfile.ZipFile(made).namelist()


def test_the_supervision_pack_is_plain_with_a_warning_or_encrypted_for_the_supervisor(store, out):
    demo = ensure_demo_case(store)
    at = open_app(demo, "pages/exports.py")
    at.radio(key="out-format").set_value(Format.CSV).run()
    assert PLAIN_WARNING not in warnings(at)  # only the pack offers the choice
    at.radio(key="out-format").set_value(Format.SUPERVISION).run()
    at.text_input(key="out-folder").input(str(out)).run()
    assert PLAIN_WARNING in warnings(at)
    at.radio(key="out-pack-protect").set_value("password").run()
    type_twice(at, "out-pack", "", "")
    at.button(key="out-go").click().run()
    assert beside(at, "out-go")[0].startswith("Type a password for the recipient")
    type_twice(at, "out-pack", PASSWORD, PASSWORD)
    at.button(key="out-go").click().run()
    wait_for(at, f"exports-{demo}")
    [pack] = out.iterdir()
    assert pack.name.endswith("-supervision-pack-" + session.today().isoformat() + ".encrypted.zip")
    assert "index.html" in opened_names(pack, PASSWORD)
