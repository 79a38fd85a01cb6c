"""No dead code in app/: every function, class, method, attribute and variable is used
(by the app or its tests), or named in tests/dead_code_whitelist.py with the reason."""

from __future__ import annotations

from pathlib import Path

from vulture import Vulture

ROOT = Path(__file__).resolve().parent.parent
MIN_CONFIDENCE = 60  # vulture's lowest: unused functions, methods, attributes, variables


def unused(paths: list[Path]) -> list[str]:
    vulture = Vulture()
    vulture.scavenge([str(p) for p in paths])
    return [
        f"{Path(item.filename).relative_to(ROOT)}:{item.first_lineno}: {item.message}"
        for item in vulture.get_unused_code(min_confidence=MIN_CONFIDENCE)
        if Path(item.filename).is_relative_to(ROOT / "app")
    ]


def test_the_app_has_no_dead_code() -> None:
    found = unused([ROOT / "app", ROOT / "tests"])  # tests/ holds the whitelist too
    assert found == []


def test_the_check_finds_an_unused_function(tmp_path: Path) -> None:
    module = ROOT / "app" / "domain" / "clock.py"
    extra = tmp_path / "extra.py"
    extra.write_text("def never_called() -> int:\n    return 1\n")
    vulture = Vulture()
    vulture.scavenge([str(module), str(extra)])
    names = {item.name for item in vulture.get_unused_code(min_confidence=MIN_CONFIDENCE)}
    assert "never_called" in names
