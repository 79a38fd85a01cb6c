"""The learner's STAR stories: read, save, delete, map onto the bundled questions, review.

Stories live in `DATA/stories/<id>.md`, apart from the bundled content, so a content update
never touches them. A save is checked the way own cards are (the story's own rules, then the
file must read back exactly as written) and written atomically (temporary file, fsync,
rename); a refused or failed save says why as `path:line: message` and leaves every file as
it was. A story can also enter spaced review as one of the user's own cards, "Tell the
story for: <question>", kept in step with the story whenever it is saved.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.card_writer import CardDraft
from app.domain.changes import Changes
from app.domain.content import ContentProblem
from app.domain.stories import (
    Story,
    normalised,
    parse_story,
    review_points,
    round_trips,
    serialize_story,
    slug_for,
    story_markdown,
    story_problems,
)
from app.domain.stories_brief import brief_markdown
from app.domain.stories_coverage import Coverage, Question, coverage, load_questions
from app.domain.stories_rehearsal import StoryRecord, Telling, records
from app.locations import content_dir
from app.services.authoring import AuthoringService, NewConcept, SaveResult, write_atomically
from app.services.context import AppContext

if TYPE_CHECKING:
    from app.storage.story_store import StoryRehearsalStore

STORIES_FOLDER = "stories"
QUESTIONS_FILE = Path("behavioural") / "questions.yaml"
REVIEW_CONCEPT_ID = "my-stories"
REVIEW_PREFIX = "Tell the story for: "
REVIEW_SECONDS = 120


def stories_dir(data: Path) -> Path:
    return data / STORIES_FOLDER


def questions_path(content_root: Path) -> Path:
    """The question list of this content folder, else the bundled one."""
    own = content_root / QUESTIONS_FILE
    return own if own.exists() else content_dir() / QUESTIONS_FILE


@dataclass
class StoryShelf:
    """Every story that reads cleanly, and the problems of the files that do not."""

    stories: list[Story]
    problems: list[ContentProblem]
    names: set[str]  # every story file's stem, broken ones too: ids a new story may not take


def read_shelf(root: Path) -> StoryShelf:
    stories, problems, names = [], [], set()
    for path in sorted(root.glob("*.md")) if root.is_dir() else []:
        names.add(path.stem)
        try:
            text = path.read_text(encoding="utf-8-sig")  # an editor's byte-order mark is fine
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(ContentProblem(path, 0, f"cannot read the file: {exc}"))
            continue
        parsed = parse_story(path, text)
        problems.extend(parsed.problems)
        if parsed.story is not None:
            stories.append(parsed.story)
    stories.sort(key=lambda s: s.title.lower())
    return StoryShelf(stories, problems, names)


class StoryService:
    def __init__(self, ctx: AppContext, questions: Path | None = None) -> None:
        self.ctx = ctx
        self.questions_file = questions or questions_path(ctx.content_root)
        self._questions: tuple[list[Question], list[ContentProblem]] | None = None
        self.shelf = read_shelf(self.root)
        self._store: StoryRehearsalStore | None = None

    @property
    def root(self) -> Path:
        return stories_dir(self.ctx.data_dir)

    def shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.ctx.data_dir))
        except ValueError:
            return str(path)

    # -- reading --------------------------------------------------------------------------
    def reload(self) -> StoryShelf:
        self.shelf = read_shelf(self.root)
        return self.shelf

    @property
    def stories(self) -> list[Story]:
        return self.shelf.stories

    def story(self, story_id: str) -> Story | None:
        return next((s for s in self.shelf.stories if s.id == story_id), None)

    def problems(self) -> list[str]:
        """The broken story files and question-list problems, as `path:line: message`."""
        questions_problems = self._load_questions()[1]
        return [p.format(self.ctx.data_dir) for p in self.shelf.problems] + [
            p.format(self.ctx.content_root) for p in questions_problems
        ]

    def _load_questions(self) -> tuple[list[Question], list[ContentProblem]]:
        if self._questions is None:
            self._questions = load_questions(self.questions_file)
        return self._questions

    @property
    def questions(self) -> list[Question]:
        return self._load_questions()[0]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def coverage(self) -> Coverage:
        return coverage(self.questions, self.stories)

    # -- rehearsals -----------------------------------------------------------------------
    @property
    def store(self) -> StoryRehearsalStore:
        """The rehearsal table's writer (opened on first use, with the ORM)."""
        if self._store is None:
            from app.storage.story_store import StoryRehearsalStore

            self._store = StoryRehearsalStore(self.ctx.store.engine)
        return self._store

    def tellings(self) -> list[Telling]:
        return [
            Telling(r.story_id, r.question_id, r.rehearsed_at, r.score, r.seconds_used, r.timed_out)
            for r in self.store.all()
        ]

    def records(self) -> dict[str, StoryRecord]:
        return records(self.tellings(), self.stories)

    # -- changes --------------------------------------------------------------------------
    def new_id(self, title: str) -> str:
        return slug_for(title, self.shelf.names | {s.id for s in self.stories})

    def save(self, story: Story, original_id: str | None = None) -> SaveResult:
        """Write a new story (`original_id` None) or replace one; the id never changes."""
        story = normalised(story)
        if original_id is not None:
            old = self.story(original_id)
            if old is None:
                return SaveResult.refused(f"the story '{original_id}' is no longer on disk")
            story = replace(story, id=original_id, review_card=story.review_card or old.review_card)
        elif not story.id:
            story = replace(story, id=self.new_id(story.title))
        path = self.root / f"{story.id}.md"
        story = replace(story, source=path)
        problems = story_problems(story)
        known = {q.id for q in self.questions}
        problems += [f"unknown question id '{q}'" for q in story.questions if q not in known]
        if original_id is None and (path.exists() or story.id in self.shelf.names):
            problems.append(f"{self.shown(path)} already exists; choose another title")
        if problems:
            return SaveResult.refused(*problems)
        text = serialize_story(story)
        parsed = parse_story(path, text)
        if parsed.problems:
            return SaveResult.refused(*(p.format(self.ctx.data_dir) for p in parsed.problems))
        if not round_trips(path, text, story):
            return SaveResult.refused("the story would not read back as written")
        failure = self._write(path, text)
        if failure:
            return SaveResult.refused(failure)
        self.reload()
        warning = self._sync_review_card(story)
        changes = Changes.STORIES
        if self.review_card_of(story) is not None:
            changes |= Changes.CONTENT | Changes.QUEUE | Changes.PROGRESS  # its card follows
        return SaveResult(True, story.id, (warning,) if warning else (), changes)

    def delete(self, story_id: str) -> SaveResult:
        story = self.story(story_id)
        if story is None or story.source is None:
            return SaveResult.refused(f"the story '{story_id}' is no longer on disk")
        try:
            story.source.unlink()
        except OSError as exc:
            return SaveResult.refused(f"cannot delete {self.shown(story.source)}: {exc.strerror}")
        self.reload()
        return SaveResult(True, story_id, changes=Changes.STORIES)

    def _write(self, path: Path, text: str) -> str:
        """'' once `text` is safely in `path`; else why not (and the old file is untouched)."""
        try:
            write_atomically(path, text)
        except OSError as exc:
            with contextlib.suppress(OSError):
                path.with_name(f".{path.name}.tmp").unlink(missing_ok=True)
            return f"{self.shown(path)}:1: cannot write the story: {exc.strerror or exc}"
        return ""

    # -- spaced review --------------------------------------------------------------------
    def review_card_of(self, story: Story) -> str | None:
        """The story's card id when it is (still) in the bank."""
        card = self.ctx.bank.cards.get(story.review_card) if story.review_card else None
        return card.id if card is not None and card.user else None

    def review_question(self, story: Story) -> Question | None:
        """The question its review card asks: the first one chosen for it, else the one
        the coverage would tell it for, else the first it fits."""
        cover = self.coverage()
        for question_id in story.questions:
            if (q := self.question(question_id)) is not None:
                return q
        told = [q for q in self.questions if cover.answer.get(q.id) == story.id]
        fits = [q for q in self.questions if cover.cell(q.id, story.id)]
        return next(iter(told or fits), None)

    def _draft(self, story: Story, question: Question) -> CardDraft:
        return CardDraft.build(
            REVIEW_PREFIX + question.text,
            f"**{story.title}**\n\n" + story_markdown(story),
            review_points(story),
            "medium",
            REVIEW_SECONDS,
        )

    def add_to_review(self, story_id: str, question_id: str | None = None) -> SaveResult:
        """Make the story a card of the user's own ("Tell the story for: …")."""
        story = self.story(story_id)
        if story is None:
            return SaveResult.refused(f"the story '{story_id}' is no longer on disk")
        question = self.question(question_id) if question_id else self.review_question(story)
        if question is None:
            return SaveResult.refused("tag the story with a competency a question asks about")
        authoring = AuthoringService(self.ctx)
        draft = self._draft(story, question)
        card_id = self.review_card_of(story)
        if card_id is not None:
            return authoring.update(card_id, draft)
        bank = self.ctx.bank
        if REVIEW_CONCEPT_ID in bank.concepts:
            result = authoring.create(draft, REVIEW_CONCEPT_ID)
        else:
            area = (
                "interview"
                if "interview" in bank.areas
                else min(bank.areas.values(), key=lambda a: a.order).id
            )
            concept = NewConcept(
                title="My STAR stories",
                area=area,
                summary="Your own behavioural stories, told against the clock.",
                id=REVIEW_CONCEPT_ID,
            )
            result = authoring.create(draft, None, concept)
        if not result.ok or result.card_id is None:
            return result
        saved = self.save(replace(story, review_card=result.card_id), story.id)
        if not saved.ok:
            return saved
        return SaveResult(True, result.card_id, changes=result.changes | saved.changes)

    def _sync_review_card(self, story: Story) -> str:
        """Keep an existing review card in step with the saved story ('' when fine)."""
        card_id = self.review_card_of(story)
        if card_id is None:
            return ""
        question_text = self.ctx.bank.cards[card_id].question.removeprefix(REVIEW_PREFIX)
        question = next((q for q in self.questions if q.text == question_text), None)
        question = question or self.review_question(story)
        if question is None:
            return ""
        result = AuthoringService(self.ctx).update(card_id, self._draft(story, question))
        return "" if result.ok else "its review card was not updated: " + "; ".join(result.problems)

    # -- output ---------------------------------------------------------------------------
    def brief(self, story_ids: list[str] | None = None, *, compact: bool = False) -> str:
        chosen = [s for s in self.stories if story_ids is None or s.id in story_ids]
        local = self.ctx.clock.now().astimezone(self.ctx.clock.local_tz).date()
        return brief_markdown(chosen, self.coverage(), local, compact=compact)

    def to_json(self) -> dict[str, Any]:
        """What `lattice stories --json` prints: the stories, their rehearsals, the matrix."""
        story_records = self.records()
        return {
            "stories": [
                {
                    "id": s.id,
                    "title": s.title,
                    "project": s.project,
                    "competencies": list(s.competencies),
                    "numbers": list(s.numbers),
                    "questions": list(s.questions),
                    "situation": s.situation,
                    "task": s.task,
                    "action": s.action,
                    "result": s.result,
                    "in_review": self.review_card_of(s) is not None,
                    "rehearsals": story_records[s.id].times,
                    "last_score": story_records[s.id].last,
                    "needs_work": story_records[s.id].needs_work(),
                    "file": self.shown(s.source) if s.source else None,
                }
                for s in self.stories
            ],
            "matrix": self.coverage().to_json(),
            "problems": self.problems(),
        }
