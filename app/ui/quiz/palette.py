"""The Quiz screen's colours for scores and the countdown."""

from __future__ import annotations

from app.ui.theme import ACCENT

RED = "#d9534f"
GREEN = "#2e9d5b"
AMBER = "#c98a1b"
BAR_COLORS = {"normal": ACCENT, "amber": AMBER, "red": RED}  # by `domain.quiz.urgency`


def score_color(score: float) -> str:
    return GREEN if score >= 0.75 else AMBER if score >= 0.5 else RED
