"""The Quiz screen's models: the concept picker, the results per question, past quizzes."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from PySide6.QtCore import QAbstractListModel, Qt

from app.domain.content import ContentBank
from app.domain.quiz import format_clock
from app.services.quiz_service import Answer, HistoryEntry
from app.ui.quiz.palette import RED, score_color
from app.ui.table_model import ROOT, Align, Column, Index, RowsTableModel


class ConceptChoices(QAbstractListModel):
    """The quiz's concept picker: titles shown, ids as the item data, nothing stored per
    row in Qt (a bank can hold tens of thousands of concepts)."""

    def __init__(self) -> None:
        super().__init__()
        self.choices: list[tuple[str, str]] = []

    def set_bank(self, bank: ContentBank) -> None:
        self.beginResetModel()
        self.choices = sorted(
            ((c.title, c.id) for c in bank.concepts.values()), key=lambda t: t[0].lower()
        )
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.choices)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        title, concept_id = self.choices[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.UserRole:
            return concept_id
        return None


def _question(model: ResultsModel, answer: Answer) -> str:
    card = model.bank.cards.get(answer.card_id)
    return card.question if card else answer.card_id


def _concept(model: ResultsModel, answer: Answer) -> str:
    concept = model.bank.concepts.get(answer.concept_id)
    return concept.title if concept else answer.concept_id


def _time_used(_model: ResultsModel, answer: Answer) -> str:
    if not answer.reached:
        return "not reached"
    used = f"{format_clock(answer.seconds_used)} / {format_clock(answer.budget)}"
    return f"{used}  ran out" if answer.timed_out else used


class ResultsModel(RowsTableModel):
    """One row per question: what was asked, time used against its budget, points, score."""

    COLUMNS = (
        Column("#", lambda _m, a: str(a.position + 1), align=Align.CENTER),
        Column("Question", _question, tooltip=_question),
        Column("Concept", _concept),
        Column(
            "Time used / budget",
            _time_used,
            color=lambda _m, a: RED if a.timed_out else None,
            align=Align.CENTER,
        ),
        Column("Points", lambda _m, a: f"{sum(a.covered)} of {len(a.covered)}", align=Align.CENTER),
        Column(
            "Score",
            lambda _m, a: f"{a.score:.0%}",
            color=lambda _m, a: score_color(a.score),
            align=Align.CENTER,
        ),
    )

    def __init__(self, bank: ContentBank) -> None:
        super().__init__()
        self.bank = bank
        self.rows: list[Answer] = []

    def set_answers(self, answers: list[Answer]) -> None:
        self.replace_rows(answers)


def _when(model: HistoryModel, entry: HistoryEntry) -> str:
    when = entry.started_at.astimezone(model.local_tz)
    return f"{when:%d %b %H:%M}" + ("" if entry.finished else "  (unfinished)")


def _questions(_model: HistoryModel, entry: HistoryEntry) -> str:
    if entry.answered == entry.questions:
        return str(entry.questions)
    return f"{entry.answered} of {entry.questions}"


class HistoryModel(RowsTableModel):
    """Past quizzes, newest first."""

    COLUMNS = (
        Column("When", _when),
        Column(
            "Score",
            lambda _m, e: f"{e.score:.0%}",
            color=lambda _m, e: score_color(e.score),
            align=Align.CENTER,
        ),
        Column("Questions", _questions, align=Align.CENTER),
        Column(
            "Ran out", lambda _m, e: str(e.timed_out) if e.timed_out else "—", align=Align.CENTER
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[HistoryEntry] = []
        self.local_tz: tzinfo | None = None

    def set_entries(self, entries: list[HistoryEntry], local_tz: tzinfo) -> None:
        self.local_tz = local_tz
        self.replace_rows(list(reversed(entries)))

    def entry(self, row: int) -> HistoryEntry:
        return self.rows[row]
