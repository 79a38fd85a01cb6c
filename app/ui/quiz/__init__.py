"""The Quiz screen (Ctrl+2): one module per page, `screen.py` runs the quiz through them."""

from app.ui.quiz.screen import QuizScreen

__all__ = ["QuizScreen"]
