"""Media tokens and the /api/media route: streaming with Range, and nothing else.

The route is mounted on a bare Starlette app here (the real server adds
Streamlit's middleware in front of it; see app.py). The film is random bytes:
the route never looks inside a file.
"""

from __future__ import annotations

import os
import re
import secrets
import warnings
from pathlib import Path

import pytest
from starlette.applications import Starlette

from vig_core.web import route as route_module
from vig_core.web.route import media_routes
from vig_core.web.tokens import TOKENS, MediaTokens, media_url, safe_name

with warnings.catch_warnings():
    # Starlette 1.10 prefers the "httpx2" package; httpx 0.28 still works.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SIZE = 10_000
TTL = 100.0
URL_RE = re.compile(r"^/api/media/([A-Za-z0-9_-]{43})/([A-Za-z0-9._-]+)$")


@pytest.fixture
def tokens(clock) -> MediaTokens:
    return MediaTokens(clock=clock)


@pytest.fixture
def film(tmp_path: Path) -> tuple[Path, bytes]:
    data = os.urandom(SIZE)
    path = tmp_path / "films" / "case-1" / "recording.mp4"
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return path, data


@pytest.fixture
def client(tokens: MediaTokens):
    with TestClient(Starlette(routes=media_routes(tokens))) as test_client:
        yield test_client


@pytest.fixture
def url(tokens: MediaTokens, film) -> str:
    return tokens.issue(film[0], ttl=TTL)


def token_of(url: str) -> str:
    match = URL_RE.match(url)
    assert match, url
    return match.group(1)


def assert_safe_headers(response) -> None:
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"] == "inline"
    assert not any(name.lower().startswith("access-control-") for name in response.headers)


# -- the route: whole file and HTTP Range ----------------------------------------


def test_full_get_streams_the_whole_file(client, url, film):
    response = client.get(url, headers={"Origin": "http://elsewhere.example"})
    assert response.status_code == 200
    assert response.content == film[1]
    assert response.headers["content-length"] == str(SIZE)
    assert response.headers["content-type"] == "video/mp4"
    assert response.headers["accept-ranges"] == "bytes"
    assert_safe_headers(response)


