"""Films in authenticated chunks: read at any offset, and every damage refused (issue 23)."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vig_core.vault import chunks
from vig_core.vault.chunks import ChunkedReader, ChunkedWriter, write_chunked_file
from vig_core.vault.errors import DamagedMedia
from vig_core.vault.keys import DataKey

KEY = DataKey.generate()
SMALL = 1024  # the smallest chunk size, so that tests cross many chunks with little data
PLAIN = os.urandom(10 * SMALL + 123)


def pieces(data: bytes, sizes: tuple[int, ...] = (1, 7, 1000, 3000, 5)):
    at, turn = 0, 0
    while at < len(data):
        size = sizes[turn % len(sizes)]
        yield data[at:at + size]
        at, turn = at + size, turn + 1


def written(tmp_path: Path, data: bytes, name: str = "film.vig", chunk_size: int = SMALL, key=KEY) -> Path:
    path = tmp_path / name
    assert write_chunked_file(path, key, pieces(data), chunk_size=chunk_size) == len(data)
    return path


@pytest.fixture(scope="module")
def film(tmp_path_factory) -> Path:
    return written(tmp_path_factory.mktemp("chunks"), PLAIN)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(PLAIN) + 50), st.integers(0, 4 * SMALL))
def test_any_range_reads_as_the_plaintext(film: Path, offset: int, length: int):
    with ChunkedReader(film, KEY) as reader:
        assert reader.size == len(PLAIN)
        assert reader.read(offset, length) == PLAIN[offset:offset + length]


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=5 * SMALL), st.lists(st.integers(1, 3 * SMALL), min_size=1, max_size=6))
def test_any_way_of_writing_gives_the_same_plaintext(tmp_path_factory, data: bytes, sizes: list[int]):
    path = tmp_path_factory.mktemp("w") / "f.vig"
    with path.open("wb") as handle, ChunkedWriter(handle, KEY, SMALL) as writer:
        for piece in pieces(data, tuple(sizes)):
            writer.write(memoryview(piece))
    assert path.stat().st_size == chunks.encrypted_size(len(data), SMALL)
    with ChunkedReader(path, KEY) as reader:
        assert reader.read(0, len(data) + 1) == data


@pytest.mark.parametrize("length", [0, 1, SMALL - 1, SMALL, SMALL + 1, 3 * SMALL, 3 * SMALL + 1])
def test_empty_files_and_sizes_at_chunk_boundaries(tmp_path: Path, length: int):
    data = os.urandom(length)
    path = written(tmp_path, data)
    count = max(1, -(-length // SMALL))
    assert path.stat().st_size == chunks.HEADER.size + length + 16 * count
    with ChunkedReader(path, KEY) as reader:
        assert (reader.size, reader.chunk_count) == (length, count)
        assert reader.read(0, length + 10) == data
        assert reader.read(length, 10) == b""
        if length:
            assert reader.read(length - 1, 5) == data[-1:]


def test_the_file_view_reads_seeks_and_tells(film: Path):
    with ChunkedReader(film, KEY) as reader:
        view = reader.file()
        assert view.readable() and view.seekable() and view.size == len(PLAIN)
        assert view.read(10) == PLAIN[:10] and view.tell() == 10
        view.seek(SMALL - 3)
        assert view.read(6) == PLAIN[SMALL - 3:SMALL + 3]
        view.seek(-5, io.SEEK_END)
        assert view.read() == PLAIN[-5:] and view.read(3) == b""
        view.seek(2 * SMALL)
        view.seek(7, io.SEEK_CUR)
        buffer = bytearray(SMALL)
        assert view.readinto(buffer) == SMALL and bytes(buffer) == PLAIN[2 * SMALL + 7:3 * SMALL + 7]
        assert io.BufferedReader(reader.file(), 4096).read() == PLAIN


def test_the_plaintext_is_not_in_the_file_and_each_write_has_its_own_id(tmp_path: Path):
    text = b"Ada plays with the blue bricks. " * 200
    first, second = written(tmp_path, text, "a.vig"), written(tmp_path, text, "b.vig")
    assert b"Ada plays" not in first.read_bytes()
    assert first.read_bytes()[5:21] != second.read_bytes()[5:21]  # file ids
    assert first.read_bytes()[chunks.HEADER.size:] != second.read_bytes()[chunks.HEADER.size:]
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600


def damaged(path: Path, change) -> Path:
    data = bytearray(path.read_bytes())
    change(data)
    out = path.with_name("damaged.vig")
    out.write_bytes(bytes(data))
    return out


def chunk_at(index: int) -> int:
    return chunks.HEADER.size + index * (SMALL + 16)


def refused(path: Path, match: str, *, offset: int = 0, length: int | None = None) -> DamagedMedia:
    with pytest.raises(DamagedMedia, match=match) as raised, ChunkedReader(path, KEY) as reader:
        reader.read(offset, len(PLAIN) if length is None else length)
    return raised.value


def test_a_changed_byte_in_a_chunk_is_refused_and_names_its_chunk(film: Path):
    path = damaged(film, lambda d: d.__setitem__(chunk_at(4) + 100, d[chunk_at(4) + 100] ^ 1))
    error = refused(path, r"part 5 of 11 fails its check")
    assert error.chunk == 4
    with ChunkedReader(path, KEY) as reader:  # the chunks around it still read
        assert reader.read(0, 4 * SMALL) == PLAIN[:4 * SMALL]
        assert reader.read(5 * SMALL, SMALL) == PLAIN[5 * SMALL:6 * SMALL]
        with pytest.raises(DamagedMedia):
            reader.file().read()


def test_a_changed_tag_is_refused(film: Path):
    refused(damaged(film, lambda d: d.__setitem__(chunk_at(1) - 1, d[chunk_at(1) - 1] ^ 0x80)), "part 1 of 11")


def test_two_chunks_swapped_are_refused(film: Path):
    def swap(d: bytearray) -> None:
        a, b = bytes(d[chunk_at(2):chunk_at(3)]), bytes(d[chunk_at(3):chunk_at(4)])
        d[chunk_at(2):chunk_at(4)] = b + a

    assert refused(damaged(film, swap), "part 3 of 11").chunk == 2


def test_a_chunk_from_another_file_is_refused(tmp_path: Path, film: Path):
    other = written(tmp_path, PLAIN, "other.vig").read_bytes()  # same plaintext, same key, another file
    def transplant(d: bytearray) -> None:
        d[chunk_at(6):chunk_at(7)] = other[chunk_at(6):chunk_at(7)]

    assert refused(damaged(film, transplant), "part 7 of 11").chunk == 6


def test_a_file_cut_at_a_chunk_boundary_with_its_length_fixed_is_refused(film: Path):
    def cut(d: bytearray) -> None:
        del d[chunk_at(5):]
        d[chunks.HEADER.size - 8:chunks.HEADER.size] = (5 * SMALL).to_bytes(8, "big")

    assert refused(damaged(film, cut), "part 5 of 5").chunk == 4  # its last chunk was not written as last


@pytest.mark.parametrize("change", [
    lambda d: d.__delitem__(slice(chunk_at(5), None)),  # cut, header untouched
    lambda d: d.__delitem__(slice(-1, None)),
    lambda d: d.extend(b"\x00" * 16),  # bytes added
    lambda d: d.__delitem__(slice(chunk_at(2), chunk_at(3))),  # a chunk taken out
    lambda d: d.__setitem__(slice(chunks.HEADER.size - 8, chunks.HEADER.size), (1 << 40).to_bytes(8, "big")),
])
def test_a_file_of_the_wrong_size_is_refused_when_opened(film: Path, change):
    refused(damaged(film, change), "cut short or has bytes added")


def test_a_changed_chunk_size_or_file_id_is_refused(film: Path):
    size_at = chunks.HEADER.size - 12
    # chunk size 1025: the layout no longer matches, or the chunks fail their check
    with pytest.raises(DamagedMedia):
        ChunkedReader(damaged(film, lambda d: d.__setitem__(size_at + 3, 1)), KEY)
    refused(damaged(film, lambda d: d.__setitem__(10, d[10] ^ 1)), "part 11 of 11")  # the file id


def test_a_file_that_is_not_a_chunked_film_is_refused(tmp_path: Path, film: Path):
    plain = tmp_path / "plain.mp4"
    plain.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(100))
    refused(plain, "not an encrypted film")
    refused(damaged(film, lambda d: d.__setitem__(4, 2)), "newer version")
    (tmp_path / "tiny").write_bytes(b"VIGM")
    refused(tmp_path / "tiny", "not an encrypted film")


def test_another_key_reads_nothing(film: Path):
    with pytest.raises(DamagedMedia):
        ChunkedReader(film, DataKey.generate())


def test_a_failed_write_leaves_no_file(tmp_path: Path):
    def failing():
        yield b"x" * 5000
        raise RuntimeError("the upload stopped")

    with pytest.raises(RuntimeError):
        write_chunked_file(tmp_path / "film.vig", KEY, failing(), chunk_size=SMALL)
    assert list(tmp_path.iterdir()) == []


def test_one_reader_serves_threads_at_once(film: Path):
    from concurrent.futures import ThreadPoolExecutor

    offsets = [(i * 397) % len(PLAIN) for i in range(300)]
    with ChunkedReader(film, KEY, cache_chunks=2) as reader, ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda at: reader.read(at, 1500), offsets))
    assert got == [PLAIN[at:at + 1500] for at in offsets]


def test_the_writer_refuses_what_it_cannot_do():
    with pytest.raises(ValueError):
        ChunkedWriter(io.BytesIO(), KEY, chunk_size=100)
    writer = ChunkedWriter(io.BytesIO(), KEY, SMALL)
    writer.close()
    with pytest.raises(ValueError):
        writer.write(b"late")
