"""The Stories screen and the behavioural round as a user drives them: keyboard, a FakeClock
instead of waiting, refused saves that keep what was typed, the brief written off the GUI
thread, a story entering spaced review."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from app.domain.stories import serialize_story
from app.services.stories import stories_dir
from tests.test_stories import story

CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def write_story(data_dir: Path, **changes: object) -> None:
    folder = stories_dir(data_dir)
    folder.mkdir(exist_ok=True)
    one = story(**changes)  # type: ignore[arg-type]
    (folder / f"{one.id}.md").write_text(serialize_story(one), encoding="utf-8")


def test_ctrl_6_opens_the_stories_and_ctrl_n_writes_one(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, window, Qt.Key.Key_6, CTRL)
    assert window.current_screen() == "stories"
    screen = window.stories
    assert screen.model.rowCount() == 0 and "No stories yet" in screen.preview.toPlainText()
    press(qtbot, window, Qt.Key.Key_N, CTRL)
    editor = screen.editor
    assert editor is not None and editor.isVisible()
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    editor.title_edit.setText("Cut the GPU bill")
    editor.project_edit.setText("Serving at Acme")
    editor.parts["situation"].setPlainText("Our inference bill doubled in a quarter.")
    editor.parts["task"].setPlainText("I owned serving costs.")
    editor.parts["action"].setPlainText("I moved the model to int8 and batched requests.")
    editor.parts["result"].setPlainText("The bill fell by half at the same latency.")
    editor.set_competencies(("ownership", "technical-deep-dive"))
    qtbot.waitUntil(lambda: "Our inference bill doubled" in editor.preview.toPlainText())

    # No numbers yet: refused, the dialog stays open with everything typed, nothing written.
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert editor.isVisible() and editor.problems.isVisible()
    assert "at least one number" in editor.problems.text()
    assert not stories_dir(ctx.data_dir).exists() or not list(stories_dir(ctx.data_dir).iterdir())
    assert editor.title_edit.text() == "Cut the GPU bill"

    editor.numbers_edit.setPlainText("GPU bill −48 %\np95 latency flat at 310 ms")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert not editor.isVisible()
    path = stories_dir(ctx.data_dir) / "cut-the-gpu-bill.md"
    assert path.exists() and "## Action\n\nI moved the model to int8" in path.read_text("utf-8")
    assert screen.model.rowCount() == 1 and screen.selected_id() == "cut-the-gpu-bill"
    assert "Cut the GPU bill" in screen.preview.toPlainText()
    assert "1 story" in screen.summary.text()


def test_a_broken_story_file_is_shown_with_its_line_and_left_alone(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    broken = stories_dir(ctx.data_dir) / "half-written.md"
    broken.write_text("---\nid: half-written\ntitle: Half\n---\n", encoding="utf-8")
    window.show_screen("stories")
    screen = window.stories
    assert screen.problems.isVisible()
    assert "stories/half-written.md:1: front matter lacks 'project'" in screen.problems.text()
    assert screen.model.rowCount() == 1  # the good story is still there
    assert broken.read_text("utf-8") == "---\nid: half-written\ntitle: Half\n---\n"


def test_the_coverage_tab_shows_the_matrix_and_the_gaps(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    window.show_screen("stories")
    screen = window.stories
    model = screen.coverage_tab.model
    assert model.rowCount() >= 30 and model.columnCount() == 3
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    owned = rows["Tell me about a project you owned from the first idea to production."]
    assert model.index(owned, 1).data() == "ownership, technical-deep-dive"
    assert model.index(owned, 2).data() == "●"
    conflict = rows["Describe a time you disagreed with your manager or a senior leader."]
    assert model.index(conflict, 2).data() == ""
    summary = screen.coverage_tab.summary.text()
    assert "questions have a story" in summary and "Conflict" in summary


def test_a_timed_behavioural_round_by_keyboard(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    write_story(
        ctx.data_dir,
        story_id="boss",
        competencies=("conflict", "influence"),
        title="Talked my manager out of a launch",
        numbers=("hallucination rate 9 % to 2 %",),
    )
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    quiz = window.quiz
    panel = window.behavioural.setup_panel
    panel.count_spin.setValue(2)
    press(qtbot, window, Qt.Key.Key_B, CTRL)
    round_view = window.behavioural
    assert quiz.pages.currentWidget() is round_view
    run = round_view.run
    assert run is not None and len(run.items) == 2

    # Question 1: choose a story with the keyboard, tell it, stop early.
    assert round_view.choose.story_combo.hasFocus()
    first = run.items[0]
    press(qtbot, window, Qt.Key.Key_Down)
    press(qtbot, window, Qt.Key.Key_Up)
    chosen = round_view.choose.story_combo.currentData()
    assert first.story_id == chosen
    press(qtbot, window, Qt.Key.Key_Return)
    assert run.phase == "telling" and round_view.tell.telling_box.hasFocus()
    assert round_view.tell.clock_label.text() == "2:00"
    qtbot.keyClicks(
        QApplication.focusWidget(), "Our ranking service read features from a store being retired"
    )
    clock.advance(seconds=75)
    round_view.tick()
    assert round_view.tell.clock_label.text() == "0:45"
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert run.phase == "grading"
    points = [box.text() for box in round_view.grade.point_boxes]
    assert points[0].startswith("1   Situation: ")
    assert "Told in 1:15" in round_view.grade.outcome.text()
    ticked = round_view.covered()
    press(qtbot, window, Qt.Key.Key_4)  # the Result, said aloud
    assert round_view.covered()[3] != ticked[3]
    graded_first = round_view.covered()
    press(qtbot, window, Qt.Key.Key_Return)

    # Question 2: paused (costs nothing), then the two minutes run out.
    assert run.current == 1 and run.phase == "choosing"
    press(qtbot, window, Qt.Key.Key_Return)
    press(qtbot, window, Qt.Key.Key_P, CTRL)
    assert round_view.paused
    clock.advance(seconds=600)
    round_view.tick()
    press(qtbot, window, Qt.Key.Key_P, CTRL)
    assert not round_view.paused and round_view.tell.clock_label.text() == "2:00"
    clock.advance(seconds=121)
    round_view.tick()
    assert run.phase == "grading" and "Time's up" in round_view.grade.outcome.text()
    press(qtbot, window, Qt.Key.Key_Return)

    # Results: stored, one row per telling; the stories screen says which need work.
    assert round_view.pages.currentIndex() == 3
    assert round_view.results.model.rowCount() == 2
    rows = window.app.stories.store.all()
    assert [r.question_id for r in rows] == [i.question.id for i in run.items]
    assert rows[0].points_covered == sum(graded_first) and rows[0].seconds_used == 75
    assert rows[1].timed_out and rows[1].seconds_used == 120
    assert "Stories that need work" in round_view.results.needs_work_label.text()
    press(qtbot, window, Qt.Key.Key_Escape)
    assert quiz.pages.currentIndex() == 0  # back on the quiz setup
    window.show_screen("stories")
    records = window.stories.model.records
    assert sum(r.times for r in records.values()) == 2


def test_rehearse_from_the_stories_screen_tells_that_story(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    window.show_screen("stories")
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.current_screen() == "quiz"
    run = window.behavioural.run
    assert run is not None and {i.story_id for i in run.items} == {"feature-store"}


def test_no_story_yet_says_where_to_write_one(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    press(qtbot, window, Qt.Key.Key_B, CTRL)
    panel = window.behavioural.setup_panel
    assert window.quiz.pages.currentIndex() == 0
    assert panel.note.isVisible() and "Stories screen (Ctrl+6)" in panel.note.text()


def test_the_brief_is_written_as_pdf_and_markdown_off_the_gui_thread(
    qtbot, window, ctx, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    window.show_screen("stories")
    screen = window.stories
    pdf = tmp_path / "brief.pdf"
    screen.export_brief(pdf)
    assert not screen.export_button.isEnabled()  # busy while the worker prints
    qtbot.waitUntil(lambda: screen.last_export is not None, timeout=10000)
    assert screen.last_export.pages == 1  # type: ignore[attr-defined]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert screen.export_button.isEnabled()
    markdown = tmp_path / "brief.md"
    screen.last_export = None
    screen.export_brief(markdown)
    qtbot.waitUntil(lambda: screen.last_export is not None, timeout=10000)
    assert markdown.read_text("utf-8").startswith("# My stories · 02 March 2026")


@pytest.mark.parametrize("name", ["brief.md", "brief.pdf"])
def test_a_failed_export_says_why(qtbot, window, ctx, tmp_path, name) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    window.show_screen("stories")
    screen = window.stories
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    screen.export_brief(blocker / name)  # a folder that is a file
    qtbot.waitUntil(lambda: screen.last_export is not None, timeout=10000)
    box = screen.findChild(QMessageBox, "stories-export-failed")
    assert isinstance(screen.last_export, OSError)
    assert box is not None and "The brief was not written" in box.text()


def test_a_story_enters_spaced_review_from_the_screen(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    window.show_screen("stories")
    screen = window.stories
    before = len(ctx.bank.cards)
    qtbot.mouseClick(screen.review_button, Qt.MouseButton.LeftButton)
    assert len(ctx.bank.cards) == before + 1
    card = next(c for c in ctx.bank.cards.values() if c.concept == "my-stories")
    assert card.question.startswith("Tell the story for: ")
    assert screen.review_button.text() == "In review ✓" and not screen.review_button.isEnabled()


def test_edit_keeps_the_id_and_delete_asks_first(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    window.show_screen("stories")
    screen = window.stories
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    editor = screen.editor
    assert editor is not None and editor.title_edit.text() == story().title
    editor.title_edit.setText("Moved the feature store without downtime")
    editor.save()
    assert screen.service.story("feature-store").title.startswith("Moved")  # type: ignore[union-attr]
    assert [s.id for s in screen.service.stories] == ["feature-store"]

    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    box = screen.findChild(QMessageBox, "stories-delete-confirm")
    assert box is not None and "Moved the feature store" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.No), Qt.MouseButton.LeftButton)
    assert (stories_dir(ctx.data_dir) / "feature-store.md").exists()
    qtbot.mouseClick(screen.delete_button, Qt.MouseButton.LeftButton)
    box = [b for b in screen.findChildren(QMessageBox, "stories-delete-confirm") if b.isVisible()][
        0
    ]
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    assert not (stories_dir(ctx.data_dir) / "feature-store.md").exists()
    assert screen.model.rowCount() == 0


def test_esc_in_the_editor_asks_before_losing_what_was_typed(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    window.show_screen("stories")
    screen = window.stories
    screen.new_story()
    editor = screen.editor
    editor.reject()  # nothing typed: closes at once
    assert not editor.isVisible()

    screen.new_story()
    editor = screen.editor
    editor.parts["action"].setPlainText("A long account of what I did.")
    editor.reject()
    box = editor.findChild(QMessageBox, "story-discard")
    assert editor.isVisible() and box is not None and box.isVisible()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert editor.isVisible() and editor.parts["action"].toPlainText().startswith("A long")
    editor.reject()
    box = [b for b in editor.findChildren(QMessageBox, "story-discard") if b.isVisible()][0]
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    assert not editor.isVisible()


def test_leaving_the_quiz_mid_telling_pauses_the_clock(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    write_story(ctx.data_dir)
    window.show_screen("stories")
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    round_view = window.behavioural
    press(qtbot, window, Qt.Key.Key_Return)
    clock.advance(seconds=30)
    window.show_screen("review")
    assert round_view.paused
    clock.advance(seconds=3600)
    window.show_screen("quiz")
    press(qtbot, window, Qt.Key.Key_P, CTRL)
    assert not round_view.paused and round_view.tell.telling_box.hasFocus()
    round_view.tick()
    assert round_view.tell.clock_label.text() == "1:30"


def test_an_unwritable_stories_folder_keeps_the_editor_open_with_the_reason(
    qtbot, window, ctx
) -> None:  # type: ignore[no-untyped-def]
    stories_dir(ctx.data_dir).write_text("in the way", encoding="utf-8")  # not a folder
    window.show_screen("stories")
    screen = window.stories
    screen.new_story()
    editor = screen.editor
    one = story()
    editor.title_edit.setText(one.title)
    editor.project_edit.setText(one.project)
    for part, edit in editor.parts.items():
        edit.setPlainText(one.part(part))
    editor.numbers_edit.setPlainText("\n".join(one.numbers))
    editor.set_competencies(one.competencies)
    editor.save()
    assert editor.isVisible() and editor.problems.isVisible()
    assert "stories/rescued-the-feature-store-migration.md:1: cannot write the story" in (
        editor.problems.text()
    )
    assert editor.parts["action"].toPlainText() == one.action  # nothing typed is lost
    assert stories_dir(ctx.data_dir).read_text("utf-8") == "in the way"


def test_ten_stories_still_fit_one_pdf_page(qtbot, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.services.stories import StoryService
    from app.ui.stories.export import export_brief

    for i in range(10):
        write_story(ctx.data_dir, story_id=f"story-{i}", title=f"Story number {i}")
    service = StoryService(ctx)
    full, compact = service.brief(), service.brief(compact=True)
    assert "- **S** " in full and "**S** " in compact and "- **S**" not in compact
    exported = export_brief([full, compact], tmp_path / "brief.pdf")
    assert exported.pages == 1
    assert (tmp_path / "brief.pdf").read_bytes().startswith(b"%PDF")
    assert not list(tmp_path.glob(".*.tmp"))
