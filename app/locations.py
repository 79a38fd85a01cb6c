"""Where Lattice finds its bundled files and the user's data, from source or frozen."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import platformdirs

from app import APP_NAME, ORG_NAME

DATA_DIR_ENV = "LATTICE_DATA_DIR"
CACHE_DIR_ENV = "LATTICE_CACHE_DIR"


def bundle_root() -> Path:
    """The folder holding `content/` and `resources/`.

    In a PyInstaller build that is the extraction folder (`sys._MEIPASS`); in an installed
    wheel the package's own `bundled/` folder (the wheel build maps them there); from a checkout
    or an editable install the checkout itself. Never the working directory.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and frozen_root:
        return Path(frozen_root)
    package = Path(__file__).resolve().parent
    installed = package / "bundled"
    if installed.is_dir():
        return installed
    return package.parent


def content_dir() -> Path:
    return bundle_root() / "content"


def resource_path(*parts: str) -> Path:
    return bundle_root().joinpath("resources", *parts)


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The user's data directory: --data-dir, then $LATTICE_DATA_DIR, then the platform's.

    Made if missing; a path that exists but is not a folder is refused with
    NotADirectoryError, which the command line reports in one line.
    """
    if override:
        chosen = Path(override)
    elif os.environ.get(DATA_DIR_ENV):
        chosen = Path(os.environ[DATA_DIR_ENV])
    else:
        chosen = Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    chosen = chosen.expanduser().resolve()
    if chosen.exists() and not chosen.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "the data folder is not a folder", str(chosen))
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
