"""User text made safe for the places Streamlit renders as Markdown.

Headings, labels, captions, alerts and progress texts are Markdown in
Streamlit, which also reads directives (``:red[...]``), LaTeX (``$...$``) and
emoji shortcodes (``:smile:``). Anything a person typed, or a file named,
goes through :func:`plain` before it reaches one of them, so it shows as typed.
"""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&=])")
_INDENT = re.compile(r"^[ \t]+", re.MULTILINE)


def plain(text: str) -> str:
    """Every Markdown, directive and LaTeX character escaped, and a line's leading spaces and tabs
    written as character references (``&#32;``), which Markdown shows as they are but never
    reads as indentation: an indented line after an empty one is not turned into code."""
    escaped = _SPECIAL.sub(r"\\\1", str(text))
    return _INDENT.sub(lambda m: "".join(f"&#{ord(ch)};" for ch in m.group(0)), escaped)
