"""The quiz use case against a real SQLite file: answers saved as given, resume, history."""

from __future__ import annotations

import json
import random

import pytest
from sqlalchemy import text

from app.domain.quiz import QuizSettings, ScopeKind, Timing
from app.domain.scheduling import CardState, Grade
from app.services.context import open_context
from app.services.quiz_service import QuizService
from app.services.stats_service import summary_counts
from app.storage.quiz_store import QuizStore


def service(ctx, seed: int = 3) -> QuizService:  # type: ignore[no-untyped-def]
    return QuizService(
        ctx.bank, ctx.store, QuizStore(ctx.store.engine), ctx.clock, random.Random(seed)
    )


def test_scope_difficulty_and_concept_with_prerequisites(ctx) -> None:  # type: ignore[no-untyped-def]
    quiz = service(ctx)
    every = [c.id for c in quiz.candidates(QuizSettings())]
    assert every == ["alpha-what", "alpha-why", "beta-what", "gamma-what"]
    llm = QuizSettings(scope=ScopeKind.AREAS, areas=("llm", "deep-learning"))
    assert [c.id for c in quiz.candidates(llm)] == ["beta-what", "gamma-what"]
    beta = QuizSettings(scope=ScopeKind.CONCEPT, concept="beta")
    assert [c.id for c in quiz.candidates(beta)] == ["alpha-what", "alpha-why", "beta-what"]
    medium = QuizSettings(difficulty="medium")
    assert [c.id for c in quiz.candidates(medium)] == ["alpha-why", "beta-what"]


