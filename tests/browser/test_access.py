"""Only the practitioner's own browser gets in (issue 18, items 1-3), against the real server:
the run command's link, another browser, another account, a page on another localhost port,
and nothing that calls out of the machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from browser.helpers import answering, free_port, settle
from conftest import make_case
from vig_core.storage.store import CaseStore
from vig_core.web.access import cookie_name, new_launch_key, new_session_cookie

pytestmark = pytest.mark.browser
HANDSHAKE = Path(__file__).with_name("raw_websocket.py")
REFUSED = "Open the workbook from its run command"


def other_page(html: str) -> tuple[str, ThreadingHTTPServer]:
    """A web page on another localhost port, as any local program could serve."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def handshake(port: int, origin: str, cookie: str = "", *, user: list[str] | None = None,
              python: str = sys.executable) -> str:
    result = subprocess.run([*(user or []), python, str(HANDSHAKE), "127.0.0.1", str(port), origin, cookie],
                            capture_output=True, text=True, timeout=30)
    return result.stdout.strip() or result.stderr.strip()


def test_the_run_commands_link_lets_in_that_browser_only(server_factory, browser: Browser, data_dir) -> None:
    store = CaseStore(data_dir)
    case = make_case(store, child="Noor")
    base = server_factory()
    practitioner = browser.new_context(viewport={"width": 1200, "height": 900})
    stranger = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        tab = practitioner.new_page()
        tab.goto(f"{base}/case?case={case.id}&key={new_launch_key(data_dir)}")
        settle(tab)
        expect(tab.get_by_role("heading", name="Where we are")).to_be_visible()
        assert "key=" not in tab.url
        second = practitioner.new_page()  # a second tab, or a bookmark, of the same browser
        second.goto(f"{base}/goals?case={case.id}")
        settle(second)
        expect(second.get_by_role("heading", name="Goals")).to_be_visible()

        other = stranger.new_page()  # another browser (profile) of this or another account
        other.goto(f"{base}/case?case={case.id}")
        expect(other.get_by_role("heading", name=REFUSED)).to_be_visible()
        assert "Noor" not in other.locator("body").inner_text()
        used = f"{base}/?key={new_launch_key(data_dir)}"
        tab.goto(used)
        other.goto(used)  # a link is good once
        expect(other.get_by_role("heading", name=REFUSED)).to_be_visible()

        # A page on another localhost port, opened in the practitioner's own browser, can neither
        # frame the workbook nor talk to its websocket.
        evil, server = other_page(f"""<iframe id="f" src="{base}/case?case={case.id}"></iframe>
            <script>
            window.result = new Promise(done => {{
              const ws = new WebSocket("ws://127.0.0.1:{urlsplit(base).port}/_stcore/stream", ["streamlit"]);
              ws.onopen = () => done("open"); ws.onerror = () => done("refused"); ws.onclose = () => done("refused");
            }});
            </script>""")
        try:
            page = practitioner.new_page()
            page.goto(evil)
            assert page.evaluate("window.result") == "refused"
            page.wait_for_timeout(1000)
            frame = page.frames[1]
            assert "Noor" not in (frame.evaluate("document.body ? document.body.innerText : ''")
                                  if not frame.url.startswith("chrome-error") else "")
        finally:
            server.shutdown()
    finally:
        practitioner.close()
        stranger.close()


def test_another_account_and_other_origins_are_refused_and_nothing_calls_out(server_factory, data_dir,
                                                                             tmp_path) -> None:
    make_case(CaseStore(data_dir), child="Noor")
    audit = tmp_path / "outbound.log"
    base = server_factory(audit=audit)
    port = urlsplit(base).port
    cookie = f"{cookie_name(port)}={new_session_cookie(data_dir)}"
    own = f"http://127.0.0.1:{port}"
    assert handshake(port, own, cookie).startswith("HTTP/1.1 101")  # the practitioner's own page
    for origin in ["http://localhost:3000", "http://127.0.0.1:8700", "http://evil.example", "null"]:
        assert handshake(port, origin, cookie).startswith("HTTP/1.1 403"), origin
    assert handshake(port, own).startswith("HTTP/1.1 403")  # no cookie
    assert answering(base)
    if os.geteuid() == 0 and shutil.which("setpriv") and Path("/usr/bin/python3").exists():
        nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        answer = handshake(port, own, user=nobody, python="/usr/bin/python3")
        assert answer.startswith("HTTP/1.1 403"), answer  # another account cannot read a key or the secret
        reading = subprocess.run([*nobody, "cat", str(data_dir / "access" / "cookie-secret")], capture_output=True)
        assert reading.returncode != 0
    calls = audit.read_text() if audit.exists() else ""
    assert calls == "", f"the server reached out of the machine:\n{calls}"
