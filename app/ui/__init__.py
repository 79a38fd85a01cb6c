"""Qt user interface: screens that show services' data and forward the user's actions."""

import shiboken6  # noqa: F401  (loads PySide6's import hooks, answered cheaply below)

from app.ui.feature_scan import answer_feature_scan_by_name

answer_feature_scan_by_name()  # before any screen module imports PySide6