@pytest.mark.parametrize("header, start, end", [
    ("bytes=0-99", 0, 100),            # a single range: exactly 100 bytes
    ("bytes=100-", 100, SIZE),         # open-ended
    ("bytes=-500", SIZE - 500, SIZE),  # suffix: the last 500 bytes
    ("bytes=9990-20000", 9990, SIZE),  # an end past the file is cut to the file
    ("bytes=-20000", 0, SIZE),         # a suffix longer than the file is the file
    ("bytes=0-50,40-99", 0, 100),      # overlapping ranges are merged into one
])
def test_single_range_is_206_with_exact_bytes(client, url, film, header, start, end):
    response = client.get(url, headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes {start}-{end - 1}/{SIZE}"
    assert response.headers["content-length"] == str(end - start)
    assert response.headers["content-type"] == "video/mp4"
    assert response.content == film[1][start:end]
    assert_safe_headers(response)


@pytest.mark.parametrize("header", ["bytes=10000-", "bytes=20000-20010", "bytes=-0"])
def test_range_past_the_end_is_416(client, url, header):
    response = client.get(url, headers={"Range": header})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{SIZE}"
    assert response.content == b""
    assert_safe_headers(response)


def test_multiple_ranges_are_multipart_byteranges(client, url, film):
    response = client.get(url, headers={"Range": "bytes=0-9, 100-109"})
    assert response.status_code == 206
    content_type = response.headers["content-type"]
    boundary = re.fullmatch(r"multipart/byteranges; boundary=([0-9a-f]+)", content_type).group(1)
    assert "content-range" not in response.headers
    assert response.headers["content-length"] == str(len(response.content))
    parts = response.content.split(f"--{boundary}".encode())
    assert parts[0] == b"" and parts[-1] == b"--"
    bodies = []
    for part in parts[1:-1]:
        head, _, body = part.partition(b"\r\n\r\n")
        assert b"Content-Type: video/mp4" in head
        bodies.append((re.search(rb"Content-Range: bytes (\d+)-(\d+)/(\d+)", head).groups(), body[:-2]))
    assert bodies == [
        ((b"0", b"9", str(SIZE).encode()), film[1][0:10]),
        ((b"100", b"109", str(SIZE).encode()), film[1][100:110]),
    ]


@pytest.mark.parametrize("header", ["bytes=50-10", "bytes=abc", "items=0-1"])
def test_malformed_range_is_400_without_file_bytes(client, url, header):
    response = client.get(url, headers={"Range": header})
    assert response.status_code == 400
    assert len(response.content) < 100
    assert_safe_headers(response)


def test_head_sends_headers_only(client, url):
    response = client.head(url)
    assert response.status_code == 200
    assert response.headers["content-length"] == str(SIZE)
    assert response.headers["content-type"] == "video/mp4"
    assert response.content == b""
    assert_safe_headers(response)
    ranged = client.head(url, headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206
    assert ranged.headers["content-range"] == f"bytes 0-99/{SIZE}"
    assert ranged.content == b""


def test_player_query_and_fragment_do_not_matter(client, url, film):
    response = client.get(url + "?t=12#t=12")
    assert response.status_code == 200 and response.content == film[1]


def test_only_get_and_head(client, url):
    assert client.post(url).status_code == 405
    assert client.delete(url).status_code == 405


# -- the route: everything that must not be served -------------------------------


def test_forged_or_unknown_token_is_a_bare_404(client, url, film):
    for bad in [
        f"/api/media/{secrets.token_urlsafe(32)}/film.mp4",
        f"/api/media/{token_of(url)[:-1]}/film.mp4",
        f"/api/media/{MediaTokens().issue(film[0])[len('/api/media/'):]}",  # another registry's token
        "/api/media/film.mp4",
        "/api/media/",
    ]:
        response = client.get(bad)
        assert response.status_code == 404, bad
        assert response.content == b"Not found"
        assert_safe_headers(response)


def test_expired_token_is_404_and_purged(client, tokens, clock, url, film):
    clock.now += TTL - 0.01
    assert client.get(url).status_code == 200
    clock.now += 0.01
    response = client.get(url)
    assert response.status_code == 404
    assert response.content == b"Not found"
    assert len(tokens) == 0
    assert tokens.resolve(token_of(url)) is None


def test_deleted_file_is_404_and_its_token_withdrawn(client, tokens, url, film):
    film[0].unlink()
    response = client.get(url)
    assert response.status_code == 404
    assert response.content == b"Not found"
    film[0].write_bytes(b"a new recording at the same place")
    assert client.get(url).status_code == 404  # the old URL stays dead


def test_a_directory_is_never_served(client, tokens, url, film):
    film[0].unlink()
    film[0].mkdir()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", [
    "..%2F..%2F..%2Fsecret.txt", "..%2fsecret.txt", "%2E%2E%2Fsecret.txt", "a/b/../../secret.txt",
    "..%5Csecret.txt", "secret.txt", "%2Fetc%2Fpasswd",
])
def test_the_name_never_chooses_a_file(client, tokens, url, film, name, monkeypatch):
    secret = film[0].parent / "secret.txt"
    secret.write_bytes(b"SECRET NOTES")
    (film[0].parent.parent / "secret.txt").write_bytes(b"SECRET NOTES")
    touched: list[str] = []
    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: (touched.append(str(p)), real_stat(p, *a, **k))[1])

    with_token = client.get(f"/api/media/{token_of(url)}/{name}")
    assert with_token.status_code == 200
    assert with_token.content == film[1]  # the token's film, whatever the name says
    for bogus in [f"/api/media/{name}", f"/api/media/x/{name}", f"/api/media/..%2F..%2F/{name}"]:
        response = client.get(bogus)
        assert response.status_code == 404, bogus
        assert b"SECRET" not in response.content
    assert touched == [str(film[0])]  # only the one stat, for the real token


