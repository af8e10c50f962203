"""Films in a vault: imported, probed, stilled, cut, served, uploaded and exported while every film
file in the data folder stays chunk-encrypted (issue 23; see docs/vault.md, "Where plaintext exists")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest
from starlette.applications import Starlette

from media_fixtures import ffmpeg, make
from vig_core.exports.bundle import export_case_bundle
from vig_core.media import loopback
from vig_core.media.edit import cut_clip
from vig_core.media.ffmpeg import run_ffmpeg
from vig_core.media.listening import listen
from vig_core.media.probe import MediaError, probe
from vig_core.media.stills import still_png
from vig_core.services import recordings
from vig_core.services.uploads import UploadTickets
from vig_core.services.vault import create_vault
from vig_core.storage import vaulting
from vig_core.storage.media_source import open_plaintext
from vig_core.storage.recovery import clean_writers
from vig_core.storage.scratch import scratch_base
from vig_core.vault.chunks import DEFAULT_CHUNK, HEADER, TAG_BYTES
from vig_core.vault.errors import DamagedMedia
from vig_core.web.route import media_routes
from vig_core.web.tokens import MediaTokens

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

PASSPHRASE = "a passphrase long enough"


def is_sealed(path: Path) -> bool:
    data = path.read_bytes()
    return data.startswith(b"VIGM") and b"ftyp" not in data and b"moov" not in data


def plaintext(path: Path) -> bytes:
    with open_plaintext(path) as handle:
        return handle.read()


def scratch_left() -> set[str]:
    return {p.name for p in scratch_base().glob("vig-work-*")}


@pytest.fixture
def vault(store, case_id) -> tuple:
    create_vault(store.root, PASSPHRASE)
    yield store, case_id
    vaulting.drop_key(store.root)


@pytest.fixture
def sealed_film(vault, films) -> tuple[Path, bytes]:
    """A film whose index is at its end, encrypted into the data folder (read back by seeking)."""
    store, case_id = vault
    source = films / "long moov at end.mp4"
    if not source.exists():  # about 2 MB: some 30 chunks
        ffmpeg("-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30:duration=4", "-c:v", "libx264",
               "-b:v", "4M", "-pix_fmt", "yuv420p", str(source))
    target = store.new_folder(case_id, "recordings", "r1") / "film.mp4"
    with open(source, "rb") as handle:
        vaulting.copy_into_media(handle, target)
    return target, source.read_bytes()


def test_an_imported_film_its_original_stills_and_clips_are_encrypted_and_read_as_before(vault, films):
    store, case_id = vault
    before = scratch_left()
    recording = recordings.import_recording(store, case_id, 1, make("h264_aac.mp4", films), keep_original=True)
    folder = store.case_folder(case_id)
    film, original = folder / recording.playable, folder / recording.original
    assert is_sealed(film) and is_sealed(original)
    assert plaintext(original) == make("h264_aac.mp4", films).read_bytes()
    assert recording.duration == pytest.approx(2.0, abs=0.1) and recording.has_audio
    assert probe(film).video_codec == "h264"
    assert still_png(film, 1.0).startswith(b"\x89PNG")
    assert listen(film).duration == pytest.approx(2.0, abs=0.1)  # its own ffmpeg, through the loopback
    clip = cut_clip(film, 0.5, 1.5, store.new_folder(case_id, "exports") / "clip.mp4")
    assert is_sealed(clip) and probe(clip).duration == pytest.approx(1.0, abs=0.1)
    assert recordings.file_fingerprint(original) == recordings.file_fingerprint(make("h264_aac.mp4", films))
    assert scratch_left() == before  # ffmpeg's plain output went with it
    vaulting.drop_key(store.root)  # locked: nothing reads
    with pytest.raises(Exception, match="locked|Locked"):
        probe(film)


def test_ffmpeg_seeks_through_the_loopback_to_an_index_at_the_end(sealed_film):
    film, data = sealed_film
    assert is_sealed(film)
    info = probe(film)
    assert info.duration == pytest.approx(4.0, abs=0.1)
    with loopback.ffmpeg_inputs(["-i", str(film)]) as args:
        assert args[:3] == ["-seekable", "1", "-i"] and args[3].startswith("http://127.0.0.1:")
        url = args[3]
        import urllib.request
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Range": "bytes=100-199"})) as answer:
            assert answer.status == 206 and answer.read() == data[100:200]
    with pytest.raises(OSError):  # withdrawn when ffmpeg is over
        urllib.request.urlopen(url)
    assert cut_clip(film, 0.2, 1.0, film.with_name("clip.mp4")).exists()


def test_the_media_route_serves_ranges_of_the_plaintext_and_never_a_damaged_chunk(sealed_film, clock):
    film, data = sealed_film
    tokens = MediaTokens(clock=clock)
    url = tokens.issue(film, ttl=60, name="film.mp4")
    with TestClient(Starlette(routes=media_routes(tokens))) as client:
        whole = client.get(url)
        assert whole.status_code == 200 and whole.content == data
        assert whole.headers["cache-control"] == "no-store" and whole.headers["x-content-type-options"] == "nosniff"
        part = client.get(url, headers={"Range": "bytes=70000-200000"})
        assert len(data) > 22 * DEFAULT_CHUNK
        assert part.status_code == 206 and part.content == data[70000:200001]
        assert part.headers["content-range"] == f"bytes 70000-200000/{len(data)}"
        assert client.get(url, headers={"Range": "bytes=-10"}).content == data[-10:]
        head = client.head(url, headers={"Range": "bytes=5-"})
        assert head.status_code == 206 and head.headers["content-length"] == str(len(data) - 5)
        past = client.get(url, headers={"Range": f"bytes={len(data)}-"})
        assert past.status_code == 416 and past.headers["content-range"] == f"bytes */{len(data)}"
        # One chunk damaged: before it reads, from it an error, never its bytes.
        raw = bytearray(film.read_bytes())
        raw[HEADER.size + 20 * (DEFAULT_CHUNK + TAG_BYTES) + 10] ^= 1
        film.write_bytes(bytes(raw))
        assert client.get(url, headers={"Range": "bytes=0-999"}).content == data[:1000]
        at = 20 * DEFAULT_CHUNK
        damaged = client.get(url, headers={"Range": f"bytes={at}-{at + 9}"})
        assert damaged.status_code == 500 and damaged.content == b"Damaged"
        with pytest.raises(DamagedMedia):  # cut off after the first MiB, the damaged bytes never sent
            client.get(url, headers={"Range": "bytes=0-"})
    with pytest.raises(DamagedMedia):  # ffmpeg would take the cut connection for the end: refused instead
        cut_clip(film, 0.2, 3.9, film.with_name("clip.mp4"))
    assert not film.with_name("clip.mp4").exists()


def test_the_family_copy_holds_the_plain_playable_film(vault, films, tmp_path):
    store, case_id = vault
    recordings.import_recording(store, case_id, 1, make("h264_aac.mp4", films))
    out = tmp_path / "copy.zip"
    export_case_bundle(store, case_id, out)
    with zipfile.ZipFile(out) as archive:
        names = [n for n in archive.namelist() if n.endswith("film.mp4")]
        assert names
        (tmp_path / "film.mp4").write_bytes(archive.read(names[0]))
        activity = [n for n in archive.namelist() if n.endswith(".jsonl")]
        assert all(not archive.read(n).startswith(b"~") for n in activity)
    assert (tmp_path / "film.mp4").read_bytes()[4:8] == b"ftyp"
    assert probe(tmp_path / "film.mp4").duration == pytest.approx(2.0, abs=0.1)


def test_an_upload_through_the_route_leaves_no_plaintext_and_imports(vault, films, clock):
    from vig_core.web.upload import upload_routes
    store, case_id = vault
    data = make("moov_at_end.mp4", films).read_bytes()
    tickets = UploadTickets(clock=clock, free=lambda folder: 10 ** 13)
    upload = tickets.issue(store, case_id, "visit.mp4", len(data))
    piece = 40_000
    with TestClient(Starlette(routes=upload_routes(tickets, MediaTokens()))) as client:
        for offset in range(0, len(data), piece):
            answer = client.put(f"/api/upload/{upload.ticket}", content=data[offset:offset + piece],
                                headers={"Upload-Offset": str(offset)})
            assert answer.status_code == 200, answer.text
        assert answer.json()["done"] is True
        again = client.put(f"/api/upload/{upload.ticket}", content=b"x", headers={"Upload-Offset": "0"})
        assert again.status_code == 409
    for path in (store.case_folder(case_id) / "uploads").rglob("*"):
        assert path.is_dir() or (path.read_bytes().startswith(b"VIGM") and b"ftyp" not in path.read_bytes())
    taken = tickets.take(upload.ticket, case_id)
    assert plaintext(taken.path) == data
    assert recordings.file_fingerprint(taken.path) == recordings.file_fingerprint(make("moov_at_end.mp4", films))
    recording = recordings.import_recording(store, case_id, 1, taken.path, original_name="visit.mp4",
                                            keep_original=True)
    assert plaintext(store.case_folder(case_id) / recording.original) == data
    recordings.discard_upload(taken.path)
    assert not taken.path.exists()


def test_no_plaintext_stays_in_memory_storage_after_a_failed_or_killed_ffmpeg(vault, films):
    store, case_id = vault
    before = scratch_left()
    target = store.new_folder(case_id, "exports") / "out.mp4"
    with pytest.raises(MediaError):
        run_ffmpeg(["-hide_banner", "-nostdin", "-y", "-i", str(make("random.mp4", films)), "-f", "mp4",
                    str(target)], target, 2.0)
    assert scratch_left() == before and not target.exists()
    # Killed while a scratch folder holds plaintext: the next start's cleaning removes it.
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from vig_core.storage.scratch import scratch_folder\n"
        "with scratch_folder(Path(sys.argv[1])) as f:\n"
        "    (f / 'film.mp4').write_bytes(b'plain'); print(f, flush=True); time.sleep(60)\n"), str(store.root)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2])
    folder = Path(child.stdout.readline().strip())
    assert (folder / "film.mp4").exists()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    clean_writers(store.root)
    assert not folder.exists()


def test_a_full_disk_while_a_vaults_film_is_encrypted_says_so_and_leaves_nothing(tmp_path, monkeypatch):
    """The vault's writer meets a full disk half-way through an imported film: one plain sentence,
    no recording, no half-written (or plaintext) file left."""
    import errno
    from datetime import date

    from conftest import make_case
    from vig_core.case.consent import ConsentKind
    from vig_core.errors import StoreError
    from vig_core.services.recordings import import_recording
    from vig_core.storage.store import CaseStore
    from vig_core.vault import chunks

    store = CaseStore(tmp_path / "data")
    create_vault(store.root, "a passphrase long enough")
    case = make_case(store)
    store.update(case.id, lambda c: c.consent.give(ConsentKind.FILMING, date(2026, 1, 5)))
    real_write = chunks.ChunkedWriter.write
    written = [0]

    def filling(self, data):
        written[0] += len(memoryview(data))
        if written[0] > 20_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(chunks.ChunkedWriter, "write", filling)
    with pytest.raises(StoreError, match="The disk is full"):
        import_recording(store, case.id, 1, make("h264_aac.mp4", tmp_path), keep_original=True)
    assert store.load(case.id).recordings == []
    assert [p for p in store.case_folder(case.id).rglob("*") if p.is_file() and "recordings" in p.parts] == []
    vaulting.drop_key(store.root)
