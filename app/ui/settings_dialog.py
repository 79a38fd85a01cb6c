"""File ▸ Settings…: the study limits and the scheduler's target, as Anki's deck options."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.study_day import StudySettings

CREDIT_HELP = (
    "Prerequisite credit counts a Good answer as a light review of what the concept builds on; "
    "it saves a few percent of your minutes only if answering a concept really exercises its "
    "prerequisites, and otherwise costs recall."
)


class SettingsDialog(QDialog):
    def __init__(self, settings: StudySettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settings-dialog")
        self.original = settings
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.new_per_day = self._spin(0, 9999, settings.new_per_day, " cards")
        self.max_reviews = self._spin(0, 9999, settings.max_reviews_per_day, " reviews")
        self.day_start = self._spin(0, 23, settings.day_starts_at_hour, ":00")
        self.learn_ahead = self._spin(0, 120, settings.learn_ahead_minutes, " min")
        self.retention = QDoubleSpinBox()
        self.retention.setRange(0.70, 0.99)
        self.retention.setSingleStep(0.01)
        self.retention.setDecimals(2)
        self.retention.setValue(settings.desired_retention)
        form.addRow("New cards per day", self.new_per_day)
        form.addRow("Maximum reviews per day", self.max_reviews)
        form.addRow("Next study day starts at", self.day_start)
        form.addRow("Learn ahead limit", self.learn_ahead)
        form.addRow("Desired retention", self.retention)
        self.prerequisite_credit = QCheckBox("Credit prerequisites on good answers")
        self.prerequisite_credit.setChecked(settings.prerequisite_credit)
        self.prerequisite_credit.setToolTip(CREDIT_HELP)
        form.addRow("", self.prerequisite_credit)
        layout.addLayout(form)
        note = QLabel(
            "Desired retention is the recall probability FSRS schedules for: higher means more "
            "reviews and fewer lapses (0.85–0.92 suits most learners). New limits apply at once."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        credit_note = QLabel(CREDIT_HELP)
        credit_note.setWordWrap(True)
        layout.addWidget(credit_note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @staticmethod
    def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        return spin

    def settings(self) -> StudySettings:
        return replace(
            self.original,
            new_per_day=self.new_per_day.value(),
            max_reviews_per_day=self.max_reviews.value(),
            day_starts_at_hour=self.day_start.value(),
            learn_ahead_minutes=self.learn_ahead.value(),
            desired_retention=round(self.retention.value(), 2),
            prerequisite_credit=self.prerequisite_credit.isChecked(),
        )
