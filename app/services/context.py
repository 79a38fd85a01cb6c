"""The composition root: opens the data directory, content and database once per run.

Opening is split so the first card can be on screen quickly: `open_context` loads the
content (from the parse cache when no file changed), checks and migrates the database and
mirrors the card list, all without importing the ORM. The full-text index is brought up to
date by `sync_search_index` (done at once unless the caller defers it), and the ORM-backed
`store` is opened the first time something asks for it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.clock import Clock, SystemClock
from app.domain.content import Area, Card, Concept, ContentBank, ContentProblem
from app.domain.content_loader import (
    RETIRED_FILE,
    ParsedContent,
    assemble_bank,
    concept_files,
    parse_content_root,
    parse_user_roots,
    study_order,
)
from app.domain.study_day import StudySettings
from app.locations import cache_dir, content_dir, data_dir, user_content_dir
from app.storage import content_cache
from app.storage.connection import (
    LOCK_WAIT_SECONDS,
    connect,
    database_path,
    fault_from,
    faults_as_messages,
    integrity_problem,
    opening_problem,
)
from app.storage.database import Database
from app.storage.digest import blake2b
from app.storage.migrations import migrate
from app.storage.opening import (
    has_active_quiz,
    in_transaction,
    mirror_cards,
    read_setting,
    rebuild_search,
    write_setting,
)
from app.storage.review_log import ProgressLog

if TYPE_CHECKING:
    from app.storage.backup import Recovery
    from app.storage.progress_store import ProgressStore

SETTINGS_KEY = "study_settings"
CARDS_FINGERPRINT_KEY = "content_fingerprint"
SEARCH_FINGERPRINT_KEY = "search_fingerprint"
RETIRED_FINGERPRINT_KEY = "retired_fingerprint"


@dataclass
class LoadedContent:
    """What parsing the content yields, as kept in the parse cache. (The bundled files'
    own parse, which editing a user card needs, is made again then: see `AppContext`.)"""

    bank: ContentBank
    order: list[tuple[str, str]]  # (card id, concept id) in study order


def _content_files(root: Path, user_root: Path) -> list[Path]:
    files = [root / "areas.yaml", root / RETIRED_FILE, *concept_files(root)]
    if user_root.is_dir():
        files.extend(concept_files(user_root))
    return files


def _parse(root: Path, user_root: Path, bundled: ParsedContent | None = None) -> LoadedContent:
    bundled = bundled or parse_content_root(root)
    bank = assemble_bank(
        bundled.areas,
        bundled.files + parse_user_roots([user_root]),
        bundled.problems,
        bundled.retired,
        bundled.retired_path,
    )
    order = [(cid, bank.cards[cid].concept) for cid in study_order(bank)]
    return LoadedContent(bank, order)


def _schema() -> str:
    """The fields of every class the parse cache holds: a change to them must miss."""
    kinds = (LoadedContent, ContentBank, Area, Concept, Card, ContentProblem)
    return ";".join(f"{k.__qualname__}:{[(f.name, str(f.type)) for f in fields(k)]}" for k in kinds)


def load_content(root: Path, user_root: Path, cache: Path | None) -> LoadedContent:
    """The bundled content plus the user's cards: from the cache when no file changed."""
    if cache is None:
        return _parse(root, user_root)
    files, schema = _content_files(root, user_root), _schema()
    quick = content_cache.stat_key(files, schema)
    remembered = content_cache.known_key(cache, quick)
    key = remembered or content_cache.content_key(files, schema)
    cached = content_cache.load(cache, key)
    if isinstance(cached, LoadedContent):
        if remembered is None:
            content_cache.remember_key(cache, quick, key, files)
        return cached
    loaded = _parse(root, user_root)
    content_cache.save(cache, key, loaded)
    content_cache.remember_key(cache, quick, key, files)
    return loaded


