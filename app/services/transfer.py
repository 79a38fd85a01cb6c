"""Moving everything to another computer: one file with progress, quiz history, settings and
the user's own cards.

The file is a zip holding a consistent copy of the database (SQLite's backup API), the user's
cards folder, their STAR stories folder, their media folder (the images and sounds cards show)
and `manifest.json` (format and schema versions, row counts, a SHA-256 per file).
Importing checks all of it (names, sizes, hashes, `integrity_check`, schema version, counts,
every card file) in a staging folder before anything is replaced; the current database and
cards folder are then kept aside, never deleted.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app import __version__
from app.domain.content_loader import parse_concept_file
from app.domain.import_rules import ImportRefused
from app.domain.media_names import is_media_name
from app.domain.stories import parse_story
from app.locations import user_content_dir
from app.services.archive_safety import Limits, MiB, open_archive, read_member
from app.services.card_import import IMPORT_RECORD
from app.services.stories import STORIES_FOLDER, stories_dir
from app.storage.backup import STAMP
from app.storage.connection import fsync_path
from app.storage.database import Database, database_path
from app.storage.media_store import MEDIA_FOLDER, MediaStore, media_dir
from app.storage.migrations import SCHEMA_VERSION, migrate
from app.storage.schema_check import SchemaRefused, check_database
from app.storage.snapshot import COUNTED_TABLES, copy_database, schema_version, table_counts

FORMAT = "lattice-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = "lattice.sqlite3"
CARDS_PREFIX = "cards/"
RECORD_MEMBER = CARDS_PREFIX + IMPORT_RECORD
STORIES_PREFIX = STORIES_FOLDER + "/"
MEDIA_PREFIX = MEDIA_FOLDER + "/"
LIMITS = Limits(max_entries=60_000, max_entry_bytes=2048 * MiB, max_total_bytes=8192 * MiB)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class TransferSummary:
    """What an export file holds, as its manifest says (and checks confirmed)."""

    created_at: str
    app_version: str
    schema_version: int
    counts: dict[str, int]
    card_files: int
    cards: int
    # None for an export made before stories travelled with it (import leaves yours alone).
    stories: int | None = None
    # Likewise for the media folder's images and sounds.
    media: int | None = None

    def describe(self) -> str:
        c = self.counts
        stories = "" if self.stories is None else f"{self.stories} of your stories, "
        media = "" if self.media is None else f"{self.media} images and sounds, "
        return (
            f"{c.get('review_log', 0)} reviews of {c.get('progress', 0)} cards, "
            f"{c.get('quiz_session', 0)} quizzes, {self.cards} cards of your own "
            f"in {self.card_files} files, {stories}{media}{c.get('setting', 0)} settings "
            f"(exported {self.created_at[:16].replace('T', ' ')} UTC by Lattice {self.app_version})"
        )


@dataclass(frozen=True)
class ImportAllResult:
    summary: TransferSummary
    database_aside: Path | None
    cards_aside: Path | None


def _user_card_files(data_dir: Path) -> list[Path]:
    root = user_content_dir(data_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*.md") if p.is_file() and not p.is_symlink())


def _story_files(data_dir: Path) -> list[Path]:
    root = stories_dir(data_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("*.md") if p.is_file() and not p.is_symlink())


def export_all(data_dir: Path, out: Path, now: datetime) -> TransferSummary:
    """Write everything worth moving to `out` (a zip); the file appears only when complete."""
    root = user_content_dir(data_dir)
    with tempfile.TemporaryDirectory(prefix=".export-", dir=data_dir) as tmp:
        snapshot = Path(tmp) / DB_MEMBER
        copy_database(database_path(data_dir), snapshot)
        files = {DB_MEMBER: snapshot}
        cards = 0
        for path in _user_card_files(data_dir):
            files[CARDS_PREFIX + path.relative_to(root).as_posix()] = path
            parsed = parse_concept_file(path, path.read_text(encoding="utf-8"), user=True)
            cards += len(parsed.cards)
        card_files = len(files) - 1
        record = root / IMPORT_RECORD
        if record.is_file() and not record.is_symlink():  # re-imports keep protecting edits
            files[RECORD_MEMBER] = record
        story_files = _story_files(data_dir)
        for path in story_files:
            files[STORIES_PREFIX + path.name] = path
        store = MediaStore(media_dir(data_dir))
        media_names = store.names()
        for name in media_names:
            files[MEDIA_PREFIX + name] = store.folder / name
        summary = TransferSummary(
            created_at=now.astimezone(UTC).isoformat(timespec="seconds"),
            app_version=__version__,
            schema_version=schema_version(snapshot),
            counts=table_counts(snapshot),
            card_files=card_files,
            cards=cards,
            stories=len(story_files),
            media=len(media_names),
        )
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": summary.app_version,
            "schema_version": summary.schema_version,
            "created_at": summary.created_at,
            "counts": summary.counts,
            "user_card_files": summary.card_files,
            "user_cards": cards,
            "user_story_files": len(story_files),
            "user_media_files": len(media_names),
            "files": {name: _sha256(path) for name, path in files.items()},
        }
        partial = out.with_name(out.name + ".partial")
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
                for name, path in files.items():
                    archive.write(path, name)
            with open(partial, "rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return summary


def _manifest(raw: bytes, label: str) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportRefused(f"{label}: the manifest is not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ImportRefused(f"{label}: not a Lattice export (its manifest says otherwise)")
    version = data.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise ImportRefused(f"{label}: made by a newer Lattice (format {version}); update Lattice")
    schema = data.get("schema_version")
    if not isinstance(schema, int) or not 1 <= schema <= SCHEMA_VERSION:
        raise ImportRefused(
            f"{label}: its database has schema version {schema!r}; this Lattice reads up to "
            f"{SCHEMA_VERSION}; update Lattice"
        )
    counts = data.get("counts")
    files = data.get("files")
    if not isinstance(counts, dict) or not isinstance(files, dict):
        raise ImportRefused(f"{label}: the manifest lacks counts or files")
    if set(counts) != set(COUNTED_TABLES) or not all(isinstance(v, int) for v in counts.values()):
        raise ImportRefused(f"{label}: the manifest's counts are malformed")
    if not isinstance(data.get("user_cards"), int) or not isinstance(
        data.get("user_card_files"), int
    ):
        raise ImportRefused(f"{label}: the manifest lacks the number of your cards")
    return data


def check_export(path: Path, staging: Path) -> TransferSummary:
    """Unpack `path` into `staging` and verify everything; raises ImportRefused on any doubt."""
    label = path.name
    with open_archive(path, "Lattice export", LIMITS) as archive:
        names = archive.namelist()
        if MANIFEST not in names:
            raise ImportRefused(f"{label}: not a Lattice export (no {MANIFEST})")
        manifest = _manifest(read_member(archive, MANIFEST, MiB, label), label)
        expected = manifest["files"]
        content = [n for n in names if n != MANIFEST and not n.endswith("/")]
        for name in content:
            card = name.startswith(CARDS_PREFIX) and name.endswith(".md")
            story = _is_story_member(name)
            picture = name.startswith(MEDIA_PREFIX) and is_media_name(name[len(MEDIA_PREFIX) :])
            if name not in (DB_MEMBER, RECORD_MEMBER) and not (card or story or picture):
                raise ImportRefused(f"{label}: unexpected file {name!r} inside")
        if sorted(content) != sorted(expected) or DB_MEMBER not in expected:
            raise ImportRefused(f"{label}: the files inside do not match its manifest")
        for name in content:
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(read_member(archive, name, LIMITS.max_entry_bytes, label))
            if _sha256(target) != expected[name]:
                raise ImportRefused(f"{label}: {name} is damaged (its checksum does not match)")
    db = staging / DB_MEMBER
    try:  # exactly Lattice's schema, sane values, integrity_check; bounded, read-only
        check_database(db)
    except SchemaRefused as refused:
        raise ImportRefused(f"{label}: nothing was imported: {refused}") from None
    if schema_version(db) != manifest["schema_version"]:
        raise ImportRefused(f"{label}: the database's schema version does not match the manifest")
    counts = table_counts(db)
    if counts != manifest["counts"]:
        diff = next(t for t in COUNTED_TABLES if counts[t] != manifest["counts"].get(t))
        raise ImportRefused(
            f"{label}: the database has {counts[diff]} rows in {diff}, "
            f"the manifest says {manifest['counts'].get(diff)}"
        )
    cards = 0
    card_files = sorted((staging / "cards").rglob("*.md")) if (staging / "cards").is_dir() else []
    for card_file in card_files:
        shown = card_file.relative_to(staging)
        try:
            text = card_file.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise ImportRefused(f"{label}: {shown} is not UTF-8 text") from None
        parsed = parse_concept_file(shown, text, user=True)
        if parsed.problems:
            raise ImportRefused(f"{label}: {parsed.problems[0].format()}")
        cards += len(parsed.cards)
    if cards != manifest["user_cards"] or len(card_files) != manifest["user_card_files"]:
        raise ImportRefused(f"{label}: the number of your cards does not match the manifest")
    stories = _check_stories(staging, label, manifest.get("user_story_files"))
    media = _check_media(staging, label, manifest.get("user_media_files"))
    _check_record(staging / RECORD_MEMBER, label)
    return TransferSummary(
        created_at=str(manifest.get("created_at", "")),
        app_version=str(manifest.get("app_version", "?")),
        schema_version=manifest["schema_version"],
        counts=counts,
        card_files=len(card_files),
        cards=cards,
        stories=stories,
        media=media,
    )


def _check_media(staging: Path, label: str, expected: object) -> int | None:
    """The media files' number matches the manifest (their names were checked on reading)."""
    folder = staging / MEDIA_FOLDER
    count = sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0
    if expected is None:  # an export from before media travelled with it
        if count:
            raise ImportRefused(f"{label}: the manifest does not list your media files")
        return None
    if not isinstance(expected, int) or count != expected:
        raise ImportRefused(f"{label}: the number of your media files does not match the manifest")
    return count


