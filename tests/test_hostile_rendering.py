"""Hostile card text: the sanitiser keeps no image and no link but a web link, and rendering
is bounded, so no card can load a file, hang the app or block the window for seconds."""

from __future__ import annotations

import re
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.import_rules import ImportTarget, derive_key_points, safe_markdown
from app.services import render
from app.services.card_import import CardImportService
from app.ui.markdown_view import MarkdownView

FAST = settings(
    max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
NEW = ImportTarget(new_title="Hostile", area="llm")

URLS = [
    "file:///dev/zero",
    "data:image/png;base64,AAAA",
    "javascript:alert(1)",
    "zz",
    "/etc/passwd",
    "https://example.com/a_(b)",
    "http://x.y/i.png",
    "qrc:/x",
    "ftp://h/f",
]
TOKENS = [
    "![",
    "[",
    "]",
    "(",
    ")",
    "]: ",
    "\n",
    " ",
    "z",
    "zz",
    "!",
    "<",
    ">",
    "`",
    "\n\n",
    "  ",
    *URLS,
]
hostile = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


def _resources(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]*)"', html)


@given(hostile)
@FAST
def test_stored_text_renders_no_image_and_only_web_links(text: str) -> None:
    html = render.render_markdown(safe_markdown(text))
    assert "<img" not in html
    assert all(url.startswith(("http://", "https://")) for url in _resources(html))


@given(hostile)
@FAST
def test_even_unsanitised_text_never_renders_an_image_or_other_scheme(text: str) -> None:
    # The renderer holds the line on its own too (the bank and the editor write Markdown).
    html = render.render_markdown(text)
    assert "<img" not in html
    assert all(url.startswith(("http://", "https://")) for url in _resources(html))


def test_reference_style_image_to_dev_zero_is_text() -> None:
    stored = safe_markdown("Name the curve: ![z][zz]\n\n[zz]: file:///dev/zero")
    html = render.render_markdown(stored)
    assert "dev/zero" not in _resources(html) and "<img" not in html
    assert "[zz]: file:///dev/zero" in html  # shown as the text it is


BUSY = st.lists(
    st.sampled_from(["[a](", "![a](", "*a", "**", "`", "[a][", "_", ">", "(", "x "]),
    min_size=200,
    max_size=2000,
).map("".join)


@given(BUSY)
@settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
def test_busy_paragraphs_render_literally_and_lose_nothing(text: str) -> None:
    html = render.render_markdown(text)
    plain = (
        re.sub(r"<[^>]+>", "", html).replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")
    )
    assert plain.strip() == text.strip()


def test_thirty_two_thousand_link_openers_import_and_render_at_once(ctx, tmp_path: Path) -> None:
    cell = "[a](" * 32_000  # took 137 s to render, on the GUI thread, each time it was shown
    source = tmp_path / "cards.csv"
    source.write_text(f"question,answer\nWhat?,{cell}\n", encoding="utf-8")
    started = time.perf_counter()
    CardImportService(ctx).import_path(source, NEW)
    card = next(c for c in ctx.bank.cards.values() if c.question == "What?")
    render.render_markdown.cache_clear()
    render.render_markdown(card.answer)
    derive_key_points(card.answer, card.question)
    assert time.perf_counter() - started < 5.0


def test_a_normal_answer_renders_as_before() -> None:
    text = "Steps:\n1. **tokenise** the [input](https://a.b)\n2. run `model(x)`\n\n3. decode"
    html = render.render_markdown(text)
    assert '<a href="https://a.b">input</a>' in html and "<code>model(x)</code>" in html
    assert "<strong>tokenise</strong>" in html


def test_the_view_loads_no_resource(qtbot) -> None:  # type: ignore[no-untyped-def]
    view = MarkdownView()
    qtbot.addWidget(view)
    view.show_html('<p>x</p><img src="file:///dev/zero"><img src="https://example.com/a.png">')
    assert view.loadResource(2, view.source()) is None
    assert view.toPlainText().strip().startswith("x")


def test_a_busy_paragraph_opening_with_backticks_is_still_literal() -> None:
    """Three backticks with no closing fence open no code block (Markdown reads a
    paragraph), so a busy paragraph starting so is shown as written, emphasis and all."""
    text = "```*a(**" + "*a**[a](x " * 40
    html = render.render_markdown(text)
    assert "<strong>" not in html and "<em>" not in html and "<code>" not in html
    assert html.count("**") == text.count("**")
