"""STAR stories: the file format round-trips, bad files are refused with path:line, saves are
atomic and lose nothing, the coverage matrix, the question list, spaced review, the brief."""

from __future__ import annotations

import json
import os
import random
from dataclasses import replace
from pathlib import Path

import pytest

from app.domain.stories import (
    COMPETENCIES,
    Story,
    grading_points,
    headline,
    parse_story,
    serialize_story,
)
from app.domain.stories_coverage import (
    OVERUSE_LIMIT,
    Fit,
    Question,
    coverage,
    load_questions,
    parse_questions,
)
from app.domain.stories_rehearsal import GOOD_ENOUGH, Telling, draw_round, records
from app.locations import content_dir
from app.services.stories import StoryService, stories_dir


def story(
    story_id: str = "feature-store",
    competencies: tuple[str, ...] = ("ownership", "technical-deep-dive"),
    **changes: object,
) -> Story:
    base = Story(
        id=story_id,
        title="Rescued the feature-store migration",
        project="Ranking platform at Acme",
        competencies=competencies,
        numbers=("p95 latency from 900 ms to 250 ms", "0 incidents in the cut-over"),
        situation="Our ranking service read features from a store that was being retired.\n\n"
        "Three teams depended on it.",
        task="I had six weeks to move every feature without downtime.",
        action="I built a shadow pipeline that compared both stores on live traffic.\n\n"
        "- diffed 40 features a day\n- ```python fragment``` stays text",
        result="We switched over with no incident and the latency dropped.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def q(qid: str, *tags: str, line: int = 0) -> Question:
    return Question(qid, f"Tell me about {qid} please", tuple(tags), line)


# -- the format -----------------------------------------------------------------------------
def test_a_story_round_trips_through_its_file(tmp_path: Path) -> None:
    original = story(
        title="Odd: a title # with 'quotes'",
        project="yes",
        numbers=("42", "- a dash 3", "key: 7 value"),
        questions=("own-end-to-end",),
        review_card="my-tell-the-story",
    )
    path = tmp_path / "feature-store.md"
    text = serialize_story(original)
    parsed = parse_story(path, text)
    assert parsed.problems == ()
    assert parsed.story == original
    assert serialize_story(parsed.story) == text  # stable: what is read writes the same text
    assert text.startswith("---\nid: feature-store\n")
    assert "\n## Situation\n" in text and "\n## Result\n" in text


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter\n", 1, "missing front matter"),
        ("---\nid: feature-store\n", 1, "not closed"),
        ("---\nid: [unclosed\n---\n", 2, "not valid YAML"),
        ("---\nid: feature-store\ntitle: T\n---\n", 1, "lacks 'project'"),
        ("---\nid: feature-store\ncolour: red\n---\n", 3, "unknown front matter key 'colour'"),
    ],
)
def test_bad_front_matter_is_reported_with_its_line(text: str, line: int, message: str) -> None:
    parsed = parse_story(Path("stories/feature-store.md"), text)
    assert parsed.story is None
    assert len(parsed.problems) == 1
    shown = parsed.problems[0].format(Path("."))
    assert shown.startswith(f"stories/feature-store.md:{line}: ")
    assert message in shown


def test_bad_parts_and_fields_are_reported_with_their_line() -> None:
    good = serialize_story(story())
    path = Path("feature-store.md")

    def problem(text: str) -> str:
        parsed = parse_story(path, text)
        assert parsed.story is None
        return parsed.problems[0].format()

    assert problem(good.replace("## Task", "## Context")).startswith(
        "feature-store.md:17: unknown section 'Context'"
    )
    assert "missing the '## Result'" in problem(good.split("## Result")[0])
    swapped = (
        good.replace("## Task", "## TMP")
        .replace("## Action", "## Task")
        .replace("## TMP", "## Action")
    )
    assert "STAR order" in problem(swapped)
    assert "Task section is empty" in problem(
        good.replace("I had six weeks to move every feature without downtime.", "")
    )
    assert "unknown competency 'charisma'" in problem(good.replace("ownership,", "charisma,"))
    assert problem(good.replace("0 incidents", "no incidents")).startswith(
        "feature-store.md:6: 'no incidents in the cut-over' has no figure"
    )
    assert "named other.md" in problem(good.replace("id: feature-store", "id: other"))
    assert "text before '## Situation'" in problem(
        good.replace("## Situation", "Intro\n## Situation")
    )


