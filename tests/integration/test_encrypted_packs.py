"""A family's copy and a supervision pack encrypted with a password for the recipient (issue 23):
the age steps of the README give back the same zip as a plain export, a wrong password opens nothing,
no plain zip is left beside the file, in the data folder or in the temporary folder, after success or
failure, the command line reads the password from standard input, and a large film needs little memory."""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pyrage
import pytest

from conftest import ROOT, make_case
from unit.test_case_bundle import members
from vig_core.errors import StoreError, ValidationError
from vig_core.exports import bundle
from vig_core.exports.bundle import export_case_bundle
from vig_core.exports.save import export
from vig_core.storage import locked_pack
from vig_core.storage.paths import ENV_VAR

PASSWORD = "otter-maple-cocoa-ferry"
RECORDS = "activity.jsonl"  # each export adds a line to it: the later export holds one line more


@pytest.fixture
def quiet_temp(tmp_path, monkeypatch) -> Path:
    """The system's temporary folder, for this test its own (empty) folder, to see whether anything is left there."""
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def opened(path: Path, password: str) -> dict[str, bytes]:
    """The README's steps (unzip, then ``age -d -i key.age NAME.zip.age > NAME.zip``) with pyrage: the zip's members."""
    with zipfile.ZipFile(path) as outer:
        names = outer.namelist()
        inner = locked_pack.inner_name(path)
        assert sorted(names) == sorted(["README.txt", "key.age", f"{inner}.age"])
        assert f"age -d -i key.age {inner}.age > {inner}" in outer.read("README.txt").decode()
        key = pyrage.passphrase.decrypt(outer.read("key.age"), password).decode("ascii")
        data = pyrage.decrypt(outer.read(f"{inner}.age"), [pyrage.x25519.Identity.from_str(key.strip())])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def left_behind(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders for p in folder.rglob("*") if p.is_file())


def same_content(plain: dict[str, bytes], locked: dict[str, bytes]) -> None:
    assert plain.keys() == locked.keys()
    for name in plain:
        if name == RECORDS:
            assert locked[name].startswith(plain[name]), name
        else:
            assert locked[name] == plain[name], name


# --- the family's copy ------------------------------------------------------------------------------------
def test_the_encrypted_family_copy_opens_with_the_password_to_the_plain_copy(demo, out, quiet_temp):
    plain = export_case_bundle(demo, "demo", out / "plain.zip")
    locked = export_case_bundle(demo, "demo", out / "DEMO-1-family-copy.encrypted.zip", password=PASSWORD)

    assert locked.encrypted and not plain.encrypted and locked.files == plain.files
    same_content(members(out / "plain.zip"), opened(locked.path, PASSWORD))
    assert locked_pack.is_locked_pack(locked.path) and not locked_pack.is_locked_pack(plain.path)
    assert locked.path.stat().st_mode & 0o777 == 0o600
    raw = locked.path.read_bytes()
    film = next(p for p in demo.case_folder("demo").rglob("*.mp4")).read_bytes()
    assert b"case.json" not in raw and b"tables/" not in raw and b"practitioner_notes" not in raw
    assert film[len(film) // 2:len(film) // 2 + 64] not in raw  # no piece of the film in plain
    assert left_behind(quiet_temp) == []
    assert sorted(p.name for p in out.iterdir()) == ["DEMO-1-family-copy.encrypted.zip", "plain.zip"]
    assert not list((demo.root / ".writing").glob("*"))


def test_a_wrong_password_opens_nothing(demo, out):
    path = export_case_bundle(demo, "demo", out / "copy.encrypted.zip", media=False, password=PASSWORD).path
    with zipfile.ZipFile(path) as outer, pytest.raises(pyrage.DecryptError):
        pyrage.passphrase.decrypt(outer.read("key.age"), PASSWORD + "x")
    with pytest.raises(ValidationError, match="does not open"):
        locked_pack.open_pack(path, "otter-maple-cocoa-ferrx", io.BytesIO())
    target = io.BytesIO()
    locked_pack.open_pack(path, PASSWORD, target)
    assert zipfile.ZipFile(target).read("README.txt").startswith(b"A copy of the Video Interaction Guidance case")


def test_a_failure_half_way_leaves_no_zip_plain_or_encrypted_anywhere(demo, out, quiet_temp, monkeypatch):
    real = bundle.stream_file

    def failing(archive, name, path, advance):
        real(archive, name, path, advance)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bundle, "stream_file", failing)
    before = left_behind(demo.root)
    with pytest.raises(StoreError, match="disk is full|space"):
        export_case_bundle(demo, "demo", out / "copy.encrypted.zip", password=PASSWORD)
    assert list(out.iterdir()) == []
    assert left_behind(quiet_temp) == []
    assert left_behind(demo.root) == before  # no temp zip, no note of a write left in the data folder


def test_an_empty_password_is_refused_before_anything_is_written(demo, out):
    with pytest.raises(ValueError, match="needs a password"):
        export_case_bundle(demo, "demo", out / "copy.encrypted.zip", media=False, password="")
    assert list(out.iterdir()) == []


