"""Rules of the behavioural round: which questions to ask, how a telling is graded, and which
stories need work.

A telling gets two minutes (`TELLING_SECONDS`, on the quiz's `Countdown`). It is graded on
the story's own key points, each STAR part's headline and every number, with the quiz's
key-point matcher, so a typed telling pre-ticks what it mentions and the learner decides.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from app.domain.quiz import PointMatch, draw_questions, match_key_points, question_score
from app.domain.stories import Story, grading_points
from app.domain.stories_coverage import Coverage, Question

TELLING_SECONDS = 120
DEFAULT_ROUND = 3
GOOD_ENOUGH = 0.75  # a story whose latest telling scored less needs work
UNCOVERED_STRENGTH = 0.3  # how "known" a question without a story counts when drawing


@dataclass(frozen=True)
class Telling:
    """One rehearsal as stored: which story, for which question, how it went."""

    story_id: str
    question_id: str
    at: datetime
    score: float
    seconds_used: float
    timed_out: bool


@dataclass(frozen=True)
class StoryRecord:
    """How a story's rehearsals have gone, newest last."""

    story_id: str
    scores: tuple[float, ...] = ()
    last_timed_out: bool = False

    @property
    def times(self) -> int:
        return len(self.scores)

    @property
    def last(self) -> float | None:
        return self.scores[-1] if self.scores else None

    def needs_work(self) -> str:
        """Why the story needs work ('' when it does not)."""
        if not self.scores:
            return "never rehearsed"
        if self.last_timed_out:
            return "ran over two minutes last time"
        if self.scores[-1] < GOOD_ENOUGH:
            return f"last telling covered {self.scores[-1]:.0%}"
        return ""


def records(tellings: Iterable[Telling], stories: Iterable[Story]) -> dict[str, StoryRecord]:
    """Every story's record (empty for stories never told), from tellings in any order."""
    by_story: dict[str, list[Telling]] = {s.id: [] for s in stories}
    for telling in tellings:
        by_story.setdefault(telling.story_id, []).append(telling)
    result = {}
    for story_id, told in by_story.items():
        told.sort(key=lambda t: t.at)
        result[story_id] = StoryRecord(
            story_id,
            tuple(t.score for t in told),
            told[-1].timed_out if told else False,
        )
    return result


def draw_round(
    questions: Sequence[Question],
    cover: Coverage,
    story_records: Mapping[str, StoryRecord],
    count: int,
    rng: random.Random,
) -> list[Question]:
    """`count` distinct questions, favouring those whose story needs work (or that have none).

    A question "is known" as well as its story's latest telling went; the quiz's weighted
    draw then favours the least known, exactly as for technical cards."""
    strength: dict[str, float] = {}
    for q in questions:
        story_id = cover.answer.get(q.id)
        record = story_records.get(story_id) if story_id else None
        if story_id is None:
            strength[q.id] = UNCOVERED_STRENGTH
        elif record is None or record.last is None:
            strength[q.id] = 0.0
        else:
            strength[q.id] = record.last
    ids = draw_questions([q.id for q in questions], strength, count, rng)
    by_id = {q.id: q for q in questions}
    return [by_id[i] for i in ids]


def grade_telling(story: Story, typed: str) -> list[PointMatch]:
    """What a typed telling already mentions of the story's key points."""
    return match_key_points([p.text for p in grading_points(story)], typed)


def telling_score(covered: Sequence[bool]) -> float:
    return question_score(covered)
