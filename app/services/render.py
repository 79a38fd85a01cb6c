"""Markdown answers to the HTML subset Qt's rich text engine understands.

Code is highlighted by Pygments with inline styles (Qt has no external CSS classes for
spans) and wrapped in a one-cell table, because Qt paints table backgrounds but not
those of <pre> or <div>.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first render: a question needs neither, only answers do
    from pygments.formatters import HtmlFormatter

FRAGMENT_FENCE = re.compile(r"^(\s*(?:`{3,}|~{3,})\s*[\w+#.-]+)\s+fragment\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Palette:
    """Colours of the reading surface; light and dark variants."""

    text: str
    muted: str
    link: str
    rule: str
    code_bg: str
    inline_code_bg: str
    table_header_bg: str
    pygments_style: str


LIGHT = Palette(
    "#1f2328", "#59636e", "#0b63c5", "#d0d7de", "#f6f8fa", "#eff1f3", "#f0f3f6", "friendly"
)
DARK = Palette(
    "#e6edf3", "#9198a1", "#58a6ff", "#3d444d", "#161b22", "#262c36", "#21262d", "github-dark"
)


def palette(dark: bool) -> Palette:
    return DARK if dark else LIGHT


def _formatter_for(colors: Palette) -> type[HtmlFormatter[str]]:
    from pygments.formatters import HtmlFormatter
    from pygments.styles import get_style_by_name

    class QtCodeFormatter(HtmlFormatter[str]):
        def __init__(self, **options: Any) -> None:
            options.pop("lang_str", None)
            options["noclasses"] = True
            options["nowrap"] = False
            options["style"] = get_style_by_name(colors.pygments_style)
            super().__init__(**options)

        def wrap(self, source: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
            yield (
                0,
                (
                    f'<table class="code" width="100%" cellpadding="10" cellspacing="0" '
                    f'bgcolor="{colors.code_bg}"><tr><td><pre>'
                ),
            )
            yield from source
            yield 0, "</pre></td></tr></table>"

        def _wrap_div(self, inner: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
            yield from inner

    return QtCodeFormatter


def stylesheet(dark: bool) -> str:
    c = palette(dark)
    return f"""
