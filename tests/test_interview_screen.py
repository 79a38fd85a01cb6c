"""Interview mode on the Stats screen: the forecast, minutes a day, the plan against reality."""

from __future__ import annotations

from datetime import date, timedelta

from app.domain.scheduling import Grade


def _forecast_shown(stats) -> bool:  # type: ignore[no-untyped-def]
    return "expected recall on" in stats.interview_panel.forecast_label.text()


def test_the_forecast_shows_recall_on_the_day_and_the_plain_schedules(
    qtbot, window, ctx, clock
) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stats")
    stats = window.stats
    assert not stats.interview_panel.isVisibleTo(window)
    interview = clock.now().date() + timedelta(days=10)
    stats.set_interview(interview)
    panel = stats.interview_panel
    assert panel.isVisibleTo(window)
    qtbot.waitUntil(lambda: _forecast_shown(stats), timeout=10_000)
    text = panel.forecast_label.text()
    assert "the plain schedule:" in text and "today 4 new" in text
    forecast = panel.forecast
    assert forecast is not None and forecast.interview == interview
    assert forecast.plan.expected_recall >= forecast.plain.expected_recall
    # recorded, so the days to come can show the plan against reality
    (record,) = window.app.interview.history()
    assert record.day == forecast.today and record.studied == 0.0
    assert record.planned > 0 and record.expected_recall == round(forecast.plan.expected_recall, 4)


def test_minutes_a_day_persist_and_replan(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stats")
    stats = window.stats
    stats.set_interview(clock.now().date() + timedelta(days=5))
    qtbot.waitUntil(lambda: _forecast_shown(stats), timeout=10_000)
    stats.interview_panel.minutes.setValue(5)
    qtbot.waitUntil(
        lambda: (
            stats.interview_panel.forecast is not None
            and stats.interview_panel.forecast.minutes == 5
        ),
        timeout=10_000,
    )
    assert window.app.interview.minutes() == 5


def test_studying_shows_as_reality_against_the_plan(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stats")
    stats = window.stats
    stats.set_interview(clock.now().date() + timedelta(days=7))
    qtbot.waitUntil(lambda: _forecast_shown(stats), timeout=10_000)
    service = window.app.review
    due = service.next_card()
    clock.advance(minutes=2)
    service.answer(due, Grade.GOOD)
    stats.refresh()
    qtbot.waitUntil(lambda: "/2 min" in stats.interview_panel.reality_label.text(), timeout=10_000)


def test_an_interview_date_that_has_passed_says_there_is_no_plan(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stats")
    stats = window.stats
    stats.set_interview(date(2020, 1, 1))
    assert "No plan: the interview date 2020-01-01 is not after today" in (
        stats.interview_panel.forecast_label.text()
    )


def test_following_the_plan_gives_review_todays_part_of_it(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stats")
    stats = window.stats
    stats.set_interview(clock.now().date() + timedelta(days=6))
    qtbot.waitUntil(lambda: _forecast_shown(stats), timeout=10_000)
    panel = stats.interview_panel
    today = panel.forecast.plan.today
    assert not window.app.review.following
    panel.follow.setChecked(True)  # the one click
    assert window.app.interview.following()
    review = window.app.review
    assert review.following
    assert review.counts().new == len(today.new)
    window.show_screen("review")
    assert "Following your <b>interview plan</b>" in window.review.scope_label.text()
    seen = []
    while (due := review.next_card()) is not None and due.card.id not in seen:
        seen.append(due.card.id)
        review.answer(due, Grade.EASY)
    assert set(today.new) <= set(seen)

    panel.follow.setChecked(False)  # and back to the daily limits
    assert not window.app.review.following
    assert not window.app.interview.following()


def test_a_concept_session_is_not_taken_over_by_the_plan(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stats")
    stats = window.stats
    stats.set_interview(clock.now().date() + timedelta(days=6))
    qtbot.waitUntil(lambda: _forecast_shown(stats), timeout=10_000)
    stats.interview_panel.follow.setChecked(True)
    window.review.study(["gamma-what"], "Gamma")
    assert not window.app.review.following
    window.review.study(None)
    assert window.app.review.following


def test_a_followed_plan_is_made_afresh_at_start(qtbot, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    """The next run plans today from what happened and Review follows it, unasked."""
    from app.services.application import Application
    from app.ui.application import build_window, make_app

    app = Application(ctx)
    app.stats.set_interview_date(clock.now().date() + timedelta(days=4))
    app.interview.set_following(True)
    make_app("light")
    window = build_window(app)
    qtbot.addWidget(window)
    window.show()
    window.finish_startup()
    qtbot.waitUntil(lambda: app.review.following, timeout=10_000)
    assert len(app.interview.history()) == 1
