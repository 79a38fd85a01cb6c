"""The Stats screen over a crafted history: numbers, charts with tooltips, the interview plan."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, QPointF, Qt

from app.domain.scheduling import Grade
from app.services.review_service import ReviewService
from app.services.stats_service import StatsService
from app.storage.quiz_store import QuizStore

CTRL = Qt.KeyboardModifier.ControlModifier


def grade_all(ctx, grade: Grade) -> int:  # type: ignore[no-untyped-def]
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    n = 0
    while (due := service.next_card()) is not None:
        ctx.clock.advance(seconds=30)
        service.answer(due, grade)
        n += 1
    return n


def test_stats_show_today_heatmap_forecast_counts_and_plan(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    # Yesterday: learn every card; today: nothing due yet, then one review.
    clock.advance(days=-1)
    reviewed = grade_all(ctx, Grade.EASY)
    clock.advance(days=1)
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    stats = window.stats
    assert window.current_screen() == "stats"
    snap = stats.snapshot
    assert snap is not None
    yesterday = snap.today - timedelta(days=1)
    assert snap.heatmap[yesterday] == reviewed == 4
    assert snap.today_summary.reviews == 0
    assert "0</b></span> reviews" in stats.today_label.text()
    assert snap.streak == 1
    assert sum(snap.forecast) == 4 and snap.forecast[0] == 0
    assert snap.counts["young"] == 4 and snap.counts["new"] == 0

    # Tooltips on hover name the day and the number.
    rect = stats.heatmap.cell_rect(yesterday)
    assert stats.heatmap.tooltip_at(rect.center()) == f"4 reviews on {yesterday:%a %d %b %Y}"
    due_day = next(i for i, n in enumerate(snap.forecast) if n)
    bar = stats.forecast.bar_rect(due_day)
    tip = stats.forecast.tooltip_at(QPointF(bar.center().x(), bar.bottom() - 1))
    assert tip is not None and tip.startswith(f"{snap.forecast[due_day]} card")
    assert stats.areas.tooltip_at(QPointF(10, 5)).startswith("ML foundations: mastery")
    assert stats.counts.tooltip_at(QPointF(5, 10)) == "Young: 4 cards (100%)"

    # The interview plan: nothing new is left to learn once every card was seen.
    stats.set_interview(snap.today + timedelta(days=10))
    assert stats.interview_check.isChecked()
    assert "Nothing new left" in stats.plan_label.text()


def test_plan_spreads_new_cards_over_the_days_left(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    stats = window.stats
    today = StatsService(ctx).today()
    stats.interview_check.setChecked(True)
    day = today + timedelta(days=3)
    stats.interview_date.setDate(QDate(day.year, day.month, day.day))
    assert StatsService(ctx).interview_date() == today + timedelta(days=3)
    plan = stats.snapshot.plan
    assert plan is not None and plan.cards_left == 4 and plan.days_left == 3 and plan.per_day == 2
    assert "<b>2</b> new cards a day" in stats.plan_label.text()
    assert "on track" in stats.plan_label.text()
    stats.interview_check.setChecked(False)
    assert StatsService(ctx).interview_date() is None
    assert stats.snapshot.plan is None


def test_true_retention_and_quiz_trend_from_history(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    grade_all(ctx, Grade.EASY)
    clock.advance(days=40)
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    grades = [Grade.GOOD, Grade.AGAIN, Grade.GOOD, Grade.GOOD]
    for grade in grades:
        due = service.next_card()
        assert due is not None
        service.answer(due, grade)
    window.show_screen("stats")
    retention = window.stats.snapshot.retention["Today"]
    assert retention.count == 4 and retention.total == 0.75
    assert "75.0%" in window.stats.retention_label.text()

    quizzes = QuizStore(ctx.store.engine)
    for score in (0.4, 0.9):
        session = quizzes.create_session(clock.now(), "{}", "[]")
        quizzes.finish(session, clock.now(), score)
        clock.advance(hours=1)
    window.show_screen("stats")
    chart = window.stats.quiz_trend
    assert chart.values == [0.4, 0.9]
    last = chart.points()[-1]
    assert chart.tooltip_at(last).endswith(": 90%")


def test_stats_screenshots_in_both_themes(qtbot, window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.application import make_app

    for theme in ("light", "dark"):
        make_app(theme)
        window.show_screen("stats")
        image = window.grab()
        assert not image.isNull() and image.save(str(tmp_path / f"stats-{theme}.png"))
    make_app("light")
