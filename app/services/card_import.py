"""Importing cards from Anki, CSV or Markdown into the user's own cards, all or nothing.

Reading and planning never touch the cards folder. Committing writes every concept file into
a private staging folder, loads the whole bank with them (bundled content, the user's other
files and the new ones) and only when none of the new files has a problem moves them into
place; a file being rewritten is kept until all moves succeeded, and put back if one failed.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path

from app.domain.anki_origin import ImportRecord, NoteOrigin
from app.domain.anki_progress import (
    Absurd,
    AnkiReview,
    ImportedProgress,
    ScheduleImport,
    progress_of,
    summary,
)
from app.domain.changes import Changes
from app.domain.content import ContentBank
from app.domain.content_loader import (
    RETIRED_FILE,
    ParsedFile,
    assemble_bank,
    concept_files,
    load_areas,
    load_retired,
    parse_concept_file,
)
from app.domain.import_rules import (
    ImportPlan,
    ImportRefused,
    ImportTarget,
    SourceCard,
    anki_note_to_cards,
    card_id_for,
    plan_import,
    plan_markdown_import,
    stable_key,
)
from app.domain.media_names import MEDIA_REF, drop_refs, referenced, rename_refs
from app.locations import user_content_dir
from app.services.anki_import import AnkiPackage, read_package
from app.services.anki_media import PackageMedia, read_media
from app.services.buried_cards import BuriedCards
from app.services.context import AppContext, LoadedContent
from app.services.csv_import import read_csv
from app.services.markdown_import import read_folder
from app.storage.media_store import MediaStore, media_dir

# What reading reports as it goes: (what it is doing, share done 0..1). It may raise
# ImportCancelled to stop; reading then ends without a result and nothing was written.
Progress = Callable[[str, float], None]

ANKI_SUFFIXES = (".apkg",)
FUTURE_TOLERANCE = timedelta(days=1)  # another device's clock may run a little ahead
IMPORT_RECORD = ".import-record.json"  # in the cards folder: what each import wrote
CSV_SUFFIXES = (".csv", ".tsv", ".txt")


class SourceKind(StrEnum):
    ANKI = "Anki package"
    CSV = "CSV file"
    MARKDOWN = "Markdown folder"


def kind_of(path: Path) -> SourceKind:
    if path.is_dir():
        return SourceKind.MARKDOWN
    suffix = path.suffix.lower()
    if suffix in ANKI_SUFFIXES:
        return SourceKind.ANKI
    if suffix in CSV_SUFFIXES:
        return SourceKind.CSV
    if suffix == ".colpkg":
        raise ImportRefused(
            f"{path.name} is a whole Anki collection; in Anki export a deck as an "
            "“Anki Deck Package (.apkg)” instead"
        )
    raise ImportRefused(
        f"{path.name}: import an Anki package (.apkg), a CSV file or a folder of Markdown files"
    )


@dataclass
class ImportSource:
    """What a source held, before any decision about concepts."""

    path: Path
    kind: SourceKind
    cards: list[SourceCard] = field(default_factory=list)
    files: list[ParsedFile] = field(default_factory=list)
    skipped: int = 0
    progress: dict[str, ImportedProgress] = field(default_factory=dict)  # by stable key
    orphan_reviews: int = 0
    origins: ImportRecord = field(default_factory=ImportRecord)  # cards keyed by stable key
    media: PackageMedia = field(default_factory=PackageMedia)

    @property
    def needs_target(self) -> bool:
        return self.kind is not SourceKind.MARKDOWN and any(not c.concept for c in self.cards)

    @property
    def count(self) -> int:
        return (
            len(self.cards)
            if self.kind is not SourceKind.MARKDOWN
            else sum(len(f.cards) for f in self.files)
        )


@dataclass(frozen=True)
class Written:
    """An import written to disk; the new bank (None: the cards were there already) is
    swapped in by `CardImportService.install`."""

    changes: Changes
    loaded: LoadedContent | None


def read_source(path: Path, progress: Progress | None = None) -> ImportSource:
    """Read and check a source; raises ImportRefused with what is wrong and where.

    `progress` hears what is being done; it runs on the caller's thread (a worker's, in the
    app) and may raise ImportCancelled."""
    report = progress or (lambda _what, _share: None)
    if not path.exists():
        raise ImportRefused(f"{path}: no such file or folder")
    kind = kind_of(path)
    report(f"Reading {path.name}…", 0.0)
    if kind is SourceKind.MARKDOWN:
        return ImportSource(path, kind, files=read_folder(path))
    if kind is SourceKind.CSV:
        return ImportSource(path, kind, cards=read_csv(path))
    package = read_package(path)
    notes = package.notes
    per_note: list[list[SourceCard]] = []
    for index, note in enumerate(notes):
        if index % 200 == 0:
            report(f"Converting note {index + 1} of {len(notes)}…", 0.1 + 0.6 * index / len(notes))
        per_note.append(anki_note_to_cards(note))
    cards = [card for made in per_note for card in made]
    if not cards:
        raise ImportRefused(f"{path.name}: none of its {len(notes)} notes has text to import")
    wanted = {name for card in cards for name in referenced(card.question + "\n" + card.answer)}

    def media_step(done: int, total: int) -> None:
        report(f"Unpacking media file {done} of {total}…", 0.7 + 0.25 * done / total)

    media = read_media(path, wanted, media_step)
    skipped = sum(1 for made in per_note if not made)
    if media.absent:
        missing = set(media.absent)
        kept = [c for c in cards if _has_text(c.question, missing) and _has_text(c.answer, missing)]
        skipped += len({c.stable_key.split(":")[1] for c in cards if c not in kept})
        cards = [
            replace(c, question=drop_refs(c.question, missing), answer=drop_refs(c.answer, missing))
            for c in kept
        ]
        if not cards:
            media.discard()
            raise ImportRefused(f"{path.name}: none of its {len(notes)} notes has text to import")
    report("Reading the review history…", 0.95)
    try:
        found, orphans = _anki_progress(package, {c.stable_key for c in cards})
    except Absurd as exc:
        media.discard()
        raise ImportRefused(
            f"{path.name}: {exc}; no Anki collection holds that, so nothing was imported"
        ) from None
    return ImportSource(
        path,
        kind,
        cards=cards,
        skipped=skipped,
        progress=found,
        orphan_reviews=orphans,
        origins=_origins(package, per_note),
        media=media,
    )


def _has_text(text: str, missing: set[str]) -> bool:
    """Whether `text` says something besides the files the package lacks."""
    return bool(MEDIA_REF.sub(lambda m: "" if m.group(3) in missing else "x", text).strip())


def _origins(package: AnkiPackage, per_note: list[list[SourceCard]]) -> ImportRecord:
    """Each card's note GUID and ordinal (by stable key), its note and note type."""
    origins = ImportRecord(notetypes=dict(package.notetypes))
    for note, made in zip(package.notes, per_note, strict=True):
        if not made or note.notetype not in package.notetypes:
            continue
        values = tuple(value for _, value in note.fields)
        origins.notes[note.guid] = NoteOrigin(note.notetype, values, note.deck.replace(" › ", "::"))
        prefix = stable_key(note.guid, 0)
        for card in made:
            rest = card.stable_key[len(prefix) :]
            origins.cards[card.stable_key] = (note.guid, int(rest[1:]) if rest else 0)
    return origins