def test_draw_uses_fsrs_retrievability(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    from app.services.review_service import ReviewService

    review = ReviewService(ctx.bank, ctx.db_path, ctx.clock, ctx.settings)
    for _ in range(3):  # learn three cards well; gamma-what stays new (recall 0)
        due = review.next_card()
        assert due is not None
        review.answer(due, Grade.EASY)
    clock.advance(hours=1)
    quiz = service(ctx, seed=11)
    firsts = [quiz.draw(QuizSettings(count=1))[0].id for _ in range(300)]
    assert firsts.count("gamma-what") > 200


def test_answers_are_saved_as_given_and_scored(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    quiz = service(ctx)
    run = quiz.start(QuizSettings(count=2, timing=Timing.FIXED, seconds=30)).run
    assert [q.budget for q in run.questions] == [30, 30]
    quiz.begin_question(run)
    clock.advance(seconds=12)
    card = run.questions[0].card
    matches = quiz.submit(run, " and ".join(card.key_points[:2])).matches
    assert [m.covered for m in matches] == [True, True, False]
    stored = QuizStore(ctx.store.engine).answers(run.session_id)
    assert [(a.seconds_used, a.timed_out, a.graded, a.points_covered) for a in stored] == [
        (12.0, False, False, 2)
    ]
    quiz.grade(run, (True, True, True))  # the user ticks the third point themselves
    quiz.begin_question(run)
    clock.advance(seconds=45)
    quiz.submit(run, "no idea")
    quiz.grade(run, (False, False, False))
    assert run.phase == "done"
    results = quiz.results(run.session_id)
    assert results is not None
    assert results.score == pytest.approx(0.5)
    assert [(a.seconds_used, a.timed_out) for a in results.answers] == [(12, False), (30, True)]
    assert [a.card_id for a in results.missed] == [run.questions[1].card.id]
    assert summary_counts(ctx)["quiz_sessions"] == 1
    assert summary_counts(ctx)["quiz_answers"] == 2


def test_whole_quiz_budget_ends_the_quiz_and_counts_unreached(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    quiz = service(ctx)
    run = quiz.start(QuizSettings(count=3, timing=Timing.TOTAL, seconds=100)).run
    assert sum(q.budget for q in run.questions) == pytest.approx(100, abs=2)
    countdown = quiz.begin_question(run)
    clock.advance(seconds=40)
    quiz.submit(run, "")
    quiz.grade(run, (True, True, True))
    countdown = quiz.begin_question(run)
    assert countdown is not None and countdown.remaining() == 60
    clock.advance(seconds=90)
    assert countdown.expired
    quiz.submit(run, "partly")
    quiz.grade(run, (False, False, False))
    assert run.phase == "done"
    results = quiz.results(run.session_id)
    assert results is not None
    assert [(a.reached, a.timed_out) for a in results.answers] == [
        (True, False),
        (True, True),
        (False, True),
    ]
    assert results.score == pytest.approx(1 / 3)


def test_resume_after_restart_keeps_answers_and_draft(data_dir, content_root, clock) -> None:  # type: ignore[no-untyped-def]
    ctx = open_context(data_dir, content=content_root, clock=clock)
    quiz = service(ctx)
    run = quiz.start(QuizSettings(count=3)).run
    quiz.begin_question(run)
    clock.advance(seconds=5)
    quiz.submit(run, "first answer")
    quiz.grade(run, (True, False, False))
    quiz.begin_question(run)
    clock.advance(seconds=20)
    quiz.save_draft(run, "half a thought")
    ctx.store.engine.dispose()  # the app quits (or crashes) here

    again = open_context(data_dir, content=content_root, clock=clock)
    quiz2 = service(again)
    pending = quiz2.unfinished()
    assert pending is not None and (pending.answered, pending.total) == (1, 3)
    opened = quiz2.resume(pending.session_id)
    assert opened is not None
    resumed = opened.run
    assert resumed is not None and resumed.current == 1
    assert resumed.draft_text == "half a thought"
    countdown = quiz2.begin_question(resumed)
    assert countdown is not None
    budget = resumed.questions[1].budget
    assert countdown.remaining() == budget - 20
    clock.advance(seconds=3)
    quiz2.submit(resumed, "half a thought, finished")
    assert resumed.answers[1].seconds_used == 23
    quiz2.discard(pending.session_id)
    assert quiz2.unfinished() is None
    assert quiz2.history() == []


def test_new_quiz_keeps_an_unfinished_one_in_history(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    quiz = service(ctx)
    first = quiz.start(QuizSettings(count=2)).run
    quiz.begin_question(first)
    quiz.submit(first, "x")
    quiz.grade(first, (True, True, True))
    quiz.start(QuizSettings(count=2))
    (entry,) = quiz.history()
    assert (entry.session_id, entry.answered, entry.finished) == (first.session_id, 1, False)
    assert entry.score == pytest.approx(0.5)


def test_rating_missed_cards_again_is_a_choice_made_once(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    quiz = service(ctx)
    run = quiz.start(QuizSettings(count=2)).run
    for covered in ((True, True, True), (False, False, False)):
        quiz.begin_question(run)
        quiz.submit(run, "")
        quiz.grade(run, covered)
    missed = run.questions[1].card.id
    assert ctx.store.review_count() == 0  # nothing touches the schedule unless asked
    assert quiz.rate_missed_again(run.session_id).count == 1
    assert quiz.rate_missed_again(run.session_id).count == 0
    assert ctx.store.memory(missed).state is CardState.LEARNING
    (log,) = ctx.store.review_history(missed)
    assert log.rating == int(Grade.AGAIN)
    with ctx.store.engine.connect() as conn:
        plan = conn.execute(text("SELECT plan_json FROM quiz_session")).scalar()
    assert [p["card_id"] for p in json.loads(plan)] == [q.card.id for q in run.questions]


def test_quiz_command_line_options() -> None:
    from app.cli import build_parser, quiz_settings

    args = build_parser().parse_args(
        ["quiz", "--count", "5", "--seconds", "90", "--area", "llm", "--area", "agents"]
    )
    assert quiz_settings(args) == QuizSettings(
        count=5, scope=ScopeKind.AREAS, areas=("llm", "agents"), timing=Timing.FIXED, seconds=90
    )
    assert quiz_settings(build_parser().parse_args(["quiz"])) == QuizSettings()


def test_every_quiz_write_says_what_it_changed(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    from app.domain.changes import Changes

    quiz = service(ctx)
    opened = quiz.start(QuizSettings(count=2, timing=Timing.TOTAL, seconds=60))
    assert opened.changes == Changes.QUIZZES  # the session and its plan are stored
    run = opened.run
    quiz.begin_question(run)
    submitted = quiz.submit(run, "something")
    assert submitted.changes == Changes.QUIZZES and len(submitted.matches) == 3
    assert quiz.submit(run, "again").changes == Changes.NONE  # already handed in: no write
    again = service(ctx).resume(run.session_id)
    assert again is not None and not again.run.finished
    assert again.changes == Changes.NONE  # picking a quiz up again writes nothing


def test_grading_is_prepared_ahead_so_no_answer_waits_for_it(ctx, clock) -> None:  # type: ignore[no-untyped-def]
    """The bank's word weights and each question's card are worked out on a worker thread
    while the first question is answered; the answers are then graded from them."""
    import threading

    from app.domain.grading import model_statements, word_weights

    quiz = service(ctx)
    run = quiz.start(QuizSettings(count=2, timing=Timing.FIXED, seconds=30)).run
    word_weights.cache_clear()
    model_statements.cache_clear()
    worker = threading.Thread(target=quiz.prepare_grading, args=(run,))
    worker.start()
    worker.join()
    assert word_weights.cache_info().currsize == 1
    assert model_statements.cache_info().currsize == 2  # both questions' cards
    prepared = (word_weights.cache_info().misses, model_statements.cache_info().misses)
    for _ in run.questions:
        quiz.begin_question(run)
        card = run.questions[run.current].card
        assert [m.covered for m in quiz.submit(run, card.key_points[0]).matches][0]
        quiz.grade(run, (True,) * len(card.key_points))
    assert (word_weights.cache_info().misses, model_statements.cache_info().misses) == prepared
