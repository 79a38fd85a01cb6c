"""Math in cards shows as readable Unicode text in light and dark, without a web engine:
Anki's \\(…\\) and \\[…\\] as imported, and $…$ / $$…$$ in Lattice's Markdown."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.html_markdown import html_to_markdown
from app.domain.import_rules import safe_markdown
from app.domain.math_text import latex_to_text
from app.services.render import render_markdown

FAST = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)


@pytest.mark.parametrize(
    ("latex", "shown"),
    [
        (r"\frac{QK^\top}{\sqrt{d_k}}", "QKᵀ/√(dₖ)"),
        (r"\sum_{i=1}^{n} x_i^2", "∑ᵢ₌₁ⁿ xᵢ²"),
        (r"\alpha \le \beta \cdot \gamma", "α ≤ β · γ"),
        (r"\mathbb{E}[\log p(x)]", "𝔼[log p(x)]"),
        (r"x^{\frac{1}{2}}", "x^(1/2)"),
    ],
)
def test_common_math_reads_as_text(latex: str, shown: str) -> None:
    assert latex_to_text(latex) == shown


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_anki_and_markdown_math_render_as_text_in_both_themes(dark: bool) -> None:
    imported = safe_markdown(
        html_to_markdown(r"Scores: \(\frac{QK^\top}{\sqrt{d_k}}\), \[\sum_i x_i^2\]")
    )
    html = render_markdown(imported, dark)
    assert "QKᵀ/√(dₖ)" in html and "∑ᵢ xᵢ²" in html and "frac" not in html
    own = render_markdown(
        r"The model is $p(y|x)$; $$\alpha_t$$; it costs $5 and $10; `$x^2$`", dark
    )
    assert "p(y|x)" in own and "$p(y|x)$" not in own and "αₜ" in own
    assert "$5 and $10" in own and "<code>$x^2$</code>" in own  # money and code stay


@given(st.text(alphabet="\\{}^_$ abfrcsqtxy()[]&;0123", max_size=120))
@FAST
def test_any_math_converts_without_error_and_stays_bounded(latex: str) -> None:
    shown = latex_to_text(latex)
    assert len(shown) <= 4 * len(latex) + 4
    render_markdown(f"a ${latex}$ b \\\\({latex}\\\\)")
