"""The Quiz screen as a user drives it: keyboard only, a FakeClock instead of waiting."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app.services.application import Application
from app.services.context import open_context
from app.storage.quiz_store import QuizStore
from app.ui.application import build_window

CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def type_text(qtbot, text: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(QApplication.focusWidget(), text)


def open_quiz(qtbot, window, count: int = 3):  # type: ignore[no-untyped-def]
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    quiz = window.quiz
    assert window.current_screen() == "quiz"
    quiz.setup_page.count_spin.setValue(count)
    press(qtbot, window, Qt.Key.Key_Return, CTRL)  # Ctrl+Enter starts
    assert quiz.run is not None
    return quiz


def test_whole_quiz_by_keyboard_with_a_fake_clock(qtbot, window, ctx, clock) -> None:  # type: ignore[no-untyped-def]
    quiz = open_quiz(qtbot, window)
    # Question 1: typed, submitted early, one point added by hand.
    first = quiz.run.question.card
    assert quiz.question_page.answer_box.hasFocus()
    assert quiz.question_page.question_label.text() == first.question
    assert (
        quiz.question_page.clock_label.text() == f"{first.seconds // 60}:{first.seconds % 60:02d}"
    )
    type_text(qtbot, f"It is about the {first.key_points[0]}.")
    clock.advance(seconds=10)
    quiz.tick()
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert quiz.pages.currentIndex() == 2  # grading
    assert quiz.grading_page.typed_view.toPlainText() == f"It is about the {first.key_points[0]}."
    assert first.answer.split()[0] in quiz.grading_page.model_view.toPlainText()
    assert quiz.covered() == (True, False, False)
    assert "mentions" in quiz.grading_page.point_notes[0].text()
    press(qtbot, window, Qt.Key.Key_3)
    assert quiz.covered() == (True, False, True)
    assert "2 of 3" in quiz.grading_page.points_score.text()
    press(qtbot, window, Qt.Key.Key_Return)

    # Question 2: the clock runs out; the box locks and the model answer appears.
    second = quiz.run.question.card
    assert quiz.pages.currentIndex() == 1 and quiz.question_page.answer_box.hasFocus()
    assert quiz.question_page.answer_box.toPlainText() == ""
    type_text(qtbot, "half an answer")
    clock.advance(seconds=second.seconds + 5)
    quiz.tick()
    assert quiz.pages.currentIndex() == 2
    assert "Time's up" in quiz.grading_page.outcome_label.text()
    assert (
        quiz.grading_page.typed_view.isReadOnly()
        and quiz.grading_page.typed_view.toPlainText() == "half an answer"
    )
    press(qtbot, window, Qt.Key.Key_Return)

    # Question 3: paused for a long time, which costs nothing and is recorded.
    third = quiz.run.question.card
    press(qtbot, window, Qt.Key.Key_P, CTRL)
    assert quiz.paused and quiz.question_page.answer_stack.currentIndex() == 1
    assert third.question not in quiz.question_page.question_label.text()  # hidden while paused
    clock.advance(seconds=3600)
    quiz.tick()
    press(qtbot, window, Qt.Key.Key_P, CTRL)
    assert not quiz.paused and quiz.question_page.answer_box.hasFocus()
    clock.advance(seconds=5)
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    for key in (Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3):
        press(qtbot, window, key)
    press(qtbot, window, Qt.Key.Key_Return)

    # Results.
    assert quiz.pages.currentIndex() == 3
    assert "56%" in quiz.results_page.score_line.score_label.text()  # (2/3 + 0 + 3/3) / 3
    assert "1 ran out of time" in quiz.results_page.score_line.summary_label.text()
    assert "paused 1×" in quiz.results_page.score_line.summary_label.text()
    model = quiz.results_page.results_model
    assert model.rowCount() == 3
    assert model.index(1, 3).data().endswith("ran out")
    assert model.index(0, 4).data() == "2 of 3"
    session = QuizStore(ctx.store.engine).history()[-1]
    assert session.id is not None
    rows = QuizStore(ctx.store.engine).answers(session.id)
    assert [r.card_id for r in rows] == [first.id, second.id, third.id]
    assert [r.seconds_used for r in rows] == [10, second.seconds, 5]
    assert [r.timed_out for r in rows] == [False, True, False]
    assert [r.points_covered for r in rows] == [2, 0, 3]
    assert (rows[2].pauses, rows[2].paused_seconds) == (1, 3600)
    assert rows[1].typed_text == "half an answer"
    assert ctx.store.review_count() == 0  # the schedule is untouched unless the user asks


def test_countdown_bar_turns_amber_then_red(qtbot, window, clock) -> None:  # type: ignore[no-untyped-def]
    quiz = open_quiz(qtbot, window, count=1)
    budget = quiz.run.question.budget
    bands = []
    for share in (0.5, 0.3, 0.1):
        clock.advance(seconds=budget * share)
        quiz.tick()
        bands.append(quiz.question_page.clock_bar.property("urgency"))
    assert bands == ["normal", "amber", "red"]
    assert quiz.question_page.clock_bar.value() == 100


def test_quit_mid_quiz_and_resume_after_restart(
    qtbot, window, ctx, data_dir, content_root, clock
) -> None:  # type: ignore[no-untyped-def]
    quiz = open_quiz(qtbot, window)
    clock.advance(seconds=4)
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    press(qtbot, window, Qt.Key.Key_Return)
    second = quiz.run.question
    type_text(qtbot, "draft in progress")
    clock.advance(seconds=15)
    quiz.tick()
    window.close()  # quitting saves the unsubmitted draft
    ctx.store.engine.dispose()

    ctx2 = open_context(data_dir, content=content_root, clock=clock)
    win2 = build_window(Application(ctx2))
    qtbot.addWidget(win2)
    win2.show()
    assert win2.current_screen() == "quiz"
    quiz2 = win2.quiz
    assert quiz2.setup_page.resume_banner.isVisible()
    assert "1 of 3 questions answered" in quiz2.setup_page.resume_label.text()
    qtbot.mouseClick(quiz2.setup_page.resume_button, Qt.MouseButton.LeftButton)
    assert quiz2.run is not None and quiz2.run.question == second
    assert quiz2.question_page.answer_box.toPlainText() == "draft in progress"
    assert quiz2.run.countdown is not None
    assert quiz2.run.countdown.remaining() == second.budget - 15
    ctx2.store.engine.dispose()


def test_discarding_an_unfinished_quiz(qtbot, window, ctx, data_dir, content_root, clock) -> None:  # type: ignore[no-untyped-def]
    open_quiz(qtbot, window)
    window.close()
    win2 = build_window(Application(open_context(data_dir, content=content_root, clock=clock)))
    qtbot.addWidget(win2)
    win2.show()
    qtbot.mouseClick(win2.quiz.setup_page.discard_button, Qt.MouseButton.LeftButton)
    assert not win2.quiz.setup_page.resume_banner.isVisible()
    assert win2.quiz.service.unfinished() is None
    win2.app.ctx.store.engine.dispose()


def finish_quiz_with_nothing(qtbot, window, count: int = 2):  # type: ignore[no-untyped-def]
    quiz = open_quiz(qtbot, window, count)
    for _ in range(count):
        press(qtbot, window, Qt.Key.Key_Return, CTRL)
        press(qtbot, window, Qt.Key.Key_Return)
    assert quiz.pages.currentIndex() == 3
    return quiz


def test_study_these_restricts_review_and_rate_again_is_a_choice(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    quiz = finish_quiz_with_nothing(qtbot, window)
    asked = {a.card_id for a in quiz.results.answers}
    weakest = quiz.weakest_concepts()
    assert weakest and quiz.results_page.study_button.isEnabled()
    assert quiz.findChild(QPushButton, f"quiz-graph-{weakest[0]}") is not None
    assert quiz.results_page.again_button.text() == "Rate 2 missed cards Again"
    qtbot.mouseClick(quiz.results_page.again_button, Qt.MouseButton.LeftButton)
    assert not quiz.results_page.again_button.isEnabled()
    assert {c for c in asked if ctx.store.memory(c).state.value == 1} == asked
    qtbot.mouseClick(quiz.results_page.study_button, Qt.MouseButton.LeftButton)
    assert window.current_screen() == "review"
    expected = {card.id for c in weakest for card in ctx.bank.cards_of(c)}
    assert window.review.service.scope == expected
    assert "Weakest in quiz" in window.review.scope_label.text()


def test_show_on_graph_opens_the_weakest_concept_on_the_map(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    shown: list[str] = []
    window.quiz.graph_requested.connect(shown.append)
    quiz = finish_quiz_with_nothing(qtbot, window)
    concept = quiz.weakest_concepts()[0]
    button = quiz.findChild(QPushButton, f"quiz-graph-{concept}")
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert shown == [concept]
    assert window.current_screen() == "graph"
    assert window.graph.panel.concept_id == concept


def test_quiz_me_on_a_concept_and_its_prerequisites(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.quiz_on_concept("beta")
    quiz = window.quiz
    assert window.current_screen() == "quiz"
    assert {q.card.id for q in quiz.run.questions} == {"alpha-what", "alpha-why", "beta-what"}
    assert quiz.setup_page.scope_concept.isChecked()


def test_history_lists_past_quizzes_and_reopens_one(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    quiz = finish_quiz_with_nothing(qtbot, window)
    session_id = quiz.results.session_id
    qtbot.mouseClick(quiz.results_page.back_button, Qt.MouseButton.LeftButton)
    assert quiz.pages.currentIndex() == 0
    assert quiz.setup_page.history_model.rowCount() == 1
    assert quiz.setup_page.history_model.index(0, 1).data() == "0%"
    assert quiz.setup_page.trend_chart.scores == [0.0]
    quiz.setup_page.history_table.activated.emit(quiz.setup_page.history_model.index(0, 0))
    assert quiz.pages.currentIndex() == 3 and quiz.results.session_id == session_id


SPECIAL = """---
id: quoting
title: Quoting
area: llm
reviewed: 2026-12
summary: Questions with quotes & angle brackets.
requires: [alpha]
---

