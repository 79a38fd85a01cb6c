"""The quiz's results page: the score, each question, concepts weakest first, what next."""

from __future__ import annotations

import html
from datetime import tzinfo

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.content import ContentBank
from app.domain.quiz import format_clock
from app.services.quiz_service import QuizResults
from app.ui.quiz.models import ResultsModel
from app.ui.quiz.palette import score_color
from app.ui.results_parts import ScoreLine, results_table
from app.ui.widgets import bind_keys, drop, muted

CONCEPTS_SHOWN = 8


class ResultsPage(QWidget):
    """Shows a `QuizResults`; its buttons are forwarded as signals."""

    new_quiz_requested = Signal()
    study_requested = Signal()  # study the weakest concepts
    rate_again_requested = Signal()
    review_missed_requested = Signal()  # rate the missed Again (if not yet) and review them now
    export_requested = Signal()  # the graded answers as labelled data
    graph_requested = Signal(str)  # concept id

    def __init__(self, bank: ContentBank, local_tz: tzinfo) -> None:
        super().__init__()
        self.bank = bank
        self.local_tz = local_tz
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.back_button = QPushButton("New quiz")
        self.back_button.setObjectName("quiz-new")
        self.back_button.clicked.connect(self.new_quiz_requested.emit)
        self.score_line = ScoreLine("quiz-score", [self.back_button])
        layout.addLayout(self.score_line)
        self.results_model = ResultsModel(bank)
        self.results_table = results_table("quiz-results", self.results_model)
        layout.addWidget(self.results_table, 3)
        bottom = QHBoxLayout()
        concepts_box = QGroupBox("By concept, weakest first")
        self.concepts_layout = QGridLayout(concepts_box)
        self.concepts_layout.setColumnStretch(0, 1)
        self.concepts_layout.setRowStretch(99, 1)
        self.concept_widgets: list[QWidget] = []
        bottom.addWidget(concepts_box, 3)
        actions_box = QGroupBox("What next")
        actions = QVBoxLayout(actions_box)
        self.study_button = QPushButton()
        self.study_button.setObjectName("quiz-study-these")
        self.study_button.clicked.connect(self.study_requested.emit)
        self.again_button = QPushButton()
        self.again_button.setObjectName("quiz-rate-again")
        self.again_button.clicked.connect(self.rate_again_requested.emit)
        self.review_missed_button = QPushButton()
        self.review_missed_button.setObjectName("quiz-review-missed")
        self.review_missed_button.clicked.connect(self.review_missed_requested.emit)
        self.again_note = muted("")
        self.export_button = QPushButton("Export graded answers…")
        self.export_button.setObjectName("quiz-export-labelled")
        self.export_button.setToolTip(
            "Every answer you typed and graded, with your ticks, as JSON lines: labelled data "
            "for checking the grader (the same format as `lattice grade-answers` reads)"
        )
        self.export_button.clicked.connect(self.export_requested.emit)
        actions.addWidget(self.study_button)
        actions.addWidget(self.review_missed_button)
        actions.addWidget(self.again_button)
        actions.addWidget(self.again_note)
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        bind_keys(self, ["R"], self.review_missed_button.click, "review the missed cards")
        bottom.addWidget(actions_box, 2)
        layout.addLayout(bottom, 2)

    def show_results(self, results: QuizResults) -> None:
        totals = results.totals
        when = results.started_at.astimezone(self.local_tz)
        parts = [
            f"<b>{totals.questions} questions</b> on {when:%a %d %b, %H:%M}",
            f"{format_clock(totals.seconds_used)} used of {format_clock(totals.budget)}",
            f"{totals.timed_out} ran out of time" if totals.timed_out else "none ran out of time",
        ]
        if totals.unreached:
            parts.append(f"{totals.unreached} not reached")
        if totals.pauses:
            parts.append(f"paused {totals.pauses}×")
        self.score_line.show_score(results.score, " · ".join(parts))
        self.results_model.set_answers(results.answers)
        self._fill_concepts(results)
        missed = len(results.missed)
        self.review_missed_button.setText(
            f"Review the {missed} missed now   (R)" if missed else "Nothing missed to review"
        )
        self.review_missed_button.setEnabled(missed > 0)
        if results.again_applied:
            self.again_button.setText("Missed cards rated Again")
            self.again_button.setEnabled(False)
            self.again_note.setText("They are back in your learning queue.")
        else:
            self.again_button.setText(
                f"Rate {missed} missed card{'s' if missed != 1 else ''} Again"
            )
            self.again_button.setEnabled(missed > 0)
            self.again_note.setText(
                "Missed: under half the key points. Nothing changes in your schedule unless you choose this."
            )

    def _fill_concepts(self, results: QuizResults) -> None:
        for widget in self.concept_widgets:
            drop(self.concepts_layout, widget)
        self.concept_widgets = []
        weakest = set(results.weakest)
        for row, entry in enumerate(results.concepts[:CONCEPTS_SHOWN]):
            concept = self.bank.concepts.get(entry.concept)
            title = html.escape(concept.title if concept else entry.concept)
            weak = entry.concept in weakest
            label = QLabel(
                f"{'<b>' if weak else ''}{title}{'</b>' if weak else ''}"
                f' <span style="color:palette(placeholder-text)">· {entry.questions} question{"s" if entry.questions != 1 else ""}</span>'
            )
            score = QLabel(
                f'<span style="color:{score_color(entry.score)}; font-weight:600">{entry.score:.0%}</span>'
            )
            self.concepts_layout.addWidget(label, row, 0)
            self.concepts_layout.addWidget(score, row, 1)
            self.concept_widgets += [label, score]
            if weak:
                graph = QPushButton("Show on graph")
                graph.setObjectName(f"quiz-graph-{entry.concept}")
                graph.setFlat(True)
                graph.clicked.connect(lambda _=False, c=entry.concept: self.graph_requested.emit(c))
                self.concepts_layout.addWidget(graph, row, 2)
                self.concept_widgets.append(graph)
        count = len(weakest)
        self.study_button.setText(
            f"Study these: review the {count} weakest concept{'s' if count != 1 else ''}"
            if count
            else "Nothing weak to study: every point covered"
        )
        self.study_button.setEnabled(bool(count))

    def say_rated_again(self, count: int) -> None:
        self.again_note.setText(
            f"{count} card{'s' if count != 1 else ''} rated Again: back in your learning queue."
        )
