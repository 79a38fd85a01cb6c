"""Answer PySide6's per-module `__feature__` question without reading any source.

PySide6 asks, for every module imported after it, whether that module uses PySide6 (so
that a `from __feature__ import snake_case` there would switch its attribute names), and
answers by reading the module's whole source file through the line cache. Start-up
imports over a hundred modules after PySide6, so that reading cost a tenth of the time to
the first card, and left the text of the ORM and networkx in memory.

Lattice never selects a feature, so every module runs with PySide6's default names
whatever the answer is. The answer below is given from the module's name alone: our own
screens and PySide6's modules use it, nothing else matters. If a PySide6 version has no
such check, nothing is changed.
"""

from __future__ import annotations

import sys
from types import ModuleType

# Where PySide6 keeps the check: one module, loaded under two names.
FEATURE_MODULES = ("shibokensupport.feature", "PySide6.support.feature")
USES_PYSIDE = ("app.ui", "PySide6", "shiboken6")


def uses_pyside(module: ModuleType) -> bool:
    """PySide6's question about `module`, answered from its name."""
    return getattr(module, "__name__", "").startswith(USES_PYSIDE)


def answer_feature_scan_by_name() -> None:
    """Install `uses_pyside` in place of PySide6's source-reading check (idempotent)."""
    for name in FEATURE_MODULES:
        feature = sys.modules.get(name)
        if feature is not None and hasattr(feature, "_mod_uses_pyside"):
            feature._mod_uses_pyside = uses_pyside  # type: ignore[attr-defined]
