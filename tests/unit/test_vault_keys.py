"""The vault's key file, passphrase, recovery code and key holder (issue 23)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from vig_core.errors import LockedError, ValidationError
from vig_core.vault import keys, recovery_code
from vig_core.vault.errors import DamagedHeader, MistypedRecoveryCode, WrongPassphrase, WrongRecoveryCode
from vig_core.vault.keys import KdfParams
from vig_core.vault.session import KeyHolder

FAST = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)  # the smallest a key file allows
PASSPHRASE = "a kettle on the hob"


@pytest.fixture(scope="module")
def vault():
    return keys.create(PASSPHRASE, FAST)


def test_the_passphrase_unlocks_the_data_key_and_a_wrong_one_is_plainly_refused(vault):
    header, data_key, _ = vault
    assert keys.unlock(header, PASSPHRASE).material == data_key.material
    for wrong in ("a kettle on the hoB", "", "a kettle on the hob "):
        with pytest.raises(WrongPassphrase, match="^That passphrase is not right.$"):
            keys.unlock(header, wrong)


def test_the_default_settings_are_argon2id_at_rfc_9106s_second_option():
    header, data_key, _ = keys.create(PASSPHRASE)
    assert (header.kdf.time_cost, header.kdf.memory_kib, header.kdf.parallelism) == (3, 65536, 4)
    assert keys.unlock(header, PASSPHRASE).material == data_key.material


def test_an_empty_passphrase_makes_no_vault():
    with pytest.raises(ValidationError):
        keys.create("", FAST)


def test_each_vault_has_its_own_key_salt_and_recovery_code():
    first, second = keys.create(PASSPHRASE, FAST), keys.create(PASSPHRASE, FAST)
    assert first[1].material != second[1].material
    assert first[0].kdf.salt != second[0].kdf.salt and first[2] != second[2]
    with pytest.raises(WrongRecoveryCode):
        keys.unlock_with_recovery(first[0], second[2])


def test_the_recovery_code_unlocks_however_it_is_copied(vault):
    header, data_key, code = vault
    assert len(code) == 56 + 13 and all(len(group) == 4 for group in code.split("-"))
    copied = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    for typed in (code, copied, code.replace("-", ""), f"  {code}\n"):
        assert keys.unlock_with_recovery(header, typed).material == data_key.material


def test_a_typo_in_the_recovery_code_is_mistyped_not_wrong(vault):
    header, _, code = vault
    chars = list(code)
    at = 7
    chars[at] = next(c for c in recovery_code.ALPHABET if c != chars[at])
    swapped = list(code)
    swapped[0], swapped[2] = code[2], code[0]
    cases = {"".join(chars): "do not add up", code[:-5]: "it has 52 letters", code + "-ABCD": "it has 60",
             code[:5] + "U" + code[6:]: "group 2 holds a character"}
    if code[0] != code[2]:
        cases["".join(swapped)] = "do not add up"
    for typed, why in cases.items():
        with pytest.raises(MistypedRecoveryCode, match="looks mistyped") as raised:
            keys.unlock_with_recovery(header, typed)
        assert why in str(raised.value)


def test_every_single_character_typo_is_caught():
    secret = bytes(range(32))
    code = recovery_code.encode(secret).replace("-", "")
    assert recovery_code.decode(code) == secret
    caught = 0
    for at in range(len(code)):
        for char in recovery_code.ALPHABET:
            if char != code[at]:
                with pytest.raises(MistypedRecoveryCode):
                    recovery_code.decode(code[:at] + char + code[at + 1:])
                caught += 1
    assert caught == 56 * 31


def test_changing_the_passphrase_keeps_the_data_key_and_the_recovery_code(vault):
    header, data_key, code = vault
    changed = keys.change_passphrase(header, data_key, "a new one, longer")
    assert changed.kdf.salt != header.kdf.salt and changed.recovery_wrap == header.recovery_wrap
    assert keys.unlock(changed, "a new one, longer").material == data_key.material
    with pytest.raises(WrongPassphrase):
        keys.unlock(changed, PASSPHRASE)
    assert keys.unlock_with_recovery(changed, code).material == data_key.material


def test_recovery_then_a_new_passphrase(vault):
    header, data_key, code = vault
    recovered = keys.unlock_with_recovery(header, code)
    changed = keys.change_passphrase(header, recovered, "remembered at last")
    assert keys.unlock(changed, "remembered at last").material == data_key.material


def test_a_new_recovery_code_retires_the_old_one(vault):
    header, data_key, code = vault
    renewed, new_code = keys.new_recovery_code(header, data_key)
    assert keys.unlock_with_recovery(renewed, new_code).material == data_key.material
    with pytest.raises(WrongRecoveryCode):
        keys.unlock_with_recovery(renewed, code)


def test_another_vaults_key_cannot_rewrap_this_one(vault):
    header = vault[0]
    other = keys.DataKey.generate()
    with pytest.raises(ValueError):
        keys.change_passphrase(header, other, "whatever it is")
    with pytest.raises(ValueError):
        keys.new_recovery_code(header, other)


def test_the_key_file_round_trips_privately_and_holds_nothing_but_keys(vault, tmp_path: Path):
    header = vault[0]
    path = tmp_path / keys.HEADER_FILE
    assert keys.read_header(path) is None
    keys.write_header(path, header)
    assert keys.read_header(path) == header
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    data = json.loads(path.read_text())
    assert set(data) == {"format", "version", "vault_id", "key_id", "kdf", "passphrase_wrap", "recovery_wrap",
                         "backup_recipient"}
    assert keys.unlock(keys.read_header(path), PASSPHRASE).material == vault[1].material


@pytest.mark.parametrize("damage", [
    lambda d: d.update(format="something"), lambda d: d.update(version=2), lambda d: d.pop("kdf"),
    lambda d: d["kdf"].update(memory_kib=1 << 30), lambda d: d["kdf"].update(time_cost="3"),
    lambda d: d.update(passphrase_wrap=d["passphrase_wrap"][:-4]), lambda d: d.update(vault_id="not base64!"),
    lambda d: d.update(recovery_wrap=None), lambda d: d.update(backup_recipient="age2nothing"),
])
def test_a_damaged_key_file_is_plainly_damaged(vault, tmp_path: Path, damage):
    data = vault[0].to_json()
    damage(data)
    path = tmp_path / keys.HEADER_FILE
    path.write_text(json.dumps(data))
    with pytest.raises(DamagedHeader, match="key file"):
        keys.read_header(path)


def test_a_cut_key_file_is_damaged(vault, tmp_path: Path):
    path = tmp_path / keys.HEADER_FILE
    keys.write_header(path, vault[0])
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(DamagedHeader, match="not whole"):
        keys.read_header(path)


def test_a_changed_wrap_or_id_reads_as_a_wrong_key_never_as_a_key(vault):
    header, _, code = vault
    flipped = bytearray(header.passphrase_wrap)
    flipped[-1] ^= 1
    with pytest.raises(WrongPassphrase):
        keys.unlock(keys.VaultHeader(**{**header.__dict__, "passphrase_wrap": bytes(flipped)}), PASSPHRASE)
    moved = keys.VaultHeader(**{**header.__dict__, "vault_id": os.urandom(16)})
    with pytest.raises(WrongPassphrase):
        keys.unlock(moved, PASSPHRASE)
    with pytest.raises(WrongRecoveryCode):
        keys.unlock_with_recovery(moved, code)
    other_id = keys.VaultHeader(**{**header.__dict__, "key_id": os.urandom(16)})
    with pytest.raises(DamagedHeader):
        keys.unlock(other_id, PASSPHRASE)


def test_the_key_never_shows_in_a_repr_or_the_key_file(vault):
    header, data_key, _ = vault
    assert repr(data_key) == "DataKey(held)"
    assert data_key.material.hex() not in json.dumps(header.to_json())
    assert bytes(data_key.material) not in header.passphrase_wrap + header.recovery_wrap


def test_the_holder_drops_and_overwrites_the_key(vault):
    header = vault[0]
    holder = KeyHolder()
    with pytest.raises(LockedError):
        holder.key()
    key = keys.unlock(header, PASSPHRASE)
    material = key.material  # the very bytearray the key lives in
    key.aead(b"records")
    holder.hold(key)
    assert holder.unlocked and holder.key() is key
    holder.drop()
    assert not holder.unlocked and material == bytearray(32) and key.wiped and key._aeads == {}
    assert repr(key) == "DataKey(wiped)"
    with pytest.raises(LockedError):
        holder.key()
    with pytest.raises(ValueError):
        key.derive(b"anything")


def test_holding_a_new_key_wipes_the_old_one(vault):
    holder = KeyHolder()
    first, second = keys.unlock(vault[0], PASSPHRASE), keys.unlock(vault[0], PASSPHRASE)
    holder.hold(first)
    holder.hold(second)
    assert first.wiped and holder.key() is second
