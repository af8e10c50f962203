"""Only the practitioner's own browser gets in (issue 18, items 1-3): launch keys, the session
cookie, exact origins and hosts, and no framing, checked on the middleware in front of a bare app."""

from __future__ import annotations

import os
import stat
import warnings
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from vig_core.web import access
from vig_core.web.access import AccessMiddleware, cookie_name, new_launch_key, new_session_cookie, use_launch_key

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

PORT = 8501
BASE = f"http://127.0.0.1:{PORT}"
OWN = {"origin": BASE, "host": f"127.0.0.1:{PORT}"}  # the test client says "testserver" for websockets


async def page(request):
    return PlainTextResponse("the family's words")


async def stream(websocket: WebSocket):
    await websocket.accept()
    await websocket.send_text("the family's words")
    await websocket.close()


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    app = Starlette(routes=[Route("/{path:path}", page), WebSocketRoute("/_stcore/stream", stream)])
    app.add_middleware(AccessMiddleware, root=tmp_path, port=PORT)
    return TestClient(app, base_url=BASE, follow_redirects=False)


def let_in(client: TestClient, root: Path) -> None:
    client.cookies.set(cookie_name(PORT), new_session_cookie(root))


@pytest.mark.parametrize("path", ["/", "/case?case=demo", "/_stcore/health", "/_stcore/metrics",
                                  "/api/media/abc/film.mp4", "/static/js/index.js",
                                  "/component/streamlit_player.streamlit_player/index.html"])
def test_without_the_cookie_every_request_gets_the_plain_page(client, path) -> None:
    answer = client.get(path)
    assert answer.status_code == 403
    assert "the family's words" not in answer.text and "run command" in answer.text
    assert answer.headers["x-frame-options"] == "SAMEORIGIN"


def test_a_launch_key_is_exchanged_once_for_a_strict_httponly_cookie(client, tmp_path) -> None:
    key = new_launch_key(tmp_path)
    answer = client.get(f"/case?case=demo&key={key}")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/case?case=demo"  # the key stays out of history and bookmarks
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{cookie_name(PORT)}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/case?case=demo").text == "the family's words"  # the cookie, kept by the client
    assert client.get("/_stcore/health").status_code == 200

    stranger = TestClient(client.app, base_url=BASE, follow_redirects=False)
    assert stranger.get(f"/case?key={key}").status_code == 403  # used once: gone


def test_launch_keys_expire_and_are_kept_only_hashed_in_private_files(tmp_path) -> None:
    key = new_launch_key(tmp_path, now=1000.0)
    folder = tmp_path / access.ACCESS_FOLDER
    assert key not in (folder / access.KEYS_FILE).read_text()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for name in os.listdir(folder):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600
    assert not use_launch_key(tmp_path, key, now=1000.0 + access.LAUNCH_KEY_SECONDS + 1)
    fresh = new_launch_key(tmp_path, now=5000.0)
    assert not use_launch_key(tmp_path, fresh + "x", now=5001.0)
    assert use_launch_key(tmp_path, fresh, now=5001.0)


def test_a_forged_or_other_workbooks_cookie_is_refused(client, tmp_path) -> None:
    client.cookies.set(cookie_name(PORT), "abc.def")
    assert client.get("/").status_code == 403
    other = tmp_path / "other"
    client.cookies.set(cookie_name(PORT), new_session_cookie(other))  # signed with another data folder's secret
    assert client.get("/").status_code == 403


def test_other_origins_and_hosts_are_refused_even_with_the_cookie(client, tmp_path) -> None:
    let_in(client, tmp_path)
    assert client.get("/", headers=OWN).status_code == 200
    assert client.get("/", headers={"origin": f"http://localhost:{PORT}"}).status_code == 200
    for origin in ["http://localhost:3000", "http://127.0.0.1:8700", "http://evil.example", "null"]:
        assert client.get("/", headers={"origin": origin}).status_code == 403, origin
    assert client.get("/", headers={"host": "evil.example"}).status_code == 403  # DNS rebinding
    assert client.get("/", headers={"host": "127.0.0.1:9999"}).status_code == 403


def test_every_answer_forbids_framing_by_other_pages(client, tmp_path) -> None:
    let_in(client, tmp_path)
    answer = client.get("/")
    assert answer.headers["x-frame-options"] == "SAMEORIGIN"
    assert answer.headers["content-security-policy"] == "frame-ancestors 'self'"


def test_the_websocket_needs_the_cookie_and_exactly_the_workbooks_origin(client, tmp_path) -> None:
    cookie = {"cookie": f"{cookie_name(PORT)}={new_session_cookie(tmp_path)}"}
    for headers in [OWN, {**cookie, **OWN, "origin": "http://localhost:3000"},
                    {**cookie, **OWN, "origin": "http://127.0.0.1:8700"}, {**cookie, "host": OWN["host"]}]:
        with pytest.raises(WebSocketDisconnect), client.websocket_connect("/_stcore/stream", headers=headers) as ws:
            ws.receive_text()
    with client.websocket_connect("/_stcore/stream", headers={**cookie, **OWN}) as ws:
        assert ws.receive_text() == "the family's words"
