"""'Next up' beside the map: concepts whose prerequisites are mastered and which are not yet,
and the mastery threshold that decides it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListView, QSpinBox, QWidget

from app.domain.content import ContentBank

SHOWN = 30


class NextUpList(QObject):
    """Two widgets for the screen to place: `header` (title and threshold) and `list`.
    Clicking a concept is `concept_chosen`; the threshold is `threshold_changed` (percent)."""

    concept_chosen = Signal(str)
    threshold_changed = Signal(int)

    def __init__(self, bank: ContentBank, threshold: float, parent: QObject) -> None:
        super().__init__(parent)
        self.bank = bank
        title = QLabel("<b>Next up</b> — prerequisites mastered, this one not yet")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)
        self.threshold = QSpinBox()
        self.threshold.setObjectName("mastery-threshold")
        self.threshold.setRange(50, 99)
        self.threshold.setSuffix(" %")
        self.threshold.setPrefix("mastered at ")
        self.threshold.setValue(round(threshold * 100))
        self.threshold.setToolTip("Predicted recall a concept needs to count as mastered")
        self.threshold.valueChanged.connect(self.threshold_changed.emit)
        self.header = QWidget()
        header = QHBoxLayout(self.header)
        header.setContentsMargins(12, 0, 12, 0)
        header.addWidget(title, 1)
        header.addWidget(self.threshold)
        self.model = QStandardItemModel(self)
        self.list = QListView()
        self.list.setObjectName("next-up")
        self.list.setModel(self.model)
        self.list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Never squeezed below five rows, so the list is never cut to a sliver.
        self.list.setMinimumHeight(self.list.fontMetrics().height() * 5 + 12)
        self.list.clicked.connect(self._clicked)
        self.list.activated.connect(self._clicked)

    def show_concepts(self, next_up: list[str], mastery: dict[str, float]) -> None:
        self.model.clear()
        for concept_id in next_up[:SHOWN]:
            concept = self.bank.concepts[concept_id]
            item = QStandardItem(f"{concept.title}  ·  {round(mastery[concept_id] * 100)}%")
            item.setData(concept_id, Qt.ItemDataRole.UserRole)
            item.setToolTip(concept.title)
            self.model.appendRow(item)

    def _clicked(self, index: QModelIndex) -> None:
        self.concept_chosen.emit(index.data(Qt.ItemDataRole.UserRole))
