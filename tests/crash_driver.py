"""A process that grades cards and answers quiz questions as fast as it can, printing an
acknowledgement after each one is committed. The crash-safety test SIGKILLs it mid-stream."""

from __future__ import annotations

import sys
from itertools import count
from pathlib import Path

from app.domain.clock import FakeClock
from app.domain.quiz import QuizSettings
from app.domain.scheduling import Grade
from app.domain.study_day import StudySettings
from app.services.context import open_context
from app.services.quiz_service import QuizService
from app.services.review_service import ReviewService
from app.storage.quiz_store import QuizStore


def main(data: str, content: str) -> None:
    clock = FakeClock()
    ctx = open_context(Path(data), content=Path(content), clock=clock)
    settings = StudySettings(new_per_day=10_000, max_reviews_per_day=10_000)
    review = ReviewService(ctx.bank, ctx.db_path, clock, settings)
    quiz = QuizService(ctx.bank, ctx.store, QuizStore(ctx.store.engine), clock)
    run = quiz.start(QuizSettings(count=1000)).run
    grades = [Grade.AGAIN, Grade.GOOD, Grade.HARD, Grade.EASY]
    for i in count():
        due = review.next_card()
        if due is None:
            clock.advance(days=1)
            continue
        review.answer(due, grades[i % 4])
        print(f"grade {due.card.id} {ctx.store.review_count()}", flush=True)
        if run.phase == "done":
            run = quiz.start(QuizSettings(count=1000)).run
        if run.phase == "answering":
            quiz.begin_question(run)
            position = run.current
            quiz.submit(run, f"answer number {i}")
            quiz.grade(run, (True,) * 3)
            print(f"answer {run.session_id} {position}", flush=True)
        clock.advance(seconds=3)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