## Is 'x' < "y" & why?

```card
id: quoting-what
difficulty: easy
seconds: 60
key_points:
  - ordering & comparison
  - quotes kept as written
  - angle brackets are not HTML
```

Ordering & comparison decide it; quotes are kept as written; angle brackets are not HTML.
"""


def special_window(qtbot, data_dir, content_root, clock):  # type: ignore[no-untyped-def]
    (content_root / "extra").mkdir(exist_ok=True)
    (content_root / "extra" / "quoting.md").write_text(SPECIAL, encoding="utf-8")
    context = open_context(data_dir, content=content_root, clock=clock)
    win = build_window(Application(context))
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    return win, context


def quiz_up_to(win, concept: str, card_id: str):  # type: ignore[no-untyped-def]
    """A quiz on `concept`, its earlier questions handed in blank until `card_id` is asked."""
    win.quiz_on_concept(concept)
    quiz = win.quiz
    for _ in range(len(quiz.run.questions)):
        if quiz.run.question.card.id == card_id:
            break
        quiz.submit()
        quiz.confirm_grading()
    assert quiz.run.question.card.id == card_id
    return quiz


def test_questions_with_quotes_ampersands_and_brackets_show_as_written(
    qtbot, data_dir, content_root, clock
) -> None:  # type: ignore[no-untyped-def]
    win, context = special_window(qtbot, data_dir, content_root, clock)
    try:
        quiz = quiz_up_to(win, "quoting", "quoting-what")
        label = quiz.question_page.question_label
        assert label.text() == """Is 'x' < "y" & why?"""
        assert label.textFormat() == Qt.TextFormat.PlainText
        quiz.submit()
        page = quiz.grading_page
        assert page.g_question.text() == """Is 'x' < "y" & why?"""
        assert page.g_question.textFormat() == Qt.TextFormat.PlainText
        # A check box shows one '&' (a single one would be eaten as a mnemonic marker).
        assert page.point_boxes[0].text() == "1   ordering && comparison"
    finally:
        context.close()


def test_grading_highlights_the_words_that_made_each_point_tick(qtbot, window, clock) -> None:  # type: ignore[no-untyped-def]
    quiz = open_quiz(qtbot, window, count=1)
    card = quiz.run.question.card
    typed = f"Honestly, {card.key_points[0]}. Nothing else comes to mind."
    type_text(qtbot, typed)
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    page = quiz.grading_page
    assert page.covered()[0] is True
    point_words = {w.lower() for w in card.key_points[0].split()}
    marked = page.highlighted_words()
    assert marked and all(w.lower() in point_words for w in marked)
    # Pointing at a point (here by its number key, which also ticks it) shows only its words.
    press(qtbot, window, Qt.Key.Key_2)
    assert page.focused_point == 1 and page.covered()[1] is True
    assert not page.matches[1].covered
    assert page.point_notes[1].text().startswith("✗ ")
    spans = page.matches[1].evidence
    assert page.highlighted_words() == [typed[a:b] for a, b in spans]


def test_missed_questions_go_straight_to_a_review_session(qtbot, window, ctx) -> None:  # type: ignore[no-untyped-def]
    quiz = finish_quiz_with_nothing(qtbot, window)
    missed = {a.card_id for a in quiz.results.missed}
    button = quiz.results_page.review_missed_button
    assert button.isEnabled() and button.text() == "Review the 2 missed now   (R)"
    press(qtbot, window, Qt.Key.Key_R)
    assert window.current_screen() == "review"
    assert window.review.service.scope == missed
    assert "Missed in the quiz" in window.review.scope_label.text()
    shown = window.review.service.next_card()
    assert shown is not None and shown.card.id in missed  # rated Again: due now
    assert quiz.results.again_applied


def test_graded_answers_export_as_labelled_data(qtbot, window, ctx, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from PySide6.QtWidgets import QFileDialog

    quiz = open_quiz(qtbot, window, count=1)
    card = quiz.run.question.card
    type_text(qtbot, f"It is the {card.key_points[0]}.")
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    press(qtbot, window, Qt.Key.Key_1)  # the learner disagrees with the grader's tick
    press(qtbot, window, Qt.Key.Key_Return)
    out = tmp_path / "labels.jsonl"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    qtbot.mouseClick(quiz.results_page.export_button, Qt.MouseButton.LeftButton)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    record = records[0]
    assert record["card_id"] == card.id and record["answer"] == f"It is the {card.key_points[0]}."
    assert [p["point"] for p in record["points"]] == list(card.key_points)
    assert record["points"][0]["covered"] is False  # the learner's correction is the label
    assert record["grader"][0] is True
    assert "1 graded answer written" in quiz.results_page.again_note.text()


def test_starting_a_quiz_prepares_the_grader_off_the_window_thread(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """The first answer of a session would otherwise wait a second or two, with the window
    frozen, for the bank's word weights."""
    from app.domain.grading import model_statements, word_weights

    word_weights.cache_clear()
    model_statements.cache_clear()
    quiz = open_quiz(qtbot, window, count=2)
    warmup = quiz.grading_warmup
    assert warmup is not None and warmup is not threading.current_thread()
    qtbot.waitUntil(lambda: not warmup.is_alive())
    assert word_weights.cache_info().currsize == 1
    assert model_statements.cache_info().currsize == 2


