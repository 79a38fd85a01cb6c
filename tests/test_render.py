"""Answers render as a learner expects: lists, tables, nested items and highlighted code."""

from __future__ import annotations

import sys

import pytest

from app.services import render
from app.services.render import render_markdown


def test_list_and_table_right_under_a_paragraph_line() -> None:
    html = render_markdown("Steps:\n- one\n- two\n\nSizes:\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert "<p>Steps:</p>\n<ul>" in html
    assert "<li>one</li>" in html
    assert "<th>a</th>" in html and "<td>2</td>" in html


def test_two_space_nested_items_nest() -> None:
    html = render_markdown("- outer\n  - inner\n- next\n")
    assert "<li>outer<ul>\n<li>inner</li>" in html


def test_code_is_highlighted_and_fragment_marker_hidden() -> None:
    html = render_markdown("Run:\n```python fragment\nimport os\n```\n")
    assert "fragment" not in html
    assert "<pre>" in html and "font-weight: bold" in html  # `import` is styled
    assert "<p>Run:</p>" in html


@pytest.fixture
def rust_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rust's lexer missing, as in the bundle for the languages it leaves out."""
    import pygments.lexers

    monkeypatch.setitem(sys.modules, "pygments.lexers.rust", None)  # importing it fails
    monkeypatch.delitem(pygments.lexers._lexer_cache, "Rust", raising=False)
    render.render_markdown.cache_clear()
    render._highlightable.cache_clear()
    yield
    render.render_markdown.cache_clear()
    render._highlightable.cache_clear()


CODE = "fn main() { let small = 1 < 2; }"


@pytest.mark.parametrize("fence", ["```rust", "~~~ .rust", "``` { .rust }"])
@pytest.mark.usefixtures("rust_left_out")
def test_code_in_a_language_whose_highlighter_is_missing_shows_as_plain_code(
    fence: str,
) -> None:
    html = render_markdown(f"Entry point:\n\n{fence}\n{CODE}\n{fence[:3]}\n\nAfter.")
    assert "<pre>fn main() { let small = 1 &lt; 2; }\n</pre>" in html
    assert "<p>Entry point:</p>" in html and "<p>After.</p>" in html


def test_code_in_a_language_pygments_has_is_highlighted() -> None:
    html = render_markdown(f"```rust\n{CODE}\n```")
    assert "<pre>fn main()" not in html  # split into styled tokens
    assert "font-weight: bold" in html  # `fn` and `let` are keywords


def test_code_in_a_language_pygments_does_not_know_shows_as_plain_code() -> None:
    html = render_markdown("```no-such-language\nx <- 1\n```")
    assert "<pre>x &lt;- 1\n</pre>" in html


def test_dark_and_light_use_different_code_backgrounds() -> None:
    code = "```python\nx = 1\n```"
    assert render_markdown(code, dark=False) != render_markdown(code, dark=True)


def test_lists_inside_code_are_left_alone() -> None:
    html = render_markdown("```text\nheader\n- not a list\n```")
    assert "<li>" not in html


def test_angle_brackets_are_text_not_html() -> None:
    html = render_markdown(
        "Count pairs with i<j and a[i]>a[j]; <script>alert(1)</script> stays text."
    )
    assert "i&lt;j" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
