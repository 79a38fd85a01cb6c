"""The learner's own STAR stories: the model, the file format, and the checks a story must pass.

A story is one Markdown file, `DATA/stories/<id>.md`: YAML front matter (id, title, project,
competencies, the numbers that prove the result, optionally the questions it is meant for),
then four level-2 sections, Situation, Task, Action and Result, in that order. The format is
documented in the "Your STAR stories" section of content/README.md.

`serialize_story` is the inverse of `parse_story`; `story_problems` says, in the parser's
words, why a story cannot be saved, so nothing half-valid ever reaches the disk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app.domain.card_writer import outside_fences, yaml_flow_list, yaml_scalar
from app.domain.content import ID_PATTERN, ContentProblem

# The competencies behavioural interviews probe; stories and questions are tagged with these.
COMPETENCIES: dict[str, str] = {
    "ownership": "Ownership",
    "failure": "Failure and what you learned",
    "conflict": "Conflict",
    "leadership": "Leadership",
    "influence": "Influence without authority",
    "ambiguity": "Ambiguity",
    "technical-deep-dive": "Technical deep dive",
    "prioritisation": "Prioritisation and trade-offs",
    "collaboration": "Collaboration",
    "learning": "Learning fast",
    "user-focus": "User and customer focus",
    "ethics": "Ethics and responsible AI",
    "pressure": "Delivering under pressure",
}

PARTS = ("situation", "task", "action", "result")
PART_TITLES = {part: part.capitalize() for part in PARTS}
REQUIRED_KEYS = ("id", "title", "project", "competencies", "numbers")
OPTIONAL_KEYS = ("questions", "review_card")
MAX_NUMBERS = 5
MAX_TITLE = 80
_DIGIT = re.compile(r"\d")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
_MARKUP = re.compile(r"[*_`>#]+|\[([^\]]*)\]\([^)]*\)")


@dataclass(frozen=True)
class Story:
    """One STAR story as the learner wrote it."""

    id: str
    title: str
    project: str
    competencies: tuple[str, ...]
    numbers: tuple[str, ...]
    situation: str
    task: str
    action: str
    result: str
    questions: tuple[str, ...] = ()  # ids of bundled questions the learner means it for
    review_card: str = ""  # the card id once the story is in spaced review
    source: Path | None = field(default=None, compare=False)

    def part(self, name: str) -> str:
        return str(getattr(self, name))

    def competency_titles(self) -> list[str]:
        return [COMPETENCIES.get(c, c) for c in self.competencies]


@dataclass(frozen=True)
class ParsedStory:
    story: Story | None
    problems: tuple[ContentProblem, ...] = ()


class _StoryError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


# -- reading ------------------------------------------------------------------------------
def parse_story(path: Path, text: str) -> ParsedStory:
    """Read one story file; every problem is `path:line: message`, and none is skipped."""
    try:
        return ParsedStory(_parse(path, text))
    except _StoryError as exc:
        return ParsedStory(None, (ContentProblem(path, exc.line, exc.message),))


def _parse(path: Path, text: str) -> Story:
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise _StoryError(1, "missing front matter: the file must start with a '---' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise _StoryError(1, "front matter is not closed by a '---' line") from None
    data = _front_matter("\n".join(lines[1:end]), end)
    unknown = [k for k in data if k not in REQUIRED_KEYS + OPTIONAL_KEYS]
    if unknown:
        raise _StoryError(
            _key_line(lines, end, unknown[0]), f"unknown front matter key '{unknown[0]}'"
        )
    for key in REQUIRED_KEYS:
        if key not in data:
            raise _StoryError(1, f"front matter lacks '{key}'")
    values: dict[str, Any] = {}
    for key in ("id", "title", "project", "review_card"):
        raw = data.get(key, "")
        if raw is None or isinstance(raw, (list, dict)):
            raise _StoryError(_key_line(lines, end, key), f"'{key}' must be text")
        values[key] = str(raw)
    for key in ("competencies", "numbers", "questions"):
        raw = data.get(key, [])
        if raw is None:
            raw = []
        if not isinstance(raw, list) or any(isinstance(v, (list, dict)) or v is None for v in raw):
            raise _StoryError(_key_line(lines, end, key), f"'{key}' must be a list")
        values[key] = tuple(str(v) for v in raw)
    parts = _sections(lines, end + 1)
    story = Story(
        id=values["id"],
        title=values["title"],
        project=values["project"],
        competencies=values["competencies"],
        numbers=values["numbers"],
        questions=values["questions"],
        review_card=values["review_card"],
        source=path,
        **parts,
    )
    for key, message in _field_problems(story):
        line = _key_line(lines, end, key) if key in REQUIRED_KEYS + OPTIONAL_KEYS else 1
        raise _StoryError(line, message)
    if path.stem != story.id:
        raise _StoryError(_key_line(lines, end, "id"), f"the file must be named {story.id}.md")
    return story


def _front_matter(text: str, end: int) -> dict[str, Any]:
    import yaml

    from app.domain.content_loader import yaml_loader

    try:
        data = yaml.load(text, Loader=yaml_loader())  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = min(2 + (mark.line if mark is not None else 0), end)  # within the front matter
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise _StoryError(line, f"front matter is not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise _StoryError(2, "front matter must be a mapping of keys to values")
    return data


def _key_line(lines: Sequence[str], end: int, key: str) -> int:
    for i in range(1, end):
        if lines[i].startswith(f"{key}:"):
            return i + 1
    return 1


def _sections(lines: Sequence[str], start: int) -> dict[str, str]:
    """The four `## Part` sections, in STAR order, each with some text."""
    found: list[tuple[str, int]] = []
    fence: str | None = None
    for i in range(start, len(lines)):
        stripped = lines[i].strip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if fence is not None:
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                fence = None
            continue
        if lines[i].startswith("## "):
            name = lines[i][3:].strip().lower()
            if name not in PARTS:
                raise _StoryError(
                    i + 1,
                    f"unknown section '{lines[i][3:].strip()}': use ## Situation, ## Task, "
                    "## Action and ## Result ('###' inside a part)",
                )
            if any(name == seen for seen, _ in found):
                raise _StoryError(i + 1, f"a second '## {PART_TITLES[name]}' section")
            found.append((name, i))
        elif not found and stripped:
            raise _StoryError(i + 1, "text before '## Situation'; every line belongs to a part")
    names = [name for name, _ in found]
    missing = [p for p in PARTS if p not in names]
    if missing:
        raise _StoryError(len(lines) or 1, f"missing the '## {PART_TITLES[missing[0]]}' section")
    if names != list(PARTS):
        line = next(i for (name, i), want in zip(found, PARTS, strict=True) if name != want)
        raise _StoryError(
            line + 1, "the sections must come in STAR order: Situation, Task, Action, Result"
        )
    parts = {}
    bounds = [i for _, i in found] + [len(lines)]
    for n, (name, i) in enumerate(found):
        body = "\n".join(lines[i + 1 : bounds[n + 1]]).strip("\n").rstrip()
        if not body.strip():
            raise _StoryError(i + 1, f"the {PART_TITLES[name]} section is empty")
        parts[name] = body
    return parts


# -- checks -------------------------------------------------------------------------------
def _field_problems(story: Story) -> list[tuple[str, str]]:
    """(front matter key or part name, message) for everything wrong with the story."""
    problems: list[tuple[str, str]] = []
    if not ID_PATTERN.match(story.id):
        problems.append(("id", f"id {story.id!r}: use lowercase letters, digits and dashes"))
    if not story.title.strip():
        problems.append(("title", "the story has no title"))
    elif len(story.title) > MAX_TITLE or "\n" in story.title:
        problems.append(("title", f"the title is over {MAX_TITLE} characters; keep it to one line"))
    if not story.project.strip():
        problems.append(("project", "say which project or job the story comes from"))
    if not story.competencies:
        problems.append(("competencies", "tag at least one competency the story shows"))
    unknown = [c for c in story.competencies if c not in COMPETENCIES]
    if unknown:
        problems.append(
            (
                "competencies",
                f"unknown competency '{unknown[0]}'; choose from {', '.join(COMPETENCIES)}",
            )
        )
    if len(set(story.competencies)) != len(story.competencies):
        problems.append(("competencies", "a competency is listed twice"))
    if not story.numbers:
        problems.append(("numbers", "add at least one number that proves the result"))
    elif len(story.numbers) > MAX_NUMBERS:
        problems.append(
            ("numbers", f"{len(story.numbers)} numbers; keep the {MAX_NUMBERS} that matter most")
        )
    for number in story.numbers:
        if not _DIGIT.search(number):
            problems.append(
                (
                    "numbers",
                    f"'{number}' has no figure in it; write it as a number (e.g. 'cost down 40 %')",
                )
            )
            break
        if "\n" in number.strip():
            problems.append(("numbers", "write each number on one line"))
            break
    if story.review_card and not ID_PATTERN.match(story.review_card):
        problems.append(("review_card", f"review_card {story.review_card!r} is not a card id"))
    for part in PARTS:
        text = story.part(part)
        if not text.strip():
            problems.append((part, f"the {PART_TITLES[part]} is empty"))
        elif re.search(r"^## ", outside_fences(text), re.MULTILINE):
            problems.append(
                (
                    part,
                    f"the {PART_TITLES[part]} has a line starting with '## '; use '###' inside a part",
                )
            )
    return problems


def story_problems(story: Story) -> list[str]:
    """Why the story cannot be saved, in words the editor shows."""
    return [message for _key, message in _field_problems(story)]


# -- writing ------------------------------------------------------------------------------
def normalised(story: Story) -> Story:
    """The story as the parser would read it back: trimmed text, one-line fields."""

    def one_line(text: str) -> str:
        return " ".join(text.split())

    def body(text: str) -> str:
        return text.strip("\n").rstrip()

    return replace(
        story,
        title=one_line(story.title),
        project=one_line(story.project),
        competencies=tuple(dict.fromkeys(c.strip() for c in story.competencies if c.strip())),
        numbers=tuple(one_line(n) for n in story.numbers if n.strip()),
        questions=tuple(dict.fromkeys(q.strip() for q in story.questions if q.strip())),
        review_card=story.review_card.strip(),
        situation=body(story.situation),
        task=body(story.task),
        action=body(story.action),
        result=body(story.result),
    )


def serialize_story(story: Story) -> str:
    lines = [
        "---",
        f"id: {story.id}",
        f"title: {yaml_scalar(story.title)}",
        f"project: {yaml_scalar(story.project)}",
        f"competencies: {yaml_flow_list(story.competencies)}",
        "numbers:",
        *(f"  - {yaml_scalar(n)}" for n in story.numbers),
    ]
    if story.questions:
        lines.append(f"questions: {yaml_flow_list(story.questions)}")
    if story.review_card:
        lines.append(f"review_card: {story.review_card}")
    lines += ["---", ""]
    for part in PARTS:
        lines += [f"## {PART_TITLES[part]}", "", story.part(part), ""]
    return "\n".join(lines)


def round_trips(path: Path, text: str, story: Story) -> bool:
    parsed = parse_story(path, text)
    return parsed.story is not None and parsed.story == story


def slug_for(title: str, taken: Iterable[str]) -> str:
    from app.domain.card_writer import slugify, unique_id

    return unique_id(slugify(title, fallback="story"), taken)


# -- what the grader listens for ----------------------------------------------------------
def headline(text: str, max_words: int = 18) -> str:
    """A part's first sentence, without Markdown: what a listener must hear of it."""
    plain = _MARKUP.sub(lambda m: m.group(1) or "", text)
    first_paragraph = plain.strip().split("\n\n", 1)[0]
    flat = " ".join(first_paragraph.replace("- ", " ").split())
    sentence = _SENTENCE_END.split(flat, 1)[0].strip()
    words = sentence.split()
    if len(words) > max_words:
        sentence = " ".join(words[:max_words]) + "…"
    return sentence


