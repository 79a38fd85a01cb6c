"""Review at laptop size, keyboard first: scrolling a long answer, and Anki's card actions
(edit, bury, suspend, flag, show on map), each undone by Ctrl+Z."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.card_writer import CardDraft
from app.services.authoring import AuthoringService


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifier)


def undo(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def shown(window) -> str:  # type: ignore[no-untyped-def]
    return window.review.current.card.id


def long_answer(window) -> None:  # type: ignore[no-untyped-def]
    """Show a card whose answer is far taller than the pane."""
    review = window.review
    press_text = "".join(f"<p>Paragraph {i} of a long model answer.</p>" for i in range(120))
    review.view.show_html(f"<p>Question?</p><hr/>{press_text}")
    QApplication.processEvents()


def test_keys_scroll_a_long_answer(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1366, 768)
    press(qtbot, window, Qt.Key.Key_Space)
    long_answer(window)
    bar = window.review.view.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    press(qtbot, window, Qt.Key.Key_Down)
    one_line = bar.value()
    assert one_line > 0
    press(qtbot, window, Qt.Key.Key_PageDown)
    assert bar.value() >= one_line + bar.pageStep() - 1
    press(qtbot, window, Qt.Key.Key_PageUp)
    assert bar.value() == one_line
    press(qtbot, window, Qt.Key.Key_Up)
    assert bar.value() == 0
    press(qtbot, window, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    press(qtbot, window, Qt.Key.Key_Home)
    assert bar.value() == 0
    assert window.review.revealed  # scrolling never grades or hides the answer


def test_a_long_answer_starts_at_the_top(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1920, 1080)
    QApplication.processEvents()
    press(qtbot, window, Qt.Key.Key_Space)
    view = window.review.view
    first_line = view.cursorRect(view.document().begin().layout() and view.textCursor()).top()
    assert view.document().rootFrame().frameFormat().topMargin() <= 24
    assert first_line <= 40  # no blank band above the question on a wide window


def test_bury_puts_the_card_aside_and_ctrl_z_brings_it_back(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    first = shown(window)
    press(qtbot, window, Qt.Key.Key_Minus)
    assert shown(window) != first
    assert "buried" in window.statusBar().currentMessage()
    window.review.study(None)  # a new session of the same run keeps it buried
    assert shown(window) != first
    undo(qtbot, window)
    assert shown(window) == first


def test_suspend_with_at_and_undo(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    first = shown(window)
    qtbot.keyClick(window.review, Qt.Key.Key_At, Qt.KeyboardModifier.ShiftModifier)
    assert ctx.store.flags([first])[first][0] is True
    assert shown(window) != first
    undo(qtbot, window)
    assert ctx.store.flags([first])[first][0] is False
    assert shown(window) == first


def test_flag_with_ctrl_k_and_undo(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    first = shown(window)
    press(qtbot, window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert ctx.store.flags([first])[first][1] is True
    assert shown(window) == first  # flagging keeps the card on screen
    undo(qtbot, window)
    assert ctx.store.flags([first])[first][1] is False


def test_grade_and_actions_undo_newest_first(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, window, Qt.Key.Key_Space)
    press(qtbot, window, Qt.Key.Key_3)
    second = shown(window)
    press(qtbot, window, Qt.Key.Key_Minus)
    undo(qtbot, window)
    assert shown(window) == second and ctx.store.review_count() == 1
    undo(qtbot, window)
    assert ctx.store.review_count() == 0


def test_ctrl_g_shows_the_concept_on_the_map(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    concept = window.review.current.card.concept
    press(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert window.current_screen() == "graph"
    assert window.graph.panel.concept_id == concept


def test_e_edits_your_own_card_and_ctrl_z_restores_it(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, window, Qt.Key.Key_E)  # a bundled card: read-only, and said so
    assert "read-only" in window.statusBar().currentMessage()
    assert window.review.editor is None
    draft = CardDraft.build("My own question?", "My answer.", ["one", "two", "three"], "medium", 60)
    result = AuthoringService(ctx).create(draft, "alpha")
    assert result.ok
    window.broadcast(result.changes)
    window.review.study([result.card_id])
    press(qtbot, window, Qt.Key.Key_E)
    editor = window.review.editor
    assert editor is not None and editor.isVisible()
    editor.question.setText("My edited question?")
    editor.save()
    assert ctx.bank.cards[result.card_id].question == "My edited question?"
    undo(qtbot, window)
    assert ctx.bank.cards[result.card_id].question == "My own question?"


def test_a_buried_card_stays_aside_after_a_restart_until_the_next_study_day(
    qtbot, window, ctx, clock
) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from app.services.application import Application
    from app.services.buried_cards import BuriedCards
    from app.ui.application import build_window

    first = shown(window)
    press(qtbot, window, Qt.Key.Key_Minus)
    window.close()
    again = build_window(Application(ctx))  # Lattice quit and opened again the same day
    qtbot.addWidget(again)
    assert shown(again) != first
    assert first in again.review.service.buried.buried(clock.now())
    clock.advance(timedelta(days=1))  # the next study day lifts it, and forgets the mark
    assert first not in BuriedCards(ctx.db_path).buried(clock.now())
    later = build_window(Application(ctx))
    qtbot.addWidget(later)
    assert shown(later) == first  # first in line again