# --- the supervision pack ------------------------------------------------------------------------------------
def test_the_encrypted_supervision_pack_opens_to_the_plain_pack(demo, out, quiet_temp):
    (out / "plain").mkdir()
    (out / "locked").mkdir()
    [plain] = export(demo, "demo", "supervision", out / "plain")
    [locked] = export(demo, "demo", "supervision", out / "locked", password=PASSWORD)

    assert locked.name == plain.name.removesuffix(".zip") + ".encrypted.zip"
    inside, before = opened(locked, PASSWORD), members(plain)
    assert inside.keys() == before.keys() and any(n.startswith("clips/") for n in inside)
    assert all(inside[n] == before[n] for n in inside if not n.endswith(".mp4"))  # clips are cut afresh
    assert all(inside[n][4:8] == b"ftyp" for n in inside if n.endswith(".mp4"))
    assert b"index.html" not in locked.read_bytes()
    assert left_behind(quiet_temp) == []
    assert not list((demo.case_folder("demo") / "exports").glob(".supervision-*"))
    with pytest.raises(ValidationError, match="Only the supervision pack"):
        export(demo, "demo", "csv", out, password=PASSWORD)


@pytest.mark.skipif(shutil.which("age") is None, reason="the age tool is not installed (apt install age)")
def test_the_age_tool_opens_it_as_the_readme_says(demo, out, tmp_path):
    """``age -d -i key.age NAME.zip.age > NAME.zip``, the password typed at its prompt (a terminal)."""
    locked = export_case_bundle(demo, "demo", out / "copy.encrypted.zip", media=False, password=PASSWORD).path
    work = tmp_path / "unzipped"
    zipfile.ZipFile(locked).extractall(work)
    assert typed_into_age(work, PASSWORD + "x") != 0 and not (work / "copy.zip").exists()
    assert typed_into_age(work, PASSWORD) == 0
    with zipfile.ZipFile(work / "copy.zip") as archive:
        assert archive.testzip() is None and "case.json" in archive.namelist()


def typed_into_age(folder: Path, password: str) -> int:
    pid, terminal = pty.fork()
    if pid == 0:  # the child: age, which reads the password from its terminal only
        os.chdir(folder)
        os.execvp("age", ["age", "-d", "-i", "key.age", "-o", "copy.zip", "copy.zip.age"])
    said = b""
    while b"passphrase" not in said.lower():
        said += os.read(terminal, 1024)
    os.write(terminal, password.encode() + b"\n")
    while True:
        try:
            if not os.read(terminal, 1024):
                break
        except OSError:  # the terminal closes as age ends
            break
    os.close(terminal)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


# --- the command line -----------------------------------------------------------------------------------------
def run_cli(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "vig_core", *args], input=stdin, capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, ENV_VAR: str(root)}, timeout=300)


def test_the_command_line_reads_the_recipients_password_from_stdin(demo, out):
    target = out / "copy.encrypted.zip"
    short = run_cli(demo.root, "export-case", "--case", "demo", "--out", str(target), "--no-media",
                    "--password-stdin", stdin="too short\n")
    assert short.returncode == 1 and "too short" in short.stderr and "Traceback" not in short.stderr
    assert list(out.iterdir()) == []
    done = run_cli(demo.root, "export-case", "--case", "demo", "--out", str(target), "--no-media",
                   "--password-stdin", stdin=PASSWORD + "\n")
    assert done.returncode == 0, done.stderr
    assert "encrypted with the password" in done.stdout
    assert "case.json" in opened(target, PASSWORD)
    pack = run_cli(demo.root, "export", "--case", "demo", "--format", "supervision", "--out", str(out),
                   "--password-stdin", stdin=PASSWORD + "\n")
    assert pack.returncode == 0, pack.stderr
    assert "index.html" in opened(Path(pack.stdout.strip()), PASSWORD)


# --- memory -------------------------------------------------------------------------------------------------
PROBE = """
import resource, sys
from pathlib import Path
import pyrage
from vig_core.exports.bundle import export_case_bundle
from vig_core.storage.store import CaseStore
root, out = (Path(p) for p in sys.argv[1:3])
# age's scrypt costs a fixed few hundred MiB for a moment whatever the pack's size: the key is
# wrapped here without it, so that only the streaming of the films is measured.
wrap = pyrage.x25519.Identity.generate()
pyrage.passphrase = type("NoScrypt", (), {
    "encrypt": staticmethod(lambda data, _secret: pyrage.encrypt(data, [wrap.to_public()]))})
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
export_case_bundle(CaseStore(root), sys.argv[3], out, password="a long enough password")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start)
"""


def test_a_large_encrypted_family_copy_needs_little_memory(store, out):
    """A 400 MB film (sparse, so cheap to make): the process grows by far less than the film."""
    case = make_case(store)
    film = store.case_folder(case.id) / "recordings" / "r1" / "film.mp4"
    film.parent.mkdir(parents=True)
    with open(film, "wb") as handle:
        handle.truncate(400 * 10**6)
    target = out / "big.encrypted.zip"
    result = subprocess.run([sys.executable, "-c", PROBE, str(store.root), str(target), case.id],
                            capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) * 1024 < 100 * 10**6, result.stdout
    assert target.stat().st_size > 400 * 10**6
