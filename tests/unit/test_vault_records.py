"""Sealed records: one AES-GCM per write, bound to the file's name (issue 23)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vig_core.vault import records
from vig_core.vault.errors import DamagedRecord
from vig_core.vault.keys import DataKey

KEY = DataKey.generate()
NAME = "cases/3f2a/case.json"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=4096), st.text(min_size=1, max_size=80))
def test_a_sealed_record_opens_to_what_was_sealed(plaintext: bytes, identity: str):
    sealed = records.seal(KEY, plaintext, identity)
    assert records.is_sealed(sealed) and len(sealed) == len(plaintext) + records.OVERHEAD
    assert records.open_sealed(KEY, sealed, identity) == plaintext


def test_sealing_twice_gives_two_different_files():
    assert records.seal(KEY, b'{"a": 1}', NAME) != records.seal(KEY, b'{"a": 1}', NAME)


def test_the_plaintext_is_not_in_the_sealed_file():
    secret = b'{"child": "Ada Lovelace", "notes": "sleeps badly"}'
    sealed = records.seal(KEY, secret, NAME)
    assert b"Ada" not in sealed and b"sleeps" not in sealed


def test_a_plain_json_record_is_not_taken_for_a_sealed_one():
    assert not records.is_sealed(b'{"cases": {}}') and not records.is_sealed(b"")
    with pytest.raises(DamagedRecord, match="not an encrypted file"):
        records.open_sealed(KEY, b'{"cases": {}}', NAME)


def test_every_changed_byte_is_refused():
    sealed = records.seal(KEY, b"x" * 100, NAME)
    for at in range(len(records.MAGIC) + 1, len(sealed)):
        damaged = bytearray(sealed)
        damaged[at] ^= 0x40
        with pytest.raises(DamagedRecord, match="fails its check"):
            records.open_sealed(KEY, bytes(damaged), NAME)


def test_a_record_moved_to_another_name_is_refused():
    sealed = records.seal(KEY, b"the notes of one case", NAME)
    with pytest.raises(DamagedRecord, match="moved from another place"):
        records.open_sealed(KEY, sealed, "cases/9b1c/case.json")


def test_another_key_a_cut_file_or_a_newer_version_is_refused():
    sealed = records.seal(KEY, b"notes", NAME)
    with pytest.raises(DamagedRecord, match="fails its check"):
        records.open_sealed(DataKey.generate(), sealed, NAME)
    with pytest.raises(DamagedRecord, match="cut short"):
        records.open_sealed(KEY, sealed[:20], NAME)
    with pytest.raises(DamagedRecord, match="newer version"):
        records.open_sealed(KEY, records.MAGIC + b"\x02" + sealed[5:], NAME)


def test_a_record_is_written_whole_and_private(tmp_path: Path):
    path = tmp_path / "case.json"
    records.write_sealed(path, KEY, b"first", NAME)
    records.write_sealed(path, KEY, b"second", NAME)
    assert records.read_sealed(path, KEY, NAME) == b"second"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["case.json"]  # no temp file left


def test_the_message_names_the_file_as_the_caller_says():
    with pytest.raises(DamagedRecord, match="^The settings fail their check|^The settings fails its check"):
        records.open_sealed(KEY, records.seal(KEY, b"x", "a"), "b", name="The settings")
