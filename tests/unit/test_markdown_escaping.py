"""User text shown through ``widgets.plain`` reads back as typed: every Markdown character
escaped, nothing Streamlit turns into a link, an icon or an arrow, no block Markdown, and a real
CommonMark parser gives back the text itself. The hostile payloads here are also typed into every
field of a case in tests/integration/test_hostile_text.py."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vig_core.ui.escape import JOINER, shown
from vig_core.ui.widgets import plain

# --- hostile text ---------------------------------------------------------------------------
PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(document.cookie)">',
    "</textarea><svg/onload=alert(1)>",
    '"><iframe src="javascript:alert(1)"></iframe>',
    "**bold** _em_ [a link](javascript:alert(1)) ![img](http://e.invalid/x.png) <https://e.invalid>",
    ":red[red] :blue-background[x] :material/home: :smile: :rainbow[x]",
    "$x^2$ $$\\frac{1}{2}$$ \\(x\\)",
    "# heading\n> quote\n- item\n1. item\n```\ncode\n```\n| a | b |\n|---|---|\nline\n===",
    "\u202eRTL override\u202c \u200f\u200e \u2066isolate\u2069 \u0645\u0631\u062d\u0628\u0627",
    "😀 👨‍👩‍👧 🏳️‍🌈 e\u0301 \U0010ffff \ufeffBOM \ufffd \uffff",
    "\x00 NUL \x01\x07\x08\x1b[31mred\x1b[0m\x7f\x85\u2028\u2029\r\n\t\x0b\x0c",
    "\ud800 \udfff lone surrogates \udc80",
    "&amp; &lt;script&gt; &#x3C; &#60; &nbsp;",
    "  leading and trailing blanks  \n\n",
    "\\ backslash \\\\ `code` ~~strike~~ ==mark== ^sup^ {{ jinja }} {% tag %} ${x} %s {0}",
    "' OR 1=1 -- \"; DROP TABLE cases; ../../etc/passwd C:\\Windows\\",
]
SPECIALS = "<>&\"'`*_[](){}#+-.!|~:$\\=\x00\x1b\u202e\ud800"
CHARS = st.one_of(st.characters(exclude_categories=()), st.characters(categories=["Cs", "Cc"]),
                  st.sampled_from(SPECIALS))


# --- Markdown escaping: widgets.plain -----------------------------------------------------
# Every character CommonMark, GitHub Markdown, Streamlit's directives (:red[..], :material/..:,
# emoji shortcodes) and its LaTeX ($..$) give a meaning to inside a line; "=" matters only as a
# setext underline (see the block test below).
INLINE_SPECIALS = set("\\`*_{}[]()#+-.!|~<>:$&")
ASCII_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")


CHARACTER_REFERENCE = re.compile(r"(?<!\\)&#(\d+);")


def unescape_markdown(text: str) -> str:
    """What CommonMark makes of backslash escapes (the punctuation character itself) and of
    numeric character references (``&#32;``: the character)."""
    parts = CHARACTER_REFERENCE.split(text)  # text, number, text, number, ...
    return "".join(ASCII_PUNCTUATION.sub(r"\1", part) if n % 2 == 0 else chr(int(part))
                   for n, part in enumerate(parts))


def unescaped_specials(text: str) -> list[str]:
    """Markdown characters in ``text`` not protected by a backslash."""
    bare, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and ASCII_PUNCTUATION.match(text, i):
            i += 2
            continue
        reference = CHARACTER_REFERENCE.match(text, i)
        if reference:
            i = reference.end()
            continue
        if text[i] in INLINE_SPECIALS:
            bare.append(text[i])
        i += 1
    return bare


@given(st.text(CHARS, max_size=300) | st.sampled_from(PAYLOADS))
@example("<script>alert(1)</script>")
@example("[a](javascript:alert(1)) :red[x] $\\frac{1}{2}$ **b** # h")
@example("\\")
@settings(max_examples=300, deadline=None)
def test_plain_escapes_every_markdown_character_and_loses_nothing(text):
    escaped = plain(text)
    assert unescaped_specials(escaped) == []
    assert as_read(escaped) == without_joiners(shown(text))


JOINED = ["https://example.org/x", "HTTP://EXAMPLE.ORG", "www.example.org", "WWW.Example.org", "mail@example.org",
          "mailto:a@b.co", ":material/home:", ":material_home:", ":smile:", ":+1:", ":-1:", ":100:", ":8ball:",
          ":streamlit:", " -- ", " -> ", " <- ", " <-> ", " >= ", " <= ", " ~= ", "--", "\u202eRTL\u202c",
          "a\u2066b\u2069c"]
# What Streamlit's Markdown turns into something else *after* backslash escapes are read
# (its frontend bundle: material icons, the logo, remark-emoji, GFM autolink literals, typography).
AFTER_ESCAPES = [re.compile(p, re.IGNORECASE) for p in (
    r":material[/_]\w+:", r":streamlit:", r":(\+1|-1|[a-z_][\w-]*|100|1234|8ball):", r"https?://", r"www\.",
    r"[-.\w+]+@[-\w]+(\.[-\w]+)+", r"(^|\s)(<->|->|<-|--|>=|<=|~=)(\s|$)", "[\u202a-\u202e\u2066-\u2069]")]


def without_joiners(text: str) -> str:
    return text.replace(JOINER, "")


def as_read(markdown: str) -> str:
    """The text a reader gets from ``markdown``, the invisible joiners taken out."""
    return without_joiners(unescape_markdown(markdown))


@given(st.lists(st.sampled_from(JOINED) | st.text(CHARS, max_size=8), max_size=8).map("".join))
@example("see https://example.org/x, www.example.org or mail@example.org :material/home: :smile: a -- b -> c")
@settings(max_examples=300, deadline=None)
def test_plain_leaves_nothing_that_streamlit_turns_into_a_link_an_icon_or_an_arrow(text):
    """Issue 18, item 11: URLs became links, ``:material/...:`` icons, and a right-to-left override
    reversed the rest of the line, although every Markdown character was escaped."""
    read = unescape_markdown(plain(text))  # the text the patterns are looked for in (joiners and all)
    assert [p.pattern for p in AFTER_ESCAPES if p.search(read)] == []
    assert as_read(plain(text)) == without_joiners(shown(text))


SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")


def block_problems(markdown: str) -> list[str]:
    """Block-level Markdown that survives in ``markdown``: a setext heading underline after a
    line of text, or an indented code block (4 spaces or a tab after a blank line)."""
    problems, previous = [], ""
    for line in markdown.split("\n"):
        if previous.strip() and SETEXT_UNDERLINE.match(line):
            problems.append(f"setext heading underline {line!r}")
        if not previous.strip() and line.strip() and re.match(r"^( {4}|\t)", line):
            problems.append(f"indented code block {line!r}")
        previous = line
    return problems


@given(st.lists(st.sampled_from(["words", "", "===", "=", "---", "    (indented)", "\tx", "# h", "> q"]),
                min_size=1, max_size=6).map("\n".join))
@example("I will wait for Leo\n===")
@settings(max_examples=100, deadline=None)
def test_plain_leaves_no_block_markdown_in_text_of_several_lines(text):
    """Goals and "what to film next time" are typed in text areas (several lines) and shown with
    ``plain`` inside ``st.markdown``/``st.caption``: each line must still show as typed."""
    escaped = plain(text).strip()  # st.markdown and st.caption dedent and strip the body first
    assert block_problems(escaped) == []


def _commonmark():
    mdit = pytest.importorskip("markdown_it", reason="markdown-it-py is not installed in this venv")
    md = mdit.MarkdownIt("commonmark").enable(["table", "strikethrough"])
    try:
        from mdit_py_plugins.dollarmath import dollarmath_plugin
    except ImportError:
        return md
    return md.use(dollarmath_plugin)


LINE_CHARS = st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"])


@given(st.text(st.one_of(LINE_CHARS, st.sampled_from(SPECIALS.replace("\x00", "").replace("\x1b", "")
                                                      .replace("\ud800", ""))), max_size=200)
       | st.sampled_from([p for p in PAYLOADS if "\n" not in p and "\x00" not in p and "\ud800" not in p]))
@settings(max_examples=300, deadline=None)
def test_plain_text_renders_back_to_itself_through_a_markdown_parser(text):
    """A line of user text after a label (how the pages use ``plain``) parses to one paragraph
    of plain text equal to what was typed: no emphasis, link, image, HTML, code or math."""
    md = _commonmark()
    label = "Goal 1: "
    tokens = md.parse(label + plain(text))
    assert [t.type for t in tokens] in ([], ["paragraph_open", "inline", "paragraph_close"])
    children = tokens[1].children if tokens else []
    assert {c.type for c in children} <= {"text"}, [c.type for c in children]
    assert without_joiners("".join(c.content for c in children)).rstrip() == \
        without_joiners(label + shown(text)).rstrip()
