"""A large chunked film (200 MB, written as it is generated) is written and read in bounded memory (issue 23)."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

from vig_core.vault.chunks import DEFAULT_CHUNK, ChunkedReader, encrypted_size, write_chunked_file
from vig_core.vault.keys import DataKey

MB = 1024 * 1024
PIECES = 200  # of 1 MiB, with 12345 bytes more at the end


def piece(i: int) -> bytes:
    """Piece ``i`` of the plaintext: made again on demand, so the test never holds the whole film."""
    if i == PIECES:
        return (hashlib.sha256(b"end").digest() * 386)[:12345]
    return hashlib.sha256(i.to_bytes(4, "big")).digest() * (MB // 32)


def expected(offset: int, length: int) -> bytes:
    out = b""
    while length > 0 and offset < PIECES * MB + 12345:
        i, within = divmod(offset, MB)
        part = piece(i)[within:within + length]
        out, offset, length = out + part, offset + len(part), length - len(part)
    return out


def test_a_200_mb_film_is_written_and_read_in_bounded_memory(tmp_path: Path):
    key, path = DataKey.generate(), tmp_path / "film.vig"
    size = PIECES * MB + 12345
    tracemalloc.start()
    try:
        assert write_chunked_file(path, key, (piece(i) for i in range(PIECES + 1))) == size
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with ChunkedReader(path, key) as reader:
            view, total = reader.file(), 0
            while block := view.read(4 * MB):
                total += len(block)
            for offset in (0, 1, DEFAULT_CHUNK - 1, 77 * MB + 5, size - 100, size - 1):
                assert reader.read(offset, 300_000) == expected(offset, 300_000), offset
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size and path.stat().st_size == encrypted_size(size)
    assert write_peak < 8 * MB, write_peak  # about one 1 MiB piece, one chunk and its ciphertext
    assert read_peak < 16 * MB, read_peak  # one 4 MiB block, its copy, and the chunk cache
