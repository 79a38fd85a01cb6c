"""Parse and validate the Markdown content bank, reporting every problem with file:line.

A concept file is YAML front matter followed by cards. Each card is a level-2 heading
(the question), a fenced ```card block of YAML metadata, then the Markdown answer up to
the next level-2 heading. See content/README.md for the full format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.domain.content import (
    FENCE_INFO,
    FRONT_MATTER_KEYS,
    ID_PATTERN,
    Area,
    Card,
    Concept,
    ContentBank,
    ContentProblem,
    Difficulty,
)

if TYPE_CHECKING:
    import networkx as nx


@cache
def yaml_loader() -> Any:
    """PyYAML's safe loader, libyaml's C one when the wheel has it (several times faster on
    large banks). Imported on first parse: a bank opened from the parse cache never needs it."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml_load(text: str) -> Any:
    import yaml

    return yaml.load(text, Loader=yaml_loader())  # noqa: S506 - a safe loader


MIN_KEY_POINTS = 3
MAX_KEY_POINTS = 7
CONCEPT_KEYS = set(FRONT_MATTER_KEYS)
CARD_KEYS = {"id", "difficulty", "seconds", "seeds", "key_points"}


class _FileError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class ParsedFile:
    """What one concept file yielded; `problems` non-empty means the file is skipped."""

    path: Path
    concept: Concept | None
    cards: list[Card]
    problems: list[ContentProblem]


def _line_of(lines: list[str], key: str, start: int, stop: int) -> int:
    for index in range(start, min(stop, len(lines))):
        if lines[index].lstrip().startswith(f"{key}:"):
            return index + 1
    return start + 1


