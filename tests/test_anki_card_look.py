"""Exported cards as the real Anki renders them: code is a block of its own that scrolls
sideways by itself on a narrow phone, and its colours read in night mode as in day mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.domain.import_rules import ImportTarget
from app.services.anki_export import CODE_BACKGROUNDS, export_anki
from app.services.card_import import CardImportService

anki_collection = pytest.importorskip("anki.collection")

LONG_LINE = (
    "    weights = np.exp(q @ k.T / np.sqrt(d)) / np.exp(q @ k.T / np.sqrt(d)).sum(-1)  # long"
)
ANSWER = (
    "Scaled dot products, then a softmax over keys:\n\n```python\nimport numpy as np\n"
    f"def attention(q, k, v, d):\n{LONG_LINE}\n    return weights @ v\n```\n\nThe end."
)


def _luminance(hex_color: str) -> float:
    h = hex_color.lstrip("#")
    h = h if len(h) == 6 else "".join(c * 2 for c in h)
    channels = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def anki_card(ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    """(answer HTML as Anki renders it, the note type's CSS) of an exported card with code."""
    source = tmp_path / "code.csv"
    source.write_text(f'question,answer\nHow is attention computed?,"{ANSWER}"\n', encoding="utf-8")
    CardImportService(ctx).import_path(source, ImportTarget(new_title="Code", area="llm"))
    package = export_anki(ctx.bank, tmp_path / "out.apkg", ctx.clock.now())
    col = anki_collection.Collection(str(tmp_path / "phone.anki2"))
    try:
        col.import_anki_package(
            anki_collection.ImportAnkiPackageRequest(
                package_path=str(package.path),
                options=anki_collection.ImportAnkiPackageOptions(merge_notetypes=True),
            )
        )
        nid = col.find_notes('"Question:How is attention computed?"')[0]
        card = col.get_note(nid).cards()[0]
        return card.answer(), card.note_type()["css"]
    finally:
        col.close()


def test_code_is_a_block_that_scrolls_by_itself(anki_card) -> None:  # type: ignore[no-untyped-def]
    html, css = anki_card
    block = re.search(r'<div class="code"><pre>(.*?)</pre></div>', html, re.DOTALL)
    assert block is not None and "np" in block.group(1)
    assert "<table" not in html  # a table as wide as its longest line widened the whole card
    rules = " ".join(css.split())
    assert ".code { max-width: 100%; overflow-x: auto;" in rules
    assert "white-space: pre;" in rules  # the code keeps its lines; the block scrolls
    assert "overflow-wrap: anywhere;" in rules  # prose wraps, so nothing else is wider


def test_code_colours_read_in_night_and_day(anki_card) -> None:  # type: ignore[no-untyped-def]
    html, css = anki_card
    assert 'style="color' not in html  # no inline colour that night mode could not change
    night_bg = re.search(
        r"\.nightMode \.code, \.card\.nightMode \.code \{ background: (#\w+)", CODE_BACKGROUNDS
    )
    assert night_bg is not None and night_bg.group(1) in css
    night = re.findall(
        r"\.nightMode \.code \.(\w+),[^{]*\{[^}]*?[^-]color: (#[0-9A-Fa-f]{3,6})", css
    )
    assert len(night) > 20
    for token, color in night:
        if token != "w":  # whitespace is invisible
            assert _contrast(color, night_bg.group(1)) >= 4.5, (token, color)
    assert _contrast("#e6edf3", night_bg.group(1)) >= 7  # the plain code text
