"""Every content error a writer can make is reported as path:line: message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.domain.content_loader import load_bank, study_order

GOOD_CARD = """## What is {cid}?

```card
id: {cid}
difficulty: medium
seconds: 90
key_points:
  - one
  - two
  - three
```

An answer: one, two, three.
"""


def concept(
    cid: str,
    *,
    area: str = "llm",
    requires: str = "[]",
    related: str = "[]",
    cards: str | None = None,
) -> str:
    body = cards if cards is not None else GOOD_CARD.format(cid=f"{cid}-card")
    return (
        f"---\nid: {cid}\ntitle: {cid.title()}\narea: {area}\nsummary: About {cid}.\n"
        f"requires: {requires}\nrelated: {related}\n---\n\n{body}"
    )


def problems_of(root: Path) -> list[str]:
    bank = load_bank(root)
    return [p.format(root) for p in bank.problems]


def write(root: Path, name: str, text: str) -> Path:
    path = root / "extra" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_bank_is_clean(content_root: Path) -> None:
    bank = load_bank(content_root)
    assert bank.problems == []
    assert (len(bank.areas), len(bank.concepts), len(bank.cards)) == (12, 3, 4)
    assert study_order(bank) == ["alpha-what", "alpha-why", "beta-what", "gamma-what"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("no front matter\n", "extra/x.md:1: missing front matter"),
        ("---\nid: x\ntitle: [unclosed\n---\n", "extra/x.md:3: malformed front matter"),
        ("---\nid: x\ntitle: X\narea: llm\n---\n", "extra/x.md:1: front matter lacks 'summary'"),
        (concept("x", area="nowhere"), "extra/x.md:4: unknown area 'nowhere'"),
        (
            concept("x", requires="[missing]"),
            "extra/x.md:6: requires names unknown concept 'missing'",
        ),
        (
            concept("x", related="[missing]"),
            "extra/x.md:7: related names unknown concept 'missing'",
        ),
        (
            concept("x", cards=GOOD_CARD.format(cid="x-c").replace("medium", "tricky")),
            "extra/x.md:14: bad difficulty 'tricky': use easy, medium or hard",
        ),
        (
            concept(
                "x", cards=GOOD_CARD.format(cid="x-c").replace("An answer: one, two, three.", "")
            ),
            "extra/x.md:10: card 'x-c' has an empty answer",
        ),
        (
            concept("x", cards=GOOD_CARD.format(cid="x-c").replace("  - three\n", "")),
            "extra/x.md:16: card has 2 key points; at least 3 needed",
        ),
        (
            concept("x", cards="## Question without metadata\n\nAnswer.\n"),
            "extra/x.md:10: card heading must be followed by a ```card metadata block",
        ),
        (
            concept("x").replace("summary:", "reviewed: 2026-13\nsummary:"),
            "extra/x.md:5: reviewed must be a month as YYYY-MM, not '2026-13'",
        ),
        (
            concept("x", cards=GOOD_CARD.format(cid="Bad Id")),
            "extra/x.md:13: card id must be lowercase letters, digits and dashes",
        ),
    ],
)
def test_each_error_has_its_message(content_root: Path, text: str, expected: str) -> None:
    write(content_root, "x.md", text)
    problems = problems_of(content_root)
    assert any(p.startswith(expected) for p in problems), problems


def test_duplicate_ids(content_root: Path) -> None:
    write(content_root, "a.md", concept("alpha", cards=GOOD_CARD.format(cid="dup-card")))
    write(content_root, "b.md", concept("zeta", cards=GOOD_CARD.format(cid="alpha-what")))
    problems = problems_of(content_root)
    assert any("extra/a.md:2: duplicate concept id 'alpha'" in p for p in problems), problems
    assert any("extra/b.md:10: duplicate card id 'alpha-what'" in p for p in problems), problems


def test_cycle_is_named_and_broken(content_root: Path) -> None:
    alpha = content_root / "basics" / "alpha.md"
    alpha.write_text(alpha.read_text().replace("related: [gamma]", "requires: [gamma]"))
    bank = load_bank(content_root)
    messages = [p.message for p in bank.problems]
    assert any(
        m.startswith("prerequisite cycle: ")
        and {"alpha", "beta", "gamma"} <= set(m[20:].split(" -> "))
        for m in messages
    ), messages
    # The app can still order the bank: the cycle was broken.
    assert len(study_order(bank)) == 4


def test_broken_file_is_skipped_rest_loads(content_root: Path) -> None:
    write(content_root, "broken.md", "---\nid: broken\n")
    bank = load_bank(content_root)
    assert "broken" not in bank.concepts
    assert len(bank.cards) == 4
    assert [p.line for p in bank.problems] == [1]


def test_check_content_cli_reports_and_exits_1(
    content_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check-content", "--content", str(content_root)]) == 0
    assert capsys.readouterr().out.strip() == "12 areas, 3 concepts, 4 cards"
    reviewed = concept("x", requires="[missing]").replace("summary:", "reviewed: 2026-11\nsummary:")
    write(content_root, "x.md", reviewed)
    assert main(["check-content", "--content", str(content_root)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out == ["extra/x.md:7: requires names unknown concept 'missing'"]


def test_dump_content_json_shape(content_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app", "dump-content", "--json", "--content", str(content_root)],
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    data = json.loads(result.stdout)
    assert set(data) == {"areas", "concepts", "cards", "retired"}
    assert set(data["areas"][0]) == {"id", "title", "color"}
    assert set(data["concepts"][0]) == {
        "id",
        "title",
        "area",
        "summary",
        "requires",
        "related",
        "reviewed",
    }
    assert data["concepts"][0]["reviewed"] == "2026-11"
    assert data["retired"] == []
    card = next(c for c in data["cards"] if c["id"] == "alpha-what")
    assert set(card) == {
        "id",
        "concept",
        "question",
        "answer",
        "key_points",
        "difficulty",
        "seconds",
        "seeds",
    }
    assert card["seeds"] == ["s001-q01"]
    assert card["answer"].startswith("Alpha is the **first** letter.")
