"""Shared fixtures. Every test runs offscreen; pytest-qt fails a test on any Qt warning."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.pop("LATTICE_DATA_DIR", None)
os.environ["LATTICE_THEME"] = "light"

import pytest  # noqa: E402

from app.domain.clock import FakeClock  # noqa: E402
from app.services.context import AppContext, open_context  # noqa: E402

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _parse_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Parsed content is cached per test session, never in the user's own cache folder."""
    os.environ["LATTICE_CACHE_DIR"] = str(tmp_path_factory.mktemp("parse-cache"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def content_root(tmp_path: Path) -> Path:
    """A private copy of the small fixture bank, safe to edit in a test."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def ctx(data_dir: Path, content_root: Path, clock: FakeClock) -> Iterator[AppContext]:
    context = open_context(data_dir, content=content_root, clock=clock)
    yield context
    context.close()


@pytest.fixture
def window(qtbot, ctx: AppContext):  # type: ignore[no-untyped-def]
    from app.services.application import Application
    from app.ui.application import build_window, make_app

    make_app("light")
    win = build_window(Application(ctx))
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    return win
