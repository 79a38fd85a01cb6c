"""The behavioural round's telling page: the question, the clock, an optional notes box."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.domain.quiz import format_clock, urgency
from app.ui.quiz.palette import AMBER, RED
from app.ui.theme import ACCENT
from app.ui.widgets import bind_keys, heading, muted

BAR_COLORS = {"normal": ACCENT, "amber": AMBER, "red": RED}


class TellPage(QWidget):
    done_requested = Signal()
    pause_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        self.progress = QLabel()
        self.story = muted()
        self.clock_label = QLabel()
        self.clock_label.setObjectName("round-clock")
        header.addWidget(self.progress)
        header.addWidget(self.story, 1)
        header.addWidget(self.clock_label)
        layout.addLayout(header)
        self.clock_bar = QProgressBar()
        self.clock_bar.setObjectName("round-clock-bar")
        self.clock_bar.setRange(0, 1000)
        self.clock_bar.setTextVisible(False)
        self.clock_bar.setFixedHeight(8)
        layout.addWidget(self.clock_bar)
        self.question = heading("", 17)
        self.question.setContentsMargins(0, 18, 0, 12)
        layout.addWidget(self.question)
        self.telling_box = QPlainTextEdit()
        self.telling_box.setObjectName("round-telling")
        self.telling_box.setPlaceholderText(
            "Tell the story out loud; type as you talk if you like (typing is optional).\n"
            "Ctrl+Enter when you are done; at 0:00 the telling stops."
        )
        self.telling_box.setTabChangesFocus(True)
        layout.addWidget(self.telling_box, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.pause_button = QPushButton("Pause   (Ctrl+P)")
        self.pause_button.setObjectName("round-pause")
        self.pause_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pause_button.clicked.connect(self.pause_requested)
        done = QPushButton("Done   (Ctrl+Enter)")
        done.setObjectName("round-done")
        done.setMinimumHeight(36)
        done.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        done.clicked.connect(self.done_requested)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(done)
        layout.addLayout(buttons)
        bind_keys(self, ["Ctrl+Return", "Ctrl+Enter"], self.done_requested.emit, "done telling")
        bind_keys(self, ["Ctrl+P"], self.pause_requested.emit, "pause or resume the clock")

    def start(self, header: str, story_title: str, question: str) -> None:
        self.progress.setText(header)
        self.story.setText(f"&nbsp;&nbsp;telling: <b>{html.escape(story_title)}</b>")
        self.question.setText(question)
        self.telling_box.setEnabled(True)
        self.telling_box.setReadOnly(False)
        self.telling_box.clear()
        self.set_paused(False)

    def show_clock(self, remaining: float, fraction_left: float) -> None:
        band = urgency(fraction_left)
        color = BAR_COLORS[band]
        self.clock_label.setText(format_clock(remaining))
        self.clock_label.setProperty("urgency", band)
        self.clock_label.setStyleSheet(
            "font-size: 20pt; font-weight: 600; "
            f"color: {color if band != 'normal' else 'palette(window-text)'};"
        )
        self.clock_bar.setValue(round(fraction_left * 1000))
        self.clock_bar.setStyleSheet(
            "QProgressBar { border: none; border-radius: 4px; background: palette(mid); }"
            f"QProgressBar::chunk {{ border-radius: 4px; background: {color}; }}"
        )

    def set_paused(self, paused: bool) -> None:
        """While paused the notes are out of reach, like the quiz hides its question."""
        self.pause_button.setText("Resume   (Ctrl+P)" if paused else "Pause   (Ctrl+P)")
        self.telling_box.setEnabled(not paused)
        target: QWidget = self if paused else self.telling_box
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def stop(self) -> str:
        """Lock the notes and hand back what was typed."""
        self.telling_box.setEnabled(True)
        self.telling_box.setReadOnly(True)
        return self.telling_box.toPlainText()
