"""Where Lattice finds its bundled files and the user's data, from source or frozen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from app import APP_NAME, ORG_NAME

DATA_DIR_ENV = "LATTICE_DATA_DIR"
CACHE_DIR_ENV = "LATTICE_CACHE_DIR"


def bundle_root() -> Path:
    """The folder holding `content/` and `resources/`.

    From source that is the project checkout; in a PyInstaller build it is the
    extraction folder (`sys._MEIPASS`). Never the working directory.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def content_dir() -> Path:
    return bundle_root() / "content"


def resource_path(*parts: str) -> Path:
    return bundle_root().joinpath("resources", *parts)


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The user's data directory: --data-dir, then $LATTICE_DATA_DIR, then the platform's."""
    if override:
        chosen = Path(override)
    elif os.environ.get(DATA_DIR_ENV):
        chosen = Path(os.environ[DATA_DIR_ENV])
    else:
        chosen = Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    chosen = chosen.expanduser().resolve()
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


def user_content_dir(data: Path) -> Path:
    return data / "cards"


def cache_dir() -> Path:
    """Where parsed content is kept between runs: $LATTICE_CACHE_DIR, then the platform's.

    Only derived data lives here; deleting it costs one slower start, never progress.
    """
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV]).expanduser()
    return Path(platformdirs.user_cache_dir(APP_NAME, ORG_NAME))