def test_grading_points_are_the_parts_headlines_and_the_numbers() -> None:
    points = grading_points(story())
    assert [p.label for p in points] == [
        "Situation",
        "Task",
        "Action",
        "Result",
        "Number",
        "Number",
    ]
    assert (
        points[0].text == "Our ranking service read features from a store that was being retired."
    )
    assert points[4].text == "p95 latency from 900 ms to 250 ms"
    assert headline("**Bold** start. Second sentence.") == "Bold start."
    assert headline(" ".join(["word"] * 30), 5) == "word word word word word…"


# -- the bundled question list --------------------------------------------------------------
def test_the_bundled_question_list_is_valid_and_probes_every_competency() -> None:
    questions, problems = load_questions(content_dir() / "behavioural" / "questions.yaml")
    assert problems == []
    assert len(questions) >= 30
    assert {c for q in questions for c in q.competencies} == set(COMPETENCIES)
    assert len({q.text for q in questions}) == len(questions)


def test_a_broken_question_list_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "questions.yaml"
    text = "- id: a-one\n  text: Tell me about a time\n  competencies: [ownership]\n- id: b\n  text: Another question you get\n  competencies: [charm]\n"
    _questions, problems = parse_questions(path, text)
    assert [p.format(tmp_path) for p in problems] == [
        "questions.yaml:4: question 'b': unknown competency 'charm'"
    ]


# -- coverage -------------------------------------------------------------------------------
def test_the_coverage_matrix_of_crafted_stories() -> None:
    questions = [
        q("q-conflict", "conflict", "influence", line=1),
        q("q-failure", "failure", line=2),
        q("q-own", "ownership", "technical-deep-dive", line=3),
        q("q-own-2", "ownership", line=4),
        q("q-lead", "leadership", line=5),
    ]
    fight = story("fight", ("conflict",), title="A")
    boss = story("boss", ("conflict", "influence", "ownership"), title="B")
    chosen = story("chosen", ("ambiguity",), questions=("q-lead",), title="C")
    cover = coverage(questions, [fight, boss, chosen])
    # which questions have a story, and which fit how
    assert cover.cell("q-conflict", "fight") is Fit.FITS
    assert cover.cell("q-own", "fight") is Fit.NONE
    assert cover.cell("q-lead", "chosen") is Fit.CHOSEN
    assert cover.answer == {
        "q-conflict": "boss",  # shows both competencies the question probes
        "q-failure": None,
        "q-own": "boss",
        "q-own-2": "boss",
        "q-lead": "chosen",
    }
    assert cover.uncovered == ["q-failure"]
    assert cover.missing_competencies == [
        c for c in COMPETENCIES if c not in {"conflict", "influence", "ownership", "ambiguity"}
    ]
    assert cover.uses == {"fight": 0, "boss": 3, "chosen": 1}
    assert cover.overused == []
    data = cover.to_json()
    assert data["covered"] == 4 and data["uncovered_questions"] == ["q-failure"]
    json.dumps(data)


def test_the_load_is_spread_and_a_story_told_everywhere_is_overused() -> None:
    many = [q(f"q{i}", "ownership", line=i) for i in range(OVERUSE_LIMIT + 3)]
    one = coverage(many, [story("solo", ("ownership",))])
    assert one.overused == ["solo"]
    two = coverage(many, [story("a", ("ownership",)), story("b", ("ownership",))])
    assert sorted(two.uses.values()) == [4, 4] and two.overused == []


