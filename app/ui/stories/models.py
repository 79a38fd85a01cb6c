"""Qt models of the Stories screen: the story list and the questions × stories matrix."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, Qt
from PySide6.QtGui import QColor, QFont

from app.domain.stories import COMPETENCIES, Story
from app.domain.stories_coverage import Coverage, Fit
from app.domain.stories_rehearsal import StoryRecord
from app.ui.quiz.palette import AMBER, score_color
from app.ui.table_model import ROOT, Column, Index, RowsTableModel

STORY_ID = Qt.ItemDataRole.UserRole


def _record(model: StoriesModel, story: Story) -> StoryRecord:
    return model.records.get(story.id, StoryRecord(story.id))


def _overused(model: StoriesModel, story: Story) -> bool:
    return model.cover is not None and story.id in model.cover.overused


def _told_for(model: StoriesModel, story: Story) -> str:
    uses = model.cover.uses.get(story.id, 0) if model.cover else 0
    return f"{uses} question{'s' if uses != 1 else ''}"


def _rehearsed(model: StoriesModel, story: Story) -> str:
    record = _record(model, story)
    if record.last is None:
        return "never"
    return f"{record.times}× · last {record.last:.0%}"


def _last_color(model: StoriesModel, story: Story) -> str | None:
    last = _record(model, story).last
    return score_color(last) if last is not None else None


class StoriesModel(RowsTableModel):
    """One row per story: what it shows, how often it is the answer, how rehearsals went."""

    COLUMNS = (
        Column("Story", lambda _m, s: s.title, tooltip=lambda _m, s: s.project),
        Column("Competencies", lambda _m, s: ", ".join(s.competencies)),
        Column(
            "Told for",
            _told_for,
            color=lambda m, s: AMBER if _overused(m, s) else None,
            tooltip=lambda m, s: (
                "Over-used: an interview loop would hear this story twice; write another."
                if _overused(m, s)
                else None
            ),
        ),
        Column("Rehearsed", _rehearsed, color=lambda m, s: _last_color(m, s)),
        Column(
            "Needs work",
            lambda m, s: _record(m, s).needs_work() or "—",
            color=lambda m, s: AMBER if _record(m, s).needs_work() else None,
        ),
    )

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Story] = []
        self.records: dict[str, StoryRecord] = {}
        self.cover: Coverage | None = None

    def set_stories(
        self, stories: list[Story], records: dict[str, StoryRecord], cover: Coverage
    ) -> None:
        self.records, self.cover = records, cover
        self.replace_rows(stories)

    def story(self, row: int) -> Story | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of(self, story_id: str) -> int:
        return next((i for i, s in enumerate(self.rows) if s.id == story_id), -1)

    def extra_data(self, row: Story, column: int, role: int) -> Any:
        return row.id if role == STORY_ID else None


class CoverageModel(QAbstractTableModel):
    """Rows are the bundled questions, then what they probe, then one column per story:
    which story fits which question (✓ chosen by you, ○ fits its main competency), and ●
    the one you would tell."""

    FIXED = 2  # the question and the competencies it probes

    def __init__(self) -> None:
        super().__init__()
        self.cover: Coverage | None = None

    def set_coverage(self, cover: Coverage) -> None:
        self.beginResetModel()
        self.cover = cover
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.cover is None else len(self.cover.questions)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.cover is None else self.FIXED + len(self.cover.stories)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if self.cover is None or orientation != Qt.Orientation.Horizontal:
            return None
        story = self.cover.stories[section - self.FIXED] if section >= self.FIXED else None
        if role == Qt.ItemDataRole.DisplayRole:
            if story is None:
                return ("Question", "Probes")[section]
            title = story.title
            return title if len(title) <= 18 else title[:17].rstrip() + "…"
        if role == Qt.ItemDataRole.ToolTipRole and story is not None:
            uses = self.cover.uses.get(story.id, 0)
            return f"{story.title}\nthe story you would tell for {uses} question(s)"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        cover = self.cover
        if cover is None or not index.isValid():
            return None
        question = cover.questions[index.row()]
        if index.column() == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                return question.text
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{question.text}\nprobes: {', '.join(question.competencies)}"
            if role == Qt.ItemDataRole.ForegroundRole and cover.answer.get(question.id) is None:
                return QColor(AMBER)
            return None
        if index.column() == 1:
            if role == Qt.ItemDataRole.DisplayRole:
                return ", ".join(question.competencies)
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(COMPETENCIES[c] for c in question.competencies)
            return None
        story = cover.stories[index.column() - self.FIXED]
        kind = cover.cell(question.id, story.id)
        told = cover.answer.get(question.id) == story.id
        if role == Qt.ItemDataRole.DisplayRole:
            if told:
                return "●"
            return {Fit.CHOSEN: "✓", Fit.FITS: "○", Fit.NONE: ""}[kind]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and told:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and kind is not Fit.NONE:
            what = "you chose it for this question" if kind is Fit.CHOSEN else "it fits"
            return f"{story.title}: {what}" + ("; the one you would tell" if told else "")
        return None
