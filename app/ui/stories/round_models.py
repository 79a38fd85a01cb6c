"""The behavioural round's results table: one row per telling."""

from __future__ import annotations

from app.domain.quiz import format_clock
from app.domain.stories_rehearsal import TELLING_SECONDS
from app.services.story_rehearsal import RehearsalService, RoundItem
from app.ui.quiz.palette import RED, score_color
from app.ui.table_model import Column, RowsTableModel


def _story(model: RoundResultsModel, item: RoundItem) -> str:
    story = model.service.story_of(item)
    return story.title if story else item.story_id or ""


def _points(_model: RoundResultsModel, item: RoundItem) -> str:
    return f"{sum(1 for c in item.covered if c)} of {len(item.covered)}"


class RoundResultsModel(RowsTableModel):
    COLUMNS = (
        Column("#", lambda m, item: str(m.rows.index(item) + 1)),
        Column(
            "Question",
            lambda _m, item: item.question.text,
            tooltip=lambda _m, item: item.question.text,
        ),
        Column("Story", _story),
        Column(
            "Time / 2:00",
            lambda _m, item: (
                format_clock(item.seconds_used) + (" (time's up)" if item.timed_out else "")
            ),
            color=lambda _m, item: RED if item.seconds_used >= TELLING_SECONDS else None,
        ),
        Column("Points", _points),
        Column(
            "Score",
            lambda _m, item: f"{item.score or 0.0:.0%}",
            color=lambda _m, item: score_color(item.score or 0.0),
        ),
    )

    def __init__(self, service: RehearsalService) -> None:
        super().__init__()
        self.service = service
        self.rows: list[RoundItem] = []

    def set_items(self, items: list[RoundItem]) -> None:
        self.replace_rows([item for item in items if item.score is not None])
