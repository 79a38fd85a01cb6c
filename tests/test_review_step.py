"""One keypress in Review: the grade is saved in one transaction and nothing else goes to the
database; what other connections commit is still seen before the next card is chosen."""

from __future__ import annotations

from app.domain.progress_events import replay
from app.domain.scheduling import CardState, Grade
from app.services.context import AppContext
from app.services.review_service import ReviewService
from app.storage.connection import connect
from app.storage.review_log import ProgressLog


def _session(ctx: AppContext) -> ReviewService:
    return ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)


def test_a_keypress_saves_the_grade_in_one_transaction_and_asks_nothing_else(
    ctx: AppContext,
) -> None:
    service = _session(ctx)
    due = service.next_card()
    assert due is not None
    service.counts()
    statements: list[str] = []
    # (SQLite traces the pragma function inside the grade's read as a "--" comment line.)
    service.ledger._conn.set_trace_callback(
        lambda sql: statements.append(sql) if not sql.startswith("--") else None
    )
    for grade in (Grade.GOOD, Grade.AGAIN, Grade.EASY):
        statements.clear()
        service.answer(due, grade)  # the keypress: grade, then the next card and the counts
        due = service.next_card()
        service.counts()
        assert statements[0] == "BEGIN IMMEDIATE"
        assert statements[-1] == "COMMIT"
        assert len(statements) == 5, statements  # read, log insert, progress write
        assert due is not None
    service.close()


def test_a_change_made_elsewhere_between_two_grades_is_kept(ctx: AppContext) -> None:
    service = _session(ctx)
    due = service.next_card()
    assert due is not None
    service.answer(due, Grade.AGAIN)  # stays in learning: graded again below
    other = ProgressLog(connect(ctx.db_path))
    other.set_flagged([due.card.id], True, ctx.clock.now())
    ctx.clock.advance(minutes=2)
    service.show_next(due.card.id)
    again = service.next_card()
    assert again is not None and again.card.id == due.card.id
    service.answer(again, Grade.GOOD)
    stored = other.progress(due.card.id)
    assert stored.flagged  # the grade did not write back what it had seen before the flag
    assert stored == replay(due.card.id, other.events(due.card.id))
    service.close()
    other.conn.close()


def test_a_commit_from_elsewhere_before_a_grade_is_seen_by_the_next_card(
    ctx: AppContext,
) -> None:
    service = _session(ctx)
    shown = service.next_card()
    assert shown is not None
    # The card after the shown one, as the queue has it now.
    queue = service._today()
    line = [card for card in queue.new if card != shown.card.id]
    following = line[0]
    other = ProgressLog(connect(ctx.db_path))
    other.set_suspended([following], True, ctx.clock.now())  # another process, say
    service.answer(shown, Grade.EASY)
    after = service.next_card()
    assert after is None or after.card.id != following
    assert other.progress(following).suspended
    assert other.progress(shown.card.id).memory.state is not CardState.NEW
    service.close()
    other.conn.close()