@dataclass
class AppContext:
    data_dir: Path
    content_root: Path
    clock: Clock
    bank: ContentBank
    settings: StudySettings = field(default_factory=StudySettings)
    recovery: Recovery | None = None
    bundled: ParsedContent | None = None  # the bundled files' parse, made when an edit needs it
    cache: Path | None = None
    card_order: list[str] = field(default_factory=list)  # study order, as the loader made it
    integrity_checked: bool = True  # False: only opening was checked (see open_context)
    _store: ProgressStore | None = field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        return database_path(self.data_dir)

    @property
    def user_root(self) -> Path:
        return user_content_dir(self.data_dir)

    @property
    def database(self) -> Database:
        """The owner of every connection to the database file (see storage/database.py)."""
        return Database.at(self.db_path)

    @property
    def store(self) -> ProgressStore:
        """The ORM-backed store, opened on first use (the review loop does not need it)."""
        if self._store is None:
            from app.storage.progress_store import ProgressStore

            self._store = ProgressStore(self.database.engine, self.clock)
        return self._store

    def close(self) -> None:
        """Close every connection to the database: the ORM's, the review sessions' and any
        other, after their pending fsyncs (at quit, or in tests). Restore, recovery and
        import use `database.offline()`, which does this and holds the file meanwhile."""
        self.database.close()

    def save_settings(self, settings: StudySettings) -> None:
        self.settings = settings
        values = {f.name: getattr(settings, f.name) for f in fields(settings)}
        with (
            faults_as_messages(self.db_path),
            closing(connect(self.db_path)) as conn,
            in_transaction(conn),
        ):
            write_setting(conn, SETTINGS_KEY, values)

    def has_unfinished_quiz(self) -> bool:
        with closing(connect(self.db_path)) as conn:
            return has_active_quiz(conn)

    def sync_search_index(self) -> None:
        """Bring the full-text index up to date with the cards' text (when it changed)."""
        _sync_search(self.bank, self.db_path)

    def reload_user_content(self) -> None:
        """Re-read the user's own cards and re-assemble the bank *in place*, so every
        service holding `ctx.bank` sees the change. The bundled files are not parsed again."""
        self.install_user_content(self.read_user_content())

    def read_user_content(self) -> LoadedContent:
        """The bank with the user's cards as they are on disk now, with the database's mirror
        of the cards and the search index brought up to it; `ctx.bank` is not touched, so
        this may run on a worker thread while the screens keep reading the current bank."""
        if self.bundled is None:
            self.bundled = parse_content_root(self.content_root)
        loaded = _parse(self.content_root, self.user_root, self.bundled)
        with closing(connect(self.db_path)) as conn:  # cards not yet in the bank: skipped
            _mirror(conn, loaded.order)
        _sync_search(loaded.bank, self.db_path)
        return loaded

    def install_user_content(self, loaded: LoadedContent) -> None:
        """Swap a bank made by `read_user_content` in (on the GUI thread: a few assignments)."""
        fresh = loaded.bank
        self.bank.areas = fresh.areas
        self.bank.concepts = fresh.concepts
        self.bank.cards = fresh.cards
        self.bank.problems = fresh.problems
        self.card_order = [card_id for card_id, _concept in loaded.order]


