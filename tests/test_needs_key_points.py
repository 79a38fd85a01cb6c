"""Imported answers with no real phrases to grade by: no junk key points ("TP", "/", "max(0",
"x)"), the card is marked "needs key points" (in its file, in Browse), and the quiz lets the
learner grade it themselves instead of grading against fragments."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from app.domain.import_rules import ImportTarget, derive_key_points
from app.services.card_import import CardImportService

CTRL = Qt.KeyboardModifier.ControlModifier
JUNK = {
    "What is precision?": "TP / (TP + FP)",
    "Define ReLU": "ReLU is max(0, x).",
}


def _window(qtbot, ctx):  # type: ignore[no-untyped-def]
    """The app over `ctx` after the import (the window fixture would open before it)."""
    from app.services.application import Application
    from app.ui.application import build_window, make_app

    make_app("light")
    window = build_window(Application(ctx))
    qtbot.addWidget(window)
    window.resize(1000, 700)
    window.show()
    qtbot.waitExposed(window)
    return window


def _import(ctx, tmp_path: Path):  # type: ignore[no-untyped-def]
    rows = "".join(f'{q},"{a}"\n' for q, a in JUNK.items())
    rows += (
        'What does dropout do?,"It zeroes random activations during training. '
        'It scales the rest to keep the expected sum. It acts as a regulariser."\n'
    )
    source = tmp_path / "metrics.csv"
    source.write_text("question,answer\n" + rows, encoding="utf-8")
    return CardImportService(ctx).import_path(source, ImportTarget(new_title="Metrics", area="llm"))


def test_fragments_from_the_report_give_no_key_points() -> None:
    for question, answer in JUNK.items():
        assert derive_key_points(answer, question) == ()
    assert derive_key_points("- TP\n- /\n- max(0\n- x)", "?") == ()
    assert derive_key_points(
        "It zeroes random activations. It rescales the rest. It regularises the network."
    ) == ("It zeroes random activations", "It rescales the rest", "It regularises the network")


def test_such_cards_are_marked_in_their_file_and_the_summary(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan = _import(ctx, tmp_path)
    assert sorted(plan.needs_points) == sorted(JUNK)
    assert "2 cards had no clear phrases to use as key points" in plan.summary()
    assert plan.derived == 1
    marked = [c for c in ctx.bank.cards.values() if c.needs_key_points]
    assert sorted(c.question for c in marked) == sorted(JUNK)
    text = (ctx.data_dir / "cards" / "llm" / "metrics.md").read_text(encoding="utf-8")
    assert text.count("key_points: []") == 2
    assert not ctx.bank.problems  # the format allows it for your own cards


def test_browse_shows_and_filters_cards_needing_key_points(qtbot, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path)
    window = _window(qtbot, ctx)
    qtbot.keyClick(window, Qt.Key.Key_4, CTRL)
    browse = window.browse
    browse.status_box.setCurrentIndex(browse.status_box.findData("needs-points"))
    shown = sorted(ctx.bank.cards[i].question for i in browse.visible_ids())
    assert shown == sorted(JUNK)
    proxy = browse.proxy
    assert all(
        str(proxy.index(r, 0).data()).endswith("needs key points") for r in range(proxy.rowCount())
    )


def test_the_quiz_asks_the_learner_to_grade_such_a_card(qtbot, ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _import(ctx, tmp_path)
    window = _window(qtbot, ctx)
    window.quiz_on_concept("metrics")
    from app.ui.key_points import NO_POINTS, SELF_GRADE  # once the quiz screen is built

    quiz = window.quiz
    while not quiz.run.question.card.needs_key_points:
        quiz.submit()
        quiz.confirm_grading()
    quiz.submit()
    page = quiz.grading_page
    assert page.checklist.title() == NO_POINTS
    assert [box.text() for box in page.point_boxes] == [f"1   {SELF_GRADE}"]
    assert page.covered() == (False,)
    page.toggle_point(0)  # what key 1 does
    assert page.covered() == (True,)
    assert page.points_score.text().startswith("<b>1 of 1</b>")
