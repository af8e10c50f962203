"""User text made safe for the places Streamlit renders as Markdown, and for plain-text places.

Headings, labels, captions, alerts and progress texts are Markdown in
Streamlit, which also reads directives (``:red[...]``), LaTeX (``$...$``) and
emoji shortcodes (``:smile:``). Anything a person typed, or a file named,
goes through :func:`plain` before it reaches one of them, so it shows as typed.

Backslash escapes alone are not enough there: Streamlit's Markdown turns some
patterns into something else *after* escapes are read, in the text itself:
``:material/home:`` and ``:smile:`` become icons, ``https://…``, ``www.…`` and
``name@host.org`` become links, and `` -- ``, `` -> ``, `` <= `` become dashes
and arrows. So :func:`plain` also puts an invisible WORD JOINER (U+2060) into
each such pattern (after the colon, the ``@``, ``www``, the first character of
an arrow), which none of them matches any more and nobody sees.

Both :func:`plain` and :func:`shown` (for ``st.text`` and other plain-text
places) show a bidi override or isolate (U+202A–U+202E, U+2066–U+2069) as its
code, ``[U+202E]``, instead of obeying it: a right-to-left override would show
the rest of the line reversed, so two different texts could look the same.
Half a character (a lone surrogate, which Streamlit cannot send) shows as �.
"""

from __future__ import annotations

import re

from vig_core.text import displayable

JOINER = "\u2060"  # WORD JOINER: invisible, and no line break at it
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&=])")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)
_BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Where a joiner goes: after a colon that could start a shortcode (the only emoji names starting
# with a digit are 100, 1234 and 8ball, so a time such as 1:05.40 is left alone) or a URL's "://",
# after an "@" before a host, between "www" and its dot, and inside the arrows and dashes that the
# typography turns.
_PATTERN_START = re.compile(r"(?<=:)(?=[A-Za-z_+\-/]|100:|1234:|8ball:)|(?<=@)(?=[\w-])|(?<=www)(?=\.)"
                            r"|(?<=-)(?=[->])|(?<=<)(?=[-=])|(?<=>)(?==)|(?<=~)(?==)", re.IGNORECASE)


def shown(text: str) -> str:
    """``text`` for a plain-text place (``st.text``, a dataframe cell): bidi overrides and isolates
    shown as their code, half characters as �; everything else as typed."""
    return _BIDI_CONTROL.sub(lambda m: f"[U+{ord(m.group()):04X}]", displayable(str(text)))


def plain(text: str) -> str:
    """Every Markdown, directive and LaTeX character escaped, the patterns Streamlit reads after
    escapes broken by an invisible joiner (see module notes), bidi controls shown as their code, and
    a line's leading spaces and tabs written as character references (``&#32;``), which Markdown
    shows as they are but never reads as indentation: an indented line after an empty one is not
    turned into code."""
    joined = _PATTERN_START.sub(JOINER, shown(text))
    escaped = _SPECIAL.sub(r"\\\1", joined)
    return _INDENT.sub(lambda m: "".join(f"&#{ord(ch)};" for ch in m.group(0)), escaped)