def _load_settings(raw: object) -> StudySettings:
    known = {f.name for f in fields(StudySettings)}
    values = {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
    try:
        return StudySettings(**values)
    except TypeError:
        return StudySettings()


def _fingerprint(order: list[tuple[str, str]]) -> str:
    digest = blake2b(digest_size=32)
    for card_id, concept in order:
        digest.update(f"{card_id}\0{concept}\n".encode())
    return digest.hexdigest()


def _search_rows(bank: ContentBank) -> list[tuple[str, str, str, str]]:
    return [(c.id, c.question, c.answer, "\n".join(c.key_points)) for c in bank.cards.values()]


def _text_fingerprint(rows: list[tuple[str, str, str, str]]) -> str:
    digest = blake2b(digest_size=32)
    for row in rows:
        digest.update("\0".join(row).encode())
        digest.update(b"\1")
    return digest.hexdigest()


def _refresh_if_changed(
    conn: sqlite3.Connection, key: str, fingerprint: str, write: Callable[[], None]
) -> None:
    """Run `write` (and remember `fingerprint` under `key`) only when the fingerprint moved."""
    if read_setting(conn, key) != fingerprint:
        with in_transaction(conn):
            write()
            write_setting(conn, key, fingerprint)


def _mirror(conn: sqlite3.Connection, order: list[tuple[str, str]]) -> StudySettings:
    """Mirror the card list when it changed; returns the saved study settings."""
    _refresh_if_changed(
        conn, CARDS_FINGERPRINT_KEY, _fingerprint(order), lambda: mirror_cards(conn, order)
    )
    return _load_settings(read_setting(conn, SETTINGS_KEY, {}))


def _move_retired_history(conn: sqlite3.Connection, retired: dict[str, str], now: datetime) -> None:
    """When the retired-id mapping changed, give each replacing card the history of the card
    it replaced, as MOVE events of the review log (moving again is harmless: a moved card
    has nothing left to move)."""
    fingerprint = json.dumps(sorted(retired.items()))

    def move_all() -> None:
        log = ProgressLog(conn)
        for old, new in sorted(retired.items()):
            log.move_card_history(old, new, now)

    _refresh_if_changed(conn, RETIRED_FINGERPRINT_KEY, fingerprint, move_all)


def _sync_search(bank: ContentBank, db_path: Path) -> None:
    rows = _search_rows(bank)
    with faults_as_messages(db_path), closing(connect(db_path)) as conn:
        _refresh_if_changed(
            conn,
            SEARCH_FINGERPRINT_KEY,
            _text_fingerprint(rows),
            lambda: rebuild_search(conn, rows),
        )


def _recover_if_damaged(
    db_path: Path, full_check: bool, lock_wait: float, now: datetime
) -> Recovery | None:
    """Never start silently from an empty database when a damaged one exists: set it
    aside and restore the newest healthy backup. A lock or a read-only file is not damage
    (StorageFault is raised instead and the file is left alone)."""
    check = integrity_problem if full_check else opening_problem
    problem = check(db_path, wait=lock_wait)
    if problem is None:
        return None
    from app.storage.backup import recover

    with Database.at(db_path).offline():
        return recover(db_path, db_path.parent, now, problem)


def open_context(
    data: str | Path | None = None,
    *,
    content: Path | None = None,
    clock: Clock | None = None,
    index_search: bool = True,
    cache: Path | None = None,
    full_check: bool = True,
    lock_wait: float = LOCK_WAIT_SECONDS,
) -> AppContext:
    """Open the data folder. `index_search=False` leaves the full-text index for the caller
    to bring up to date later, and `full_check=False` checks only that the database opens,
    leaving the full integrity check to the caller (the GUI does both after the first card
    is painted, the check in the background: it reads the whole file).

    Raises StorageFault, touching nothing, when the folder or file is read-only, the disk
    is full or another program holds the database locked for over `lock_wait` seconds."""
    try:
        directory = data_dir(data)
    except OSError as exc:
        fault = fault_from(exc, database_path(Path(data or ".")))
        raise (fault or exc) from exc
    root = content or content_dir()
    the_cache = cache or cache_dir()
    loaded = load_content(root, user_content_dir(directory), the_cache)
    the_clock = clock or SystemClock()
    db_path = database_path(directory)
    try:
        recovery = _recover_if_damaged(db_path, full_check, lock_wait, the_clock.now())
        with closing(connect(db_path)) as conn:
            # These commits wait for no fsync: the log keeps them in order, and closing the
            # last connection copies them into the file with one. A power cut before that
            # costs no one's work: they are the schema, the card list and moves of retired
            # cards' history, all made again at the next start when not found.
            conn.execute("PRAGMA synchronous=NORMAL")
            migrate(db_path, conn=conn)
            _move_retired_history(conn, loaded.bank.retired, the_clock.now())
            settings = _mirror(conn, loaded.order)
    except (sqlite3.Error, OSError) as exc:
        fault = fault_from(exc, db_path)
        if fault is None:
            raise
        raise fault from exc
    ctx = AppContext(
        data_dir=directory,
        content_root=root,
        clock=the_clock,
        bank=loaded.bank,
        settings=settings,
        recovery=recovery,
        cache=the_cache,
        card_order=[card_id for card_id, _concept in loaded.order],
        integrity_checked=full_check,
    )
    if index_search:
        ctx.sync_search_index()
    return ctx
