"""The one place the behavioural round meets the Quiz screen.

The Quiz gets a setup panel ("Behavioural round", Ctrl+B) and shows the round as one more of
its pages; leaving the round returns to the quiz setup. Only `add_setup_panel`, `show_page`
and `show_setup` of the Quiz are used, so the Quiz can change freely around them.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QWidget

from app.services.story_rehearsal import RehearsalService
from app.ui.stories.round import BehaviouralRound
from app.ui.stories.setup_panel import BehaviouralSetupPanel
from app.ui.widgets import bind_keys


class QuizHost(Protocol):
    def add_setup_panel(self, panel: QWidget) -> None: ...

    def show_page(self, page: QWidget) -> None: ...

    def show_setup(self) -> None: ...


def attach_behavioural_round(quiz: QWidget, service: RehearsalService) -> BehaviouralRound:
    """Add the behavioural round to the Quiz screen `quiz` (a `QuizHost`)."""
    host: QuizHost = quiz  # type: ignore[assignment]
    round_view = BehaviouralRound(service)
    panel = BehaviouralSetupPanel(round_view)
    host.add_setup_panel(panel)
    round_view.started.connect(lambda: host.show_page(round_view))
    round_view.closed.connect(host.show_setup)
    bind_keys(quiz, ["Ctrl+B"], panel.start, "start a behavioural round")
    round_view.setup_panel = panel
    return round_view