# -- rehearsal records and the draw ---------------------------------------------------------
def test_records_say_which_stories_need_work(clock) -> None:  # type: ignore[no-untyped-def]
    now = clock.now()
    a, b, c = story("a"), story("b"), story("c")
    told = [
        Telling("a", "q", now, 0.4, 100, False),
        Telling("a", "q", now.replace(hour=10), GOOD_ENOUGH, 110, False),
        Telling("b", "q", now, 0.5, 120, False),
        Telling("c", "q", now, 1.0, 120, True),
    ]
    got = records(told, [a, b, c, story("d")])
    assert got["a"].scores == (0.4, GOOD_ENOUGH) and got["a"].needs_work() == ""
    assert got["b"].needs_work() == "last telling covered 50%"
    assert got["c"].needs_work() == "ran over two minutes last time"
    assert got["d"].needs_work() == "never rehearsed"


def test_the_draw_favours_questions_whose_story_needs_work(clock) -> None:  # type: ignore[no-untyped-def]
    questions = [q("weak", "conflict", line=1), q("strong", "ownership", line=2)]
    weak, strong = story("weak-s", ("conflict",)), story("strong-s", ("ownership",))
    cover = coverage(questions, [weak, strong])
    got = records([Telling("strong-s", "strong", clock.now(), 1.0, 60, False)], [weak, strong])
    rng = random.Random(7)
    firsts = [draw_round(questions, cover, got, 1, rng)[0].id for _ in range(200)]
    assert firsts.count("weak") > 150


# -- the service: saves, refusals, review ---------------------------------------------------
def test_save_edit_delete_and_refusals_lose_nothing(ctx) -> None:  # type: ignore[no-untyped-def]
    service = StoryService(ctx)
    result = service.save(replace(story(), id=""))
    assert result.ok and result.card_id == "rescued-the-feature-store-migration"
    path = stories_dir(ctx.data_dir) / "rescued-the-feature-store-migration.md"
    before = path.read_text(encoding="utf-8")
    assert parse_story(path, before).story == service.stories[0]

    refused = service.save(replace(story(), numbers=()), result.card_id)
    assert not refused.ok and "at least one number" in refused.problems[0]
    again = service.save(replace(story(), id=""))
    assert again.ok and again.card_id == "rescued-the-feature-store-migration-2"
    unknown = service.save(replace(story(), questions=("nope",)), result.card_id)
    assert not unknown.ok and "unknown question id 'nope'" in unknown.problems
    assert path.read_text(encoding="utf-8") == before
    assert not list(path.parent.glob(".*.tmp"))

    edited = service.save(replace(story(), title="Moved the feature store"), result.card_id)
    assert edited.ok and service.story(result.card_id).title == "Moved the feature store"  # type: ignore[union-attr]
    assert service.delete(result.card_id).ok and not path.exists()


