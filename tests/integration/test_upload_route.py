"""Films received in pieces through the real upload route, behind the real access check (issue 21).

The route is mounted on a bare Starlette app with :class:`AccessMiddleware` in front, as app.py
mounts it beside Streamlit; the browser's cookie and origin are given as the workbook's page
would send them. Films are bytes: the route never looks inside a file.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
import warnings
from datetime import date
from pathlib import Path

import pytest
from starlette.applications import Starlette

from bench import upload as upload_bench
from conftest import make_case
from vig_core.errors import NotFoundError, ValidationError
from vig_core.services import erasure, recordings
from vig_core.services.uploads import PIECE_MAX, TICKET_TTL, UploadTickets
from vig_core.web import upload as upload_route
from vig_core.web.access import AccessMiddleware, cookie_name, new_session_cookie
from vig_core.web.tokens import MediaTokens
from vig_core.web.upload import upload_routes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PORT = 8501
BASE = f"http://127.0.0.1:{PORT}"
OWN = {"origin": BASE}
MB = 1024 * 1024


@pytest.fixture
def lock() -> MediaTokens:
    return MediaTokens()


@pytest.fixture
def tickets(clock) -> UploadTickets:
    return UploadTickets(clock=clock, free=lambda folder: 10 ** 13)


@pytest.fixture
def client(data_dir: Path, tickets: UploadTickets, lock: MediaTokens) -> TestClient:
    app = Starlette(routes=upload_routes(tickets, lock))
    app.add_middleware(AccessMiddleware, root=data_dir, port=PORT)
    test_client = TestClient(app, base_url=BASE, follow_redirects=False)
    test_client.cookies.set(cookie_name(PORT), new_session_cookie(data_dir))
    return test_client


@pytest.fixture
def case_id(store) -> str:
    return make_case(store).id


def put(client: TestClient, ticket: str, offset: int, data: bytes):
    return client.put(f"/api/upload/{ticket}", content=data, headers={**OWN, "Upload-Offset": str(offset)})


def send(client: TestClient, ticket: str, data: bytes, start: int = 0, piece: int = PIECE_MAX) -> dict:
    answer = None
    for offset in range(start, len(data), piece):
        answer = put(client, ticket, offset, data[offset:offset + piece])
        assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_film_arrives_in_pieces_whole_private_and_handed_to_the_import(client, tickets, store, case_id):
    data = os.urandom(2 * PIECE_MAX + 12345)
    upload = tickets.issue(store, case_id, "visit 3.MOV", len(data))
    assert upload.path.parent == store.case_folder(case_id) / "uploads" and upload.path.suffix == ".mov"
    assert stat.S_IMODE(upload.path.stat().st_mode) == 0o600
    assert send(client, upload.ticket, data) == {"received": len(data), "size": len(data), "done": True}
    assert upload.path.read_bytes() == data
    assert stat.S_IMODE(upload.path.stat().st_mode) == 0o600
    answer = client.get(f"/api/upload/{upload.ticket}", headers=OWN)
    assert answer.json()["done"] is True and answer.headers["cache-control"] == "no-store"
    assert "access-control-allow-origin" not in answer.headers
    with pytest.raises(NotFoundError):
        tickets.take(upload.ticket, "another-case")
    taken = tickets.take(upload.ticket, case_id)
    assert taken.name == "visit 3.MOV" and len(tickets) == 0
    assert recordings.file_fingerprint(taken.path) == recordings.fingerprint_of(io.BytesIO(data), len(data))
    recordings.discard_upload(taken.path)  # as the import does when it is over
    assert not upload.path.exists()


def test_without_the_cookie_or_from_another_origin_nothing_is_written(client, tickets, store, case_id):
    upload = tickets.issue(store, case_id, "visit.mp4", 100)
    client.cookies.clear()
    assert put(client, upload.ticket, 0, b"x" * 100).status_code == 403
    assert client.get(f"/api/upload/{upload.ticket}").status_code == 403
    client.cookies.set(cookie_name(PORT), new_session_cookie(store.root))
    answer = client.put(f"/api/upload/{upload.ticket}", content=b"x" * 100,
                        headers={"origin": "http://localhost:3000", "Upload-Offset": "0"})
    assert answer.status_code == 403
    assert upload.path.stat().st_size == 0 and tickets.status(upload.ticket)["received"] == 0


def test_an_interrupted_upload_carries_on_from_the_servers_count(client, tickets, store, case_id):
    data = os.urandom(3 * MB + 7)
    upload = tickets.issue(store, case_id, "visit.mp4", len(data))
    assert put(client, upload.ticket, 0, data[:MB]).json()["received"] == MB
    # The answer was lost: the browser sends the same piece again, and is told where to carry on.
    again = put(client, upload.ticket, 0, data[:MB])
    assert again.status_code == 409 and again.json()["received"] == MB and "carry on" in again.json()["error"]
    ahead = put(client, upload.ticket, 2 * MB, data[2 * MB:3 * MB])
    assert ahead.status_code == 409 and ahead.json()["received"] == MB
    # A reloaded tab asks the page for the ticket again (same case, name and size) and then the route.
    assert tickets.issue(store, case_id, "visit.mp4", len(data)).ticket == upload.ticket
    head = client.head(f"/api/upload/{upload.ticket}", headers=OWN)
    assert head.headers["upload-offset"] == str(MB) and head.headers["upload-length"] == str(len(data))
    assert send(client, upload.ticket, data, start=MB, piece=MB)["done"] is True
    assert hashlib.sha256(upload.path.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert put(client, upload.ticket, len(data), b"x").status_code in (409, 413)  # nothing after the end


def test_a_piece_cut_short_keeps_what_arrived(client, tickets, store, case_id, monkeypatch):
    upload = tickets.issue(store, case_id, "visit.mp4", 3 * MB)

    async def cut_short(self):
        yield b"a" * MB
        raise upload_route.ClientDisconnect()

    monkeypatch.setattr(upload_route.Request, "stream", cut_short)
    put(client, upload.ticket, 0, b"a" * (2 * MB))
    monkeypatch.undo()
    assert tickets.status(upload.ticket) == {"received": MB, "size": 3 * MB, "done": False}
    assert send(client, upload.ticket, b"a" * (3 * MB), start=MB)["done"] is True


def test_pieces_too_large_or_past_the_declared_size_are_refused(client, tickets, store, case_id):
    upload = tickets.issue(store, case_id, "visit.mp4", PIECE_MAX + 5)
    too_big = put(client, upload.ticket, 0, b"x" * (PIECE_MAX + 1))
    assert too_big.status_code == 413 and too_big.json()["received"] == 0
    assert put(client, upload.ticket, 0, b"x" * 10).status_code == 200
    past = put(client, upload.ticket, 10, b"x" * PIECE_MAX)
    assert past.status_code == 413 and "declared size" in past.json()["error"]
    assert upload.path.stat().st_size == 10
    assert client.put(f"/api/upload/{upload.ticket}", content=b"x", headers=OWN).status_code == 400
    assert put(client, "forged-ticket", 0, b"x").status_code == 404


def test_a_film_that_will_not_fit_is_refused_before_any_byte(store, case_id, clock):
    tickets = UploadTickets(clock=clock, free=lambda folder: 3 * 1000 ** 3)
    with pytest.raises(ValidationError) as refused:
        tickets.issue(store, case_id, "long visit.mov", 2 * 1000 ** 3)
    assert str(refused.value) == ("“long visit.mov” needs about 4.4 GB free on this computer's disk (the film, "
                                  "its playable copy and some room to spare) and only 3.0 GB is free, so it "
                                  "was not uploaded.")
    assert len(tickets) == 0 and not list((store.case_folder(case_id) / "uploads").iterdir())
    with pytest.raises(ValidationError, match="does not look like a film"):
        tickets.issue(store, case_id, "notes.txt", 10)


def test_a_full_disk_says_so_and_removes_the_partial_film(client, tickets, store, case_id, monkeypatch):
    upload = tickets.issue(store, case_id, "visit.mp4", 3 * MB)
    assert put(client, upload.ticket, 0, b"x" * MB).status_code == 200

    def full(handle, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(upload_route, "_write_all", full)
    answer = put(client, upload.ticket, MB, b"x" * MB)
    assert answer.status_code == 507
    assert answer.json()["error"] == ("“visit.mp4”: The disk is full, so receiving the film did not happen. "
                                      "Free some space and try again.")
    assert not upload.path.exists() and len(tickets) == 0
    assert client.get(f"/api/upload/{upload.ticket}", headers=OWN).status_code == 404


def test_while_locked_every_request_gets_403(client, tickets, lock, store, case_id):
    upload = tickets.issue(store, case_id, "visit.mp4", 10)
    lock.set_locked(True)
    assert put(client, upload.ticket, 0, b"x" * 10).status_code == 403
    assert client.get(f"/api/upload/{upload.ticket}", headers=OWN).status_code == 403
    lock.set_locked(False)
    assert put(client, upload.ticket, 0, b"x" * 10).json()["done"] is True


def test_a_ticket_writes_only_its_own_cases_file(client, tickets, store, case_id):
    other = make_case(store, "FAM-02", "Bea").id
    mine = tickets.issue(store, case_id, "visit.mp4", 10)
    theirs = tickets.issue(store, other, "visit.mp4", 10)
    assert mine.ticket != theirs.ticket and mine.path.parent != theirs.path.parent
    assert put(client, mine.ticket, 0, b"m" * 10).json()["done"] is True
    assert theirs.path.read_bytes() == b"" and mine.path.read_bytes() == b"m" * 10
    with pytest.raises(NotFoundError):
        tickets.take(mine.ticket, other)  # the other case's page cannot import it either
    assert [p.name for p in (store.case_folder(other) / "uploads").iterdir()] == [theirs.path.name]


def test_abandoned_uploads_are_removed_and_erasing_a_case_removes_its_own(client, tickets, store, case_id, clock,
                                                                          monkeypatch):
    monkeypatch.setattr(erasure, "TICKETS", tickets)  # the app's registry, as far as erasing knows
    old = tickets.issue(store, case_id, "old.mp4", 100)
    put(client, old.ticket, 0, b"x" * 50)
    clock.now += TICKET_TTL - 1
    fresh = tickets.issue(store, case_id, "fresh.mp4", 100)
    assert old.path.exists()
    clock.now += 2
    assert client.get(f"/api/upload/{old.ticket}", headers=OWN).status_code == 404
    assert not old.path.exists() and fresh.path.exists()
    erasure.erase_case(store, case_id, date(2026, 2, 1))
    assert not fresh.path.exists() and len(tickets) == 0
    assert put(client, fresh.ticket, 0, b"x" * 100).status_code == 404


def test_a_three_gigabyte_film_streams_to_a_real_server_with_flat_memory():
    """bench/upload.py's server (the route and the access check under uvicorn, in its own process)
    takes a sparse 3 GB film in the drop zone's pieces; its memory stays flat (a bound, not a speed)."""
    speed, memory = upload_bench.measure(size_mb=3072)
    assert "3072 MB film" in speed.what
    assert memory.met is True, memory.figure
