"""The Stats screen: today, a year of reviews, the next 30 days, true retention, card counts,
mastery by area, quiz scores, and the plan toward an interview date."""

from __future__ import annotations

import html
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.stats import Retention, StudyPlan
from app.services.application import Application
from app.services.stats_service import StatsSnapshot
from app.ui.charts import BarChart, HBar, HBarChart, Heatmap, LineChart, StackBar
from app.ui.interview_panel import InterviewPanel
from app.ui.screen import Screen
from app.ui.theme import STATE_COLORS

COUNT_COLORS = {
    "new": STATE_COLORS["new"],
    "learning": "#d9534f",
    "relearning": "#c98a1b",
    "young": "#7cc48f",
    "mature": STATE_COLORS["review"],
    "suspended": "#8c959f",
}
GOOD, WARN = "#2e9d5b", "#c98a1b"


def _section(title: str, body: QWidget, note: str = "") -> QFrame:
    frame = QFrame()
    frame.setObjectName("stats-section")
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 10, 14, 12)
    heading = QLabel(f"<b>{html.escape(title)}</b>")
    heading.setTextFormat(Qt.TextFormat.RichText)
    layout.addWidget(heading)
    if note:
        hint = QLabel(note)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        layout.addWidget(hint)
    layout.addWidget(body)
    layout.addStretch(1)
    return frame


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def retention_html(rows: dict[str, Retention]) -> str:
    header = "".join(f"<th align='right'>{html.escape(label)}</th>" for label in rows)
    body = ""
    for name, attr, total_attr in (
        ("Young", "young", "young_total"),
        ("Mature", "mature", "mature_total"),
        ("Total", "total", "count"),
    ):
        cells = "".join(
            f"<td align='right'>{_percent(getattr(r, attr))}"
            f"<br><small>{getattr(r, total_attr)} reviews</small></td>"
            for r in rows.values()
        )
        body += f"<tr><td><b>{name}</b></td>{cells}</tr>"
    return f"<table cellspacing='0' cellpadding='6' width='100%'><tr><th></th>{header}</tr>{body}</table>"


def plan_text(plan: StudyPlan | None, today: date) -> str:
    if plan is None:
        return "Set your interview date to see how many new cards a day get you ready."
    if plan.cards_left == 0:
        return (
            f"<b>Nothing new left to learn</b> in the concepts you have not mastered yet "
            f"({plan.concepts_left}); keep up with your reviews until {plan.interview:%d %b %Y}."
        )
    if plan.days_left <= 0:
        when = "is today" if plan.interview == today else f"was {plan.interview:%a %d %b %Y}"
        return (
            f"Your interview {when}, with {plan.cards_left} new cards still to learn in "
            f"{plan.concepts_left} concepts not yet mastered. Pick a new date, or review the "
            "weakest concepts from the Graph."
        )
    verdict = (
        f'<span style="color:{GOOD}"><b>on track</b></span> with your limit of '
        f"{plan.new_per_day_limit} new cards a day"
        if plan.on_track
        else f'<span style="color:{WARN}"><b>more than your limit</b></span> of '
        f"{plan.new_per_day_limit} a day; at that pace you finish in "
        f"{plan.finish_at_current_limit} days, on "
        f"{today + timedelta(days=plan.finish_at_current_limit):%d %b}"
    )
    return (
        f"<span style='font-size:15pt'><b>{plan.per_day}</b> new "
        f"card{'s' if plan.per_day != 1 else ''} a day</span><br>"
        f"{plan.cards_left} cards left to learn in {plan.concepts_left} concepts not yet "
        f"mastered, over {plan.days_left} study days before {plan.interview:%a %d %b %Y}: "
        f"{verdict}."
    )


