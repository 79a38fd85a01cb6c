"""The reviewer as a user drives it: keyboard only, Anki's keys."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.scheduling import CardState


def visible_text(window) -> str:  # type: ignore[no-untyped-def]
    return window.review.view.toPlainText()


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def test_opens_on_review_with_first_question_and_focus(window) -> None:  # type: ignore[no-untyped-def]
    assert "Lattice" in window.windowTitle()
    assert window.current_screen() == "review"
    assert "What is alpha?" in visible_text(window)
    assert "first letter" not in visible_text(window).lower()
    assert window.review.hasFocus()
    assert "4 new" in window.review.counts_label.text().replace("</span>", "")


def test_reveal_grade_undo_by_keyboard(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, window, Qt.Key.Key_Space)
    assert "Alpha is the first letter." in visible_text(window)
    good = window.review.grade_buttons
    # Easy: 8 days, fuzzed as Anki does (seeded by the card, so always the same here)
    assert [b.text().split("\n")[0] for b in good.values()] == ["1m", "6m", "10m", "8d"]

    press(qtbot, window, Qt.Key.Key_3)  # Good
    assert "Why does alpha come first?" in visible_text(window)
    assert ctx.store.review_count() == 1
    assert ctx.store.memory("alpha-what").state is CardState.LEARNING

    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert "What is alpha?" in visible_text(window)
    assert ctx.store.review_count() == 0
    assert ctx.store.memory("alpha-what").state is CardState.NEW
    assert window.review.revealed is False


def test_enter_reveals_and_number_before_reveal_does_nothing(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, window, Qt.Key.Key_4)
    assert ctx.store.review_count() == 0
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.review.revealed
    press(qtbot, window, Qt.Key.Key_1)  # Again
    assert ctx.store.memory("alpha-what").state is CardState.LEARNING
    assert ctx.store.review_history("alpha-what")[0].rating == 1


def test_empty_queue_says_when_next_card_is_due(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    for _ in range(4):
        press(qtbot, window, Qt.Key.Key_Space)
        press(qtbot, window, Qt.Key.Key_4)  # Easy: out of learning for days
    text = visible_text(window)
    assert "All caught up" in text
    assert "next card is due in" in text
    assert window.review.current is None
    assert "0 new" in window.review.counts_label.text().replace("</span>", "")
    clock.advance(timedelta(days=30))
    window.review.refresh()
    assert window.review.current is not None


def test_review_log_records_duration_and_states(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    clock.advance(seconds=7)
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_3)
    (log,) = ctx.store.review_history("alpha-what")
    assert log.duration_ms == 7000
    assert (log.state_before, log.state_after) == (0, 1)
    assert log.reviewed_at == clock.now()


def test_content_problems_are_shown_and_app_still_starts(
    qtbot, ctx, content_root, data_dir, clock
) -> None:  # type: ignore[no-untyped-def]
    from app.services.application import Application
    from app.services.context import open_context
    from app.ui.application import build_window

    (content_root / "basics" / "broken.md").write_text("---\nid: broken\n")
    ctx2 = open_context(data_dir, content=content_root, clock=clock)
    win = build_window(Application(ctx2))
    qtbot.addWidget(win)
    assert win.review.current is not None
    assert "broken.md:1: front matter is not closed" in win.content_problem_text()
    from PySide6.QtWidgets import QPushButton

    button = win.findChild(QPushButton, "content-problems")
    assert button is not None and "1 content file skipped" in button.text()


def test_ctrl_q_quits(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert window.isVisible()
    qtbot.keyClick(window.review, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()


def test_settings_change_the_daily_limits_at_once_and_persist(
    qtbot, window, ctx, data_dir, content_root, clock
) -> None:  # type: ignore[no-untyped-def]
    from app.domain.study_day import StudySettings
    from app.services.context import open_context
    from app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx.settings, window)
    qtbot.addWidget(dialog)
    assert dialog.new_per_day.value() == 20
    dialog.new_per_day.setValue(1)
    dialog.retention.setValue(0.85)
    window.apply_settings(dialog.settings())
    assert "1 new" in window.review.counts_label.text().replace("</span>", "")
    assert window.review.service.scheduler.settings.desired_retention == 0.85
    assert window.quiz.service.scheduler.settings.desired_retention == 0.85
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_4)
    assert window.review.current is None  # the one new card of the day is done
    reopened = open_context(data_dir, content=content_root, clock=clock)
    assert reopened.settings == StudySettings(new_per_day=1, desired_retention=0.85)