body {{ color: {c.text}; }}
a {{ color: {c.link}; text-decoration: none; }}
h1, h2, h3, h4 {{ margin-top: 14px; margin-bottom: 6px; }}
p {{ margin-top: 8px; margin-bottom: 8px; line-height: 135%; }}
li {{ margin-bottom: 4px; line-height: 130%; }}
code {{ background-color: {c.inline_code_bg}; font-family: 'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace; }}
pre {{ font-family: 'DejaVu Sans Mono', 'Menlo', 'Consolas', monospace; margin: 0; }}
table {{ border-color: {c.rule}; }}
th {{ background-color: {c.table_header_bg}; padding: 4px 8px; }}
td {{ padding: 4px 8px; }}
hr {{ color: {c.rule}; }}
.muted {{ color: {c.muted}; }}
"""


LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
FENCE_LINE = re.compile(r"^\s*(?:`{3,}|~{3,})")
# An opening fence's language: "```rust", "~~~ .rust" or "``` { .rust #id }".
FENCE_LANGUAGE = re.compile(r"^(\s*(?:`{3,}|~{3,})[ ]*(?:\{[ ]*)?\.?)([\w#+-][\w#.+-]*)")


@lru_cache(maxsize=256)
def _highlightable(language: str) -> bool:
    """False when Pygments knows the language but cannot load its lexer: the bundle leaves
    out the lexers of rare languages (packaging/bundle_filter.py), and codehilite, which
    falls back to plain text only for a name it does not know, would fail on the import."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    try:
        get_lexer_by_name(language)
    except ClassNotFound:
        return True  # unknown to Pygments: codehilite shows it as plain text itself
    except ImportError:
        return False
    return True


def _plain_unless_highlightable(fence: str) -> str:
    """An opening fence whose language cannot be highlighted, as a plain one ("text")."""
    found = FENCE_LANGUAGE.match(fence)
    if found is None or _highlightable(found[2]):
        return fence
    return f"{found[1]}text{fence[found.end() :]}"


def _normalise(text: str) -> str:
    """Bring CommonMark habits to Python-Markdown before rendering.

    Authors start lists and tables right under a paragraph line ("Steps:" then "- …") and
    indent nested items by two spaces, as CommonMark allows; Python-Markdown needs a blank
    line before a list and four spaces of nesting, so both are supplied. The `fragment`
    marker on code fences is dropped (it only matters to the tests).
    """
    out: list[str] = []
    in_fence = False
    previous = ""
    for line in FRAGMENT_FENCE.sub(r"\1", text).splitlines():
        if FENCE_LINE.match(line):
            if not in_fence:
                line = _plain_unless_highlightable(line)
                if previous.strip():
                    out.append("")
            in_fence = not in_fence
        elif (
            not in_fence
            and LIST_ITEM.match(line)
            and line.startswith(" ")
            and LIST_ITEM.match(previous)
        ):
            # A nested item indented CommonMark-style by 2 spaces; Python-Markdown wants 4.
            spaces = len(line) - len(line.lstrip(" "))
            if spaces % 4:
                line = " " * (spaces * 2) + line.lstrip(" ")
        elif not in_fence and previous.strip():
            starts_list = (
                LIST_ITEM.match(line)
                and not LIST_ITEM.match(previous)
                and not previous.startswith((" ", "\t"))
            )
            starts_table = line.lstrip().startswith("|") and not previous.lstrip().startswith("|")
            if starts_list or starts_table:
                out.append("")
        out.append(line)
        previous = line
    return "\n".join(out)


# Inline Markdown costs Python-Markdown time that grows with the square of a paragraph's
# openers (each unclosed `[a](` rescans the rest). A paragraph beyond these bounds is shown
# literally (its punctuation escaped), and a link's target is looked for only this far ahead.
MAX_INLINE_CHARS = 6_000
MAX_INLINE_OPENERS = 120
LINK_WINDOW = 500
_OPENERS = re.compile(r"[\[\]()*_`!>]")
WEB_SCHEMES = ("http://", "https://")
MEDIA_SCHEME = "media:"  # a file of the user's media folder (app/domain/media_names.py)


# Math spans: Anki's \(…\) and \[…\] (stored with Markdown's escaped backslash), and
# $$…$$ / $…$ (a $ run must hug its text, so "$5 and $10" stays money).
_MATH = re.compile(
    r"\\\\\((.{1,500}?)\\\\\)"
    r"|\\\\\\?\[(.{1,500}?)\\\\\\?\]"
    r"|\$\$(.{1,500}?)\$\$"
    r"|(?<![\\$\w])\$(?=\S)([^$\n]{1,500}?)(?<=\S)\$(?![\w$])"
)
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
_MD_UNESCAPE = re.compile(r"\\([\\`*_\[\]|])")


def _math_as_text(line: str) -> str:
    """Math spans of one line (outside code spans) as readable Unicode text."""
    from app.domain.html_markdown import escape_markdown_text
    from app.domain.math_text import latex_to_text

    def convert(match: re.Match[str]) -> str:
        latex = next(g for g in match.groups() if g is not None)
        if match.group(0).startswith("\\"):  # imported: Markdown escapes and entities undone
            latex = html.unescape(_MD_UNESCAPE.sub(r"\1", latex))
        shown = latex_to_text(latex)
        return escape_markdown_text(shown) if shown else match.group(0)

    out, last = [], 0
    for code in _INLINE_CODE.finditer(line):
        out.append(_MATH.sub(convert, line[last : code.start()]))
        out.append(code.group(0))
        last = code.end()
    out.append(_MATH.sub(convert, line[last:]))
    return "".join(out)


def _split_busy(text: str) -> list[tuple[bool, str]]:
    """(is literal, text) runs: paragraphs too long or too busy to parse inline quickly are
    literal; everything between them stays one Markdown text (so lists keep their numbers)."""
    runs: list[tuple[bool, str]] = []
    normal: list[str] = []
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        block = "\n".join(paragraph)
        paragraph.clear()
        if len(block) > MAX_INLINE_CHARS or len(_OPENERS.findall(block)) > MAX_INLINE_OPENERS:
            if normal:
                runs.append((False, "\n".join(normal)))
                normal.clear()
            runs.append((True, block))
        elif block:
            normal.append(block)

    fenced = _fenced_lines(text)
    for number, line in enumerate(text.split("\n")):
        if number in fenced:
            if not in_fence:
                flush()
            in_fence = number + 1 in fenced
            normal.append(line)
        elif not line.strip():
            flush()
            normal.append(line)
        else:
            mathy = ("$" in line or "\\\\" in line) and len(line) <= MAX_INLINE_CHARS
            paragraph.append(_math_as_text(line) if mathy else line)
    flush()
    if normal:
        runs.append((False, "\n".join(normal)))
    return runs


def _fenced_lines(text: str) -> set[int]:
    """The numbers of the lines of `text` in fenced code blocks (fences included), as
    Python-Markdown finds them: a line of backticks followed by a paragraph, with no
    closing fence, is a paragraph like any other (and may be too busy to parse inline)."""
    from markdown.extensions.fenced_code import FencedBlockPreprocessor

    lines: set[int] = set()
    for block in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(text):
        first = text.count("\n", 0, block.start())
        lines.update(range(first, first + block.group(0).count("\n") + 1))
    return lines


def _literal(block: str) -> str:
    lines = (html.escape(line) for line in block.split("\n"))
    return "<p>" + "<br />".join(lines) + "</p>"


def _markdown_extensions() -> list[Any]:
    """Link and image patterns with a bounded look-ahead, and a tree pass that keeps only
    web links and no images (no file:, data: or other scheme ever reaches Qt)."""
    from markdown.extensions import Extension
    from markdown.inlinepatterns import (
        IMAGE_LINK_RE,
        IMAGE_REFERENCE_RE,
        LINK_RE,
        REFERENCE_RE,
        ImageInlineProcessor,
        ImageReferenceInlineProcessor,
        LinkInlineProcessor,
        ReferenceInlineProcessor,
        ShortImageReferenceInlineProcessor,
        ShortReferenceInlineProcessor,
    )
    from markdown.treeprocessors import Treeprocessor

    def windowed(base: type) -> type:
        class Windowed(base):
            def handleMatch(self, m: re.Match[str], data: str) -> Any:  # noqa: N802
                return super().handleMatch(m, data[: m.end(0) + LINK_WINDOW])

        return Windowed

    class OnlyWebLinks(Treeprocessor):
        def run(self, root: Any) -> None:
            for parent in root.iter():
                for index, child in reversed(list(enumerate(list(parent)))):
                    if child.tag == "img":
                        name = media_target(child.get("src") or "")
                        if name is None or not is_image(name):
                            _replace_with_text(parent, index, child, child.get("alt") or "")
                        else:
                            child.attrib = {
                                "src": MEDIA_SCHEME + name,
                                "alt": child.get("alt") or "",
                            }
                    elif child.tag == "a":
                        href = child.get("href") or ""
                        if not href.startswith(WEB_SCHEMES) and media_target(href) is None:
                            child.tag = "span"
                            child.attrib.clear()

    class Bounded(Extension):
        def extendMarkdown(self, md: Any) -> None:  # noqa: N802
            patterns = md.inlinePatterns
            patterns.register(
                windowed(ReferenceInlineProcessor)(REFERENCE_RE, md), "reference", 170
            )
            patterns.register(windowed(LinkInlineProcessor)(LINK_RE, md), "link", 160)
            patterns.register(windowed(ImageInlineProcessor)(IMAGE_LINK_RE, md), "image_link", 150)
            patterns.register(
                windowed(ImageReferenceInlineProcessor)(IMAGE_REFERENCE_RE, md),
                "image_reference",
                140,
            )
            patterns.register(
                windowed(ShortReferenceInlineProcessor)(REFERENCE_RE, md), "short_reference", 130
            )
            patterns.register(
                windowed(ShortImageReferenceInlineProcessor)(IMAGE_REFERENCE_RE, md),
                "short_image_ref",
                125,
            )
            md.treeprocessors.register(OnlyWebLinks(md), "only_web_links", 1)

    return [Bounded()]


def media_target(url: str) -> str | None:
    """The media folder file a `media:<name>` URL names, or None for any other URL."""
    from app.domain.media_names import is_media_name

    if not url.startswith(MEDIA_SCHEME):
        return None
    name = url[len(MEDIA_SCHEME) :]
    return name if is_media_name(name) else None


def is_image(name: str) -> bool:
    from app.domain.media_names import is_image as image

    return image(name)


def _replace_with_text(parent: Any, index: int, child: Any, text: str) -> None:
    """Drop `child` from `parent`, keeping `text` and its tail in the flow."""
    keep = text + (child.tail or "")
    if index == 0:
        parent.text = (parent.text or "") + keep
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + keep
    parent.remove(child)


@lru_cache(maxsize=512)
def render_markdown(text: str, dark: bool = False, web: bool = False) -> str:
    """HTML for one Markdown text, in the light or dark palette.

    `web` is for a browser engine (Anki's card view) instead of Qt's: code blocks are
    `<div class="code"><pre>` with Pygments' CSS classes, so a stylesheet can colour them
    for day and night and let them scroll on their own (`web_code_css`)."""
    import markdown

    colors = palette(dark)
    code_config: dict[str, Any] = (
        {"guess_lang": False, "css_class": "code", "noclasses": False}
        if web
        else {
            "guess_lang": False,
            "pygments_formatter": _formatter_for(colors),
            "css_class": "codehilite",
        }
    )
    md = markdown.Markdown(
        extensions=[
            "fenced_code",
            "codehilite",
            "tables",
            "sane_lists",
            "smarty",
            *_markdown_extensions(),
        ],
        extension_configs={"codehilite": code_config},
        output_format="html",
    )
    # Answers are Markdown only: text such as "i<j and k>i" must show as text, and no HTML
    # (from the bank or from imported cards) reaches Qt's rich-text engine.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    parts = []
    for literal, run in _split_busy(text):
        parts.append(_literal(run) if literal else md.reset().convert(_normalise(run)))
    body = "\n".join(parts)
    # Qt draws table borders only from the border attribute.
    body = body.replace(
        "<table>",
        f'<table border="1" cellspacing="0" cellpadding="4" style="border-color: {colors.rule}">',
    )
    return body


_QUESTION_MEDIA = re.compile(r"(!?)\[([^\[\]\n]{0,500})\]\(media:([^()\s]{1,200})\)")


def question_html(question: str) -> str:
    """A question's text as HTML: escaped, its `media:` images and sounds shown as such."""

    def media(match: re.Match[str]) -> str:
        bang, alt, target = match.groups()
        name = media_target(MEDIA_SCHEME + html.unescape(target))
        if name is None:
            return alt
        if bang:
            return (
                f'<br /><img src="{MEDIA_SCHEME}{name}" alt="{html.escape(html.unescape(alt))}" />'
            )
        return f'<a href="{MEDIA_SCHEME}{name}">▶ {html.escape(name)}</a>'

    return _QUESTION_MEDIA.sub(media, html.escape(question, quote=False))


def question_media(question: str) -> str:
    """Only the images and sounds of a question, as HTML ("" when it has none): for screens
    that show the question's words in a label."""
    shown = [m.group(0) for m in _QUESTION_MEDIA.finditer(question)]
    return question_html(" ".join(shown)).removeprefix("<br />") if shown else ""


def web_code_css() -> str:
    """Pygments' token colours for `web` code blocks: the light style, and the dark one under
    Anki's night mode (`.nightMode` on the card or an ancestor)."""
    from pygments.formatters import HtmlFormatter

    day = HtmlFormatter(style=LIGHT.pygments_style).get_style_defs(".code")
    night = HtmlFormatter(style=DARK.pygments_style).get_style_defs(
        [".nightMode .code", ".card.nightMode .code"]
    )
    return f"{day}\n{night}"


def render_question(question: str, dark: bool = False) -> str:
    return f"<h2>{question_html(question)}</h2>"
