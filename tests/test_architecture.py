"""The layering rules of ARCHITECTURE.md, enforced: imports only point down, and the UI
reaches data only through the services the Application composes."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"

# What each layer may not import (package prefixes).
FORBIDDEN = {
    "domain": (
        "PySide6",
        "shiboken6",
        "app.storage",
        "app.services",
        "app.ui",
        "sqlmodel",
        "sqlalchemy",
    ),
    "storage": ("PySide6", "shiboken6", "app.services", "app.ui"),
    "services": ("PySide6", "shiboken6", "app.ui"),
    # The UI gets its services from the Application (the composition root) and never
    # reaches the data folder's context, storage or the ORM itself.
    "ui": ("app.storage", "app.services.context", "sqlalchemy", "sqlmodel"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer: str) -> None:
    offenders = []
    files = sorted((APP / layer).rglob("*.py"))
    assert files, f"layer {layer} has no modules"
    for path in files:
        for line, module in _imports(path):
            if module.startswith(FORBIDDEN[layer]):
                offenders.append(f"{path.relative_to(APP.parent)}:{line}: imports {module}")
    assert offenders == []


def test_the_check_catches_a_qt_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom PySide6.QtCore import QObject\n")
    assert (2, "PySide6.QtCore") in _imports(bad)


def _attributes(path: Path, name: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == name]


def test_the_ui_never_touches_the_context() -> None:
    """`ctx` (the opened data folder) belongs to the services; screens ask the Application."""
    offenders = [
        f"{path.relative_to(APP.parent)}:{line}: uses .ctx"
        for path in sorted((APP / "ui").rglob("*.py"))
        for line in _attributes(path, "ctx")
    ]
    assert offenders == []


def test_the_checks_catch_a_storage_import_and_a_ctx_in_the_ui(tmp_path: Path) -> None:
    bad = tmp_path / "screen.py"
    bad.write_text(
        "from app.storage.quiz_store import QuizStore\nimport sqlalchemy\n"
        "def rows(service):\n    return service.ctx.store\n"
    )
    modules = [module for _line, module in _imports(bad)]
    assert [m for m in modules if m.startswith(FORBIDDEN["ui"])] == [
        "app.storage.quiz_store",
        "sqlalchemy",
    ]
    assert _attributes(bad, "ctx") == [4]


# The grader's modules, each importing only the ones before it (ARCHITECTURE.md lists them).
GRADING_ORDER = (
    "lexicon",
    "words",
    "answer_index",
    "negation",
    "point",
    "claims",
    "judging",
    "mistakes",
    "matching",
    "model_answer",
    "weights",
    "card",
)


def test_the_grading_modules_import_only_the_ones_before_them() -> None:
    package = APP / "domain" / "grading"
    modules = sorted(path.stem for path in package.glob("*.py") if path.stem != "__init__")
    assert modules == sorted(GRADING_ORDER)  # a new module takes its place in the order
    offenders = []
    for rank, name in enumerate(GRADING_ORDER):
        path = package / f"{name}.py"
        for line, module in _imports(path):
            if not module.startswith("app.domain.grading"):
                continue
            imported = module.removeprefix("app.domain.grading").removeprefix(".")
            # (the package itself, "app.domain.grading", imports them all)
            if imported not in GRADING_ORDER[:rank]:
                offenders.append(f"{path.relative_to(APP.parent)}:{line}: imports {module}")
    assert offenders == []
