"""Media tokens are issued and resolved safely from eight threads at once (the route itself
is in tests/unit/test_media_route.py)."""

from __future__ import annotations

import threading

from unit.test_media_route import small_files, token_of
from vig_core.web.tokens import MediaTokens


def test_threads_issue_and_resolve_safely(clock, tmp_path):
    registry = MediaTokens(clock=clock, max_entries=64)
    paths = small_files(tmp_path, 8)
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def work(i: int) -> None:
        try:
            barrier.wait()
            for j in range(300):
                url = registry.issue(paths[i], ttl=1 + j % 5, name=f"n{j % 7}.mp4")
                registry.resolve(token_of(url))
                clock.now += 0.01
                if j % 97 == 0:
                    registry.revoke_path(paths[(i + 1) % 8])
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(registry) <= 64
    assert len(registry._by_key) <= len(registry)
    assert all(registry._entries[t].path == p for (p, _), t in registry._by_key.items())
