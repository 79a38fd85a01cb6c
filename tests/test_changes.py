"""One change channel: what one screen writes, every other screen shows (at once if on
show, else when next shown); screens not built yet stay unbuilt."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from app.domain.changes import Changes
from app.domain.scheduling import Grade
from app.domain.study_day import StudySettings
from app.services.review_service import ReviewService
from app.ui.browse.models import CardTableModel

ANKI = Path(__file__).parent / "fixtures" / "anki"
CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def build_every_screen(window) -> None:  # type: ignore[no-untyped-def]
    for name in ("quiz", "graph", "browse", "stats", "review"):
        window.show_screen(name)


def browse_cell(browse, card_id: str, column: int) -> str:  # type: ignore[no-untyped-def]
    row = browse.model.row_of(card_id)
    return str(browse.model.index(row, column).data())


def new_count(window) -> int:  # type: ignore[no-untyped-def]
    return window.review.service.counts().new


def test_grading_in_review_shows_in_browse_graph_and_stats_when_they_are_opened(
    qtbot, window
) -> None:  # type: ignore[no-untyped-def]
    build_every_screen(window)
    browse, graph, stats = window.browse, window.graph, window.stats
    card = window.review.current.card
    assert browse_cell(browse, card.id, CardTableModel.REVIEWS) == "0"
    assert graph.mastery[card.concept] == 0.0
    assert stats.snapshot.today_summary.reviews == 0

    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_4)  # Easy
    # Hidden screens only note what changed; nothing is read until they are shown.
    assert browse.stale & Changes.PROGRESS and graph.stale and stats.stale
    assert browse_cell(browse, card.id, CardTableModel.REVIEWS) == "0"

    press(qtbot, Qt.Key.Key_4, CTRL)
    assert browse_cell(browse, card.id, CardTableModel.REVIEWS) == "1"
    assert not browse.stale
    press(qtbot, Qt.Key.Key_3, CTRL)
    assert graph.mastery[card.concept] > 0.0
    press(qtbot, Qt.Key.Key_5, CTRL)
    assert stats.snapshot.today_summary.reviews == 1
    assert stats.snapshot.counts["new"] == 3


def test_a_browse_suspend_updates_the_review_counts(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    before = new_count(window)
    assert f"{before}</span> new" in window.review.counts_label.text()
    press(qtbot, Qt.Key.Key_4, CTRL)
    browse = window.browse
    assert browse.select_card("gamma-what")
    qtbot.keyClick(browse.table, Qt.Key.Key_J, CTRL)
    assert browse.current_row().suspended
    press(qtbot, Qt.Key.Key_1, CTRL)
    assert f"{before - 1}</span> new" in window.review.counts_label.text()


def test_a_quiz_rate_again_puts_cards_in_the_review_queue(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    quiz = window.quiz
    window.show_screen("quiz")
    quiz.setup_page.count_spin.setValue(2)
    assert quiz.start(quiz.setup_page.settings())
    for _ in range(2):
        press(qtbot, Qt.Key.Key_Return, CTRL)
        press(qtbot, Qt.Key.Key_Return)
    assert window.review.stale == Changes.NONE
    quiz.results_page.again_button.click()
    assert window.review.stale & Changes.QUEUE  # the review screen is hidden: noted
    press(qtbot, Qt.Key.Key_1, CTRL)
    assert "2</span> learning" in window.review.counts_label.text()


def test_an_import_refreshes_every_screen(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QMessageBox, "information", lambda *_a, **_k: None)
    build_every_screen(window)
    new_before = new_count(window)
    dialog = window.interop.import_cards()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(ANKI / "modern.apkg"), "")
    )
    dialog.file_button.click()
    qtbot.waitUntil(lambda: not dialog.busy)  # read on a worker thread
    dialog.title.setText("Attention basics")
    dialog.area.setCurrentIndex(dialog.area.findData("llm"))
    qtbot.waitUntil(lambda: not dialog.busy)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible())  # written on a worker thread

    # Review is on show: at once.
    assert new_count(window) == new_before + 4  # the cloze note with c1 and c2: two cards
    assert f"{new_before + 4}</span> new" in window.review.counts_label.text()
    window.show_screen("browse")
    assert window.browse.model.rowCount() == 4 + 4
    window.show_screen("graph")
    assert "attention-basics" in window.graph.scene.nodes
    window.show_screen("quiz")
    assert window.quiz.setup_page.concept_combo.findData("attention-basics") >= 0
    window.show_screen("stats")
    assert window.stats.snapshot.counts["new"] == 4 + 4


def test_screens_not_yet_built_are_not_built_by_a_change(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_3)
    window.apply_settings(StudySettings(new_per_day=2))
    window.broadcast(~Changes.NONE)  # every kind of change
    assert [name for name in window.screens if window.is_built(name)] == ["review"]


def test_settings_reach_a_hidden_screen_when_it_is_shown(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stats")
    window.apply_settings(StudySettings(new_per_day=1))
    assert window.review.stale & Changes.SETTINGS
    window.show_screen("review")
    assert "1</span> new" in window.review.counts_label.text()
    assert not window.review.stale


def test_a_write_from_another_process_is_noticed_when_a_screen_is_shown(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("browse")
    window.show_screen("review")
    other = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=["beta-what"])
    other.answer(other.next_card(), Grade.GOOD)  # its own connection, as another process's
    other.close()
    window.show_screen("browse")
    assert browse_cell(window.browse, "beta-what", CardTableModel.REVIEWS) == "1"


def test_a_screens_own_write_does_not_look_like_another_process(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, Qt.Key.Key_4, CTRL)
    browse = window.browse
    assert browse.select_card("beta-what")
    qtbot.keyClick(browse.table, Qt.Key.Key_K, CTRL)  # flag: written on another connection
    assert window.app.outside.changes() == Changes.NONE  # reported, so not "outside"


def test_a_revealed_answer_survives_a_first_visit_to_every_other_screen(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Building a screen writes caches (the map's layout, the search index): the run's own
    writes, which must not look like another process's and reset the Review screen."""
    press(qtbot, Qt.Key.Key_Space)
    card = window.review.current.card
    for key in (Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_2, Qt.Key.Key_5):
        press(qtbot, key, CTRL)
        press(qtbot, Qt.Key.Key_1, CTRL)
        assert window.review.revealed and window.review.current.card == card
    press(qtbot, Qt.Key.Key_3)  # Good, as if the answer had never left the screen
    assert window.review.current is None or window.review.current.card != card


