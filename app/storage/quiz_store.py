"""Quizzes and their answers. Each answer is written in its own transaction as it is given."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from app.domain.scheduling import CardMemory
from app.storage.models import QuizAnswerRow, QuizSessionRow
from app.storage.opening import ACTIVE_QUIZ as ACTIVE
from app.storage.progress_store import plain_sqlite
from app.storage.review_log import ProgressLog

FINISHED = "finished"
ABANDONED = "abandoned"  # a new quiz was started instead; its answers stay in the history
DISCARDED = "discarded"  # the user chose to throw the unfinished quiz away
SHOWN_IN_HISTORY = (FINISHED, ABANDONED)


class QuizStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- sessions -------------------------------------------------------------------------
    def create_session(self, started_at: datetime, settings_json: str, plan_json: str) -> int:
        """A new active quiz; any other unfinished quiz is kept, marked abandoned."""
        with Session(self.engine) as session:
            session.exec(
                update(QuizSessionRow)
                .where(col(QuizSessionRow.status) == ACTIVE)
                .values(status=ABANDONED)
            )
            row = QuizSessionRow(
                started_at=started_at, settings_json=settings_json, plan_json=plan_json
            )
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id

    def session(self, session_id: int) -> QuizSessionRow | None:
        with Session(self.engine) as session:
            return session.get(QuizSessionRow, session_id)

    def active_session(self) -> QuizSessionRow | None:
        with Session(self.engine) as session:
            query = (
                select(QuizSessionRow)
                .where(col(QuizSessionRow.status) == ACTIVE)
                .order_by(col(QuizSessionRow.started_at).desc())
            )
            return session.exec(query).first()

    def set_status(self, session_id: int, status: str) -> None:
        with Session(self.engine) as session:
            row = session.get(QuizSessionRow, session_id)
            if row is not None:
                row.status = status
                session.add(row)
                session.commit()

    def save_draft(self, session_id: int, text: str, seconds: float) -> None:
        """The unsubmitted answer and time used so far, for resuming after a quit or crash."""
        with Session(self.engine) as session:
            row = session.get(QuizSessionRow, session_id)
            if row is not None and row.status == ACTIVE:
                row.draft_text = text
                row.draft_seconds = seconds
                session.add(row)
                session.commit()

    def finish(
        self,
        session_id: int,
        finished_at: datetime,
        score: float,
        unreached: Sequence[QuizAnswerRow] = (),
    ) -> None:
        """Close the quiz: questions never reached are stored too, all in one transaction."""
        with Session(self.engine) as session:
            row = session.get(QuizSessionRow, session_id)
            if row is None:
                return
            for answer in unreached:
                session.add(answer)
            row.status = FINISHED
            row.finished_at = finished_at
            row.score = score
            row.draft_text = ""
            row.draft_seconds = 0.0
            session.add(row)
            session.commit()

    def history(self) -> list[QuizSessionRow]:
        """Finished and abandoned quizzes, oldest first."""
        with Session(self.engine) as session:
            query = (
                select(QuizSessionRow)
                .where(col(QuizSessionRow.status).in_(SHOWN_IN_HISTORY))
                .order_by(col(QuizSessionRow.started_at), col(QuizSessionRow.id))
            )
            return list(session.exec(query))

    # -- answers --------------------------------------------------------------------------
    def save_answer(self, answer: QuizAnswerRow) -> None:
        """Insert or replace the answer at its position, and clear the draft, atomically."""
        with Session(self.engine) as session:
            existing = session.exec(
                select(QuizAnswerRow)
                .where(col(QuizAnswerRow.session_id) == answer.session_id)
                .where(col(QuizAnswerRow.position) == answer.position)
            ).first()
            if existing is not None:
                for name in QuizAnswerRow.model_fields:
                    if name != "id":
                        setattr(existing, name, getattr(answer, name))
                session.add(existing)
            else:
                session.add(QuizAnswerRow.model_validate(answer.model_dump(exclude={"id"})))
            quiz = session.get(QuizSessionRow, answer.session_id)
            if quiz is not None:
                quiz.draft_text = ""
                quiz.draft_seconds = 0.0
                session.add(quiz)
            session.commit()

    def answers(self, session_id: int) -> list[QuizAnswerRow]:
        with Session(self.engine) as session:
            query = (
                select(QuizAnswerRow)
                .where(col(QuizAnswerRow.session_id) == session_id)
                .order_by(col(QuizAnswerRow.position))
            )
            return list(session.exec(query))

    # -- schedule -------------------------------------------------------------------------
    def rate_again(
        self,
        session_id: int,
        grades: Sequence[tuple[str, int]],
        schedule: Callable[[CardMemory], CardMemory],
        reviewed_at: datetime,
        rating: int,
    ) -> None:
        """Grade missed cards (card id, duration ms) with `schedule` and mark the quiz, in
        one transaction, so the schedule is changed once or not at all. The grades go
        through the one writer of progress and the log (`ProgressLog.record_grade`)."""
        with plain_sqlite(self.engine) as conn:
            log = ProgressLog(conn)
            with log.transaction() as raw:
                row = raw.execute(
                    "SELECT again_applied FROM quiz_session WHERE id = ?", (session_id,)
                ).fetchone()
                if row is None or row[0]:
                    return
                for card_id, duration_ms in grades:
                    log.record_grade(card_id, schedule, rating, reviewed_at, duration_ms)
                raw.execute("UPDATE quiz_session SET again_applied = 1 WHERE id = ?", (session_id,))

    # -- counts ---------------------------------------------------------------------------
    def counts(self) -> tuple[int, int]:
        """(quizzes kept in the history, answers stored) for `stats --json`."""
        with Session(self.engine) as session:
            sessions = session.exec(
                select(func.count())
                .select_from(QuizSessionRow)
                .where(col(QuizSessionRow.status) != DISCARDED)
            ).one()
            answers = session.exec(
                select(func.count())
                .select_from(QuizAnswerRow)
                .join(QuizSessionRow, col(QuizSessionRow.id) == col(QuizAnswerRow.session_id))
                .where(col(QuizSessionRow.status) != DISCARDED)
            ).one()
            return int(sessions), int(answers)
