"""The Stories screen (Ctrl+6): your STAR stories, how they cover the questions, the brief.

Left, the stories with how often each is the answer and how its rehearsals went; right, the
selected story as it reads. The Coverage tab is the questions × stories matrix with what is
missing. Writing and editing happen in the story editor; exporting runs off the GUI thread.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.changes import Changes
from app.domain.stories import Story, story_markdown
from app.services.application import Application
from app.ui.background import run_in_background
from app.ui.editor_parts import ERROR_COLOR
from app.ui.markdown_view import MarkdownView
from app.ui.screen import Screen
from app.ui.stories.coverage_tab import CoverageTab
from app.ui.stories.editor import StoryEditor
from app.ui.stories.export import Exported, export_brief
from app.ui.stories.models import STORY_ID, StoriesModel
from app.ui.widgets import bind_keys, heading, muted


class StoriesScreen(Screen):
    rehearse_requested = Signal(str)  # story id: a behavioural round on its questions
    WATCHES = Changes.STORIES | Changes.CONTENT

    def __init__(self, app: Application, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stories")
        self.service = app.stories
        self.editor: StoryEditor | None = None
        self.last_export: object = None
        self._build()
        self.reload()

    # -- layout ---------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        top.addWidget(heading("My stories", 15))
        self.summary = muted()
        self.summary.setObjectName("stories-summary")
        top.addWidget(self.summary, 1)
        self.new_button = self._button("New story   (Ctrl+N)", "stories-new", self.new_story)
        self.edit_button = self._button("Edit   (Ctrl+E)", "stories-edit", self.edit_story)
        self.rehearse_button = self._button(
            "Rehearse   (Ctrl+R)", "stories-rehearse", self.rehearse
        )
        self.review_button = self._button("Add to review", "stories-review", self.add_to_review)
        self.export_button = self._button("Export brief…", "stories-export", self.export_brief)
        self.delete_button = self._button("Delete", "stories-delete", self.delete_story)
        for button in (
            self.new_button,
            self.edit_button,
            self.rehearse_button,
            self.review_button,
            self.export_button,
            self.delete_button,
        ):
            top.addWidget(button)
        layout.addLayout(top)
        self.problems = QLabel()
        self.problems.setObjectName("stories-problems")
        self.problems.setWordWrap(True)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.hide()
        layout.addWidget(self.problems)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("stories-tabs")
        layout.addWidget(self.tabs, 1)

        self.model = StoriesModel()
        self.table = QTableView()
        self.table.setObjectName("stories-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 170)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.table.doubleClicked.connect(lambda _i: self.edit_story())
        self.table.activated.connect(lambda _i: self.edit_story())
        self.preview = MarkdownView(reading_width=None)
        self.preview.setObjectName("stories-preview")
        self.preview.document().setDocumentMargin(16)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.tabs.addTab(split, "Stories")

        self.coverage_tab = CoverageTab()
        self.tabs.addTab(self.coverage_tab, "Coverage")

        bind_keys(self, ["Ctrl+N"], self.new_story, "write a new story")
        bind_keys(self, ["Ctrl+E"], self.edit_story, "edit the selected story")
        bind_keys(self, ["Ctrl+R"], self.rehearse, "rehearse the selected story")
        self.setFocusProxy(self.table)

    def _button(self, text: str, name: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # -- showing --------------------------------------------------------------------------
    def refresh_for(self, changes: Changes) -> None:
        """Rehearsals in the Quiz, review cards edited elsewhere: read everything again."""
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the stories folder and rehearsals again; keep (or move to) a selection."""
        current = select or self.selected_id()
        self.service.reload()
        cover = self.service.coverage()
        self.model.set_stories(self.service.stories, self.service.records(), cover)
        self.coverage_tab.set_coverage(cover)
        problems = self.service.problems()
        self.problems.setVisible(bool(problems))
        if problems:
            items = "<br>".join(html.escape(p, quote=False) for p in problems)
            self.problems.setText(
                f'<span style="color:{ERROR_COLOR}"><b>Not loaded, fix in an editor:</b></span>'
                f"<br>{items}"
            )
        stories = self.service.stories
        covered = len(cover.questions) - len(cover.uncovered)
        self.summary.setText(
            f"{len(stories)} stor{'ies' if len(stories) != 1 else 'y'} · "
            f"{covered} of {len(cover.questions)} questions covered"
        )
        row = self.model.row_of(current) if current else -1
        if row < 0 and stories:
            row = 0
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._show_selected()

    def selected_id(self) -> str | None:
        index = self.table.currentIndex()
        return str(index.data(STORY_ID)) if index.isValid() else None

    def selected(self) -> Story | None:
        story_id = self.selected_id()
        return self.service.story(story_id) if story_id else None

    def _show_selected(self) -> None:
        story = self.selected()
        for button in (
            self.edit_button,
            self.rehearse_button,
            self.review_button,
            self.delete_button,
        ):
            button.setEnabled(story is not None)
        self.export_button.setEnabled(bool(self.service.stories))
        if story is None:
            self.preview.show_html(
                "<h3>No stories yet</h3><p>A strong behavioural round rests on six to eight "
                "stories you can tell in two minutes each: one conflict, one failure, one you "
                "led, one with a vague goal, one technical deep dive… Each with the numbers "
                "that prove the result.</p><p><b>Ctrl+N</b> writes your first.</p>"
            )
            return
        in_review = self.service.review_card_of(story) is not None
        self.review_button.setText("In review ✓" if in_review else "Add to review")
        self.review_button.setEnabled(not in_review)
        record = self.model.records.get(story.id)
        note = ""
        if record is not None:
            work = record.needs_work()
            if record.last is None:
                note = "*Not rehearsed yet: Ctrl+R tells it against the clock.*\n\n"
            else:
                note = f"*Rehearsed {record.times}×, last {record.last:.0%}"
                note += f" — needs work: {work}.*\n\n" if work else ".*\n\n"
        self.preview.show_markdown(f"## {story.title}\n\n{note}" + story_markdown(story))

    # -- actions --------------------------------------------------------------------------
    def new_story(self) -> None:
        self._open_editor(None)

    def edit_story(self) -> None:
        story = self.selected()
        if story is not None:
            self._open_editor(story)

    def _open_editor(self, story: Story | None) -> None:
        self.editor = StoryEditor(self.service, story, self)
        self.editor.saved.connect(self._saved)
        self.editor.open()

    def _saved(self, story_id: str) -> None:
        result = self.editor.last_result if self.editor else None
        self.reload(select=story_id)
        if result is not None:
            self.report(result.changes)  # its review card, if any, follows the story
        if result is not None and result.problems:
            self._status("Saved, but " + result.problems[0])

    def _status(self, message: str) -> None:
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(message, 10000)

    def delete_story(self) -> None:
        story = self.selected()
        if story is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete story",
            f"Delete “{story.title}”? Its file is removed; its rehearsals stay in your history."
            + (
                " Its review card stays among your cards (Browse deletes it)."
                if self.service.review_card_of(story)
                else ""
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("stories-delete-confirm")
        box.finished.connect(lambda code: self._delete_confirmed(story.id, code))
        box.open()

    def _delete_confirmed(self, story_id: str, code: int) -> None:
        if code != QMessageBox.StandardButton.Yes:
            return
        result = self.service.delete(story_id)
        if not result.ok:
            QMessageBox.warning(self, "Not deleted", "\n".join(result.problems))
        self.reload()
        self.report(result.changes)

    def add_to_review(self) -> None:
        story = self.selected()
        if story is None:
            return
        result = self.service.add_to_review(story.id)
        if not result.ok:
            QMessageBox.warning(self, "Not added to review", "\n".join(result.problems))
            return
        self.reload(select=story.id)
        self.report(result.changes)

    def rehearse(self) -> None:
        story_id = self.selected_id()
        if story_id is not None:
            self.rehearse_requested.emit(story_id)

    def export_brief(self, path: Path | None = None) -> None:
        """Write the one-page brief (.pdf or .md); asks where unless `path` is given."""
        if not self.service.stories:
            return
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                "Export the brief",
                str(Path.home() / "my-stories.pdf"),
                "PDF (*.pdf);;Markdown (*.md)",
            )
            if not chosen:
                return
            path = Path(chosen)
        variants = [self.service.brief(), self.service.brief(compact=True)]
        self.export_button.setEnabled(False)
        self.export_button.setText("Exporting…")
        run_in_background(self, lambda: export_brief(variants, path), self._exported)

    def _exported(self, result: object) -> None:
        self.last_export = result
        self.export_button.setText("Export brief…")
        self.export_button.setEnabled(bool(self.service.stories))
        if not isinstance(result, Exported):
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Brief not exported",
                f"The brief was not written: {result}",
                parent=self,
            )
            box.setObjectName("stories-export-failed")
            box.open()
            return
        message = f"Brief written to {result.path}"
        if result.pages > 1:
            message += f" ({result.pages} pages: too many stories for one)"
        self._status(message)