def test_a_story_put_into_review_reaches_review_browse_and_the_graph(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    from tests.test_stories_screen import write_story

    build_every_screen(window)
    new_before = new_count(window)
    rows_before = window.browse.model.rowCount()
    write_story(ctx.data_dir)
    window.show_screen("stories")
    stories = window.stories
    qtbot.mouseClick(stories.review_button, Qt.MouseButton.LeftButton)
    assert window.browse.stale & Changes.CONTENT and window.review.stale & Changes.CONTENT
    window.show_screen("review")
    assert new_count(window) == new_before + 1
    window.show_screen("browse")
    assert window.browse.model.rowCount() == rows_before + 1
    window.show_screen("graph")
    assert "my-stories" in window.graph.scene.nodes


def test_a_graded_telling_reaches_the_stories_screen(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.test_stories_screen import write_story

    write_story(ctx.data_dir)
    window.show_screen("stories")
    assert window.stories.model.records[window.stories.model.rows[0].id].times == 0
    window.rehearse_story(window.stories.model.rows[0].id)  # on to the Quiz screen
    assert window.current_screen() == "quiz"
    press(qtbot, Qt.Key.Key_Return)  # this story
    press(qtbot, Qt.Key.Key_Return, CTRL)  # told
    press(qtbot, Qt.Key.Key_Return)  # graded as the matcher ticked it
    assert window.stories.stale & Changes.STORIES
    window.show_screen("stories")
    assert window.stories.model.records[window.stories.model.rows[0].id].times == 1
