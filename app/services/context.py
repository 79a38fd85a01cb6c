"""The composition root: opens the data directory, content and database once per run."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from pathlib import Path

from app.domain.clock import Clock, SystemClock
from app.domain.content import ContentBank
from app.domain.content_loader import (
    ParsedContent,
    assemble_bank,
    parse_content_root,
    parse_user_roots,
    study_order,
)
from app.domain.study_day import StudySettings
from app.locations import content_dir, data_dir, user_content_dir
from app.storage.backup import Recovery, integrity_problem, recover
from app.storage.database import database_path, open_engine
from app.storage.progress_store import ProgressStore
from app.storage.search_store import SearchStore

SETTINGS_KEY = "study_settings"
SEARCH_FINGERPRINT_KEY = "search_fingerprint"


@dataclass
class AppContext:
    data_dir: Path
    content_root: Path
    clock: Clock
    bank: ContentBank
    store: ProgressStore
    settings: StudySettings = field(default_factory=StudySettings)
    recovery: Recovery | None = None
    bundled: ParsedContent | None = None  # the parsed bundled content, kept for cheap reloads

    @property
    def user_root(self) -> Path:
        return user_content_dir(self.data_dir)

    def save_settings(self, settings: StudySettings) -> None:
        self.settings = settings
        self.store.set_setting(
            SETTINGS_KEY, {f.name: getattr(settings, f.name) for f in fields(settings)}
        )

    def reload_user_content(self) -> None:
        """Re-read the user's own cards and re-assemble the bank *in place*, so every
        service holding `ctx.bank` sees the change. The bundled files are not parsed again."""
        if self.bundled is None:
            self.bundled = parse_content_root(self.content_root)
        fresh = assemble_bank(
            self.bundled.areas,
            self.bundled.files + parse_user_roots([self.user_root]),
            self.bundled.problems,
        )
        self.bank.areas = fresh.areas
        self.bank.concepts = fresh.concepts
        self.bank.cards = fresh.cards
        self.bank.problems = fresh.problems
        sync_bank(self.bank, self.store)


def _load_settings(store: ProgressStore) -> StudySettings:
    raw = store.get_setting(SETTINGS_KEY, {})
    known = {f.name for f in fields(StudySettings)}
    values = {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
    try:
        return StudySettings(**values)
    except TypeError:
        return StudySettings()


def _fingerprint(order: list[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for card_id, concept in order:
        digest.update(f"{card_id}\0{concept}\n".encode())
    return digest.hexdigest()


def _search_rows(bank: ContentBank) -> list[tuple[str, str, str, str]]:
    return [(c.id, c.question, c.answer, "\n".join(c.key_points)) for c in bank.cards.values()]


def _text_fingerprint(rows: list[tuple[str, str, str, str]]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update("\0".join(row).encode())
        digest.update(b"\1")
    return digest.hexdigest()


def sync_bank(bank: ContentBank, store: ProgressStore) -> None:
    """Mirror the bank's cards in the database and its text in the search index, each only
    when it changed (card list for the mirror, card text for the index)."""
    order = [(cid, bank.cards[cid].concept) for cid in study_order(bank)]
    fingerprint = _fingerprint(order)
    if store.get_setting("content_fingerprint") != fingerprint:
        store.sync_cards(order)
        store.set_setting("content_fingerprint", fingerprint)
    rows = _search_rows(bank)
    text_print = _text_fingerprint(rows)
    if store.get_setting(SEARCH_FINGERPRINT_KEY) != text_print:
        SearchStore(store.engine).rebuild(rows)
        store.set_setting(SEARCH_FINGERPRINT_KEY, text_print)


def open_context(
    data: str | Path | None = None,
    *,
    content: Path | None = None,
    clock: Clock | None = None,
) -> AppContext:
    directory = data_dir(data)
    root = content or content_dir()
    bundled = parse_content_root(root)
    bank = assemble_bank(
        bundled.areas,
        bundled.files + parse_user_roots([user_content_dir(directory)]),
        bundled.problems,
    )
    the_clock = clock or SystemClock()
    db_path = database_path(directory)
    recovery = None
    if integrity_problem(db_path) is not None:
        # Never start silently from an empty database when a damaged one exists.
        recovery = recover(db_path, directory, the_clock.now())
    store = ProgressStore(open_engine(db_path))
    sync_bank(bank, store)
    return AppContext(
        data_dir=directory,
        content_root=root,
        clock=the_clock,
        bank=bank,
        store=store,
        settings=_load_settings(store),
        recovery=recovery,
        bundled=bundled,
    )
