"""The timed quiz as a use case: draw, run the clock, save each answer, grade, resume, report."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import networkx as nx

from app.domain.changes import Changes
from app.domain.clock import Clock
from app.domain.content import Card, ContentBank
from app.domain.content_loader import prerequisite_graph, study_order
from app.domain.grading import bank_texts, grade_card, prepare_card, word_weights
from app.domain.quiz import (
    ConceptScore,
    Countdown,
    CountdownState,
    PointMatch,
    QuizSettings,
    QuizTotals,
    ScopeKind,
    Timing,
    concept_breakdown,
    draw_questions,
    is_missed,
    question_budgets,
    question_score,
    quiz_score,
    quiz_totals,
    weakest_concepts,
)
from app.domain.scheduling import Grade, Scheduler, SchedulerSettings
from app.storage.models import QuizAnswerRow, QuizSessionRow
from app.storage.progress_store import ProgressStore
from app.storage.quiz_store import ACTIVE, DISCARDED, QuizStore

MAX_DURATION_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class Question:
    position: int
    card: Card
    budget: int


@dataclass(frozen=True)
class Answer:
    """What was given for one question; `graded` once the user confirmed the key points."""

    position: int
    card_id: str
    concept_id: str
    typed: str
    seconds_used: float
    budget: int
    timed_out: bool
    covered: tuple[bool, ...]
    graded: bool = False
    reached: bool = True
    pauses: int = 0
    paused_seconds: float = 0.0

    @property
    def score(self) -> float:
        return question_score(self.covered)


@dataclass
class QuizRun:
    """A quiz in progress. `current` is the question being answered or graded."""

    session_id: int
    settings: QuizSettings
    questions: list[Question]
    answers: dict[int, Answer] = field(default_factory=dict)
    current: int = 0
    countdown: Countdown | None = None
    draft_text: str = ""
    draft_seconds: float = 0.0  # time already spent on the current question before a restart
    finished: bool = False

    @property
    def question(self) -> Question | None:
        return self.questions[self.current] if self.current < len(self.questions) else None

    @property
    def phase(self) -> str:
        """'answering', 'grading' or 'done'."""
        if self.finished or self.current >= len(self.questions):
            return "done"
        answer = self.answers.get(self.current)
        return "grading" if answer is not None and not answer.graded else "answering"

    @property
    def total_budget(self) -> int | None:
        return self.settings.seconds if self.settings.timing is Timing.TOTAL else None

    def used_seconds(self) -> float:
        return sum(a.seconds_used for a in self.answers.values())


@dataclass(frozen=True)
class Unfinished:
    session_id: int
    started_at: datetime
    answered: int
    total: int


@dataclass(frozen=True)
class HistoryEntry:
    session_id: int
    started_at: datetime
    score: float
    questions: int
    answered: int
    timed_out: int
    finished: bool


@dataclass(frozen=True)
class QuizResults:
    session_id: int
    started_at: datetime
    settings: QuizSettings
    answers: list[Answer]
    score: float
    concepts: list[ConceptScore]
    again_applied: bool

    @property
    def timed_out(self) -> list[Answer]:
        return [a for a in self.answers if a.timed_out]

    @property
    def missed(self) -> list[Answer]:
        return [a for a in self.answers if is_missed(a.score)]

    @property
    def totals(self) -> QuizTotals:
        return quiz_totals(self.answers)

    @property
    def weakest(self) -> list[str]:
        """The concepts *Study these* offers (see `weakest_concepts`)."""
        return weakest_concepts(self.concepts)


@dataclass(frozen=True)
class RatedAgain:
    count: int  # cards put back into learning
    changes: Changes


@dataclass(frozen=True)
class Opened:
    """A quiz started or resumed, and what opening it wrote."""

    run: QuizRun
    changes: Changes


@dataclass(frozen=True)
class Submitted:
    """The grader's verdicts on a submitted answer, and what saving it wrote."""

    matches: list[PointMatch]
    changes: Changes


