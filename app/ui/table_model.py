"""Lattice's table models, declared by their columns.

A model lists its columns once, as `Column` values (in the spirit of MusicBrainz Picard's
column declarations): the header, how a row's cell reads, how it sorts, its colour, tooltip
and alignment. `RowsTableModel` answers Qt's questions from those declarations, so a model
only says what is particular to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()
SORT_ROLE = Qt.ItemDataRole.UserRole + 1  # what a proxy sorts by (see `Column.sort`)

# A cell's value from the model (for its context: clock, bank, search hits) and the row.
Cell = Callable[[Any, Any], Any]


class Align(Enum):
    LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    CENTER = int(Qt.AlignmentFlag.AlignCenter)
    RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class Column:
    """One column: `text` is what the cell shows; the rest is optional."""

    header: str
    text: Cell
    sort: Cell | None = None  # the sort key; by default the shown text, case-folded
    color: Cell | None = None  # a colour name (or None) for the cell's text
    tooltip: Cell | None = None  # the cell's tooltip
    align: Align | None = None  # None: the style's default (left)
    header_tooltip: str = ""
    width: int | None = None  # the starting width in pixels; None: sized by the view


class RowsTableModel(QAbstractTableModel):
    """Rows in `self.rows`, columns declared in `COLUMNS`."""

    COLUMNS: tuple[Column, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Any] = []

    @classmethod
    def headers(cls) -> tuple[str, ...]:
        return tuple(c.header for c in cls.COLUMNS)

    def replace_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.COLUMNS):
            return None
        column = self.COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.ToolTipRole and column.header_tooltip:
            return column.header_tooltip
        return None

    def text(self, row: Any, column: int) -> str:
        return str(self.COLUMNS[column].text(self, row))

    def sort_key(self, row: Any, column: int) -> Any:
        declared = self.COLUMNS[column]
        if declared.sort is not None:
            return declared.sort(self, row)
        return self.text(row, column).lower()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(row, index.column())
        if role == SORT_ROLE:
            return self.sort_key(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and column.color is not None:
            color = column.color(self, row)
            return QColor(color) if color else None
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(self, row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align is not None:
            return column.align.value
        return self.extra_data(row, index.column(), role)

    def extra_data(self, row: Any, column: int, role: int) -> Any:
        """Roles particular to one model (ids, highlighted text); none by default."""
        return None
