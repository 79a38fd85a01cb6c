"""Which behavioural questions the learner's stories answer, and where the gaps are.

The bundled questions (`content/behavioural/questions.yaml`) are tagged with competencies; the
first tag is what the question is mainly about. A story *fits* a question when it shows that
competency, and fits better the more of the question's other tags it shows. A story the
learner lists under `questions:` is *chosen* for it, whatever its tags. Each question then
gets the one story the learner would tell: a chosen one first, else the best fit, spreading
the load so one story is not told to every question. A story told for more than
`OVERUSE_LIMIT` questions is over-used: an interview loop would hear it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.domain.content import ID_PATTERN, ContentProblem
from app.domain.stories import COMPETENCIES, Story

OVERUSE_LIMIT = 5
MIN_QUESTIONS = 30


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    competencies: tuple[str, ...]
    line: int = 0

    @property
    def primary(self) -> str:
        return self.competencies[0]


class Fit(StrEnum):
    NONE = ""
    FITS = "fits"
    CHOSEN = "chosen"


# -- the bundled question list --------------------------------------------------------------
def parse_questions(path: Path, text: str) -> tuple[list[Question], list[ContentProblem]]:
    """The question list and, as `path:line: message`, everything wrong with it."""
    import yaml

    from app.domain.content_loader import yaml_loader

    try:
        raw = yaml.compose(text, Loader=yaml_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [ContentProblem(path, 1 + (mark.line if mark else 0), f"not valid YAML: {exc}")]
    if raw is None or not isinstance(raw, yaml.SequenceNode):
        return [], [ContentProblem(path, 1, "the file must be a list of questions")]
    questions: list[Question] = []
    problems: list[ContentProblem] = []
    seen: set[str] = set()
    for node in raw.value:
        line = node.start_mark.line + 1
        item: Any = yaml.load(yaml.serialize(node), Loader=yaml_loader())  # noqa: S506
        if not isinstance(item, dict):
            problems.append(ContentProblem(path, line, "each question is a mapping"))
            continue
        unknown = sorted(set(item) - {"id", "text", "competencies"})
        qid, words, tags = item.get("id"), item.get("text"), item.get("competencies")
        if unknown:
            problems.append(ContentProblem(path, line, f"unknown key '{unknown[0]}'"))
        elif not isinstance(qid, str) or not ID_PATTERN.match(qid):
            problems.append(
                ContentProblem(path, line, f"question id {qid!r}: lowercase, digits, dashes")
            )
        elif qid in seen:
            problems.append(ContentProblem(path, line, f"question id '{qid}' is used twice"))
        elif not isinstance(words, str) or len(words.split()) < 4:
            problems.append(ContentProblem(path, line, f"question '{qid}' needs its text"))
        elif not isinstance(tags, list) or not tags:
            problems.append(ContentProblem(path, line, f"question '{qid}' needs competencies"))
        elif any(t not in COMPETENCIES for t in tags):
            bad = next(t for t in tags if t not in COMPETENCIES)
            problems.append(
                ContentProblem(path, line, f"question '{qid}': unknown competency '{bad}'")
            )
        else:
            seen.add(qid)
            questions.append(Question(qid, " ".join(words.split()), tuple(tags), line))
    if not problems:
        unprobed = [c for c in COMPETENCIES if not any(c in q.competencies for q in questions)]
        if unprobed:
            problems.append(ContentProblem(path, 1, f"no question probes '{unprobed[0]}'"))
        if len(questions) < MIN_QUESTIONS:
            problems.append(
                ContentProblem(
                    path, 1, f"{len(questions)} questions; the list needs {MIN_QUESTIONS}"
                )
            )
    return questions, problems


def load_questions(path: Path) -> tuple[list[Question], list[ContentProblem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [], [ContentProblem(path, 0, f"cannot read the question list: {exc.strerror}")]
    return parse_questions(path, text)


# -- the matrix -----------------------------------------------------------------------------
def fit(question: Question, story: Story) -> Fit:
    if question.id in story.questions:
        return Fit.CHOSEN
    if question.primary in story.competencies:
        return Fit.FITS
    return Fit.NONE


def fit_strength(question: Question, story: Story) -> int:
    """How many of the question's competencies the story shows (0 when it does not fit)."""
    if fit(question, story) is Fit.NONE:
        return 0
    return sum(1 for c in question.competencies if c in story.competencies)


@dataclass
class Coverage:
    questions: list[Question]
    stories: list[Story]
    cells: dict[tuple[str, str], Fit] = field(default_factory=dict)  # (question, story)
    answer: dict[str, str | None] = field(default_factory=dict)  # question -> story told
    uses: dict[str, int] = field(default_factory=dict)  # story -> questions it is told for
    fits: dict[str, int] = field(default_factory=dict)  # story -> questions it fits
    overused: list[str] = field(default_factory=list)
    uncovered: list[str] = field(default_factory=list)  # questions without a story
    missing_competencies: list[str] = field(default_factory=list)

    def cell(self, question_id: str, story_id: str) -> Fit:
        return self.cells.get((question_id, story_id), Fit.NONE)

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": [
                {
                    "id": q.id,
                    "text": q.text,
                    "competencies": list(q.competencies),
                    "story": self.answer.get(q.id),
                    "fits": [s.id for s in self.stories if self.cell(q.id, s.id)],
                    "chosen": [s.id for s in self.stories if self.cell(q.id, s.id) is Fit.CHOSEN],
                }
                for q in self.questions
            ],
            "stories": {
                s.id: {"fits": self.fits.get(s.id, 0), "told_for": self.uses.get(s.id, 0)}
                for s in self.stories
            },
            "covered": len(self.questions) - len(self.uncovered),
            "uncovered_questions": list(self.uncovered),
            "overused_stories": list(self.overused),
            "missing_competencies": list(self.missing_competencies),
            "overuse_limit": OVERUSE_LIMIT,
        }


def coverage(questions: Sequence[Question], stories: Sequence[Story]) -> Coverage:
    result = Coverage(list(questions), sorted(stories, key=lambda s: s.title.lower()))
    for q in questions:
        for s in stories:
            kind = fit(q, s)
            if kind is not Fit.NONE:
                result.cells[(q.id, s.id)] = kind
    result.fits = {s.id: sum(1 for q in questions if (q.id, s.id) in result.cells) for s in stories}
    result.uses = {s.id: 0 for s in stories}

    # The hardest questions to answer pick first, so a lone fit is not taken by a busy story.
    def candidates(q: Question) -> list[Story]:
        return [s for s in stories if (q.id, s.id) in result.cells]

    for q in sorted(questions, key=lambda q: (len(candidates(q)), q.line, q.id)):
        options = candidates(q)
        if not options:
            result.answer[q.id] = None
            continue
        best = min(
            options,
            key=lambda s: (
                result.cells[(q.id, s.id)] is not Fit.CHOSEN,
                -fit_strength(q, s),
                result.uses[s.id],
                s.id,
            ),
        )
        result.answer[q.id] = best.id
        result.uses[best.id] += 1
    result.answer = {q.id: result.answer[q.id] for q in questions}  # file order
    result.uncovered = [q.id for q in questions if result.answer[q.id] is None]
    result.overused = [s.id for s in result.stories if result.uses[s.id] > OVERUSE_LIMIT]
    shown = {c for s in stories for c in s.competencies}
    result.missing_competencies = [c for c in COMPETENCIES if c not in shown]
    return result
