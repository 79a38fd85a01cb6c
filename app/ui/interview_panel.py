"""Interview mode on the Stats screen: minutes a day, the forecast, the plan against reality.

The plan is computed on a worker thread (a second or two on a large bank): the database is
read first, on the GUI thread (`InterviewService.inputs`), and only the plain computation
runs on the worker. Each forecast is recorded, so the days show planned against studied
minutes and how the expected recall on the day evolves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.services.application import Application
from app.services.interview_service import InterviewForecast, PlanRefused
from app.ui.background import run_in_background
from app.ui.charts import LineChart


def follow_at_start(parent: QObject, app: Application, report: Callable[[Changes], None]) -> None:
    """When the learner follows the plan, plan today afresh (on a worker thread) and hand
    today's part to Review: the plan bends to what happened since it was last made."""
    interview = app.interview.interview_date()
    if interview is None or not app.interview.following():
        return
    try:
        inputs = app.interview.inputs(interview, app.interview.minutes())
    except PlanRefused:
        return  # the date has passed: Review keeps the daily limits

    def planned(result: object) -> None:
        if isinstance(result, InterviewForecast):
            app.interview.record(result)
            report(app.follow_plan(result))

    run_in_background(parent, inputs.forecast, planned)


class InterviewPanel(QWidget):
    def __init__(self, app: Application, report: Callable[[Changes], None]) -> None:
        super().__init__()
        self.app = app
        self.report = report
        self.interview: date | None = None
        self.forecast: InterviewForecast | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Study"))
        self.minutes = QSpinBox()
        self.minutes.setObjectName("interview-minutes")
        self.minutes.setRange(5, 300)
        self.minutes.setSingleStep(5)
        self.minutes.setSuffix(" min a day")
        self.minutes.setValue(int(app.interview.minutes()))
        row.addWidget(self.minutes)
        self.busy = QProgressBar()
        self.busy.setObjectName("interview-busy")
        self.busy.setRange(0, 0)  # a plan takes a moment: show that it is being made
        self.busy.setMaximumWidth(120)
        self.busy.setTextVisible(False)
        self.busy.hide()
        row.addWidget(self.busy)
        row.addStretch(1)
        self.follow = QCheckBox("Follow this plan in Review")
        self.follow.setObjectName("interview-follow")
        self.follow.setToolTip(
            "Review serves today's new cards and reviews from the plan instead of your daily "
            "limits; planned again each day from what you did."
        )
        self.follow.setChecked(app.interview.following())
        row.addWidget(self.follow)
        layout.addLayout(row)
        self.forecast_label = QLabel()
        self.forecast_label.setObjectName("interview-forecast")
        self.forecast_label.setWordWrap(True)
        self.forecast_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.forecast_label)
        self.recall_chart = LineChart()
        self.recall_chart.setObjectName("interview-recall")
        self.recall_chart.setMinimumHeight(90)
        self.recall_chart.empty_text = "The expected recall on the day, as it evolves, shows here"
        layout.addWidget(self.recall_chart)
        self.reality_label = QLabel()
        self.reality_label.setObjectName("interview-reality")
        self.reality_label.setWordWrap(True)
        layout.addWidget(self.reality_label)
        self.minutes.valueChanged.connect(self._minutes_changed)
        self.follow.toggled.connect(self._follow_changed)
        self.setVisible(False)

    def show_for(self, interview: date | None) -> None:
        """Plan toward `interview` (None: interview mode off)."""
        self.interview = interview
        self.setVisible(interview is not None)
        if interview is not None:
            self._plan()
        elif self.app.review.following:
            self.report(self.app.follow_plan(None))

    def _follow_changed(self, on: bool) -> None:
        self.app.interview.set_following(on)
        self.report(self.app.follow_plan(self.forecast if on else None))

    def _minutes_changed(self, value: int) -> None:
        self.app.interview.set_minutes(value)
        if self.interview is not None:
            self._plan()

    def _plan(self) -> None:
        assert self.interview is not None
        self._generation += 1
        generation = self._generation
        try:
            inputs = self.app.interview.inputs(self.interview, self.minutes.value())
        except PlanRefused as refused:
            self.forecast = None
            if self.app.review.following:
                self.report(self.app.follow_plan(None))
            self.busy.hide()
            self.forecast_label.setText(f"No plan: {refused}.")
            self._show_history()
            return
        self.busy.show()
        self.forecast_label.setText("Planning each day up to the interview…")
        run_in_background(self, inputs.forecast, lambda result: self._planned(generation, result))

    def _planned(self, generation: int, result: object) -> None:
        if generation != self._generation:
            return  # a newer plan was asked for meanwhile
        self.busy.hide()
        if not isinstance(result, InterviewForecast):
            self.forecast_label.setText(f"The plan could not be made: {result}")
            return
        self.forecast = result
        self.app.interview.record(result)
        if self.follow.isChecked():
            self.report(self.app.follow_plan(result))
        self.forecast_label.setText(forecast_html(result))
        self.forecast_label.setToolTip(f"The plan: {result.plan.policy.describe()}.")
        self._show_history()

    def _show_history(self) -> None:
        records = self.app.interview.history()[-30:]
        self.recall_chart.set_points(
            [r.expected_recall for r in records],
            [
                f"{r.day:%a %d %b}: expected recall on the day {r.expected_recall:.0%}"
                for r in records
            ],
        )
        recent = records[-7:]
        self.reality_label.setText(
            "Planned against studied: "
            + ", ".join(f"{r.day:%a} {r.planned:.0f}/{r.studied:.0f} min" for r in recent)
            if recent
            else ""
        )


def forecast_html(forecast: InterviewForecast) -> str:
    plan, plain = forecast.plan, forecast.plain
    today = plan.today
    later = [d.minutes for d in plan.days[1:]]
    mean_later = sum(later) / len(later) if later else 0.0
    today_text = (
        f"today {len(today.new)} new, {len(today.reviews)} reviews, about {today.minutes:.0f} min"
        if today
        else "nothing left today"
    )
    then = f", then about {mean_later:.0f} min a day" if later else ""
    return (
        f"<span style='font-size:15pt'><b>{plan.expected_recall:.0%}</b></span> expected "
        f"recall on {forecast.interview:%a %d %b} (the plain schedule: "
        f"{plain.expected_recall:.0%} at the same minutes)<br>"
        f"{today_text}{then}; planned again from your progress every day."
    )