@dataclass(frozen=True)
class GradingPoint:
    """One thing a telling must contain: a STAR part's headline or one of the numbers."""

    label: str  # "Situation" … "Result", or "Number"
    text: str


def grading_points(story: Story) -> list[GradingPoint]:
    """The key points a telling is graded on: each STAR part's headline, then every number."""
    parts = [GradingPoint(PART_TITLES[p], headline(story.part(p))) for p in PARTS]
    return parts + [GradingPoint("Number", n) for n in story.numbers]


def review_points(story: Story) -> list[str]:
    """The 4–7 key points of the story's review card (every part, the first three numbers)."""
    return [point.text for point in grading_points(story)[: len(PARTS) + 3]]


def story_markdown(story: Story, *, heading: str = "##") -> str:
    """The story as readable Markdown (the preview, the review card's answer, the brief)."""
    sub = heading + "#"
    competencies = ", ".join(story.competency_titles())
    lines = [
        f"*{story.project}* · {competencies}" if competencies else f"*{story.project}*",
        "",
    ]
    for part in PARTS:
        lines += [f"{sub} {PART_TITLES[part]}", "", story.part(part), ""]
    if story.numbers:
        lines += [f"{sub} The numbers", ""] + [f"- {n}" for n in story.numbers] + [""]
    return "\n".join(lines).rstrip() + "\n"


def by_id(stories: Iterable[Story]) -> Mapping[str, Story]:
    return {s.id: s for s in stories}
