"""The behavioural round, shown inside the Quiz screen: a question, the story you will tell,
two minutes on the clock, then grading against the story's own key points.

Pages: choose the story (Enter starts the clock), tell it (type as you talk or just talk;
Ctrl+Enter stops, Ctrl+P pauses), grade (keys 1–9 tick points, Enter saves and moves on),
results. The countdown is the domain's; the QTimer only asks it how much is left, so tests
move a FakeClock and call `tick()`.
"""

from __future__ import annotations

import html
from functools import partial

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.quiz import CountdownState, format_clock, urgency
from app.domain.stories import story_markdown
from app.domain.stories_coverage import Fit
from app.domain.stories_rehearsal import DEFAULT_ROUND
from app.services.story_rehearsal import RehearsalService, Round, RoundItem
from app.ui.markdown_view import MarkdownView
from app.ui.quiz_models import AMBER, RED, score_color
from app.ui.stories.round_models import RoundResultsModel
from app.ui.stories.widgets import heading, muted, shortcut
from app.ui.theme import ACCENT

TICK_MS = 200
BAR_COLORS = {"normal": ACCENT, "amber": AMBER, "red": RED}
CHOOSE, TELL, GRADE, RESULTS = range(4)
FIT_MARKS = {Fit.CHOSEN: "✓ ", Fit.FITS: "○ ", Fit.NONE: ""}


