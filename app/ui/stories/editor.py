"""The story editor: write or edit a STAR story, with a live preview of how it reads.

A refused save keeps the dialog open with everything typed and the reasons shown in red,
exactly like the card editor; nothing on disk changes.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QLineEdit,
    QListView,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.stories import COMPETENCIES, PART_TITLES, PARTS, Story, story_markdown
from app.services.authoring import SaveResult
from app.services.stories import StoryService
from app.ui.editor_parts import ProblemsLabel, preview_pane, preview_timer, save_cancel_buttons
from app.ui.widgets import muted

PART_HEIGHTS = {"situation": 72, "task": 56, "action": 128, "result": 72}
PLACEHOLDERS = {
    "situation": "Where and when; the stakes, in two or three sentences.",
    "task": "What you were responsible for: your part, not the team's.",
    "action": "What you did and why, in your own words ('I', not 'we').",
    "result": "What changed, with the numbers; what you learned.",
}


def _checkable(label: str, value: str, checked: bool) -> QStandardItem:
    item = QStandardItem(label)
    item.setData(value, Qt.ItemDataRole.UserRole)
    item.setCheckable(True)
    item.setEditable(False)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    return item


def _checked(model: QStandardItemModel) -> tuple[str, ...]:
    items = (model.item(row) for row in range(model.rowCount()))
    return tuple(
        str(item.data(Qt.ItemDataRole.UserRole))
        for item in items
        if item.checkState() == Qt.CheckState.Checked
    )


class StoryEditor(QDialog):
    """Write a new story (`story` None) or edit one."""

    saved = Signal(str)  # story id

    def __init__(
        self, service: StoryService, story: Story | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("story-editor")
        self.service = service
        self.story = story
        self.last_result: SaveResult | None = None
        self.setWindowTitle("Edit your story" if story else "New story")
        self._preview_timer = preview_timer(self, self.update_preview)
        self._build()
        if story is not None:
            self._load(story)
        self.loaded = self.draft()  # what "unchanged" means, for Esc / Cancel
        self.update_preview()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(1120, 700)

    def _build(self) -> None:
        form_widget = QWidget()
        form = QFormLayout(form_widget)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("story-title")
        self.title_edit.setPlaceholderText(
            "A short name you will recognise: 'Rescued the migration'"
        )
        self.project_edit = QLineEdit()
        self.project_edit.setObjectName("story-project")
        self.project_edit.setPlaceholderText("The project or job it comes from")
        form.addRow("Title", self.title_edit)
        form.addRow("Project", self.project_edit)
        self.parts: dict[str, QPlainTextEdit] = {}
        for part in PARTS:
            edit = QPlainTextEdit()
            edit.setObjectName(f"story-{part}")
            edit.setPlaceholderText(
                PLACEHOLDERS[part] + "  The first sentence is what the grader listens for."
            )
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(PART_HEIGHTS[part])
            edit.textChanged.connect(self._preview_timer.start)
            self.parts[part] = edit
            form.addRow(PART_TITLES[part], edit)
        self.numbers_edit = QPlainTextEdit()
        self.numbers_edit.setObjectName("story-numbers")
        self.numbers_edit.setPlaceholderText(
            "One per line, each with its figure: 'p95 latency 900 → 250 ms'"
        )
        self.numbers_edit.setTabChangesFocus(True)
        self.numbers_edit.setFixedHeight(56)
        self.numbers_edit.textChanged.connect(self._preview_timer.start)
        form.addRow("Numbers", self.numbers_edit)
        for line in (self.title_edit, self.project_edit):
            line.textChanged.connect(self._preview_timer.start)

        self.competency_model = QStandardItemModel(self)
        for key, label in COMPETENCIES.items():
            self.competency_model.appendRow(_checkable(label, key, False))
        self.competency_model.itemChanged.connect(lambda _item: self._preview_timer.start())
        self.competency_list = QListView()
        self.competency_list.setObjectName("story-competencies")
        self.competency_list.setModel(self.competency_model)
        self.competency_list.setFlow(QListView.Flow.LeftToRight)
        self.competency_list.setWrapping(True)
        self.competency_list.setResizeMode(QListView.ResizeMode.Adjust)
        self.competency_list.setSpacing(2)
        self.competency_list.setFixedHeight(104)
        form.addRow("Shows", self.competency_list)

        self.question_model = QStandardItemModel(self)
        for question in self.service.questions:
            self.question_model.appendRow(_checkable(question.text, question.id, False))
        self.question_list = QListView()
        self.question_list.setObjectName("story-questions")
        self.question_list.setModel(self.question_model)
        self.question_list.setFixedHeight(110)
        form.addRow("Meant for", self.question_list)
        form.addRow(
            "",
            muted("Optional: questions you mean this story for. Others are matched by competency."),
        )

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(form_widget)
        self.preview = preview_pane("story-preview")
        split = QSplitter()
        split.addWidget(scroll)
        split.addWidget(self.preview)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 440])

        self.problems = ProblemsLabel("story-problems")
        buttons = save_cancel_buttons(self, self.save, ["Ctrl+Return", "Ctrl+S"], "save the story")
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.problems)
        layout.addWidget(buttons)
        self.resize(self.sizeHint())

    def _load(self, story: Story) -> None:
        self.title_edit.setText(story.title)
        self.project_edit.setText(story.project)
        for part, edit in self.parts.items():
            edit.setPlainText(story.part(part))
        self.numbers_edit.setPlainText("\n".join(story.numbers))
        for model, chosen in (
            (self.competency_model, story.competencies),
            (self.question_model, story.questions),
        ):
            for row in range(model.rowCount()):
                item = model.item(row)
                if item.data(Qt.ItemDataRole.UserRole) in chosen:
                    item.setCheckState(Qt.CheckState.Checked)

    def set_competencies(self, keys: tuple[str, ...]) -> None:
        for row in range(self.competency_model.rowCount()):
            item = self.competency_model.item(row)
            checked = item.data(Qt.ItemDataRole.UserRole) in keys
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def draft(self) -> Story:
        return Story(
            id=self.story.id if self.story else "",
            title=self.title_edit.text(),
            project=self.project_edit.text(),
            competencies=_checked(self.competency_model),
            numbers=tuple(self.numbers_edit.toPlainText().splitlines()),
            questions=_checked(self.question_model),
            situation=self.parts["situation"].toPlainText(),
            task=self.parts["task"].toPlainText(),
            action=self.parts["action"].toPlainText(),
            result=self.parts["result"].toPlainText(),
        )

    def update_preview(self) -> None:
        story = self.draft()
        if not any(story.part(p).strip() for p in PARTS) and not story.title.strip():
            self.preview.show_html('<p class="muted">Your story appears here as you write it.</p>')
            return
        title = story.title.strip() or "Untitled story"
        self.preview.show_markdown(f"## {title}\n\n" + story_markdown(story, heading="##"))

    def is_changed(self) -> bool:
        return self.draft() != self.loaded

    def reject(self) -> None:
        """Esc / Cancel: close at once if nothing was typed, else ask before discarding."""
        if not self.is_changed() or self.last_result is not None and self.last_result.ok:
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Discard changes?",
            "Close the editor and lose what you typed in this story?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setObjectName("story-discard")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(
            lambda code: (
                super(StoryEditor, self).reject()
                if code == QMessageBox.StandardButton.Discard
                else None
            )
        )
        box.open()

    def save(self) -> None:
        story = self.draft()
        result = self.service.save(story, self.story.id if self.story else None)
        self.last_result = result
        if not result.ok:
            self.problems.show_problems(result.problems)
            return
        assert result.card_id is not None
        self.saved.emit(result.card_id)
        self.accept()
