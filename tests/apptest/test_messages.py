"""Messages beside the control that caused them (vig_core.ui.messages), on a page of their own."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from apptest.helpers import unescaped


def long_page() -> None:
    import streamlit as st

    from vig_core.errors import ValidationError
    from vig_core.ui import messages, session

    def refuse() -> None:
        raise ValidationError("Out must come after in.")

    def crash() -> None:
        raise RuntimeError("a bug, with a path /home/someone")

    session.show_flash()
    st.title("A long page")
    for n in range(30):
        st.text(f"line {n}")
    st.button("Refuse", key="refuse", on_click=messages.guarded("refuse", refuse))
    messages.show("refuse")
    st.button("Crash", key="crash", on_click=messages.guarded("crash", crash))
    messages.show("crash")
    saved = messages.guarded("save", lambda: session.flash("success", "Saved *as typed*."))
    st.button("Save", key="save", on_click=saved)
    messages.show("save")
    st.button("Elsewhere", key="elsewhere", on_click=lambda: messages.flash("later", "warning", "Waiting for me."))
    if st.session_state.get("show-later"):
        st.text_input("Later", key="later")
        messages.show("later")


ALERTS = {"error", "warning", "success", "info"}


def kinds_in_order(at: AppTest) -> list[str]:
    """The main area's elements, in screen order: a widget by its key, an alert as "kind:text as read"."""
    return [getattr(e, "key", None) or (f"{e.type}:{unescaped(e.value)}" if e.type in ALERTS else e.type)
            for e in at.main]


def test_each_message_shows_right_after_its_control_never_at_the_top():
    at = AppTest.from_function(long_page, default_timeout=30).run()
    at.button(key="refuse").click().run()
    order = kinds_in_order(at)
    assert order[order.index("refuse") + 1] == "error:Out must come after in."
    assert len(at.error) == 1 and order.index("refuse") > 30  # not at the top of the page
    at.button(key="crash").click().run()
    order = kinds_in_order(at)
    assert [e.value for e in at.error] == [at.error[0].value] and "refuse" not in str(at.error[0].value)
    assert order[order.index("crash") + 1].startswith("error:Something went wrong") and "/home" not in str(order)
    at.button(key="save").click().run()
    order = kinds_in_order(at)
    assert order[order.index("save") + 1] == "success:Saved *as typed*."
    assert at.success[0].value.startswith("Saved \\*as typed\\*")  # escaped Markdown: shown as typed
    assert not at.error, "a message is shown once"


def test_a_message_waits_until_its_control_is_drawn():
    at = AppTest.from_function(long_page, default_timeout=30).run()
    at.button(key="elsewhere").click().run()
    assert not at.warning
    at.session_state["show-later"] = True
    at.run()
    order = kinds_in_order(at)
    assert order[order.index("later") + 1] == "warning:Waiting for me."
    at.run()
    assert not at.warning
