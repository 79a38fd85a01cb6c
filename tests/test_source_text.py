"""PySide6 reads the source of modules imported after it; the app keeps none of that text."""

from __future__ import annotations

import importlib
import linecache
import sys


def test_modules_imported_after_the_window_leave_no_source_text(window) -> None:  # type: ignore[no-untyped-def]
    """PySide6 asks, for each module imported after it, whether it uses PySide6; the
    screens' package answers from the module's name (app/ui/feature_scan.py), no file read."""
    name = "sqlalchemy.dialects.postgresql"  # never imported by Lattice (SQLite only)
    assert name not in sys.modules
    importlib.import_module(name)
    read = [f for f in linecache.cache if f.endswith(".py") and "postgresql" in f]
    assert read == []