MISTAKEN = """---
id: agreement
title: Rater agreement
area: llm
reviewed: 2026-12
summary: Agreement between raters.
requires: [alpha]
---

## How do you measure agreement between raters?

```card
id: agreement-how
difficulty: easy
seconds: 60
key_points:
  - point: Cohen's kappa for two raters
    not: ["Cohen's kappa for large groups of raters"]
  - Fleiss' kappa for many raters
  - percent agreement ignores chance
```

Cohen's kappa for two raters, Fleiss' kappa for many raters; percent agreement ignores chance.
"""


def test_grading_names_the_common_mistake_an_answer_makes_and_marks_its_words(
    qtbot, data_dir, content_root, clock
) -> None:  # type: ignore[no-untyped-def]
    (content_root / "extra").mkdir(exist_ok=True)
    (content_root / "extra" / "agreement.md").write_text(MISTAKEN, encoding="utf-8")
    win, context = special_window(qtbot, data_dir, content_root, clock)
    try:
        quiz = quiz_up_to(win, "agreement", "agreement-how")
        typed = "Cohen's kappa is meant for large rater groups. Percent agreement ignores chance."
        qtbot.keyClicks(quiz.question_page.answer_box, typed)
        quiz.submit()
        page = quiz.grading_page
        assert page.covered() == (False, False, True)
        assert page.point_notes[0].text() == (
            "✗ states a common mistake: “Cohen's kappa for large groups of raters”"
        )
        # Pointing at it marks, in red, the words that state the mistake.
        page.checklist.show_evidence(0)
        assert page.highlighted_words() == ["Cohen's", "kappa", "large", "rater", "groups"]
    finally:
        context.close()