def _anki_progress(package: AnkiPackage, keys: set[str]) -> tuple[dict[str, ImportedProgress], int]:
    """Each imported card's Anki progress by stable key; answers of cards not imported."""
    by_card: dict[int, list[AnkiReview]] = {}
    for review in package.reviews:
        by_card.setdefault(review.card_id, []).append(review)
    found: dict[str, ImportedProgress] = {}
    for card in package.cards:
        key = stable_key(card.note_guid, card.ord)
        if key in keys:
            rows = by_card.pop(card.card_id, [])
            found[key] = progress_of(card, key, rows, package.created)
    return found, sum(len(rows) for rows in by_card.values())


class CardImportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @property
    def bank(self) -> ContentBank:
        return self.ctx.bank

    @property
    def cards_root(self) -> Path:
        return user_content_dir(self.ctx.data_dir)

    def _user_files(self) -> list[ParsedFile]:
        root = self.cards_root
        if not root.is_dir():
            return []
        parsed = []
        for path in concept_files(root):
            try:
                parsed.append(parse_concept_file(path, path.read_text(encoding="utf-8"), user=True))
            except (OSError, UnicodeDecodeError):
                continue
        return parsed

    @property
    def media_store(self) -> MediaStore:
        return MediaStore(media_dir(self.ctx.data_dir))

    def _placed_media(self, source: ImportSource) -> tuple[list[SourceCard], dict[str, Path]]:
        """The source's cards pointing at the names their media will have in the media
        folder (the same bytes already there are reused), and the files to add."""
        if not source.media.files:
            return source.cards, {}
        placed = self.media_store.placement(source.media.files)
        renames = {old: new for old, new in placed.items() if old != new}
        cards = (
            [
                replace(
                    c,
                    question=rename_refs(c.question, renames),
                    answer=rename_refs(c.answer, renames),
                )
                for c in source.cards
            ]
            if renames
            else source.cards
        )
        store = self.media_store
        to_add = {
            placed[name]: path
            for name, path in source.media.files.items()
            if store.path_of(placed[name]) is None
        }
        return cards, to_add

    def plan(self, source: ImportSource, target: ImportTarget) -> ImportPlan:
        """What importing `source` into `target` would write; nothing is written yet."""
        user = self._user_files()
        name = source.path.name
        cards, media = self._placed_media(source)
        if source.kind is SourceKind.MARKDOWN:
            plan = plan_markdown_import(
                source.files, self.ctx.bank, user, self.cards_root, source_name=name
            )
        else:
            prefix = "anki" if source.kind is SourceKind.ANKI else "csv"
            plan = plan_import(
                cards,
                target,
                self.ctx.bank,
                user,
                self.cards_root,
                id_prefix=prefix,
                source_name=name,
                record=self._record(),
            )
        if source.progress:
            self._add_schedules(plan, source)
        if source.origins.cards:
            self._add_origins(plan, source)
        if source.skipped:
            plan.notes.append(
                f"{source.skipped} note{'s' if source.skipped != 1 else ''} with no text "
                "(only images or sound) skipped."
            )
        plan.media = media
        if media:
            count = len(media)
            plan.notes.append(
                f"{count} image or sound file{'s' if count != 1 else ''} added to the media folder."
            )
        absent = source.media.absent
        if absent:
            shown = ", ".join(absent[:3]) + (", …" if len(absent) > 3 else "")
            plan.notes.append(
                f"{len(absent)} file{'s' if len(absent) != 1 else ''} the notes show "
                f"{'are' if len(absent) != 1 else 'is'} not in the package (Anki's missing "
                f"media), so the cards show the name instead: {shown}."
            )
        return plan

    def _set_schedules(self, plan: ImportPlan) -> Changes:
        """Set the imported cards' history and progress through the one progress writer; a
        card whose Lattice history is newer than Anki's keeps it (the summary says how many)."""
        if not plan.schedules:
            return Changes.NONE
        outcome = self.ctx.store.import_schedules(plan.schedules)
        if plan.buried:
            now = self.ctx.clock.now()
            BuriedCards(self.ctx.db_path).bury(plan.buried, self._next_study_day(now), now)
        if outcome.kept:
            plan.notes.append(
                f"{len(outcome.kept)} card{'s' if len(outcome.kept) != 1 else ''} already "
                "studied in Lattice kept their Lattice progress"
                + (
                    f" ({outcome.answers} newer Anki answers added to their history)."
                    if outcome.answers and not outcome.done
                    else "."
                )
            )
        if outcome.done or outcome.answers or plan.buried:
            return Changes.QUEUE | Changes.PROGRESS
        return Changes.NONE

    def _add_schedules(self, plan: ImportPlan, source: ImportSource) -> None:
        """The plan's cards' Anki history and progress, to set once the cards are in.
        Refuses answers dated in the future: they would put the review log out of order."""
        now = self.ctx.clock.now()
        latest = now + FUTURE_TOLERANCE
        imported = set(plan.card_ids)
        chosen: list[ImportedProgress] = []
        for card in source.cards:
            progress = source.progress.get(card.stable_key)
            card_id = card.own_id or card_id_for("anki", card.stable_key)
            if progress is None or card_id not in imported:
                continue
            future = [r for r in progress.reviews if r.reviewed_at > latest]
            if future:
                raise ImportRefused(
                    f"{card.where}: an answer dated {future[0].reviewed_at:%Y-%m-%d %H:%M} UTC, "
                    "in the future; check the clock of the computer or phone that made the "
                    "package. Nothing was imported"
                )
            memory = replace(progress.memory, card_id=card_id)
            if progress.buried:
                plan.buried.append(card_id)  # set aside as in Anki; its due date unchanged
            chosen.append(replace(progress, memory=memory))
            plan.schedules.append(
                ScheduleImport(memory, progress.suspended, progress.flagged, tuple(progress.events))
            )
        plan.notes.extend(summary(chosen, source.orphan_reviews))

    def _next_study_day(self, now: datetime) -> datetime:
        from app.domain.study_day import study_day_end

        return study_day_end(now, self.ctx.clock.local_tz, self.ctx.settings.day_starts_at_hour)

    def _add_origins(self, plan: ImportPlan, source: ImportSource) -> None:
        """Where the plan's Anki cards came from, so export writes the same notes back.
        Lattice's own cards coming back (they carry their id) have no Anki origin."""
        imported = set(plan.card_ids)
        found = source.origins
        for card in source.cards:
            origin = found.cards.get(card.stable_key)
            card_id = card_id_for("anki", card.stable_key)
            if card.own_id or origin is None or card_id not in imported:
                continue
            plan.origins.cards[card_id] = origin
            progress = source.progress.get(card.stable_key)
            if progress is not None and progress.flag_colour:
                plan.origins.flag_colours[card_id] = progress.flag_colour
            note = found.notes[origin[0]]
            plan.origins.notes[origin[0]] = note
            plan.origins.notetypes[note.notetype] = found.notetypes[note.notetype]

    def record(self) -> ImportRecord:
        """What earlier imports wrote: fingerprints and Anki origins; empty if unreadable."""
        try:
            raw = json.loads((self.cards_root / IMPORT_RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ImportRecord()
        return ImportRecord.from_json(raw)

    def _record(self) -> dict[str, str]:
        return self.record().fingerprints

    def _updated_record(self, plan: ImportPlan) -> ImportRecord | None:
        """The record with this plan's fingerprints and origins; None if nothing changed."""
        record = self.record()
        before = record.to_json()
        if plan.record:
            record.fingerprints = dict(plan.record)
        record.cards.update(plan.origins.cards)
        record.notes.update(plan.origins.notes)
        record.notetypes.update(plan.origins.notetypes)
        record.flag_colours.update(plan.origins.flag_colours)
        return record if record.to_json() != before else None

    def _write_record(self, record: ImportRecord) -> None:
        """Atomically; a failure loses only the protection of later edits, never cards."""
        final = self.cards_root / IMPORT_RECORD
        temp = final.with_suffix(".tmp")
        try:
            with open(temp, "w", encoding="utf-8") as handle:
                json.dump(record.to_json(), handle, sort_keys=True, indent=0)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp, final)
        except OSError:
            temp.unlink(missing_ok=True)

    def import_path(self, path: Path, target: ImportTarget) -> ImportPlan:
        source = read_source(path)
        try:
            plan = self.plan(source, target)
            self.commit(plan)  # reads the source's unpacked media, so it is kept till then
        finally:
            source.media.discard()
        return plan

    def commit(self, plan: ImportPlan) -> Changes:
        """Write the plan's files all or nothing, then reload the bank."""
        return self.install(self.write(plan))

    def write(self, plan: ImportPlan) -> Written:
        """Everything importing does but the bank's swap: card files (all or nothing),
        media, the import record, history and progress, the new bank read from disk. It
        leaves `ctx.bank` alone, so the dialog runs it on a worker thread."""
        if not plan.files:
            self._add_media(plan)  # the cards are there already; their files may not be
            updated = self._updated_record(plan)
            if updated is not None:
                self._write_record(updated)
            return Written(self._set_schedules(plan), None)
        root = self.cards_root
        root.mkdir(parents=True, exist_ok=True)
        destinations = self._destinations(plan)
        staging = Path(tempfile.mkdtemp(prefix=".import-", dir=self.ctx.data_dir))
        added: list[str] = []
        try:
            staged = self._stage(plan, destinations, staging)
            self._validate(plan, staged)
            added = self._add_media(plan)
            self._move_into_place(staged, staging)
        except BaseException:
            for name in added:  # the cards did not arrive, so neither do their files
                (self.media_store.folder / name).unlink(missing_ok=True)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        updated = self._updated_record(plan)
        if updated is not None:
            self._write_record(updated)
        self._set_schedules(plan)
        loaded = self.ctx.read_user_content()
        return Written(Changes.CONTENT | Changes.QUEUE | Changes.PROGRESS, loaded)

    def install(self, written: Written) -> Changes:
        """The new bank in place (GUI thread); returns what changed."""
        if written.loaded is not None:
            self.ctx.install_user_content(written.loaded)
        return written.changes

    def _add_media(self, plan: ImportPlan) -> list[str]:
        if not plan.media:
            return []
        try:
            return self.media_store.add(plan.media)
        except OSError as exc:
            raise ImportRefused(
                f"could not write to the media folder ({exc}); nothing was imported"
            ) from None

    def _destinations(self, plan: ImportPlan) -> dict[Path, Path]:
        """Final path of each planned file; a new file never overwrites a file already there."""
        root = self.cards_root
        taken: set[Path] = set()
        result: dict[Path, Path] = {}
        for relative in plan.files:
            target = root / relative
            if relative not in plan.replaces:
                n = 2
                while target.exists() or target in taken:
                    target = root / relative.with_name(f"{relative.stem}-{n}{relative.suffix}")
                    n += 1
            taken.add(target)
            result[relative] = target
        return result

    def _stage(
        self, plan: ImportPlan, destinations: dict[Path, Path], staging: Path
    ) -> dict[Path, tuple[Path, str]]:
        staged: dict[Path, tuple[Path, str]] = {}
        for index, (relative, text) in enumerate(plan.files.items()):
            temp = staging / "new" / f"{index}.md"
            temp.parent.mkdir(parents=True, exist_ok=True)
            with open(temp, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            staged[destinations[relative]] = (temp, text)
        return staged

    def _validate(self, plan: ImportPlan, staged: dict[Path, tuple[Path, str]]) -> None:
        """Load the whole bank with the new files; refuse if any of them has a problem."""
        ctx = self.ctx
        areas, problems = load_areas(ctx.content_root / "areas.yaml")
        bundled = [
            parse_concept_file(p, p.read_text(encoding="utf-8"))
            for p in concept_files(ctx.content_root)
        ]
        kept = [f for f in self._user_files() if f.path not in staged]
        new = [
            parse_concept_file(final, temp.read_text(encoding="utf-8"), user=True)
            for final, (temp, _text) in staged.items()
        ]
        retired, _ = load_retired(ctx.content_root / RETIRED_FILE)
        bank = assemble_bank(areas, bundled + kept + new, problems, retired)
        mine = [p for p in bank.problems if p.path in staged]
        if mine:
            shown = "; ".join(p.format(self.cards_root) for p in mine[:3])
            raise ImportRefused(f"the imported cards would not load, nothing was imported: {shown}")
        missing = [card_id for card_id in plan.card_ids if card_id not in bank.cards]
        if missing:
            raise ImportRefused(
                f"{len(missing)} imported cards would not load (first: {missing[0]}); "
                "nothing was imported"
            )

    def _move_into_place(self, staged: dict[Path, tuple[Path, str]], staging: Path) -> None:
        done: list[tuple[Path, Path | None]] = []
        try:
            for index, (final, (temp, _text)) in enumerate(staged.items()):
                final.parent.mkdir(parents=True, exist_ok=True)
                previous: Path | None = None
                if final.exists():
                    previous = staging / "old" / f"{index}.md"
                    previous.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(final, previous)
                os.replace(temp, final)
                done.append((final, previous))
        except OSError as exc:
            for final, previous in reversed(done):
                if previous is not None:
                    os.replace(previous, final)
                else:
                    final.unlink(missing_ok=True)
            raise ImportRefused(
                f"could not write {exc.filename}: {exc.strerror}; nothing was imported"
            ) from None


def describe(source: ImportSource) -> str:
    """One line for the dialog: what was found in the source."""
    noun = "card" if source.count == 1 else "cards"
    empty = "empty note" if source.skipped == 1 else "empty notes"
    extra = f" ({source.skipped} {empty} skipped)" if source.skipped else ""
    return f"{source.kind.value} {source.path.name}: {source.count} {noun}{extra}"
