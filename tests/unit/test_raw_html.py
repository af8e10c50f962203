"""No raw HTML carries user text: every ``st.html``/``components.html`` call and every
``unsafe_allow_html`` is found by scanning the source, and each must be a reviewed place showing a
constant. (``Structure`` reads a page as a browser would; the family pages use it too.)"""

from __future__ import annotations

import ast
from html.parser import HTMLParser

from conftest import ROOT


# --- HTML escaping: the celebration summary and the strengths record ------------------------
class Structure(HTMLParser):
    """The elements and attributes of a page, and its text runs, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple]] = []
        self.texts: list[str] = []
        self.attr_values: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, tuple((k, None if k in ("alt", "src") else v) for k, v in attrs)))
        self.attr_values.extend(v for k, v in attrs if k == "alt")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.tags.append((f"/{tag}", ()))

    def handle_data(self, data):
        self.texts.append(data)

    def handle_comment(self, data):
        self.tags.append(("!--", (("data", data),)))

    def handle_decl(self, decl):
        self.tags.append(("!", (("decl", decl),)))

    def unknown_decl(self, data):
        self.tags.append(("!?", (("decl", data),)))

    def handle_pi(self, data):
        self.tags.append(("?", (("pi", data),)))


def read_page(page: str) -> Structure:
    parser = Structure()
    parser.feed(page)
    parser.close()
    return parser


# --- no raw HTML with user text ---------------------------------------------------------------
SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "vig_core").rglob("*.py")])

# Every call that puts raw HTML on the screen, reviewed: (file, enclosing function) -> why it is safe.
REVIEWED_RAW_HTML = {
    ("app.py", "main"): "st.html(CLIENT_VIEW_CSS): a module-level constant of CSS, no user text",
}


def dotted(node: ast.AST) -> str:
    """``a.b.c`` for a name or attribute chain (``?`` for anything else): how the scanners name a call."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted(node.value)}.{node.attr}"
    return "?"


def raw_html_calls(source: str, filename: str) -> list[tuple[str, str, ast.Call]]:
    """(file, enclosing function, call) for every st.html/components.html call and every call
    with ``unsafe_allow_html`` not literally False."""
    tree = ast.parse(source, filename=filename)
    html_names = set()  # names bound to streamlit's html functions by "from ... import html"
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit"):
            html_names |= {a.asname or a.name for a in node.names if a.name in ("html", "iframe")}
    found = []

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else where
            if isinstance(child, ast.Call):
                name = dotted(child.func)
                parts = name.split(".")
                raw = (parts[-1] in ("html", "iframe") and len(parts) > 1
                       and parts[0] in ("st", "streamlit", "components", "stc", "v1"))
                raw = raw or (isinstance(child.func, ast.Name) and child.func.id in html_names)
                unsafe = any(k.arg == "unsafe_allow_html" and not (isinstance(k.value, ast.Constant)
                                                                  and k.value.value is False)
                             for k in child.keywords)
                if raw or unsafe:
                    found.append((filename, where, child))
            visit(child, inner)

    visit(tree, "<module>")
    return found


def test_the_scan_finds_raw_html_calls():
    sample = ("import streamlit as st\nfrom streamlit.components.v1 import html as h\n"
              "def f(x):\n    st.markdown(x, unsafe_allow_html=True)\n    st.html(x)\n    h(x)\n"
              "    st.components.v1.html(x)\n    st.markdown(x, unsafe_allow_html=False)\n    html.escape(x)\n")
    assert [(w, dotted(c.func)) for _, w, c in raw_html_calls(sample, "sample.py")] == [
        ("f", "st.markdown"), ("f", "st.html"), ("f", "h"), ("f", "st.components.v1.html")]


def test_raw_html_is_only_used_at_reviewed_places_and_only_with_constants():
    calls = [c for path in SOURCES
             for c in raw_html_calls(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    new = {(f, w): ast.unparse(c) for f, w, c in calls if (f, w) not in REVIEWED_RAW_HTML}
    assert new == {}, "raw HTML at a place nobody reviewed: escape any user text and add it here"
    for _, _, call in calls:
        for arg in [*call.args, *(k.value for k in call.keywords if k.arg in ("body", "html"))]:
            assert isinstance(arg, ast.Constant) or (isinstance(arg, ast.Name) and arg.id.isupper()), (
                f"{ast.unparse(call)}: the HTML must be a module-level constant")


def test_the_reviewed_raw_html_is_a_plain_style_sheet():
    from vig_core.ui.widgets import CLIENT_VIEW_CSS

    page = read_page(CLIENT_VIEW_CSS)
    assert [t for t, _ in page.tags] == ["style", "/style"]
    assert "<script" not in CLIENT_VIEW_CSS.lower() and "url(" not in CLIENT_VIEW_CSS
