"""The user's own cards: add, edit and delete them as Markdown files under the data folder.

Each user concept file is `DATA/cards/<concept-id>.md`, in the content format. A card for a
bundled concept goes in a user file named after that concept, which adds its cards to it.
Every change is validated with the loader's rules *and* against the whole bank before the
file is replaced atomically (temporary file, fsync, `os.replace`), so a refused edit leaves
everything on disk as it was.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from app.domain.card_writer import (
    CardDraft,
    concept_problems,
    draft_problems,
    round_trips,
    serialize_concept,
    slugify,
    unique_id,
)
from app.domain.changes import Changes
from app.domain.content import Card, Concept, ContentBank, ContentProblem
from app.domain.content_loader import (
    ParsedFile,
    assemble_bank,
    parse_concept_file,
    parse_content_root,
    parse_user_roots,
)
from app.services.context import AppContext

USER_CARD_PREFIX = "my-"


@dataclass(frozen=True)
class NewConcept:
    """A concept the user creates together with its first card."""

    title: str
    area: str
    summary: str
    requires: tuple[str, ...] = ()
    id: str = ""


@dataclass(frozen=True)
class SaveResult:
    ok: bool
    card_id: str | None = None
    problems: tuple[str, ...] = ()
    changes: Changes = Changes.NONE  # what a saved edit changed (nothing when refused)

    @classmethod
    def refused(cls, *problems: str) -> SaveResult:
        return cls(False, None, tuple(problems))


class AuthoringService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @property
    def root(self) -> Path:
        return self.ctx.user_root

    @property
    def bank(self) -> ContentBank:
        return self.ctx.bank

    # -- questions the editor asks --------------------------------------------------------
    def concepts(self) -> list[Concept]:
        return sorted(self.ctx.bank.concepts.values(), key=lambda c: c.title.lower())

    def suggest_concept_id(self, title: str) -> str:
        return unique_id(slugify(title), self.ctx.bank.concepts)

    # -- changes --------------------------------------------------------------------------
    def create(
        self, draft: CardDraft, concept_id: str | None, new_concept: NewConcept | None = None
    ) -> SaveResult:
        problems = draft_problems(draft)
        if new_concept is not None:
            concept = self._new_concept(new_concept)
            problems += concept_problems(concept)
            if concept.id in self.ctx.bank.concepts:
                problems.append(f"a concept with id '{concept.id}' already exists")
            path = self.root / f"{concept.id}.md"
            if path.exists():
                problems.append(f"{self._shown(path)} already exists; choose another id")
            cards: list[Card] = []
        elif concept_id is not None and concept_id in self.ctx.bank.concepts:
            found = self._file_for(concept_id)
            if isinstance(found, str):
                return SaveResult.refused(found, *problems)
            path, concept, cards = found
        else:
            return SaveResult.refused("choose a concept for the card", *problems)
        if problems:
            return SaveResult.refused(*problems)
        taken = set(self.ctx.bank.cards) | self.ctx.store.known_card_ids()
        card_id = unique_id(USER_CARD_PREFIX + slugify(draft.question, 40), taken)
        card = draft.to_card(card_id, concept.id)
        return self._commit(path, concept, [*cards, card], card_id)

    def update(self, card_id: str, draft: CardDraft) -> SaveResult:
        card = self.ctx.bank.cards.get(card_id)
        if card is None or not card.user or card.source is None:
            return SaveResult.refused("only your own cards can be edited")
        problems = draft_problems(draft)
        if problems:
            return SaveResult.refused(*problems)
        current = self._read(card.source)
        if isinstance(current, str):
            return SaveResult.refused(current)
        concept, cards = current
        updated = [
            draft.to_card(card_id, c.concept, c.seeds) if c.id == card_id else c for c in cards
        ]
        return self._commit(card.source, concept, updated, card_id)

    def delete(self, card_id: str) -> SaveResult:
        card = self.ctx.bank.cards.get(card_id)
        if card is None or not card.user or card.source is None:
            return SaveResult.refused("only your own cards can be deleted")
        current = self._read(card.source)
        if isinstance(current, str):
            return SaveResult.refused(current)
        concept, cards = current
        return self._commit(card.source, concept, [c for c in cards if c.id != card_id], card_id)

    # -- files ----------------------------------------------------------------------------
    def _shown(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.ctx.data_dir))
        except ValueError:
            return str(path)

    def _new_concept(self, spec: NewConcept) -> Concept:
        title = spec.title.strip()
        return Concept(
            id=spec.id.strip() or self.suggest_concept_id(title),
            title=title,
            area=spec.area,
            summary=" ".join(spec.summary.split()),
            requires=tuple(dict.fromkeys(spec.requires)),
            user=True,
        )

    def _file_for(self, concept_id: str) -> tuple[Path, Concept, list[Card]] | str:
        """The user file that holds (or will hold) this concept's user cards."""
        bank = self.ctx.bank
        concept = bank.concepts[concept_id]
        source = concept.source if concept.user else None
        if source is None:
            source = next(
                (c.source for c in bank.cards.values() if c.user and c.concept == concept_id),
                None,
            )
        if source is not None:
            current = self._read(source)
            return current if isinstance(current, str) else (source, *current)
        path = self.root / f"{concept_id}.md"
        if path.exists():
            return f"{self._shown(path)} has problems; fix or remove it first"
        # Adds to a bundled concept: its front matter names it; the bundled one stays in charge.
        header = Concept(concept.id, concept.title, concept.area, concept.summary, user=True)
        return path, header, []

    def _read(self, path: Path) -> tuple[Concept, list[Card]] | str:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            return f"cannot read {self._shown(path)}: {exc.strerror}"
        parsed = parse_concept_file(path, text, user=True)
        if parsed.problems or parsed.concept is None:
            return f"{self._shown(path)} has problems; fix it first: " + "; ".join(
                p.format(self.ctx.data_dir) for p in parsed.problems
            )
        return parsed.concept, parsed.cards

    def _commit(self, path: Path, concept: Concept, cards: list[Card], card_id: str) -> SaveResult:
        """Validate the file's new text with the whole bank, then write (or remove) it."""
        text = serialize_concept(concept, cards) if cards else None
        others = [p for p in parse_user_roots([self.root]) if p.path != path]
        files = list(others)
        if text is not None:
            if not round_trips(path, text, concept, cards):
                return SaveResult.refused("the card would not read back as written")
            parsed = parse_concept_file(path, text, user=True)
            if parsed.problems:
                return SaveResult.refused(*(p.format(self.ctx.data_dir) for p in parsed.problems))
            files.append(parsed)
        new_problems = self._new_problems(files)
        if new_problems:
            return SaveResult.refused(*(p.format(self.ctx.data_dir) for p in new_problems))
        if text is None:
            path.unlink(missing_ok=True)
        else:
            write_atomically(path, text)
        self.ctx.reload_user_content()
        return SaveResult(True, card_id, changes=Changes.CONTENT | Changes.QUEUE | Changes.PROGRESS)

    def _new_problems(self, user_files: list[ParsedFile]) -> list[ContentProblem]:
        if self.ctx.bundled is None:
            self.ctx.bundled = parse_content_root(self.ctx.content_root)
        bundled = self.ctx.bundled
        candidate = assemble_bank(
            bundled.areas,
            bundled.files + user_files,
            bundled.problems,
            bundled.retired,
            bundled.retired_path,
        )
        before = {(p.path, p.message) for p in self.ctx.bank.problems}
        return [p for p in candidate.problems if (p.path, p.message) not in before]


def write_atomically(path: Path, text: str) -> None:
    """Write a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