class BehaviouralRound(QWidget):
    started = Signal()  # a round began: the host shows this widget
    closed = Signal()  # the learner left the round: the host shows its own setup
    rehearsed = Signal()  # a telling was graded and stored

    def __init__(self, service: RehearsalService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("behavioural-round")
        self.service = service
        self.run: Round | None = None
        self.setup_panel: QWidget | None = None  # where the host starts a round
        self.pages = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.pages.addWidget(self._build_choose())
        self.pages.addWidget(self._build_tell())
        self.pages.addWidget(self._build_grade())
        self.pages.addWidget(self._build_results())
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)
        self.point_boxes: list[QCheckBox] = []
        self.point_notes: list[QLabel] = []

    # == starting =========================================================================
    def start(self, count: int = DEFAULT_ROUND) -> bool:
        """A new round of `count` questions; False when there is no story to tell yet."""
        return self._begin(self.service.new_round(count))

    def start_for_story(self, story_id: str, count: int = DEFAULT_ROUND) -> bool:
        return self._begin(self.service.round_for_story(story_id, count))

    def _begin(self, run: Round | None) -> bool:
        if run is None or not run.items:
            return False
        self.run = run
        self.started.emit()
        self._enter_current()
        return True

    def _enter_current(self) -> None:
        run = self.run
        if run is None:
            self.closed.emit()
        elif run.phase == "choosing":
            self._show_choose()
        elif run.phase == "telling":
            self._show_tell()
        elif run.phase == "grading":
            self._show_grade()
        else:
            self._show_results()

    def _header(self) -> str:
        run = self.run
        assert run is not None
        return f"<b>Behavioural · question {run.current + 1} of {len(run.items)}</b>"

    @property
    def item(self) -> RoundItem:
        assert self.run is not None and self.run.item is not None
        return self.run.item

    # == choose page ======================================================================
    def _build_choose(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.c_progress = QLabel()
        layout.addWidget(self.c_progress)
        self.c_question = heading("", 17)
        self.c_question.setObjectName("round-question")
        self.c_question.setContentsMargins(0, 18, 0, 12)
        layout.addWidget(self.c_question)
        row = QHBoxLayout()
        row.addWidget(QLabel("Story to tell"))
        self.story_combo = QComboBox()
        self.story_combo.setObjectName("round-story")
        self.story_combo.setMinimumWidth(420)
        self.story_combo.currentIndexChanged.connect(lambda _i: self._story_chosen())
        row.addWidget(self.story_combo, 1)
        row.addStretch(1)
        layout.addLayout(row)
        self.c_story_note = muted()
        layout.addWidget(self.c_story_note)
        layout.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(
            muted(
                "Up/Down picks another story. You get two minutes: situation and task in a "
                "few sentences, most of the time on what you did, then the result with its numbers."
            ),
            1,
        )
        self.leave_button = QPushButton("Leave round   (Esc)")
        self.leave_button.setObjectName("round-leave")
        self.leave_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.leave_button.clicked.connect(self.leave)
        self.tell_button = QPushButton("Start the clock   (Enter)")
        self.tell_button.setObjectName("round-start")
        self.tell_button.setMinimumHeight(40)
        self.tell_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tell_button.clicked.connect(self.begin_telling)
        bottom.addWidget(self.leave_button)
        bottom.addWidget(self.tell_button)
        layout.addLayout(bottom)
        shortcut(page, ["Return", "Enter", "Ctrl+Return", "Ctrl+Enter"], self.begin_telling)
        shortcut(page, ["Escape"], self.leave)
        return page

    def _show_choose(self) -> None:
        item = self.item
        self.c_progress.setText(self._header())
        self.c_question.setText(html.escape(item.question.text))
        self.story_combo.blockSignals(True)
        self.story_combo.clear()
        for story, kind in self.service.choices(item.question):
            self.story_combo.addItem(f"{FIT_MARKS[kind]}{story.title}", story.id)
        self.story_combo.setCurrentIndex(max(0, self.story_combo.findData(item.story_id)))
        self.story_combo.blockSignals(False)
        self._story_chosen()
        self._show_page(CHOOSE, self.story_combo)

    def _story_chosen(self) -> None:
        if self.run is None or self.run.phase != "choosing":
            return
        story_id = self.story_combo.currentData()
        if story_id:
            self.service.choose(self.run, str(story_id))
        story = self.service.story_of(self.item)
        if story is None:
            self.c_story_note.setText("")
            return
        probes = ", ".join(self.item.question.competencies)
        shows = ", ".join(story.competencies)
        record = self.service.stories.records().get(story.id)
        history = "Not rehearsed yet."
        if record is not None and record.last is not None:
            history = f"Told {record.times}×, last {record.last:.0%}."
            if record.needs_work():
                history += f" Needs work: {record.needs_work()}."
        self.c_story_note.setText(
            f"{story.project} · shows {shows}. The question probes {probes}.\n"
            f"Graded on its four STAR parts and {len(story.numbers)} number"
            f"{'s' if len(story.numbers) != 1 else ''}. {history}"
        )

    def begin_telling(self) -> None:
        if self.run is None or self.pages.currentIndex() != CHOOSE:
            return
        if self.service.start(self.run) is not None:
            self._show_tell()

    def leave(self) -> None:
        """Stop the round (tellings already graded are kept) and go back to the quiz setup."""
        self.timer.stop()
        self.run = None
        self.closed.emit()

    # == tell page ========================================================================
    def _build_tell(self) -> QWidget:
        page = QWidget()
        page.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.tell_page = page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.t_progress = QLabel()
        self.t_story = muted()
        self.clock_label = QLabel()
        self.clock_label.setObjectName("round-clock")
        header.addWidget(self.t_progress)
        header.addWidget(self.t_story, 1)
        header.addWidget(self.clock_label)
        layout.addLayout(header)
        self.clock_bar = QProgressBar()
        self.clock_bar.setObjectName("round-clock-bar")
        self.clock_bar.setRange(0, 1000)
        self.clock_bar.setTextVisible(False)
        self.clock_bar.setFixedHeight(8)
        layout.addWidget(self.clock_bar)
        self.t_question = heading("", 17)
        self.t_question.setContentsMargins(0, 18, 0, 12)
        layout.addWidget(self.t_question)
        self.telling_box = QPlainTextEdit()
        self.telling_box.setObjectName("round-telling")
        self.telling_box.setPlaceholderText(
            "Tell the story out loud; type as you talk if you like (typing is optional).\n"
            "Ctrl+Enter when you are done; at 0:00 the telling stops."
        )
        self.telling_box.setTabChangesFocus(True)
        layout.addWidget(self.telling_box, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.pause_button = QPushButton("Pause   (Ctrl+P)")
        self.pause_button.setObjectName("round-pause")
        self.pause_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.done_button = QPushButton("Done   (Ctrl+Enter)")
        self.done_button.setObjectName("round-done")
        self.done_button.setMinimumHeight(36)
        self.done_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.done_button.clicked.connect(self.finish_telling)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        shortcut(page, ["Ctrl+Return", "Ctrl+Enter"], self.finish_telling)
        shortcut(page, ["Ctrl+P"], self.toggle_pause)
        return page

    def _show_tell(self) -> None:
        item = self.item
        story = self.service.story_of(item)
        self.t_progress.setText(self._header())
        self.t_story.setText(
            f"&nbsp;&nbsp;telling: <b>{html.escape(story.title if story else '')}</b>"
        )
        self.t_question.setText(html.escape(item.question.text))
        self.telling_box.setReadOnly(False)
        self.telling_box.clear()
        self.pause_button.setText("Pause   (Ctrl+P)")
        self._show_page(TELL, self.telling_box)
        self.tick()
        self.timer.start()

    def tick(self) -> None:
        """Repaint the clock from the domain countdown; stop the telling at zero."""
        run = self.run
        if run is None or run.phase != "telling" or self.item.countdown is None:
            self.timer.stop()
            return
        countdown = self.item.countdown
        expired = countdown.expired
        fraction = countdown.fraction_left()
        band = urgency(fraction)
        color = BAR_COLORS[band]
        self.clock_label.setText(format_clock(countdown.remaining()))
        self.clock_label.setProperty("urgency", band)
        self.clock_label.setStyleSheet(
            "font-size: 20pt; font-weight: 600; "
            f"color: {color if band != 'normal' else 'palette(window-text)'};"
        )
        self.clock_bar.setValue(round(fraction * 1000))
        self.clock_bar.setStyleSheet(
            "QProgressBar { border: none; border-radius: 4px; background: palette(mid); }"
            f"QProgressBar::chunk {{ border-radius: 4px; background: {color}; }}"
        )
        if expired:
            self.finish_telling()

    @property
    def paused(self) -> bool:
        run = self.run
        countdown = run.item.countdown if run is not None and run.item is not None else None
        return countdown is not None and countdown.state is CountdownState.PAUSED

    def toggle_pause(self) -> None:
        run = self.run
        if run is None or run.phase != "telling" or self.item.countdown is None:
            return
        countdown = self.item.countdown
        if countdown.state is CountdownState.PAUSED:
            countdown.resume()
            self.pause_button.setText("Pause   (Ctrl+P)")
            self.telling_box.setEnabled(True)
            self.telling_box.setFocus(Qt.FocusReason.OtherFocusReason)
            self.timer.start()
        else:
            countdown.pause()
            if countdown.state is CountdownState.PAUSED:
                self.pause_button.setText("Resume   (Ctrl+P)")
                self.telling_box.setEnabled(False)
                self.tell_page.setFocus(Qt.FocusReason.OtherFocusReason)
        self.tick()

    def finish_telling(self) -> None:
        run = self.run
        if run is None or run.phase != "telling" or self.pages.currentIndex() != TELL:
            return
        self.timer.stop()
        self.telling_box.setEnabled(True)
        self.telling_box.setReadOnly(True)
        self.service.finish(run, self.telling_box.toPlainText())
        self._show_grade()

    # == grade page =======================================================================
    def _build_grade(self) -> QWidget:
        page = QWidget()
        page.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.grade_page = page
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.g_progress = QLabel()
        self.g_outcome = QLabel()
        self.g_outcome.setObjectName("round-outcome")
        header.addWidget(self.g_progress)
        header.addStretch(1)
        header.addWidget(self.g_outcome)
        layout.addLayout(header)
        self.g_question = heading("", 14)
        self.g_question.setContentsMargins(0, 8, 0, 4)
        layout.addWidget(self.g_question)
        sides = QHBoxLayout()
        mine = QVBoxLayout()
        mine.addWidget(heading("Your telling", 11))
        self.told_view = QPlainTextEdit()
        self.told_view.setObjectName("round-told")
        self.told_view.setReadOnly(True)
        self.told_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.told_view.setPlaceholderText("Nothing typed: grade what you said aloud.")
        mine.addWidget(self.told_view, 1)
        theirs = QVBoxLayout()
        theirs.addWidget(heading("The story as you wrote it", 11))
        self.story_view = MarkdownView(reading_width=None)
        self.story_view.setObjectName("round-story-text")
        self.story_view.document().setDocumentMargin(10)
        self.story_view.setFrameShape(QFrame.Shape.StyledPanel)
        theirs.addWidget(self.story_view, 1)
        sides.addLayout(mine, 1)
        sides.addLayout(theirs, 1)
        layout.addLayout(sides, 1)
        points_box = QGroupBox("Did you say it? Tick what your telling covered  (keys 1–9)")
        self.points_layout = QGridLayout(points_box)
        self.points_layout.setColumnStretch(1, 1)
        layout.addWidget(points_box)
        bottom = QHBoxLayout()
        bottom.addWidget(
            muted("Pre-ticked points were found in what you typed by a simple word match."), 1
        )
        self.points_score = QLabel()
        self.points_score.setObjectName("round-points-score")
        bottom.addWidget(self.points_score)
        self.next_button = QPushButton()
        self.next_button.setObjectName("round-next")
        self.next_button.setMinimumHeight(36)
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.clicked.connect(self.confirm_grading)
        bottom.addWidget(self.next_button)
        layout.addLayout(bottom)
        for n in range(1, 10):
            shortcut(page, [str(n)], partial(self.toggle_point, n - 1))
        shortcut(page, ["Return", "Enter"], self.confirm_grading)
        return page

    def _show_grade(self) -> None:
        run, item = self.run, self.item
        assert run is not None
        story = self.service.story_of(item)
        self.g_progress.setText(self._header())
        used = format_clock(item.seconds_used)
        if item.timed_out:
            self.g_outcome.setText(
                f'<span style="color:{RED}; font-weight:600">Time\'s up</span> at {used}: '
                "cut the situation shorter next time"
            )
        else:
            self.g_outcome.setText(f"Told in {used} of 2:00")
        self.g_question.setText(html.escape(item.question.text))
        self.told_view.setPlainText(item.typed)
        if story is not None:
            self.story_view.show_markdown(f"**{story.title}**\n\n" + story_markdown(story))
        for widget in (*self.point_boxes, *self.point_notes):
            self.points_layout.removeWidget(widget)
            widget.hide()
            widget.deleteLater()
        self.point_boxes, self.point_notes = [], []
        for i, point in enumerate(self.service.points(item)):
            match = item.matches[i] if i < len(item.matches) else None
            label = f"{point.label}: {point.text}"
            box = QCheckBox(f"{i + 1}   {label}" if i < 9 else label)
            box.setObjectName(f"round-point-{i + 1}")
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            box.setChecked(i < len(item.covered) and item.covered[i])
            box.toggled.connect(lambda _=False: self._update_points_score())
            note = muted(
                ("✓ found: " if match and match.covered else "✗ ")
                + (match.explanation if match else "")
            )
            self.points_layout.addWidget(box, i, 0)
            self.points_layout.addWidget(note, i, 1)
            self.point_boxes.append(box)
            self.point_notes.append(note)
        last = run.current + 1 >= len(run.items)
        self.next_button.setText("See results   (Enter)" if last else "Next question   (Enter)")
        self._update_points_score()
        self._show_page(GRADE, self.grade_page)

    def covered(self) -> tuple[bool, ...]:
        return tuple(box.isChecked() for box in self.point_boxes)

    def _update_points_score(self) -> None:
        covered = self.covered()
        share = sum(covered) / len(covered) if covered else 0.0
        self.points_score.setText(
            f"<b>{sum(covered)} of {len(covered)}</b> points · "
            f'<span style="color:{score_color(share)}; font-weight:600">{share:.0%}</span>'
        )

    def toggle_point(self, index: int) -> None:
        if self.pages.currentIndex() == GRADE and 0 <= index < len(self.point_boxes):
            self.point_boxes[index].toggle()

    def confirm_grading(self) -> None:
        run = self.run
        if run is None or run.phase != "grading" or self.pages.currentIndex() != GRADE:
            return
        self.service.grade(run, self.covered())
        self.rehearsed.emit()
        self._enter_current()

    # == results page =====================================================================
    def _build_results(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.score_label = QLabel()
        self.score_label.setObjectName("round-score")
        self.r_summary = QLabel()
        self.r_summary.setWordWrap(True)
        top.addWidget(self.score_label)
        top.addSpacing(16)
        top.addWidget(self.r_summary, 1)
        again = QPushButton("Another round   (Ctrl+Enter)")
        again.setObjectName("round-again")
        again.clicked.connect(self.again)
        back = QPushButton("Back to quiz setup   (Esc)")
        back.setObjectName("round-back")
        back.clicked.connect(self.leave)
        top.addWidget(again)
        top.addWidget(back)
        layout.addLayout(top)
        self.results_model = RoundResultsModel(self.service)
        self.results_table = QTableView()
        self.results_table.setObjectName("round-results")
        self.results_table.setModel(self.results_model)
        self.results_table.verticalHeader().hide()
        self.results_table.setShowGrid(False)
        self.results_table.setWordWrap(False)
        self.results_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.results_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.results_table, 2)
        self.needs_work_label = QLabel()
        self.needs_work_label.setObjectName("round-needs-work")
        self.needs_work_label.setWordWrap(True)
        self.needs_work_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.needs_work_label, 1)
        shortcut(page, ["Ctrl+Return", "Ctrl+Enter"], self.again)
        shortcut(page, ["Escape"], self.leave)
        return page

    def _show_results(self) -> None:
        run = self.run
        assert run is not None
        self.timer.stop()
        done = [item for item in run.items if item.score is not None]
        score = sum(item.score or 0.0 for item in done) / len(done) if done else 0.0
        self.score_label.setText(
            f'<span style="font-size:30pt; font-weight:700; color:{score_color(score)}">'
            f"{score:.0%}</span>"
        )
        over = sum(1 for item in done if item.timed_out)
        self.r_summary.setText(
            f"<b>{len(done)} stor{'ies' if len(done) != 1 else 'y'} told</b> · "
            + (f"{over} ran out of time" if over else "all within two minutes")
        )
        self.results_model.set_items(run.items)
        records = self.service.stories.records()
        lines = []
        for story in self.service.stories.stories:
            reason = records[story.id].needs_work() if story.id in records else ""
            if reason:
                lines.append(f"<li><b>{html.escape(story.title)}</b>: {html.escape(reason)}</li>")
        self.needs_work_label.setText(
            f"<b>Stories that need work</b><ul>{''.join(lines)}</ul>"
            if lines
            else "<b>Every story's latest telling was tight.</b>"
        )
        self._show_page(RESULTS, self.results_table)

    def again(self) -> None:
        if self.pages.currentIndex() == RESULTS and self.run is not None:
            self.start(len(self.run.items))

    # == shared ===========================================================================
    def _show_page(self, index: int, focus: QWidget) -> None:
        self.pages.setCurrentIndex(index)
        self.setFocusProxy(focus)
        focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        # Leaving the screen mid-telling pauses the clock rather than letting it run out.
        if self.run is not None and self.run.phase == "telling" and not self.paused:
            self.toggle_pause()
        super().hideEvent(event)
