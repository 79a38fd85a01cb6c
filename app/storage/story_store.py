"""Rehearsals of the learner's STAR stories: the one writer of `story_rehearsal`.

Each telling is written in one transaction when the learner confirms its grading.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from app.storage.models import StoryRehearsalRow


class StoryRehearsalStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        *,
        story_id: str,
        question_id: str,
        at: datetime,
        typed: str,
        seconds_used: float,
        budget: int,
        timed_out: bool,
        covered: Sequence[bool],
        score: float,
    ) -> int:
        row = StoryRehearsalRow(
            story_id=story_id,
            question_id=question_id,
            rehearsed_at=at,
            typed_text=typed,
            seconds_used=seconds_used,
            budget_seconds=budget,
            timed_out=timed_out,
            points_total=len(covered),
            points_covered=sum(1 for c in covered if c),
            covered_json=json.dumps([bool(c) for c in covered]),
            score=score,
        )
        with Session(self.engine) as session:
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id

    def all(self) -> list[StoryRehearsalRow]:
        """Every telling, oldest first."""
        with Session(self.engine) as session:
            query = select(StoryRehearsalRow).order_by(
                col(StoryRehearsalRow.rehearsed_at), col(StoryRehearsalRow.id)
            )
            return list(session.exec(query).all())
