"""The command line on a vault (subprocess runs with VIG_DATA_DIR): set-passphrase encrypts the
data folder and prints the recovery code once; every data command asks for the passphrase (on
standard input here) or the recovery code; a wrong one is one line on stderr and exit 2, never a
traceback; change-passphrase and remove-passphrase (which decrypts)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from vig_core.vault import chunks, records

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE, NEW = "correct horse battery", "a newer passphrase"
CODE = re.compile(r"^\s+([0-9A-Z]{4}(?:-[0-9A-Z]{4}){13})$", re.M)


def run(*args, data_dir, stdin=""):
    env = {**os.environ, "VIG_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "vig_core", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=300)


def plain_line(result) -> str:
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def vault_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli-vault") / "data"
    assert run("demo", data_dir=data).stdout.strip() == "demo"
    made = run("set-passphrase", "--passphrase-stdin", data_dir=data, stdin=PASSPHRASE + "\n")
    assert made.returncode == 0, made.stderr
    assert "Encrypting the data folder: 100%" in made.stderr
    assert "shown this once" in made.stdout
    code = CODE.search(made.stdout)[1]
    assert records.is_sealed((data / "cases" / "demo" / "case.json").read_bytes())
    assert all(p.read_bytes().startswith(chunks.MAGIC) for p in (data / "cases").rglob("film.mp4"))
    return data, code


def test_data_commands_ask_for_the_passphrase(vault_dir, tmp_path):
    data, code = vault_dir
    listed = run("recordings", "--case", "demo", "--passphrase-stdin", data_dir=data, stdin=PASSPHRASE + "\n")
    assert listed.returncode == 0 and "(demo)" in listed.stdout
    by_code = run("recordings", "--case", "demo", "--recovery-code-stdin", data_dir=data, stdin=code.lower() + "\n")
    assert by_code.stdout == listed.stdout
    wrong = run("recordings", "--case", "demo", "--passphrase-stdin", data_dir=data, stdin="nope\n")
    assert wrong.returncode == 2 and plain_line(wrong) == "Error: That passphrase is not right."
    no_tty = run("export-case", "--case", "demo", "--out", str(tmp_path / "x.zip"), data_dir=data)
    assert no_tty.returncode == 2 and "--passphrase-stdin" in plain_line(no_tty)
    wrong_code = run("demo", "--recovery-code-stdin", data_dir=data, stdin="ABCD-EFGH\n")
    assert wrong_code.returncode == 2 and plain_line(wrong_code).startswith("Error: ")
    exported = run("export-case", "--case", "demo", "--out", str(tmp_path / "x.zip"), "--passphrase-stdin",
                   data_dir=data, stdin=PASSPHRASE + "\n")
    assert exported.returncode == 0, exported.stderr


def test_backup_and_restore_of_a_vault_with_the_passphrase_or_the_code(vault_dir, tmp_path):
    data, code = vault_dir
    out = tmp_path / "b.zip"
    made = run("backup", "--out", str(out), "--passphrase-stdin", data_dir=data, stdin=PASSPHRASE + "\n")
    assert made.returncode == 0 and "encrypted" in made.stdout, made.stderr
    wrong = run("restore", str(out), "--passphrase-stdin", data_dir=tmp_path / "r0", stdin="nope\n")
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr
    for n, (flag, secret) in enumerate([("--passphrase-stdin", PASSPHRASE), ("--recovery-code-stdin", code)]):
        target = tmp_path / f"r{n + 1}"
        restored = run("restore", str(out), flag, data_dir=target, stdin=secret + "\n")
        assert restored.returncode == 0 and "Restored 2 cases" in restored.stdout, restored.stderr
        listed = run("recordings", "--case", "demo", flag, data_dir=target, stdin=secret + "\n")
        assert listed.returncode == 0 and "(demo)" in listed.stdout


def test_change_then_remove_the_passphrase(vault_dir, tmp_path):
    data, code = vault_dir
    wrong = run("change-passphrase", "--passphrase-stdin", data_dir=data, stdin=f"nope\n{NEW}\n")
    assert wrong.returncode == 2 and plain_line(wrong) == "Error: That passphrase is not right."
    changed = run("change-passphrase", "--passphrase-stdin", data_dir=data, stdin=f"{PASSPHRASE}\n{NEW}\n")
    assert changed.returncode == 0, changed.stderr
    assert run("demo", "--passphrase-stdin", data_dir=data, stdin=PASSPHRASE + "\n").returncode == 2
    by_code = run("change-passphrase", "--recovery-code-stdin", data_dir=data, stdin=f"{code}\n{NEW}\n")
    assert by_code.returncode == 0, by_code.stderr
    assert run("remove-passphrase", "--passphrase-stdin", data_dir=data, stdin=NEW + "\n").returncode == 2
    assert (data / "vault.json").exists()
    removed = run("remove-passphrase", "--yes", "--passphrase-stdin", data_dir=data, stdin=NEW + "\n")
    assert removed.returncode == 0 and "Decrypting the data folder: 100%" in removed.stderr, removed.stderr
    assert not (data / "vault.json").exists()
    assert (data / "cases" / "demo" / "case.json").read_bytes().startswith(b"{")
    assert not any(p.read_bytes().startswith(chunks.MAGIC) for p in (data / "cases").rglob("film.mp4"))
    assert "(demo)" in run("recordings", "--case", "demo", data_dir=data).stdout
