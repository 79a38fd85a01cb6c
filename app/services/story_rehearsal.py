"""The behavioural round: draw questions, choose the story, time the telling, grade, store.

The round lives in memory (a telling is short); each graded telling is written at once, in
its own transaction, and feeds the stories' "needs work" marks and the next draw.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from app.domain.changes import Changes
from app.domain.clock import Clock
from app.domain.quiz import Countdown, PointMatch
from app.domain.stories import GradingPoint, Story, grading_points
from app.domain.stories_coverage import Fit, Question
from app.domain.stories_rehearsal import (
    DEFAULT_ROUND,
    TELLING_SECONDS,
    draw_round,
    grade_telling,
    telling_score,
)
from app.services.stories import StoryService


@dataclass
class RoundItem:
    """One question of the round and how its telling went."""

    question: Question
    story_id: str | None
    countdown: Countdown | None = None
    typed: str = ""
    matches: list[PointMatch] = field(default_factory=list)
    covered: tuple[bool, ...] = ()
    score: float | None = None

    @property
    def timed_out(self) -> bool:
        return self.countdown is not None and self.countdown.expired

    @property
    def seconds_used(self) -> float:
        return self.countdown.elapsed() if self.countdown is not None else 0.0


@dataclass
class Round:
    items: list[RoundItem]
    current: int = 0
    phase: str = "choosing"  # choosing -> telling -> grading -> (next) … -> done

    @property
    def item(self) -> RoundItem | None:
        return self.items[self.current] if self.current < len(self.items) else None


class RehearsalService:
    def __init__(
        self, stories: StoryService, clock: Clock, rng: random.Random | None = None
    ) -> None:
        self.stories = stories
        self.clock = clock
        self.rng = rng or random.Random()

    def choices(self, question: Question) -> list[tuple[Story, Fit]]:
        """Every story, the one the coverage would tell first, then the others that fit."""
        cover = self.stories.coverage()
        suggested = cover.answer.get(question.id)
        ranked = sorted(
            self.stories.stories,
            key=lambda s: (
                s.id != suggested,
                cover.cell(question.id, s.id) is Fit.NONE,
                s.title.lower(),
            ),
        )
        return [(s, cover.cell(question.id, s.id)) for s in ranked]

    def new_round(self, count: int = DEFAULT_ROUND) -> Round | None:
        """None when there is no story to tell yet."""
        if not self.stories.stories or not self.stories.questions:
            return None
        cover = self.stories.coverage()
        drawn = draw_round(self.stories.questions, cover, self.stories.records(), count, self.rng)
        items = []
        for question in drawn:
            first = self.choices(question)[0][0]
            items.append(RoundItem(question, cover.answer.get(question.id) or first.id))
        return Round(items)

    def round_for_story(self, story_id: str, count: int = DEFAULT_ROUND) -> Round | None:
        """A round telling one story, to the questions it fits (or any, if it fits none)."""
        story = self.stories.story(story_id)
        if story is None or not self.stories.questions:
            return None
        cover = self.stories.coverage()
        fitting = [q for q in self.stories.questions if cover.cell(q.id, story_id) is not Fit.NONE]
        pool = fitting or self.stories.questions
        drawn = draw_round(pool, cover, self.stories.records(), count, self.rng)
        return Round([RoundItem(question, story_id) for question in drawn])

    def story_of(self, telling: RoundItem) -> Story | None:
        return self.stories.story(telling.story_id) if telling.story_id else None

    def points(self, telling: RoundItem) -> list[GradingPoint]:
        story = self.story_of(telling)
        return grading_points(story) if story is not None else []

    def choose(self, run: Round, story_id: str) -> None:
        telling = run.item
        if telling is not None and run.phase == "choosing" and self.stories.story(story_id):
            telling.story_id = story_id

    def start(self, run: Round) -> Countdown | None:
        telling = run.item
        if telling is None or run.phase != "choosing" or self.story_of(telling) is None:
            return None
        telling.countdown = Countdown(self.clock, TELLING_SECONDS)
        telling.countdown.start()
        run.phase = "telling"
        return telling.countdown

    def finish(self, run: Round, typed: str) -> None:
        """The telling is over (the learner stopped, or the two minutes ran out)."""
        telling = run.item
        if telling is None or run.phase != "telling" or telling.countdown is None:
            return
        telling.countdown.stop()
        telling.typed = typed
        story = self.story_of(telling)
        telling.matches = grade_telling(story, typed) if story is not None else []
        telling.covered = tuple(m.covered for m in telling.matches)
        run.phase = "grading"

    def grade(self, run: Round, covered: tuple[bool, ...]) -> Changes:
        """Store the learner's grading of the telling and move to the next question."""
        telling = run.item
        if telling is None or run.phase != "grading" or telling.story_id is None:
            return Changes.NONE
        telling.covered = covered
        telling.score = telling_score(covered)
        self.stories.store.add(
            story_id=telling.story_id,
            question_id=telling.question.id,
            at=self.clock.now(),
            typed=telling.typed,
            seconds_used=telling.seconds_used,
            budget=TELLING_SECONDS,
            timed_out=telling.timed_out,
            covered=covered,
            score=telling.score,
        )
        run.current += 1
        run.phase = "choosing" if run.current < len(run.items) else "done"
        return Changes.STORIES
