"""File ▸ Your memory model…: fit with a progress bar, apply only what predicts better, revert."""

from __future__ import annotations

from app.domain.memory_fit import MIN_REVIEWS, FitResult
from app.domain.memory_model import DEFAULT_PARAMETERS
from app.ui.memory_dialog import MemoryDialog


def _dialog(qtbot, window) -> MemoryDialog:  # type: ignore[no-untyped-def]
    dialog = MemoryDialog(window.app, window.apply_settings, window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_too_few_reviews_says_how_many_and_changes_nothing(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, window)
    assert "FSRS's default parameters" in dialog.current_label.text()
    dialog.fit_button.click()
    qtbot.waitUntil(lambda: dialog.result_label.text().startswith("Not yet"), timeout=10_000)
    assert f"not enough reviews (0 of {MIN_REVIEWS})" in dialog.result_label.text()
    assert not dialog.apply_button.isEnabled()
    assert ctx.settings.fsrs_parameters == ()


def test_apply_then_revert(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, window)
    own = tuple(round(p * 0.9, 4) for p in DEFAULT_PARAMETERS)
    dialog._finished(FitResult(812, own, 0.41, 0.38, 0.06, 0.04))
    assert "log loss 0.4100 → 0.3800" in dialog.result_label.text()
    assert dialog.progress.value() == 4
    dialog.apply_button.click()
    assert ctx.settings.fsrs_parameters == own
    assert window.app.review.scheduler.settings.parameters == own  # the session follows at once
    assert "your own parameters" in dialog.current_label.text()
    dialog.revert_button.click()
    assert ctx.settings.fsrs_parameters == ()
    assert window.app.review.scheduler.settings.parameters == ()


def test_parameters_that_predict_worse_cannot_be_applied(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, window)
    dialog._finished(FitResult(812, DEFAULT_PARAMETERS, 0.38, 0.41, 0.04, 0.06))
    assert "no better" in dialog.result_label.text()
    assert not dialog.apply_button.isEnabled()
