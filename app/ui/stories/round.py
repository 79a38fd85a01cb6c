"""The behavioural round, shown inside the Quiz screen: a question, the story you will tell,
two minutes on the clock, then grading against the story's own key points.

Pages (one module each): choose the story (Enter starts the clock), tell it (type as you talk
or just talk; Ctrl+Enter stops, Ctrl+P pauses), grade (keys 1–9 tick points, Enter saves and
moves on), results. The countdown is the domain's; the QTimer only asks it how much is left,
so tests move a FakeClock and call `tick()`.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from app.domain.quiz import CountdownState, format_clock
from app.domain.stories import story_markdown
from app.domain.stories_rehearsal import DEFAULT_ROUND
from app.services.story_rehearsal import RehearsalService, Round, RoundItem
from app.ui.quiz.palette import RED
from app.ui.stories.round_choose import ChoosePage
from app.ui.stories.round_grade import GradePage
from app.ui.stories.round_results import ResultsPage
from app.ui.stories.round_tell import TellPage

TICK_MS = 200
CHOOSE, TELL, GRADE, RESULTS = range(4)


class BehaviouralRound(QWidget):
    started = Signal()  # a round began: the host shows this widget
    closed = Signal()  # the learner left the round: the host shows its own setup
    rehearsed = Signal(object)  # a telling was graded and stored: the Changes

    def __init__(self, service: RehearsalService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("behavioural-round")
        self.service = service
        self.run: Round | None = None
        self.setup_panel: QWidget | None = None  # where the host starts a round
        self.choose = ChoosePage()
        self.tell = TellPage()
        self.grade = GradePage()
        self.results = ResultsPage(service)
        self.pages = QStackedWidget()
        for page in (self.choose, self.tell, self.grade, self.results):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.choose.story_changed.connect(self._story_chosen)
        self.choose.start_requested.connect(self.begin_telling)
        self.choose.leave_requested.connect(self.leave)
        self.tell.done_requested.connect(self.finish_telling)
        self.tell.pause_requested.connect(self.toggle_pause)
        self.grade.next_requested.connect(self.confirm_grading)
        self.results.again_requested.connect(self.again)
        self.results.leave_requested.connect(self.leave)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)

    # == the round ========================================================================
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

    def leave(self) -> None:
        """Stop the round (tellings already graded are kept) and go back to the quiz setup."""
        self.timer.stop()
        self.run = None
        self.closed.emit()

    def again(self) -> None:
        if self.pages.currentIndex() == RESULTS and self.run is not None:
            self.start(len(self.run.items))

    @property
    def item(self) -> RoundItem:
        assert self.run is not None and self.run.item is not None
        return self.run.item

    def _header(self) -> str:
        assert self.run is not None
        return f"<b>Behavioural · question {self.run.current + 1} of {len(self.run.items)}</b>"

    def _enter_current(self) -> None:
        run = self.run
        if run is None:
            self.closed.emit()
        elif run.phase == "choosing":
            self.choose.show_question(
                self._header(),
                self.item.question.text,
                self.service.choices(self.item.question),
                self.item.story_id,
            )
            self._show_page(CHOOSE, self.choose.story_combo)
        elif run.phase == "grading":
            self._show_grade()
        else:
            self._show_results()

    # == choosing =========================================================================
    def _story_chosen(self, story_id: str) -> None:
        if self.run is None or self.run.phase != "choosing":
            return
        self.service.choose(self.run, story_id)
        story = self.service.story_of(self.item)
        if story is None:
            self.choose.note.setText("")
            return
        record = self.service.stories.records().get(story.id)
        history = "Not rehearsed yet."
        if record is not None and record.last is not None:
            history = f"Told {record.times}×, last {record.last:.0%}."
            if record.needs_work():
                history += f" Needs work: {record.needs_work()}."
        numbers = len(story.numbers)
        self.choose.note.setText(
            f"{story.project} · shows {', '.join(story.competencies)}. "
            f"The question probes {', '.join(self.item.question.competencies)}.\n"
            f"Graded on its four STAR parts and {numbers} number{'s' if numbers != 1 else ''}. "
            f"{history}"
        )

    def begin_telling(self) -> None:
        if self.run is None or self.pages.currentIndex() != CHOOSE:
            return
        if self.service.start(self.run) is None:
            return
        story = self.service.story_of(self.item)
        self.tell.start(self._header(), story.title if story else "", self.item.question.text)
        self._show_page(TELL, self.tell.telling_box)
        self.tick()
        self.timer.start()

    # == telling ==========================================================================
    def tick(self) -> None:
        """Repaint the clock from the domain countdown; stop the telling at zero."""
        run = self.run
        if run is None or run.phase != "telling" or self.item.countdown is None:
            self.timer.stop()
            return
        countdown = self.item.countdown
        expired = countdown.expired
        self.tell.show_clock(countdown.remaining(), countdown.fraction_left())
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
            self.timer.start()
        else:
            countdown.pause()
        self.tell.set_paused(countdown.state is CountdownState.PAUSED)
        self.tick()

    def finish_telling(self) -> None:
        run = self.run
        if run is None or run.phase != "telling" or self.pages.currentIndex() != TELL:
            return
        self.timer.stop()
        self.service.finish(run, self.tell.stop())
        self._show_grade()

    # == grading ==========================================================================
    def _show_grade(self) -> None:
        run, item = self.run, self.item
        assert run is not None
        story = self.service.story_of(item)
        used = format_clock(item.seconds_used)
        if item.timed_out:
            outcome = (
                f'<span style="color:{RED}; font-weight:600">Time\'s up</span> at {used}: '
                "cut the situation shorter next time"
            )
        else:
            outcome = f"Told in {used} of 2:00"
        self.grade.show_telling(
            header=self._header(),
            outcome=outcome,
            question=item.question.text,
            typed=item.typed,
            story_markdown=f"**{story.title}**\n\n" + story_markdown(story) if story else "",
            points=self.service.points(item),
            matches=item.matches,
            covered=item.covered,
            last=run.current + 1 >= len(run.items),
        )
        self._show_page(GRADE, self.grade)

    def covered(self) -> tuple[bool, ...]:
        return self.grade.covered()

    def confirm_grading(self) -> None:
        run = self.run
        if run is None or run.phase != "grading" or self.pages.currentIndex() != GRADE:
            return
        self.rehearsed.emit(self.service.grade(run, self.grade.covered()))
        self._enter_current()

    # == results ==========================================================================
    def _show_results(self) -> None:
        assert self.run is not None
        self.timer.stop()
        records = self.service.stories.records()
        needs_work = [
            (story.title, records[story.id].needs_work())
            for story in self.service.stories.stories
            if story.id in records and records[story.id].needs_work()
        ]
        self.results.show_round(self.run.items, needs_work)
        self._show_page(RESULTS, self.results.table)

    # == shared ===========================================================================
    def _show_page(self, index: int, focus: QWidget) -> None:
        self.pages.setCurrentIndex(index)
        self.setFocusProxy(focus)
        focus.setFocus()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        # Leaving the screen mid-telling pauses the clock rather than letting it run out.
        if self.run is not None and self.run.phase == "telling" and not self.paused:
            self.toggle_pause()
        super().hideEvent(event)
