"""File ▸ Your memory model…: fit FSRS parameters to your reviews, see whether they predict
reviews they never saw better, apply or revert.

The review log is read on the GUI thread (one query per card); the fit runs on a worker
thread and reports its steps through a queued signal, so the bar moves and the window stays
responsive. Nothing changes until Apply, which saves through the application so the review
session schedules with the new set at once.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.memory_fit import MIN_REVIEWS, FitResult, NotEnoughReviews, fit
from app.domain.study_day import StudySettings
from app.services.application import Application
from app.ui.background import run_in_background


class _Steps(QObject):
    step = Signal(int, int, str)


class MemoryDialog(QDialog):
    def __init__(
        self,
        app: Application,
        apply_settings: Callable[[StudySettings], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("memory-dialog")
        self.setWindowTitle("Your memory model")
        self.app = app
        self._apply_settings = apply_settings
        self.fitted: FitResult | None = None
        layout = QVBoxLayout(self)
        self.current_label = QLabel()
        self.current_label.setWordWrap(True)
        layout.addWidget(self.current_label)
        explain = QLabel(
            f"Fitting needs {MIN_REVIEWS} reviews made at least a day after the card's "
            "previous one. One card in five is held out: the fit never sees it, and both "
            "parameter sets are judged on its reviews (lower is better)."
        )
        explain.setWordWrap(True)
        explain.setEnabled(False)
        layout.addWidget(explain)
        self.progress = QProgressBar()
        self.progress.setObjectName("memory-progress")
        self.progress.setRange(0, 4)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.result_label = QLabel()
        self.result_label.setObjectName("memory-result")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        buttons = QDialogButtonBox()
        self.fit_button = QPushButton("Fit to my reviews")
        self.apply_button = QPushButton("Apply")
        self.revert_button = QPushButton("Revert to the previous set")
        for button in (self.fit_button, self.apply_button, self.revert_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fit_button.clicked.connect(self.start_fit)
        self.apply_button.clicked.connect(self.apply)
        self.revert_button.clicked.connect(self.revert)
        self.apply_button.setEnabled(False)
        self.resize(520, 260)
        self._show_current()

    def _show_current(self) -> None:
        own = bool(self.app.settings.fsrs_parameters)
        self.current_label.setText(
            "Scheduling with <b>your own parameters</b>."
            if own
            else "Scheduling with <b>FSRS's default parameters</b>."
        )
        self.revert_button.setEnabled(own)

    def start_fit(self) -> None:
        histories = self.app.memory.histories()
        current = self.app.memory.current_parameters()
        steps = _Steps(self)
        steps.step.connect(self._step)
        self.fit_button.setEnabled(False)
        self.apply_button.setEnabled(False)
        self.progress.setValue(0)
        self.result_label.setText("Reading your reviews…")
        run_in_background(self, lambda: fit(histories, current, steps.step.emit), self._finished)

    def _step(self, step: int, _of: int, what: str) -> None:
        self.progress.setValue(step)
        self.result_label.setText(f"{what}…")

    def _finished(self, result: object) -> None:
        self.fit_button.setEnabled(True)
        if isinstance(result, NotEnoughReviews):
            self.progress.setValue(0)
            self.result_label.setText(f"Not yet: {result}.")
            return
        if not isinstance(result, FitResult):
            self.result_label.setText(f"The fit failed: {result}")
            return
        self.fitted = result
        self.progress.setValue(4)
        verdict = (
            "Your parameters predict them better."
            if result.better
            else "Your parameters predict them no better, so they cannot be applied."
        )
        self.result_label.setText(
            f"From {result.reviews} reviews. On the held-out reviews: log loss "
            f"{result.log_loss_before:.4f} → {result.log_loss_after:.4f}, RMSE "
            f"{result.rmse_before:.4f} → {result.rmse_after:.4f}. {verdict}"
        )
        self.apply_button.setEnabled(result.better)

    def _save(self, settings: StudySettings) -> None:
        self._apply_settings(settings)
        self._show_current()

    def apply(self) -> None:
        if self.fitted is None:
            return
        settings = self.app.memory.applied(self.fitted)
        if settings is not None:
            self._save(settings)
            self.apply_button.setEnabled(False)
            self.result_label.setText(
                self.result_label.text()
                + " Applied: every card in review is rescheduled with them."
            )

    def revert(self) -> None:
        self._save(self.app.memory.reverted())