def _string_list(value: Any, what: str, line: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise _FileError(line, f"{what} must be a list of strings")
    return tuple(str(v).strip() for v in value)


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _check_month(value: Any, line: int) -> str:
    """`reviewed:` is a year and month, YYYY-MM (YAML would read a bare 2026-12 as text)."""
    if value is None:
        return ""
    text = str(value).strip()
    if not _MONTH.match(text):
        raise _FileError(line, f"reviewed must be a month as YYYY-MM, not '{text}'")
    return text


def _check_id(value: Any, what: str, line: int) -> str:
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise _FileError(
            line, f"{what} must be lowercase letters, digits and dashes, got {value!r}"
        )
    return value


def _yaml_mapping(text: str, line: int, what: str) -> dict[str, Any]:
    import yaml

    try:
        data = _yaml_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = min(line + (mark.line if mark is not None else 0), line + text.count("\n"))
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _FileError(at, f"malformed {what}: {problem}") from exc
    if not isinstance(data, dict):
        raise _FileError(line, f"{what} must be a YAML mapping")
    return data


def parse_concept_file(path: Path, text: str, *, user: bool = False) -> ParsedFile:
    """Parse one concept file. Errors are collected, never raised."""
    problems: list[ContentProblem] = []
    lines = text.splitlines()
    try:
        concept, body_start = _parse_front_matter(path, lines, user)
    except _FileError as err:
        return ParsedFile(path, None, [], [ContentProblem(path, err.line, err.message)])
    cards = _parse_cards(path, lines, body_start, concept.id, problems, user)
    if not cards and not problems:
        problems.append(ContentProblem(path, body_start + 1, "concept has no cards"))
    return ParsedFile(path, concept, cards, problems)


def _parse_front_matter(path: Path, lines: list[str], user: bool) -> tuple[Concept, int]:
    if not lines or lines[0].strip() != "---":
        raise _FileError(1, "missing front matter: the file must start with a '---' line")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise _FileError(1, "front matter is not closed by a '---' line") from None
    data = _yaml_mapping("\n".join(lines[1:end]), 2, "front matter")
    for key in ("id", "title", "area", "summary"):
        if key not in data or data[key] in (None, ""):
            raise _FileError(1, f"front matter lacks '{key}'")
    unknown = sorted(set(data) - CONCEPT_KEYS)
    if unknown:
        line = _line_of(lines, unknown[0], 1, end)
        raise _FileError(line, f"unknown front matter key '{unknown[0]}'")
    concept_id = _check_id(data["id"], "concept id", _line_of(lines, "id", 1, end))
    area = _check_id(data["area"], "area", _line_of(lines, "area", 1, end))
    requires = _string_list(data.get("requires"), "requires", _line_of(lines, "requires", 1, end))
    related = _string_list(data.get("related"), "related", _line_of(lines, "related", 1, end))
    reviewed = _check_month(data.get("reviewed"), _line_of(lines, "reviewed", 1, end))
    concept = Concept(
        id=concept_id,
        title=str(data["title"]).strip(),
        area=area,
        summary=" ".join(str(data["summary"]).split()),
        requires=requires,
        related=related,
        reviewed=reviewed,
        source=path,
        line=1,
        user=user,
        key_lines=tuple(_line_of(lines, key, 1, end) for key in FRONT_MATTER_KEYS),
    )
    return concept, end + 1


def _split_cards(lines: list[str], start: int) -> list[tuple[int, int]]:
    """(heading index, end index) of each card; headings inside code fences don't count."""
    spans: list[int] = []
    fence: str | None = None
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if fence is None:
            match = FENCE_INFO.match(stripped)
            if match:
                fence = match.group(1)
            elif lines[index].startswith("## "):
                spans.append(index)
        elif stripped.startswith(fence) and stripped.strip(fence[0]) == "":
            fence = None
    return [(s, spans[i + 1] if i + 1 < len(spans) else len(lines)) for i, s in enumerate(spans)]


def _parse_cards(
    path: Path,
    lines: list[str],
    body_start: int,
    concept_id: str,
    problems: list[ContentProblem],
    user: bool,
) -> list[Card]:
    cards: list[Card] = []
    spans = _split_cards(lines, body_start)
    stray = [i for i in range(body_start, spans[0][0] if spans else len(lines)) if lines[i].strip()]
    if stray:
        problems.append(
            ContentProblem(path, stray[0] + 1, "text before the first '## ' card heading")
        )
    for heading, end in spans:
        try:
            cards.append(_parse_card(path, lines, heading, end, concept_id, user))
        except _FileError as err:
            problems.append(ContentProblem(path, err.line, err.message))
    return cards


def _parse_card(
    path: Path, lines: list[str], heading: int, end: int, concept_id: str, user: bool
) -> Card:
    question = lines[heading][3:].strip()
    if not question:
        raise _FileError(heading + 1, "card heading has no question")
    index = heading + 1
    while index < end and not lines[index].strip():
        index += 1
    if index >= end or lines[index].strip() not in ("```card", "~~~card"):
        raise _FileError(heading + 1, "card heading must be followed by a ```card metadata block")
    fence = lines[index].strip()[:3]
    meta_start = index + 1
    close = next((i for i in range(meta_start, end) if lines[i].strip() == fence), None)
    if close is None:
        raise _FileError(index + 1, "```card block is not closed")
    meta = _yaml_mapping("\n".join(lines[meta_start:close]), meta_start + 1, "card metadata")
    unknown = sorted(set(meta) - CARD_KEYS)
    if unknown:
        line = _line_of(lines, unknown[0], meta_start, close)
        raise _FileError(line, f"unknown card key '{unknown[0]}'")
    for key in ("id", "difficulty", "seconds", "key_points"):
        if key not in meta:
            raise _FileError(index + 1, f"card lacks '{key}'")
    card_id = _check_id(meta["id"], "card id", _line_of(lines, "id", meta_start, close))
    diff_line = _line_of(lines, "difficulty", meta_start, close)
    try:
        difficulty = Difficulty(str(meta["difficulty"]).strip().lower())
    except ValueError:
        raise _FileError(
            diff_line,
            f"bad difficulty {meta['difficulty']!r}: use easy, medium or hard",
        ) from None
    seconds = meta["seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, int) or not 10 <= seconds <= 3600:
        raise _FileError(
            _line_of(lines, "seconds", meta_start, close),
            f"seconds must be a whole number from 10 to 3600, got {seconds!r}",
        )
    kp_line = _line_of(lines, "key_points", meta_start, close)
    key_points, phrasings, misconceptions = _key_points(meta["key_points"], kp_line)
    # Your own card may have none yet (`key_points: []`): it is marked "needs key points".
    if len(key_points) < MIN_KEY_POINTS and (key_points or not user):
        raise _FileError(
            kp_line, f"card has {len(key_points)} key points; at least {MIN_KEY_POINTS} needed"
        )
    if len(key_points) > MAX_KEY_POINTS:
        raise _FileError(
            kp_line, f"card has {len(key_points)} key points; at most {MAX_KEY_POINTS} allowed"
        )
    seeds = _string_list(meta.get("seeds"), "seeds", _line_of(lines, "seeds", meta_start, close))
    answer_lines = lines[close + 1 : end]
    leading_blank = next((i for i, text in enumerate(answer_lines) if text.strip()), 0)
    answer = "\n".join(answer_lines).strip("\n")
    if not answer.strip():
        raise _FileError(heading + 1, f"card '{card_id}' has an empty answer")
    answer_line = close + 2 + leading_blank
    return Card(
        id=card_id,
        concept=concept_id,
        question=question,
        answer=answer,
        key_points=key_points,
        difficulty=difficulty,
        seconds=seconds,
        seeds=seeds,
        source=path,
        line=heading + 1,
        answer_line=answer_line,
        user=user,
        phrasings=phrasings if any(phrasings) else (),
        misconceptions=misconceptions if any(misconceptions) else (),
    )


def _key_points(
    value: Any, line: int
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """Each key point is text, or `{point: text, also: [other phrasings], not: [mistaken
    claims]}`: the points, their phrasings and their misconceptions, aligned."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise _FileError(line, "key_points must be a list")
    points: list[str] = []
    phrasings: list[tuple[str, ...]] = []
    misconceptions: list[tuple[str, ...]] = []
    for item in value:
        if isinstance(item, dict):
            if "point" not in item or set(item) - {"point", "also", "not"}:
                raise _FileError(
                    line,
                    "a key point written as a mapping has 'point' and optionally 'also' and 'not'",
                )
            text = str(item["point"]).strip()
            also = tuple(a for a in _string_list(item.get("also"), "also", line) if a)
            wrong = tuple(a for a in _string_list(item.get("not"), "not", line) if a)
        elif isinstance(item, str | int) and not isinstance(item, bool):
            text, also, wrong = str(item).strip(), (), ()
        else:
            raise _FileError(line, "key_points must be a list of strings")
        if text:
            points.append(text)
            phrasings.append(also)
            misconceptions.append(wrong)
    return tuple(points), tuple(phrasings), tuple(misconceptions)


def load_areas(path: Path) -> tuple[dict[str, Area], list[ContentProblem]]:
    if not path.is_file():
        return {}, [ContentProblem(path, 1, "areas file is missing")]
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        data = _yaml_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, [ContentProblem(path, (mark.line + 1) if mark else 1, f"malformed YAML: {exc}")]
    if not isinstance(data, list):
        return {}, [ContentProblem(path, 1, "areas file must be a YAML list of areas")]
    areas: dict[str, Area] = {}
    problems: list[ContentProblem] = []
    lines = text.splitlines()
    for position, item in enumerate(data):
        line = _nth_item_line(lines, position)
        if not isinstance(item, dict) or not {"id", "title", "color"} <= set(item):
            problems.append(ContentProblem(path, line, "each area needs id, title and color"))
            continue
        area_id = str(item["id"])
        if not ID_PATTERN.match(area_id):
            problems.append(ContentProblem(path, line, f"bad area id {area_id!r}"))
            continue
        if area_id in areas:
            problems.append(ContentProblem(path, line, f"duplicate area id '{area_id}'"))
            continue
        color = str(item["color"])
        if not (color.startswith("#") and len(color) == 7):
            problems.append(ContentProblem(path, line, f"area color must be #rrggbb, got {color}"))
            continue
        order = item.get("order", position)
        areas[area_id] = Area(area_id, str(item["title"]), color, int(order))
    return areas, problems


def _nth_item_line(lines: list[str], n: int) -> int:
    seen = -1
    for index, line in enumerate(lines):
        if line.startswith("- "):
            seen += 1
            if seen == n:
                return index + 1
    return 1


def concept_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if p.name.lower() != "readme.md")


RETIRED_FILE = "retired.yaml"


@dataclass(frozen=True)
class RetiredId:
    """A card id taken out of the bank, the card that replaces it, and where that is said."""

    old: str
    new: str
    line: int


def load_retired(path: Path) -> tuple[list[RetiredId], list[ContentProblem]]:
    """`retired.yaml`: a mapping of retired card id to replacing card id (may be absent)."""
    if not path.is_file():
        return [], []
    import yaml

    text = path.read_text(encoding="utf-8")
    try:
        data = _yaml_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [ContentProblem(path, (mark.line + 1) if mark else 1, f"malformed YAML: {exc}")]
    if data is None:
        return [], []
    if not isinstance(data, dict):
        return [], [ContentProblem(path, 1, "must map each retired card id to its replacement")]
    lines = text.splitlines()
    entries: list[RetiredId] = []
    problems: list[ContentProblem] = []
    for old, new in data.items():
        line = _line_of(lines, str(old), 0, len(lines))
        if not all(isinstance(v, str) and ID_PATTERN.match(v) for v in (old, new)):
            problems.append(
                ContentProblem(path, line, f"retired ids must be card ids, got {old!r}: {new!r}")
            )
            continue
        entries.append(RetiredId(old, new, line))
    return entries, problems


@dataclass
class ParsedContent:
    """The bundled content parsed but not yet assembled; kept so user edits reload cheaply."""

    areas: dict[str, Area]
    files: list[ParsedFile]
    problems: list[ContentProblem]
    retired: list[RetiredId] = field(default_factory=list)
    retired_path: Path | None = None


def parse_content_root(content_root: Path) -> ParsedContent:
    areas, problems = load_areas(content_root / "areas.yaml")
    files = [
        parse_concept_file(path, path.read_text(encoding="utf-8"))
        for path in concept_files(content_root)
    ]
    retired_path = content_root / RETIRED_FILE
    retired, retired_problems = load_retired(retired_path)
    return ParsedContent(areas, files, problems + retired_problems, retired, retired_path)


def parse_user_roots(roots: Iterable[Path]) -> list[ParsedFile]:
    """The user's own concept files; unreadable ones become problems, never exceptions."""
    parsed: list[ParsedFile] = []
    for root in roots:
        if root.is_dir():
            for path in concept_files(root):
                parsed.append(parse_concept_file(path, _read(path), user=True))
    return parsed


def load_bank(content_root: Path, extra_roots: Iterable[Path] = ()) -> ContentBank:
    """Load and validate the bundled content plus any user content roots.

    Files with problems are skipped (their problems are kept in `bank.problems`);
    dangling links are dropped and cycles broken so the app can still start.
    """
    content = parse_content_root(content_root)
    parsed = content.files + parse_user_roots(extra_roots)
    return assemble_bank(
        content.areas, parsed, content.problems, content.retired, content.retired_path
    )


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"<unreadable: {exc}>"


def assemble_bank(
    areas: dict[str, Area],
    parsed: list[ParsedFile],
    problems: list[ContentProblem],
    retired: Iterable[RetiredId] = (),
    retired_path: Path | None = None,
) -> ContentBank:
    """Cross-file validation: unique ids, known areas and links, acyclic prerequisites,
    retired ids that stay retired."""
    bank = ContentBank(areas=dict(areas), problems=list(problems))
    card_owner: dict[str, Path] = {}
    for item in parsed:
        file_problems = list(item.problems)
        concept = item.concept
        # A user file named after a bundled concept adds its cards to that concept.
        extends = (
            concept is not None
            and concept.user
            and concept.id in bank.concepts
            and not bank.concepts[concept.id].user
        )
        if concept is not None and not extends:
            if concept.id in bank.concepts:
                other = bank.concepts[concept.id].source
                file_problems.append(
                    ContentProblem(
                        item.path,
                        concept.line_of("id"),
                        f"duplicate concept id '{concept.id}' (also in {other})",
                    )
                )
            if areas and concept.area not in areas:
                file_problems.append(
                    ContentProblem(
                        item.path, concept.line_of("area"), f"unknown area '{concept.area}'"
                    )
                )
        seen_here: set[str] = set()
        for card in item.cards:
            if card.id in card_owner or card.id in seen_here:
                where = card_owner.get(card.id, item.path)
                file_problems.append(
                    ContentProblem(
                        item.path, card.line, f"duplicate card id '{card.id}' (also in {where})"
                    )
                )
            seen_here.add(card.id)
        if file_problems or concept is None:
            bank.problems.extend(file_problems)
            continue
        if not extends:
            bank.concepts[concept.id] = concept
        for card in item.cards:
            bank.cards[card.id] = card
            card_owner[card.id] = item.path
    _check_links(bank)
    _break_cycles(bank)
    _check_retired(bank, list(retired), retired_path)
    return bank


def _check_retired(bank: ContentBank, retired: list[RetiredId], path: Path | None) -> None:
    """Keep the retired ids whose replacement is a live card, which are not in use again,
    and which point straight at their replacement (no chains, hence no cycles)."""
    olds = {entry.old for entry in retired}
    for entry in retired:
        reuser = bank.cards.get(entry.old)
        if reuser is not None:
            bank.problems.append(
                ContentProblem(
                    reuser.source,
                    reuser.line,
                    f"card id '{entry.old}' is retired (replaced by '{entry.new}'); "
                    "ids are never reused, choose a new one",
                )
            )
            continue
        if entry.new in olds:
            message = (
                f"'{entry.old}' is retired to '{entry.new}', which is retired too; "
                "point it at the final card"
            )
        elif entry.new not in bank.cards:
            message = f"'{entry.old}' is retired to '{entry.new}', which is not a card"
        else:
            bank.retired[entry.old] = entry.new
            continue
        bank.problems.append(ContentProblem(path, entry.line, message))


def _check_links(bank: ContentBank) -> None:
    for concept in list(bank.concepts.values()):
        good_requires: list[str] = []
        good_related: list[str] = []
        for kind, ids, keep in (
            ("requires", concept.requires, good_requires),
            ("related", concept.related, good_related),
        ):
            for target in ids:
                if target == concept.id:
                    bank.problems.append(
                        ContentProblem(
                            concept.source,
                            concept.line_of(kind),
                            f"{kind} lists the concept itself",
                        )
                    )
                elif target not in bank.concepts:
                    bank.problems.append(
                        ContentProblem(
                            concept.source,
                            concept.line_of(kind),
                            f"{kind} names unknown concept '{target}'",
                        )
                    )
                else:
                    keep.append(target)
        if len(good_requires) != len(concept.requires) or len(good_related) != len(concept.related):
            bank.concepts[concept.id] = replace(
                concept, requires=tuple(good_requires), related=tuple(good_related)
            )


def prerequisite_graph(bank: ContentBank) -> nx.DiGraph:
    """Edges point from a prerequisite to the concept that requires it."""
    import networkx as nx  # imported here: a cached bank is opened without it

    graph: nx.DiGraph = nx.DiGraph()
    graph.add_nodes_from(bank.concepts)
    for concept in bank.concepts.values():
        for prerequisite in concept.requires:
            graph.add_edge(prerequisite, concept.id)
    return graph


def _break_cycles(bank: ContentBank) -> None:
    import networkx as nx

    graph = prerequisite_graph(bank)
    while True:
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            return
        names = [edge[0] for edge in cycle] + [cycle[0][0]]
        prerequisite, dependent = cycle[-1][0], cycle[-1][1]
        concept = bank.concepts[dependent]
        bank.problems.append(
            ContentProblem(
                concept.source,
                concept.line_of("requires"),
                "prerequisite cycle: " + " -> ".join(names),
            )
        )
        graph.remove_edge(prerequisite, dependent)
        bank.concepts[dependent] = replace(
            concept, requires=tuple(r for r in concept.requires if r != prerequisite)
        )


def study_order(bank: ContentBank) -> list[str]:
    """Card ids with foundations first: concepts in prerequisite order, cards in file order.

    Among concepts whose prerequisites are all placed, the area listed first in areas.yaml
    goes first, so a new learner meets ML foundations before interview craft.
    """
    import networkx as nx

    graph = prerequisite_graph(bank)
    area_rank = {area.id: area.order for area in bank.areas.values()}
    rank = {
        cid: (area_rank.get(concept.area, len(area_rank)), i)
        for i, (cid, concept) in enumerate(bank.concepts.items())
    }
    concepts = list(nx.lexicographical_topological_sort(graph, key=lambda c: rank[c]))
    by_concept: dict[str, list[str]] = {c: [] for c in concepts}
    for card in bank.cards.values():
        by_concept[card.concept].append(card.id)
    return [card_id for c in concepts for card_id in by_concept[c]]
