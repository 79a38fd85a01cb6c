"""The concept panel's table: the concept's cards with their study state."""

from __future__ import annotations

from datetime import datetime, tzinfo

from app.domain.scheduling import CardState
from app.services.graph_service import CardStatus
from app.ui.table_model import Column, RowsTableModel


def _next_due(model: CardStatusModel, row: CardStatus) -> str:
    if row.state is CardState.NEW or row.due is None or model.now is None:
        return "—"
    if row.due <= model.now:
        return "now"
    return f"{row.due.astimezone(model.tz):%d %b %H:%M}"


class CardStatusModel(RowsTableModel):
    """A concept's cards with their study state, for the concept panel."""

    COLUMNS = (
        Column("Question", lambda _m, r: r.question, tooltip=lambda _m, r: r.question),
        Column("State", lambda _m, r: "suspended" if r.suspended else r.state.label),
        Column("Next due", _next_due),
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[CardStatus] = []
        self.now: datetime | None = None
        self.tz: tzinfo | None = None

    def set_rows(self, rows: list[CardStatus], now: datetime | None, tz: tzinfo | None) -> None:
        self.now, self.tz = now, tz
        self.replace_rows(rows)
