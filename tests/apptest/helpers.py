"""Helpers for driving the app headless with Streamlit's AppTest."""

from __future__ import annotations

import json
import re

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest

from conftest import ROOT, skip_first_start
from vig_core.storage.paths import data_root


def open_app(case_id: str | None = None, page: str | None = None, *, first_start: bool = False,
             **state) -> AppTest:
    """A fresh browser session (like a reload), optionally with a case open, on a page,
    and with other session state preset. The first-start passphrase offer is taken as
    answered unless ``first_start``."""
    if not first_start:
        skip_first_start(data_root())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    if case_id:
        at.session_state["case_id"] = case_id
    for key, value in state.items():
        at.session_state[key.replace("_", "-")] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def screen_text(at: AppTest) -> str:
    """Everything the session would put on screen, main area and sidebar, as text."""
    parts: list[str] = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts).replace("\\\\", "")  # the proto's escaped backslash: Markdown escapes of typed text


def unescaped(markdown: str) -> str:
    """Text as the reader sees it: messages quote typed text escaped (``FAM\\-07``), with an invisible
    word joiner where Streamlit would make a link, icon or arrow of it (``plain``)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u00a0", " ").replace("\u2060", "")


def messages(at: AppTest, kind: str = "error") -> list[str]:
    """The texts of the alerts of ``kind`` (main area and sidebar) as the reader sees them."""
    return [unescaped(m.value) for m in [*getattr(at, kind), *getattr(at.sidebar, kind)]]


def send_component_state(at: AppTest, key: str, state: dict) -> AppTest:
    """Run as the browser does when the custom component ``key`` (st.components.v2) reports
    ``state``: AppTest draws such components but cannot interact with them."""
    (element,) = [e for e in at.main if getattr(e, "key", None) == key]
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=element.proto.id, json_value=json.dumps(state)))
    return at._tree._runner._run(states)


def send_trigger(at: AppTest, key: str, event: str, value: object) -> AppTest:
    """Run as the browser does when the custom component ``key`` fires ``event`` (setTriggerValue)."""
    (element,) = [e for e in at.main if getattr(e, "key", None) == key]
    states = at._tree.get_widget_states()
    states.widgets.append(WidgetState(id=f"$$STREAMLIT_INTERNAL_KEY_{element.proto.id}__events",
                                      json_trigger_value=json.dumps([{"event": event, "value": value}])))
    result = at._tree._runner._run(states)
    assert not result.exception, result.exception
    return result