class StatsScreen(Screen):
    WATCHES = Changes.PROGRESS | Changes.CONTENT | Changes.QUIZZES | Changes.SETTINGS

    def __init__(self, app: Application) -> None:
        super().__init__()
        self.setObjectName("stats")
        self.app = app
        self.service = app.stats
        self.snapshot: StatsSnapshot | None = None
        self._build()
        self.refresh()

    def _build(self) -> None:
        content = QWidget()
        content.setObjectName("stats-content")
        grid = QGridLayout(content)
        grid.setContentsMargins(16, 14, 16, 16)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(12)

        self.today_label = QLabel()
        self.today_label.setObjectName("stats-today")
        self.today_label.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(_section("Today", self.today_label), 0, 0)

        plan_box = QWidget()
        plan_layout = QVBoxLayout(plan_box)
        plan_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.interview_check = QCheckBox("Interview on")
        self.interview_check.setObjectName("interview-set")
        self.interview_date = QDateEdit()
        self.interview_date.setObjectName("interview-date")
        self.interview_date.setCalendarPopup(True)
        # Digits in every part, so each can be typed; committed on Enter or leaving the box.
        self.interview_date.setDisplayFormat("yyyy-MM-dd")
        self.interview_date.setKeyboardTracking(False)
        self.interview_date.setToolTip(
            "Your interview date (type it, or pick it from the calendar)"
        )
        row.addWidget(self.interview_check)
        row.addWidget(self.interview_date)
        row.addStretch(1)
        self.plan_label = QLabel()
        self.plan_label.setObjectName("stats-plan")
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextFormat(Qt.TextFormat.RichText)
        plan_layout.addLayout(row)
        plan_layout.addWidget(self.plan_label)
        self.interview_panel = InterviewPanel(self.app, self.report)
        plan_layout.addWidget(self.interview_panel)
        grid.addWidget(_section("Interview plan", plan_box), 0, 1)

        self.heatmap = Heatmap()
        self.heatmap.setObjectName("stats-heatmap")
        self.heatmap_note = QLabel()
        heat_box = QWidget()
        heat_layout = QVBoxLayout(heat_box)
        heat_layout.setContentsMargins(0, 0, 0, 0)
        heat_layout.addWidget(self.heatmap)
        heat_layout.addWidget(self.heatmap_note)
        grid.addWidget(_section("Reviews over the past year", heat_box), 1, 0, 1, 2)

        self.forecast = BarChart()
        self.forecast.setObjectName("stats-forecast")
        self.forecast.empty_text = "No cards due in the next 30 days"
        grid.addWidget(
            _section("Due in the next 30 days", self.forecast, "Overdue cards count today."),
            2,
            0,
        )
        self.retention_label = QLabel()
        self.retention_label.setObjectName("stats-retention")
        self.retention_label.setTextFormat(Qt.TextFormat.RichText)
        grid.addWidget(
            _section(
                "True retention",
                self.retention_label,
                "Reviews not answered Again. Young: interval under 21 days; mature: 21 or more.",
            ),
            2,
            1,
        )
        self.counts = StackBar()
        self.counts.setObjectName("stats-counts")
        grid.addWidget(_section("Cards by state", self.counts), 3, 0)
        self.quiz_trend = LineChart()
        self.quiz_trend.setObjectName("stats-quiz")
        self.quiz_trend.empty_text = "Your quiz scores will show here"
        grid.addWidget(_section("Quiz scores", self.quiz_trend), 3, 1)
        self.areas = HBarChart()
        self.areas.setObjectName("stats-areas")
        grid.addWidget(
            _section(
                "Mastery by area", self.areas, "Mean predicted recall of each area's concepts."
            ),
            4,
            0,
            1,
            2,
        )
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(5, 1)

        scroll = QScrollArea()
        scroll.setObjectName("stats-scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.interview_check.toggled.connect(self._interview_changed)
        self.interview_date.dateChanged.connect(self._interview_changed)

    # -- data -----------------------------------------------------------------------------
    def refresh_for(self, changes: Changes) -> None:
        self.refresh()

    def refresh(self) -> None:
        snap = self.service.snapshot()
        self.snapshot = snap
        today = snap.today
        s = snap.today_summary
        again = f", {s.again} Again" if s.again else ""
        self.today_label.setText(
            f"<span style='font-size:20pt'><b>{s.reviews}</b></span> review"
            f"{'s' if s.reviews != 1 else ''} in <b>{s.minutes:.0f} min</b>{again}<br>"
            f"Streak: <b>{snap.streak}</b> day{'s' if snap.streak != 1 else ''} · "
            f"{snap.reviews_year} reviews this year"
        )
        self.heatmap.set_counts(snap.heatmap, today)
        studied = sum(1 for n in snap.heatmap.values() if n)
        self.heatmap_note.setText(f"Studied on {studied} of the last {len(snap.heatmap)} days.")
        self.heatmap_note.setEnabled(False)
        labels, tips = [], []
        for i, n in enumerate(snap.forecast):
            day = today + timedelta(days=i)
            labels.append("today" if i == 0 else f"{day:%d %b}" if i % 7 == 0 else "")
            when = "today (with overdue)" if i == 0 else f"{day:%a %d %b}"
            tips.append(f"{n} card{'s' if n != 1 else ''} due {when}")
        self.forecast.set_bars(snap.forecast, labels, tips)
        self.retention_label.setText(retention_html(snap.retention))
        self.counts.set_parts(
            [(label.capitalize(), n, COUNT_COLORS[label]) for label, n in snap.counts.items()]
        )
        scores = [score for _at, score in snap.quiz_scores][-30:]
        tz = self.app.local_tz
        tips = [f"{at.astimezone(tz):%d %b %H:%M}: {score:.0%}" for at, score in snap.quiz_scores][
            -30:
        ]
        self.quiz_trend.set_points(scores, tips)
        self.areas.set_bars(
            [
                HBar(
                    a.title,
                    a.mastery,
                    a.color,
                    f"{a.title}: mastery {a.mastery:.0%}, {a.mastered} of {a.concepts} "
                    "concepts mastered",
                    f"{a.mastery:.0%} · {a.mastered}/{a.concepts}",
                )
                for a in snap.areas
            ]
        )
        self._show_interview(snap)

    def _show_interview(self, snap: StatsSnapshot) -> None:
        interview = self.service.interview_date()
        for widget in (self.interview_check, self.interview_date):
            widget.blockSignals(True)
        self.interview_check.setChecked(interview is not None)
        shown = interview or snap.today + timedelta(days=30)
        earliest = min(snap.today, interview) if interview else snap.today  # no past dates
        self.interview_date.setMinimumDate(QDate(earliest.year, earliest.month, earliest.day))
        self.interview_date.setDate(QDate(shown.year, shown.month, shown.day))
        self.interview_date.setEnabled(interview is not None)
        for widget in (self.interview_check, self.interview_date):
            widget.blockSignals(False)
        self.plan_label.setText(plan_text(snap.plan, snap.today))
        self.interview_panel.show_for(interview)

    def _interview_changed(self) -> None:
        if self.interview_check.isChecked():
            chosen = self.interview_date.date()
            day: date | None = date(chosen.year(), chosen.month(), chosen.day())
        else:
            day = None
        self.set_interview(day)

    def set_interview(self, day: date | None) -> None:
        """What ticking the box and picking `day` does (for tests and the CLI)."""
        changes = self.service.set_interview_date(day)
        self.refresh()
        self.report(changes)