def test_locked_answers_403_to_everything_and_revokes(client, tokens, url, film):
    tokens.set_locked(True)
    for path in [url, "/api/media/bogus/film.mp4", "/api/media/"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert response.content == b"Locked"
        assert_safe_headers(response)
    assert client.get(url, headers={"Range": "bytes=0-9"}).status_code == 403
    assert client.head(url).status_code == 403
    tokens.set_locked(False)
    assert client.get(url).status_code == 404  # locking withdrew every token
    fresh = tokens.issue(film[0], ttl=TTL)
    assert fresh != url and client.get(fresh).status_code == 200


def test_revoke_all_ends_every_url(client, tokens, url, film):
    other = film[0].with_name("other.webm")
    other.write_bytes(b"x" * 10)
    second = tokens.issue(other)
    tokens.revoke_all()
    assert client.get(url).status_code == 404
    assert client.get(second).status_code == 404
    assert len(tokens) == 0


def test_default_routes_use_the_app_registry(film):
    with TestClient(Starlette(routes=media_routes())) as default_client:
        url = media_url(film[0])
        try:
            assert default_client.get(url).content == film[1]
            assert route_module.TOKENS is TOKENS
        finally:
            TOKENS.revoke_all()
        assert default_client.get(url).status_code == 404


# -- the registry ----------------------------------------------------------------


def test_issue_gives_an_opaque_url_without_the_path(tokens, film):
    url = tokens.issue(film[0])
    token = token_of(url)
    assert url.endswith("/film.mp4")
    assert "recording" not in url and "case-1" not in url
    assert tokens.resolve(token) == film[0].resolve()
    assert tokens.lookup(token).media_type == "video/mp4"


def test_relative_paths_are_stored_absolute(tokens, film, monkeypatch):
    monkeypatch.chdir(film[0].parent)
    assert tokens.resolve(token_of(tokens.issue(Path("recording.mp4")))) == film[0].resolve()


def test_same_film_reuses_its_url_until_half_its_life(tokens, clock, film):
    first = tokens.issue(film[0], ttl=TTL)
    clock.now += TTL / 2 - 1
    assert tokens.issue(film[0], ttl=TTL) == first  # a rerun does not reload the player
    assert tokens.issue(film[0], ttl=TTL, name="clip.webm") != first  # another name, another token
    clock.now += 2
    fresh = tokens.issue(film[0], ttl=TTL)
    assert fresh != first
    assert tokens.resolve(token_of(first)) is not None  # the old one still lives out its time
    clock.now += TTL / 2
    assert tokens.resolve(token_of(first)) is None
    assert tokens.resolve(token_of(fresh)) is not None


def small_files(folder: Path, count: int) -> list[Path]:
    """``count`` one-byte files f0.mp4, f1.mp4, … (the registry only needs them to exist)."""
    paths = [folder / f"f{i}.mp4" for i in range(count)]
    for path in paths:
        path.write_bytes(b"x")
    return paths


def test_expired_entries_are_purged_on_issue(tokens, clock, tmp_path):
    for path in small_files(tmp_path, 50):
        tokens.issue(path, ttl=TTL)
    assert len(tokens) == 50
    clock.now += TTL
    tokens.issue(tmp_path / "f0.mp4", ttl=TTL)
    assert len(tokens) == 1


def test_the_registry_never_grows_past_its_cap(clock, tmp_path):
    small = MediaTokens(clock=clock, max_entries=10)
    paths = small_files(tmp_path, 25)
    for i, path in enumerate(paths):
        small.issue(path, ttl=TTL + i)  # later ones live longer
        assert len(small) <= 10
    urls = [small.issue(p, ttl=TTL + 24) for p in paths[-10:]]
    assert all(small.resolve(token_of(u)) for u in urls)


def test_revoke_path_withdraws_only_that_file(tokens, film, tmp_path):
    url_a = tokens.issue(film[0])
    url_b = tokens.issue(film[0], name="again.mp4")
    other = tmp_path / "other.mp4"
    other.write_bytes(b"x")
    url_c = tokens.issue(other)
    assert tokens.revoke_path(film[0]) == 2
    assert tokens.resolve(token_of(url_a)) is None and tokens.resolve(token_of(url_b)) is None
    assert tokens.resolve(token_of(url_c)) == other.resolve()


def test_resolve_forgets_a_deleted_file(tokens, film):
    token = token_of(tokens.issue(film[0]))
    film[0].unlink()
    assert tokens.resolve(token) is None
    assert len(tokens) == 0
    film[0].write_bytes(b"a new recording at the same place")
    assert tokens.resolve(token) is None


def test_issue_refuses_what_it_cannot_serve(tokens, tmp_path):
    with pytest.raises(FileNotFoundError):
        tokens.issue(tmp_path / "missing.mp4")
    with pytest.raises(FileNotFoundError):
        tokens.issue(tmp_path)
    (tmp_path / "f.mp4").write_bytes(b"x")
    for ttl in (0, -1, float("nan")):
        with pytest.raises(ValueError):
            tokens.issue(tmp_path / "f.mp4", ttl=ttl)
    with pytest.raises(ValueError):
        MediaTokens(max_entries=0)


def test_resolve_of_garbage_is_none(tokens):
    for token in ["", "x", "../../etc/passwd", "a" * 10_000, None, 42, ["unhashable"]]:
        assert tokens.resolve(token) is None


@pytest.mark.parametrize("name, file_suffix, expected", [
    ("film.mp4", ".mp4", "film.mp4"),
    ("Clip 3 (Ada).MP4", ".mp4", "Clip_3__Ada_.mp4"),
    ("../../etc/passwd", ".mp4", "_.._etc_passwd.mp4"),
    ("..", ".webm", "film.webm"),
    ("", ".mov", "film.mov"),
    ("clip.exe", ".m4v", "clip.exe.m4v"),
    ("clip.exe", ".avi", "clip.exe.mp4"),
    ("clip.", ".mp4", "clip.mp4"),
    ("a/b\\c%2F.ogg", ".mp4", "a_b_c_2F.ogg"),
    ("é" * 100 + ".webm", ".mp4", "_" * 64 + ".webm"),
])
def test_safe_name(name, file_suffix, expected):
    assert safe_name(name, Path("x" + file_suffix)) == expected
    assert re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\.(mp4|m4v|webm|ogg|mov)", expected)


@pytest.mark.parametrize("suffix, name, media_type, url_end", [
    (".webm", "film.mp4", "video/webm", "/film.mp4"),  # the file decides the type
    (".mov", "film.mov", "video/quicktime", "/film.mov"),
    (".bin", "film.ogg", "video/ogg", "/film.ogg"),  # unknown file kind: the name decides
])
def test_media_type(client, tokens, tmp_path, suffix, name, media_type, url_end):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(b"x" * 20)
    url = tokens.issue(path, name=name)
    assert url.endswith(url_end)
    assert client.get(url).headers["content-type"] == media_type
