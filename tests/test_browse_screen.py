"""The Browse screen as a user drives it: sort, filter, search, card actions, own cards."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.changes import Changes
from app.domain.scheduling import CardState, Grade
from app.services.review_service import ReviewService
from app.ui.browse.models import HIGHLIGHT_ROLE, CardTableModel

CTRL = Qt.KeyboardModifier.ControlModifier


def open_browse(qtbot, window):  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    assert window.current_screen() == "browse"
    return window.browse


def column(browse, col: int) -> list[str]:  # type: ignore[no-untyped-def]
    proxy = browse.proxy
    return [proxy.index(r, col).data() for r in range(proxy.rowCount())]


def study(ctx, card_id: str, *grades: Grade) -> None:  # type: ignore[no-untyped-def]
    service = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=[card_id])
    for grade in grades:
        due = service.next_card()
        assert due is not None
        service.answer(due, grade)
        ctx.clock.advance(minutes=15)


def test_every_card_is_listed_and_sortable_by_every_column(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    study(ctx, "gamma-what", Grade.GOOD, Grade.GOOD)
    study(ctx, "beta-what", Grade.AGAIN)
    browse = open_browse(qtbot, window)
    assert browse.proxy.rowCount() == 4
    header = browse.table.horizontalHeader()
    for col in range(CardTableModel.RECALL + 1):
        header.setSortIndicator(col, Qt.SortOrder.AscendingOrder)
        ascending = browse.visible_ids()
        header.setSortIndicator(col, Qt.SortOrder.DescendingOrder)
        assert len(browse.visible_ids()) == 4
        if col in (CardTableModel.QUESTION, CardTableModel.DIFFICULTY, CardTableModel.REVIEWS):
            assert browse.visible_ids() != ascending, CardTableModel.headers()[col]
    header.setSortIndicator(CardTableModel.DIFFICULTY, Qt.SortOrder.AscendingOrder)
    assert column(browse, CardTableModel.DIFFICULTY) == ["easy", "medium", "medium", "hard"]
    header.setSortIndicator(CardTableModel.REVIEWS, Qt.SortOrder.DescendingOrder)
    assert browse.visible_ids()[:2] == ["gamma-what", "beta-what"]
    assert column(browse, CardTableModel.REVIEWS)[:2] == ["2", "1"]
    header.setSortIndicator(CardTableModel.RECALL, Qt.SortOrder.DescendingOrder)
    assert browse.visible_ids()[0] == "gamma-what"
    assert column(browse, CardTableModel.RECALL)[-1] == "—"  # never studied sorts last


def test_filters_by_area_concept_state_and_difficulty(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    study(ctx, "alpha-why", Grade.GOOD)
    browse = open_browse(qtbot, window)
    browse.area_box.setCurrentIndex(browse.area_box.findData("ml-foundations"))
    assert sorted(browse.visible_ids()) == ["alpha-what", "alpha-why"]
    browse.difficulty_box.setCurrentIndex(browse.difficulty_box.findData("medium"))
    assert browse.visible_ids() == ["alpha-why"]
    assert browse.count_label.text() == "1 of 4 cards"
    browse.area_box.setCurrentIndex(0)
    browse.difficulty_box.setCurrentIndex(0)
    browse.status_box.setCurrentIndex(browse.status_box.findData("learning"))
    assert browse.visible_ids() == ["alpha-why"]
    browse.status_box.setCurrentIndex(browse.status_box.findData("new"))
    assert sorted(browse.visible_ids()) == ["alpha-what", "beta-what", "gamma-what"]
    browse.concept_box.setCurrentIndex(browse.concept_box.findData("gamma"))
    assert browse.visible_ids() == ["gamma-what"]


def test_ctrl_f_searches_from_any_screen_ranked_and_highlighted(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)  # the graph
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_F, CTRL)
    browse = window.browse
    assert window.current_screen() == "browse"
    assert browse.search.hasFocus()
    qtbot.keyClicks(browse.search, "bet")
    # Question match first; cards mentioning beta only in key points follow.
    assert browse.visible_ids()[0] == "beta-what"
    assert sorted(browse.visible_ids()[1:]) == ["alpha-what", "gamma-what"]
    assert not browse.table.isColumnHidden(CardTableModel.MATCH)
    assert column(browse, CardTableModel.MATCH) == ["1", "2", "3"]
    assert "match “bet”" in browse.count_label.text()
    top = browse.proxy.index(0, CardTableModel.QUESTION)
    assert '<span style="background-color: #f5d76e' in top.data(HIGHLIGHT_ROLE)
    assert top.data(HIGHLIGHT_ROLE).endswith(">beta</span>?")  # the whole matched word
    assert browse.current_card_id() == "beta-what"
    fragments = browse.details.highlighted_fragments()
    assert fragments and {f.lower() for f in fragments} == {"bet"}
    # Clearing the box shows every card again, in the order before the search.
    browse.search.clear()
    assert browse.proxy.rowCount() == 4
    assert browse.table.isColumnHidden(CardTableModel.MATCH)
    assert browse.details.highlighted_fragments() == []


def test_suspend_flag_and_reset_with_confirmation(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    study(ctx, "alpha-what", Grade.GOOD, Grade.GOOD)
    browse = open_browse(qtbot, window)
    assert browse.select_card("alpha-what")
    qtbot.keyClick(browse.table, Qt.Key.Key_J, CTRL)
    assert ctx.store.flags(["alpha-what"])["alpha-what"] == (True, False)
    assert browse.current_row().state_label == "suspended"
    assert browse.card_actions.buttons["suspend"].text() == "Unsuspend"
    # A suspended card leaves the review queue.
    review = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=["alpha-what"])
    ctx.clock.advance(days=30)
    assert review.next_card() is None
    browse.card_actions.buttons["suspend"].click()
    assert ctx.store.flags(["alpha-what"])["alpha-what"] == (False, False)
    assert review.next_card() is not None
    browse.card_actions.buttons["flag"].click()
    assert ctx.store.flags(["alpha-what"])["alpha-what"] == (False, True)
    assert browse.proxy.index(browse.table.currentIndex().row(), 0).data().startswith("⚑")

    asked: list[str] = []
    browse.card_actions.confirm = lambda title, text: asked.append(text) or False
    browse.card_actions.buttons["reset"].click()
    assert asked and ctx.store.memory("alpha-what").state is CardState.REVIEW  # declined
    browse.card_actions.confirm = lambda title, text: True
    browse.card_actions.buttons["reset"].click()
    memory = ctx.store.memory("alpha-what")
    assert memory.state is CardState.NEW and memory.reps == 0
    assert len(ctx.store.review_history("alpha-what")) == 2  # history is kept
    assert browse.current_row().state_label == "new"


def test_opening_a_card_shows_its_history_and_show_on_graph(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    study(ctx, "gamma-what", Grade.AGAIN, Grade.GOOD)
    browse = open_browse(qtbot, window)
    browse.select_card("gamma-what")
    browse.table.setFocus()
    qtbot.keyClick(browse.table, Qt.Key.Key_Return)
    assert browse.details.currentIndex() == 1
    assert browse.details.tabText(1) == "History (2)"
    assert [browse.details.history_model.index(r, 1).data() for r in range(2)] == ["Good", "Again"]
    qtbot.keyClick(browse.table, Qt.Key.Key_G, CTRL)
    assert window.current_screen() == "graph"
    assert window.graph.panel.concept_id == "gamma"


def test_add_edit_and_delete_your_own_card(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    browse = open_browse(qtbot, window)
    browse.select_card("beta-what")
    editor = browse.card_actions.new_card()
    assert editor.concept_box.currentData() == "beta"  # the selected card's concept
    qtbot.keyClicks(editor.question, "What did the Acme interviewer ask about beta?")
    editor.answer.setPlainText("They asked **why** beta needs alpha.")
    qtbot.waitUntil(lambda: "why" in editor.preview.toPlainText())  # live preview
    editor.key_points.setPlainText("alpha first\nbeta second\nthe chain")
    seen: list[Changes] = []
    browse.changed.connect(seen.append)
    editor.save()
    assert seen == [Changes.CONTENT | Changes.QUEUE | Changes.PROGRESS]
    assert editor.result() == editor.DialogCode.Accepted
    card_id = "my-what-did-the-acme-interviewer-ask-about"
    assert browse.current_card_id() == card_id
    assert browse.proxy.rowCount() == 5
    assert (
        browse.card_actions.buttons["edit"].isEnabled()
        and browse.card_actions.buttons["delete"].isEnabled()
    )
    # Everywhere: review, quiz, graph, search.
    assert card_id in ctx.bank.cards
    assert window.quiz.service.bank.cards[card_id].user
    assert card_id in [s.card_id for s in window.graph.service.card_statuses("beta")]
    browse.search.setText("acme")
    assert browse.visible_ids() == [card_id]

    editor = browse.card_actions.edit_current()
    assert editor is not None and not editor.concept_box.isEnabled()
    editor.question.setText("What did Acme ask about beta?")
    editor.save()
    assert ctx.bank.cards[card_id].question == "What did Acme ask about beta?"

    browse.card_actions.confirm = lambda title, text: True
    browse.card_actions.buttons["delete"].click()
    assert card_id not in ctx.bank.cards
    assert browse.proxy.rowCount() == 0  # the search for "acme" finds nothing now


def test_a_malformed_edit_is_refused_with_the_reason(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    browse = open_browse(qtbot, window)
    editor = browse.card_actions.new_card("gamma")
    editor.question.setText("Mine?")
    editor.answer.setPlainText("Mine.")
    editor.key_points.setPlainText("one\ntwo\nthree")
    editor.save()
    path = ctx.data_dir / "cards" / "gamma.md"
    saved = path.read_text(encoding="utf-8")
    editor = browse.card_actions.edit_current()
    assert editor is not None
    editor.answer.setPlainText("Intro.\n\n## A second heading")
    editor.key_points.setPlainText("only one")
    editor.save()
    assert editor.isVisible()  # stays open with what was typed
    assert not editor.problems.isHidden()
    text = editor.problems.text()
    assert "Not saved" in text and "&#x27;## &#x27;" in text and "1 key points" in text
    assert editor.answer.toPlainText() == "Intro.\n\n## A second heading"
    assert path.read_text(encoding="utf-8") == saved
    editor.reject()


def test_a_new_concept_from_the_editor_appears_on_the_graph(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    browse = open_browse(qtbot, window)
    editor = browse.card_actions.new_card()
    editor.concept_box.setCurrentIndex(editor.concept_box.findData("__new__"))
    assert not editor.new_concept.isHidden()
    editor.concept_title.setText("Delta")
    editor.concept_area.setCurrentIndex(editor.concept_area.findData("llm"))
    editor.concept_summary.setText("After gamma.")
    for row in range(editor.requires_model.rowCount()):
        item = editor.requires_model.item(row)
        if item.data(Qt.ItemDataRole.UserRole) == "gamma":
            item.setCheckState(Qt.CheckState.Checked)
    editor.question.setText("What is delta?")
    editor.answer.setPlainText("The fourth letter.")
    editor.key_points.setPlainText("fourth\nafter gamma\nend")
    editor.save()
    assert editor.last_result is not None and editor.last_result.ok
    assert ctx.bank.concepts["delta"].requires == ("gamma",)
    assert "delta" in window.graph.scene.nodes
    assert window.quiz.setup_page.concept_combo.findData("delta") >= 0


def test_screenshots_in_both_themes(qtbot, window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.ui.application import make_app

    browse = open_browse(qtbot, window)
    browse.search.setText("alpha")
    for theme in ("light", "dark"):
        make_app(theme)
        browse.show_current()
        image = window.grab()
        assert not image.isNull()
        assert image.save(str(tmp_path / f"browse-{theme}.png"))
    make_app("light")