class QuizService:
    def __init__(
        self,
        bank: ContentBank,
        progress: ProgressStore,
        quizzes: QuizStore,
        clock: Clock,
        rng: random.Random | None = None,
        scheduler_settings: SchedulerSettings | None = None,
        card_order: Callable[[], Sequence[str]] | None = None,
    ) -> None:
        self.bank = bank
        # The study order the content was loaded with (kept by the app context); worked out
        # from the bank when none is given.
        self.card_order = card_order or (lambda: study_order(self.bank))
        self.progress = progress
        self.quizzes = quizzes
        self.clock = clock
        self.rng = rng or random.Random()
        # Rating missed cards Again schedules them like a review would, at the user's retention.
        self.scheduler = Scheduler(scheduler_settings or SchedulerSettings())
        # Held while the grader's caches fill: the window grading an answer waits for a worker
        # preparing the same thing (`prepare_grading`) instead of doing it a second time.
        self._grading = threading.Lock()
        # The bank's word weights, with the cards dict they were worked out for: a reload of
        # the content puts a new dict in the bank, and the weights are worked out again.
        self._weighed: tuple[object, Mapping[str, float]] | None = None

    # -- choosing questions ---------------------------------------------------------------
    def concept_with_prerequisites(self, concept_id: str) -> list[str]:
        graph = prerequisite_graph(self.bank)
        if concept_id not in graph:
            return []
        return [concept_id, *sorted(nx.ancestors(graph, concept_id))]

    def candidates(self, settings: QuizSettings) -> list[Card]:
        """Cards the quiz may ask, in study order."""
        if settings.scope is ScopeKind.AREAS:
            concepts = {c.id for c in self.bank.concepts.values() if c.area in settings.areas}
        elif settings.scope is ScopeKind.CONCEPT and settings.concept:
            concepts = set(self.concept_with_prerequisites(settings.concept))
        else:
            concepts = set(self.bank.concepts)
        cards = [self.bank.cards[cid] for cid in self.card_order() if cid in self.bank.cards]
        return [
            card
            for card in cards
            if card.concept in concepts
            and (settings.difficulty is None or card.difficulty.value == settings.difficulty)
        ]

    def draw(self, settings: QuizSettings) -> list[Card]:
        """Distinct cards, weighted toward the ones the user is least likely to recall now."""
        cards = self.candidates(settings)
        ids = [card.id for card in cards]
        now = self.clock.now()
        memories = self.progress.memories(ids)
        recall = {
            cid: self.scheduler.retrievability(memory, now) for cid, memory in memories.items()
        }
        return [
            self.bank.cards[cid] for cid in draw_questions(ids, recall, settings.count, self.rng)
        ]

    # -- starting and resuming ------------------------------------------------------------
    def start(self, settings: QuizSettings) -> Opened:
        """Draw the questions and store the plan (a new quiz session)."""
        cards = self.draw(settings)
        budgets = question_budgets(cards, settings.timing, settings.seconds)
        plan = [{"card_id": c.id, "budget": b} for c, b in zip(cards, budgets, strict=True)]
        session_id = self.quizzes.create_session(
            self.clock.now(), json.dumps(settings.to_dict()), json.dumps(plan)
        )
        questions = [Question(i, c, b) for i, (c, b) in enumerate(zip(cards, budgets, strict=True))]
        return Opened(QuizRun(session_id, settings, questions), Changes.QUIZZES)

    def unfinished(self) -> Unfinished | None:
        row = self.quizzes.active_session()
        if row is None or row.id is None:
            return None
        answers = self.quizzes.answers(row.id)
        return Unfinished(row.id, row.started_at, len(answers), len(json.loads(row.plan_json)))

    def resume(self, session_id: int) -> Opened | None:
        """Pick an unfinished quiz up where it stopped; one whose time ran out meanwhile is
        finished (which writes its score)."""
        row = self.quizzes.session(session_id)
        if row is None or row.status != ACTIVE:
            return None
        settings = QuizSettings.from_dict(json.loads(row.settings_json))
        questions = self._questions(row)
        answers = {a.position: _answer(a) for a in self.quizzes.answers(session_id)}
        current = next(
            (
                q.position
                for q in questions
                if not (q.position in answers and answers[q.position].graded)
            ),
            len(questions),
        )
        run = QuizRun(session_id, settings, questions, answers, current)
        run.draft_text, run.draft_seconds = row.draft_text, row.draft_seconds
        if run.current >= len(questions) or self._out_of_total_time(run):
            self.finish(run)
            return Opened(run, Changes.QUIZZES)
        return Opened(run, Changes.NONE)

    def discard(self, session_id: int) -> Changes:
        self.quizzes.set_status(session_id, DISCARDED)
        return Changes.QUIZZES

    def _questions(self, row: QuizSessionRow) -> list[Question]:
        """The stored plan; cards since removed from the bank are left out."""
        plan = [p for p in json.loads(row.plan_json) if p["card_id"] in self.bank.cards]
        return [
            Question(i, self.bank.cards[p["card_id"]], int(p["budget"])) for i, p in enumerate(plan)
        ]

    # -- answering ------------------------------------------------------------------------
    def begin_question(self, run: QuizRun) -> Countdown | None:
        """Start the clock on the current question (resumed questions keep their time used)."""
        if run.phase != "answering":
            return None
        question = run.question
        assert question is not None
        if run.total_budget is not None:
            budget = float(run.total_budget)
            used = run.used_seconds() + run.draft_seconds
        else:
            budget, used = float(question.budget), run.draft_seconds
        run.countdown = Countdown(self.clock, budget, used_before=used)
        run.countdown.start()
        return run.countdown

    def save_draft(self, run: QuizRun, text: str) -> Changes:
        if run.phase != "answering" or run.countdown is None:
            return Changes.NONE
        run.draft_text = text
        self.quizzes.save_draft(run.session_id, text, self._seconds_used(run))
        return Changes.NONE  # an unsubmitted draft shows nowhere until the quiz resumes

    def _seconds_used(self, run: QuizRun) -> float:
        elapsed = run.countdown.elapsed() if run.countdown is not None else 0.0
        return run.draft_seconds + elapsed

    def submit(self, run: QuizRun, text: str) -> Submitted:
        """Stop the clock and save the answer with the key points the text already mentions.

        Called on Ctrl+Enter and when the clock runs out (then `timed_out` is recorded)."""
        question = run.question
        if run.phase != "answering" or question is None:
            return Submitted([], Changes.NONE)
        countdown = run.countdown or self.begin_question(run)
        assert countdown is not None
        timed_out = countdown.poll() is CountdownState.EXPIRED
        countdown.stop()
        matches = self._grade(question.card, text)
        answer = Answer(
            position=question.position,
            card_id=question.card.id,
            concept_id=question.card.concept,
            typed=text,
            seconds_used=round(self._seconds_used(run), 3),
            budget=question.budget,
            timed_out=timed_out,
            covered=tuple(m.covered for m in matches),
            pauses=countdown.pauses,
            paused_seconds=round(countdown.paused_seconds, 3),
        )
        run.answers[question.position] = answer
        run.draft_text, run.draft_seconds = "", 0.0
        self._save(run, answer)
        return Submitted(matches, Changes.QUIZZES)

    def matches(self, run: QuizRun) -> list[PointMatch]:
        """The matcher's explanations for the answer being graded."""
        question = run.question
        answer = run.answers.get(run.current)
        if question is None or answer is None:
            return []
        return self._grade(question.card, answer.typed)

    def _grade(self, card: Card, text: str) -> list[PointMatch]:
        with self._grading:
            return grade_card(card, text, weights=self._weights())

    def _weights(self) -> Mapping[str, float]:
        cards = self.bank.cards
        if self._weighed is None or self._weighed[0] is not cards:
            self._weighed = (cards, word_weights(bank_texts(cards.values())))
        return self._weighed[1]

    def prepare_grading(self, run: QuizRun) -> None:
        """Work out ahead what grading this quiz's answers needs: the weights of the bank's
        words (a second or two on a laptop, once per content) and each remaining question's
        card. For a worker thread, while the candidate reads and answers the first question,
        so that no answer waits for it; a step at a time, so a grade can come in between."""
        with self._grading:
            weights = self._weights()
        for question in run.questions[run.current :]:
            with self._grading:
                prepare_card(question.card, weights)

    def grade(self, run: QuizRun, covered: tuple[bool, ...]) -> Changes:
        """Confirm the key points covered and move on; ends the quiz after the last one or
        when a whole-quiz budget has run out."""
        answer = run.answers.get(run.current)
        if run.phase != "grading" or answer is None:
            return Changes.NONE
        graded = Answer(**{**answer.__dict__, "covered": tuple(covered), "graded": True})
        run.answers[run.current] = graded
        self._save(run, graded)
        run.current += 1
        run.countdown = None
        if run.current >= len(run.questions) or self._out_of_total_time(run):
            self.finish(run)
        return Changes.QUIZZES

    def _out_of_total_time(self, run: QuizRun) -> bool:
        total = run.total_budget
        return total is not None and run.used_seconds() + run.draft_seconds >= total - 1e-6

    def finish(self, run: QuizRun) -> None:
        """Store the quiz's score; questions not reached (time ran out) count as 0."""
        if run.finished:
            return
        unreached = []
        for question in run.questions:
            if question.position in run.answers:
                continue
            answer = Answer(
                position=question.position,
                card_id=question.card.id,
                concept_id=question.card.concept,
                typed="",
                seconds_used=0.0,
                budget=question.budget,
                timed_out=True,
                covered=tuple(False for _ in question.card.key_points),
                graded=True,
                reached=False,
            )
            run.answers[question.position] = answer
            unreached.append(self._row(run.session_id, answer))
        score = quiz_score([a.score for a in run.answers.values()])
        self.quizzes.finish(run.session_id, self.clock.now(), score, unreached)
        run.finished = True
        run.current = len(run.questions)
        run.countdown = None

    def _row(self, session_id: int, answer: Answer) -> QuizAnswerRow:
        return QuizAnswerRow(
            session_id=session_id,
            position=answer.position,
            card_id=answer.card_id,
            concept_id=answer.concept_id,
            typed_text=answer.typed,
            seconds_used=answer.seconds_used,
            budget_seconds=answer.budget,
            timed_out=answer.timed_out,
            reached=answer.reached,
            points_total=len(answer.covered),
            points_covered=sum(answer.covered),
            covered_json=json.dumps(list(answer.covered)),
            graded=answer.graded,
            score=answer.score,
            pauses=answer.pauses,
            paused_seconds=answer.paused_seconds,
            answered_at=self.clock.now(),
        )

    def _save(self, run: QuizRun, answer: Answer) -> None:
        self.quizzes.save_answer(self._row(run.session_id, answer))

    # -- results and history --------------------------------------------------------------
    def results(self, session_id: int) -> QuizResults | None:
        row = self.quizzes.session(session_id)
        if row is None:
            return None
        answers = [_answer(a) for a in self.quizzes.answers(session_id)]
        scores = [a.score for a in answers]
        return QuizResults(
            session_id=session_id,
            started_at=row.started_at,
            settings=QuizSettings.from_dict(json.loads(row.settings_json)),
            answers=answers,
            score=row.score if row.score is not None else quiz_score(scores),
            concepts=concept_breakdown((a.concept_id, a.score) for a in answers),
            again_applied=row.again_applied,
        )

    def rate_missed_again(self, session_id: int) -> RatedAgain:
        """Put the quiz's missed cards back into learning (the user's choice)."""
        results = self.results(session_id)
        if results is None or results.again_applied:
            return RatedAgain(0, Changes.NONE)
        now = self.clock.now()
        grades = []
        for answer in results.missed:
            if answer.card_id not in self.bank.cards:
                continue
            duration = min(MAX_DURATION_MS, int(answer.seconds_used * 1000))
            grades.append((answer.card_id, duration))
        self.quizzes.rate_again(
            session_id,
            grades,
            lambda before: self.scheduler.grade(before, Grade.AGAIN, now),
            now,
            int(Grade.AGAIN),
        )
        return RatedAgain(len(grades), Changes.QUEUE | Changes.PROGRESS | Changes.QUIZZES)

    def labelled_answers(self) -> list[dict[str, object]]:
        """Every typed answer whose key points the learner confirmed, with their ticks (the
        corrections to the grader's pre-ticks) and the grader's own verdict: labelled data in
        the format of the grader's test set. Answers to cards whose key points have changed
        since are left out, as their ticks no longer line up."""
        records: list[dict[str, object]] = []
        for session in self.quizzes.history():
            assert session.id is not None
            for row in self.quizzes.answers(session.id):
                card = self.bank.cards.get(self.bank.retired.get(row.card_id, row.card_id))
                covered = json.loads(row.covered_json)
                if not (row.graded and row.typed_text.strip() and card is not None):
                    continue
                if len(covered) != len(card.key_points):
                    continue
                grader = self._grade(card, row.typed_text)
                records.append(
                    {
                        "card_id": card.id,
                        "answer": row.typed_text,
                        "points": [
                            {"point": point, "covered": bool(tick)}
                            for point, tick in zip(card.key_points, covered, strict=True)
                        ],
                        "grader": [m.covered for m in grader],
                        "quiz": session.id,
                        "answered_at": row.answered_at.isoformat(),
                    }
                )
        return records

    def export_labelled(self, out: Path) -> int:
        """Write `labelled_answers` as JSON lines to `out`; the number of answers written."""
        records = self.labelled_answers()
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        out.write_text(text, encoding="utf-8")
        return len(records)

    def history(self) -> list[HistoryEntry]:
        entries = []
        for row in self.quizzes.history():
            assert row.id is not None
            answers = self.quizzes.answers(row.id)
            planned = len(json.loads(row.plan_json))
            score = (
                row.score
                if row.score is not None
                else quiz_score([a.score for a in answers] + [0.0] * max(0, planned - len(answers)))
            )
            entries.append(
                HistoryEntry(
                    session_id=row.id,
                    started_at=row.started_at,
                    score=score,
                    questions=planned,
                    answered=sum(1 for a in answers if a.reached),
                    timed_out=sum(1 for a in answers if a.timed_out),
                    finished=row.finished_at is not None,
                )
            )
        return entries


def _answer(row: QuizAnswerRow) -> Answer:
    return Answer(
        position=row.position,
        card_id=row.card_id,
        concept_id=row.concept_id,
        typed=row.typed_text,
        seconds_used=row.seconds_used,
        budget=row.budget_seconds,
        timed_out=row.timed_out,
        covered=tuple(bool(c) for c in json.loads(row.covered_json)),
        graded=row.graded,
        reached=row.reached,
        pauses=row.pauses,
        paused_seconds=row.paused_seconds,
    )
