"""The recipient's password of an encrypted pack: checked in plain words, suggested at random from words."""

from __future__ import annotations

import pytest

from vig_core.errors import ValidationError
from vig_core.exports.pack_password import MIN_LENGTH, WORD_LIST, check_password, suggest_password
from vig_core.storage.locked_pack import inner_name, locked_name


def test_a_suggested_password_is_seven_listed_words_and_different_each_time():
    suggested = {suggest_password() for _ in range(50)}
    assert len(suggested) == 50
    for password in suggested:
        words = password.split("-")
        assert len(words) == 7 and all(w in WORD_LIST for w in words)
        assert check_password(password, password) == password
    assert len(set(WORD_LIST)) == len(WORD_LIST) >= 256  # 8 bits a word at least: 56 bits in seven
    assert all(w.isascii() and w.isalpha() and w.islower() for w in WORD_LIST)


@pytest.mark.parametrize(("first", "second", "said"), [
    ("", "", "Type a password"),
    ("a" * (MIN_LENGTH - 1), "a" * (MIN_LENGTH - 1), "too short: it has 11 characters and needs at least 12"),
    ("long enough words", "long enough wordz", "not the same"),
    (" long enough words", " long enough words", "starts or ends with a space"),
])
def test_a_password_that_would_not_do_is_refused_in_plain_words(first, second, said):
    with pytest.raises(ValidationError, match=said):
        check_password(first, second)


def test_the_encrypted_file_and_the_zip_inside_it_are_named_after_the_export():
    assert locked_name("FAM-07-family-copy-2026-11-21.zip") == "FAM-07-family-copy-2026-11-21.encrypted.zip"
    assert inner_name("FAM-07-family-copy-2026-11-21.encrypted.zip") == "FAM-07-family-copy-2026-11-21.zip"
    assert inner_name("FAM-07-family-copy-2026-11-21.encrypted-2.zip") == "FAM-07-family-copy-2026-11-21.zip"
    assert inner_name("my copy.zip") == "my copy.zip" and inner_name(".zip") == "pack.zip"