def test_a_failed_write_refuses_with_the_path_and_keeps_the_story(ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import errno

    service = StoryService(ctx)
    assert service.save(story()).ok
    folder = stories_dir(ctx.data_dir)
    path = folder / "feature-store.md"
    before = path.read_text(encoding="utf-8")

    def full_disk(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    result = service.save(replace(story(), title="Changed"), "feature-store")
    monkeypatch.undo()
    assert not result.ok
    assert result.problems == (
        "stories/feature-store.md:1: cannot write the story: No space left on device",
    )
    assert path.read_text(encoding="utf-8") == before
    assert not list(folder.glob(".*.tmp"))
    assert service.story("feature-store").title == story().title  # type: ignore[union-attr]


def test_an_unwritable_stories_folder_refuses_with_a_clear_message(ctx) -> None:  # type: ignore[no-untyped-def]
    stories_dir(ctx.data_dir).write_text("not a folder", encoding="utf-8")
    service = StoryService(ctx)
    result = service.save(story())
    assert not result.ok
    assert result.problems[0].startswith("stories/feature-store.md:1: cannot write the story: ")
    assert stories_dir(ctx.data_dir).read_text(encoding="utf-8") == "not a folder"


def test_a_file_written_by_hand_in_another_editor_reads(ctx) -> None:  # type: ignore[no-untyped-def]
    folder = stories_dir(ctx.data_dir)
    folder.mkdir()
    text = serialize_story(story()).replace("\n", "\r\n")
    (folder / "feature-store.md").write_bytes("\ufeff".encode() + text.encode("utf-8"))
    assert StoryService(ctx).stories == [story()]


def test_a_broken_file_is_listed_as_a_problem_and_never_overwritten(ctx) -> None:  # type: ignore[no-untyped-def]
    folder = stories_dir(ctx.data_dir)
    folder.mkdir()
    broken = folder / "rescued-the-feature-store-migration.md"
    broken.write_text("---\nid: [oops\n---\n", encoding="utf-8")
    service = StoryService(ctx)
    assert service.stories == []
    assert service.problems() == [
        "stories/rescued-the-feature-store-migration.md:2: front matter is not valid YAML: "
        "did not find expected ',' or ']'"
    ]
    result = service.save(replace(story(), id=""))
    assert result.ok and result.card_id == "rescued-the-feature-store-migration-2"
    assert broken.read_text(encoding="utf-8") == "---\nid: [oops\n---\n"


def test_a_story_enters_spaced_review_and_its_card_follows_edits(ctx) -> None:  # type: ignore[no-untyped-def]
    service = StoryService(ctx)
    assert service.save(story()).ok
    added = service.add_to_review("feature-store", "own-end-to-end")
    assert added.ok and added.card_id is not None
    card = ctx.bank.cards[added.card_id]
    assert card.user and card.concept == "my-stories"
    assert (
        card.question
        == "Tell the story for: Tell me about a project you owned from the first idea to production."
    )
    assert (
        card.key_points[0]
        == "Our ranking service read features from a store that was being retired."
    )
    assert len(card.key_points) == 6
    assert service.story("feature-store").review_card == added.card_id  # type: ignore[union-attr]

    assert service.save(
        replace(story(), result="We switched over with zero downtime."), "feature-store"
    ).ok
    assert ctx.bank.cards[added.card_id].key_points[3] == "We switched over with zero downtime."
    assert "zero downtime" in ctx.bank.cards[added.card_id].answer


def test_brief_and_json(ctx) -> None:  # type: ignore[no-untyped-def]
    service = StoryService(ctx)
    assert service.save(story()).ok
    brief = service.brief()
    assert brief.startswith("# My stories · 02 March 2026\n")
    assert "## Rescued the feature-store migration" in brief
    assert "- **R** We switched over with no incident and the latency dropped." in brief
    assert "- **#** p95 latency from 900 ms to 250 ms · 0 incidents in the cut-over" in brief
    assert "*No story yet for:*" in brief
    data = service.to_json()
    assert data["stories"][0]["id"] == "feature-store"
    assert data["stories"][0]["needs_work"] == "never rehearsed"
    assert data["matrix"]["covered"] > 0
    json.dumps(data)


def test_lattice_stories_json_prints_the_stories_and_the_matrix(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from app.cli import main

    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "feature-store.md").write_text(serialize_story(story()), encoding="utf-8")
    assert main(["stories", "--json", "--data-dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in data["stories"]] == ["feature-store"]
    assert data["stories"][0]["numbers"] == list(story().numbers)
    matrix = data["matrix"]
    assert len(matrix["questions"]) >= 30
    told = [q["id"] for q in matrix["questions"] if q["story"] == "feature-store"]
    assert "own-end-to-end" in told and "conflict-manager" in matrix["uncovered_questions"]
    assert "conflict" in matrix["missing_competencies"]


def test_check_content_checks_the_question_list(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from app.cli import main
    from tests.conftest import FIXTURE_CONTENT

    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "behavioural").mkdir()
    (root / "behavioural" / "questions.yaml").write_text("- id: Bad Id\n", encoding="utf-8")
    assert main(["check-content", "--content", str(root)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "behavioural/questions.yaml:1: question id 'Bad Id': lowercase, digits, dashes"
    ]


def test_a_telling_is_graded_on_the_story_parts_and_numbers() -> None:
    from app.domain.stories_rehearsal import grade_telling

    told = (
        "So our ranking service read its features from a store that was being retired. "
        "I had six weeks to move every feature, without any downtime. "
        "We cut p95 latency from 900 ms to 250 ms."
    )
    covered = [m.covered for m in grade_telling(story(), told)]
    assert covered == [True, True, False, False, True, False]
    assert not any(m.covered for m in grade_telling(story(), ""))