def _check_record(record: Path, label: str) -> None:
    """The import record (which cards earlier imports wrote, so re-imports keep your
    edits) is a JSON object, or the export is refused rather than carrying junk over."""
    if not record.exists():
        return
    try:
        data = json.loads(record.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ImportRefused(f"{label}: {RECORD_MEMBER} is not a Lattice import record")


def _is_story_member(name: str) -> bool:
    """`stories/<name>.md`, one level deep, as the stories folder holds them."""
    rest = name[len(STORIES_PREFIX) :]
    return name.startswith(STORIES_PREFIX) and rest.endswith(".md") and "/" not in rest


def _check_stories(staging: Path, label: str, expected: object) -> int | None:
    """Every story in the export parses; their number matches the manifest's."""
    folder = staging / STORIES_FOLDER
    files = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if expected is None:  # an export from before stories travelled with it
        if files:
            raise ImportRefused(f"{label}: the manifest does not list your stories")
        return None
    for story_file in files:
        shown = story_file.relative_to(staging)
        try:
            text = story_file.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise ImportRefused(f"{label}: {shown} is not UTF-8 text") from None
        parsed = parse_story(shown, text)
        if parsed.problems:
            raise ImportRefused(f"{label}: {parsed.problems[0].format()}")
    if not isinstance(expected, int) or len(files) != expected:
        raise ImportRefused(f"{label}: the number of your stories does not match the manifest")
    return len(files)


def inspect_export(path: Path, data_dir: Path) -> TransferSummary:
    """Verify an export without changing anything (for the confirmation question)."""
    with tempfile.TemporaryDirectory(prefix=".check-", dir=data_dir) as tmp:
        return check_export(path, Path(tmp))


def import_all(path: Path, data_dir: Path, now: datetime) -> ImportAllResult:
    """Replace the database and cards with the export's, after checking it completely.

    Every connection to the current database (this process's) is closed first, and new
    ones wait until the new file is in place. The current database and cards folder are
    kept beside the new ones with a `before-import` time stamp.
    """
    stamp = now.astimezone(UTC).strftime(STAMP)
    with tempfile.TemporaryDirectory(prefix=".import-all-", dir=data_dir) as tmp:
        staging = Path(tmp)
        summary = check_export(path, staging)
        staged_db = staging / DB_MEMBER
        if summary.schema_version < SCHEMA_VERSION:
            migrate(staged_db)  # upgrade the copy (checked above), never the original
            Database.at(staged_db).close()
        db_path = database_path(data_dir)
        with Database.at(db_path).offline():
            return _replace(summary, staging, db_path, data_dir, stamp)


def _replace(
    summary: TransferSummary, staging: Path, db_path: Path, data_dir: Path, stamp: str
) -> ImportAllResult:
    """Put the checked database and cards in place, keeping the current ones aside."""
    db_aside: Path | None = None
    if db_path.exists():
        db_aside = db_path.with_name(f"{db_path.stem}.before-import-{stamp}{db_path.suffix}")
        copy_database(db_path, db_aside)
    cards = user_content_dir(data_dir)
    cards_aside: Path | None = None
    if cards.exists():
        cards_aside = cards.with_name(f"{cards.name}.before-import-{stamp}")
    staged_cards = staging / "cards"
    staged_cards.mkdir(exist_ok=True)
    for sidecar in ("-wal", "-shm"):
        db_path.with_name(db_path.name + sidecar).unlink(missing_ok=True)
    fsync_path(staging / DB_MEMBER)
    os.replace(staging / DB_MEMBER, db_path)
    fsync_path(db_path.parent)
    if cards_aside is not None:
        os.replace(cards, cards_aside)
    shutil.move(str(staged_cards), str(cards))
    if summary.stories is not None:  # the export carries stories: they replace yours
        stories = stories_dir(data_dir)
        if stories.exists():
            os.replace(stories, stories.with_name(f"{stories.name}.before-import-{stamp}"))
        staged_stories = staging / STORIES_FOLDER
        staged_stories.mkdir(exist_ok=True)
        shutil.move(str(staged_stories), str(stories))
    if summary.media is not None:  # the export carries the media folder: it replaces yours
        media = media_dir(data_dir)
        if media.exists():
            os.replace(media, media.with_name(f"{media.name}.before-import-{stamp}"))
        staged_media = staging / MEDIA_FOLDER
        staged_media.mkdir(exist_ok=True)
        shutil.move(str(staged_media), str(media))
    return ImportAllResult(summary, db_aside, cards_aside)
