"""The composition root: every service of a run, built once from the opened data folder.

The UI gets its services here and never reaches the context, storage or the ORM. A service
whose module pulls a heavy import (SQLAlchemy, networkx, Markdown, YAML) is built the first
time it is asked for, so the first card is painted before any of those are imported.
Operations that write return a `Changes` value, which the main window hands to every screen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Collection
from contextlib import closing
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

from app.domain.changes import Changes
from app.domain.clock import Clock
from app.domain.content import ContentBank
from app.domain.scheduling import Scheduler
from app.domain.study_day import StudySettings
from app.services.context import AppContext, open_context
from app.services.review_service import PlannedDay, ReviewService
from app.storage.connection import connect, faults_as_messages
from app.storage.opening import in_transaction, read_setting, write_setting

UI_STATE_KEY = "ui_state"  # window geometry, theme, the welcome seen: nothing a screen shows

if TYPE_CHECKING:
    from app.services.anki_export import AnkiExport
    from app.services.authoring import AuthoringService
    from app.services.backup_service import BackupService
    from app.services.browse_service import BrowseService
    from app.services.card_import import CardImportService
    from app.services.graph_service import GraphService
    from app.services.interview_service import InterviewForecast, InterviewService
    from app.services.media import MediaLibrary
    from app.services.memory_service import MemoryService
    from app.services.quiz_service import QuizService
    from app.services.stats_service import StatsService
    from app.services.stories import StoryService
    from app.services.story_rehearsal import RehearsalService
    from app.services.transfer import ImportAllResult, TransferSummary
    from app.storage.backup import Recovery


# What another process may have written (the file says only *that* it changed).
OUTSIDE = Changes.QUEUE | Changes.PROGRESS | Changes.QUIZZES | Changes.SETTINGS


class OutsideWrites:
    """Notices commits this run did not report, with SQLite's `PRAGMA data_version` as the
    review session's connection sees it (it moves for every other connection's commit)."""

    def __init__(self, version: Callable[[], int]) -> None:
        self._version = version
        self._seen: int | None = None

    def _read(self) -> int | None:
        try:
            return self._version()
        except sqlite3.ProgrammingError:  # the connection is closed: quitting or restoring
            return None

    def acknowledge(self) -> None:
        """Everything committed so far was reported (or is this run's own doing)."""
        self._seen = self._read()

    def changes(self) -> Changes:
        """`OUTSIDE` when something committed since the last look, else `Changes.NONE`."""
        version, seen = self._read(), self._seen
        self._seen = version
        moved = version is not None and seen is not None and version != seen
        return OUTSIDE if moved else Changes.NONE


class Application:
    """One run of Lattice: the opened context and the services over it, each built once."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._followed: PlannedDay | None = None  # today's interview plan, when followed
        self._review = self._session(None)
        self.outside = OutsideWrites(lambda: self._review.ledger.data_version())
        self._quiz: QuizService | None = None
        self._graph: GraphService | None = None
        self._browse: BrowseService | None = None
        self._authoring: AuthoringService | None = None
        self._stats: StatsService | None = None
        self._interview: InterviewService | None = None
        self._memory: MemoryService | None = None
        self._backups: BackupService | None = None
        self._media: MediaLibrary | None = None
        self._card_import: CardImportService | None = None
        self._stories: StoryService | None = None
        self._rehearsal: RehearsalService | None = None

    @classmethod
    def open(
        cls, data: str | Path | None = None, *, index_search: bool = True, full_check: bool = True
    ) -> Application:
        """Open the data folder (see `open_context`) and compose the services over it."""
        return cls(open_context(data, index_search=index_search, full_check=full_check))

    # -- what the screens read ------------------------------------------------------------
    @property
    def bank(self) -> ContentBank:
        return self.ctx.bank

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def local_tz(self) -> tzinfo:
        return self.ctx.clock.local_tz

    @property
    def settings(self) -> StudySettings:
        return self.ctx.settings

    @property
    def data_dir(self) -> Path:
        return self.ctx.data_dir

    @property
    def recovery(self) -> Recovery | None:
        """What was restored at start (or by `recover_now`), for the message that says so."""
        return self.ctx.recovery

    @property
    def integrity_checked(self) -> bool:
        return self.ctx.integrity_checked

    def content_problems(self) -> list[str]:
        """Every problem of the content, as `path:line: message` relative to the content."""
        return [p.format(self.ctx.content_root) for p in self.ctx.bank.problems]

    def has_unfinished_quiz(self) -> bool:
        return self.ctx.has_unfinished_quiz()

    def sync_search_index(self) -> None:
        """Bring the full-text index up to date (a no-op unless the cards' text changed)."""
        self.ctx.sync_search_index()
        self.outside.acknowledge()  # a derived index: nothing any screen shows

    # -- the window's own state ------------------------------------------------------------
    def ui_state(self) -> dict[str, object]:
        """What the window keeps between runs (geometry, theme, welcome seen); read with a
        plain connection, so restoring the window imports no ORM before the first card."""
        with closing(connect(self.ctx.db_path)) as conn:
            value = read_setting(conn, UI_STATE_KEY, {})
        return dict(value) if isinstance(value, dict) else {}

    def save_ui_state(self, **values: object) -> Changes:
        state = self.ui_state()
        state.update(values)
        with (
            faults_as_messages(self.ctx.db_path),
            closing(connect(self.ctx.db_path)) as conn,
            in_transaction(conn),
        ):
            write_setting(conn, UI_STATE_KEY, state)
        return Changes.NONE  # no screen shows it

    # -- the review session ---------------------------------------------------------------
    def _session(self, scope: Collection[str] | None) -> ReviewService:
        ctx = self.ctx
        previous = getattr(self, "_review", None)
        buried = previous.buried if previous is not None else None
        session = ReviewService(
            ctx.bank, ctx.db_path, ctx.clock, ctx.settings, scope=scope, buried=buried
        )
        if scope is None and self._followed is not None:
            session.follow(self._followed)
        return session

    def follow_plan(self, forecast: InterviewForecast | None) -> Changes:
        """Review serves today's part of `forecast` instead of the daily limits (None:
        back to the limits). Only the whole-bank session follows it; a concept session is
        the learner's own choice."""
        from app.domain.stats import study_date
        from app.domain.study_day import study_day_end

        ctx = self.ctx
        now, tz, hour = ctx.clock.now(), ctx.clock.local_tz, ctx.settings.day_starts_at_hour
        followed = None
        day = forecast.plan.today if forecast is not None else None
        if forecast is not None and day is not None and forecast.today == study_date(now, tz, hour):
            followed = PlannedDay(study_day_end(now, tz, hour), day.new, day.reviews)
        self._followed = followed
        if self._review.scope is None:
            self._review.follow(followed)
        return Changes.QUEUE

    @property
    def review(self) -> ReviewService:
        """The review session the Review screen shows (the whole bank, or a scope)."""
        return self._review

    def study(self, scope: Collection[str] | None) -> ReviewService:
        """Review only `scope` (card ids) from now on, or every card when None."""
        self._review.close()
        self._review = self._session(scope)
        self.outside.acknowledge()  # a new connection counts from here
        return self._review

    # -- services built on first use ------------------------------------------------------
    @property
    def quiz(self) -> QuizService:
        if self._quiz is None:
            from app.services.quiz_service import QuizService
            from app.storage.quiz_store import QuizStore

            ctx = self.ctx
            self._quiz = QuizService(
                ctx.bank,
                ctx.store,
                QuizStore(ctx.store.engine),
                ctx.clock,
                scheduler_settings=ctx.settings.scheduler_settings(),
                card_order=lambda: ctx.card_order,
            )
        return self._quiz

    @property
    def graph(self) -> GraphService:
        if self._graph is None:
            from app.services.graph_service import GraphService

            self._graph = GraphService(self.ctx)
        return self._graph

    @property
    def browse(self) -> BrowseService:
        if self._browse is None:
            from app.services.browse_service import BrowseService

            self.ctx.sync_search_index()  # no-op unless the content changed since start-up
            self._browse = BrowseService(self.ctx)
        return self._browse

    @property
    def authoring(self) -> AuthoringService:
        if self._authoring is None:
            from app.services.authoring import AuthoringService

            self._authoring = AuthoringService(self.ctx)
        return self._authoring

    @property
    def stats(self) -> StatsService:
        if self._stats is None:
            from app.services.stats_service import StatsService

            self._stats = StatsService(self.ctx)
        return self._stats

    @property
    def interview(self) -> InterviewService:
        if self._interview is None:
            from app.services.interview_service import InterviewService

            self._interview = InterviewService(self.ctx)
        return self._interview

    @property
    def memory(self) -> MemoryService:
        if self._memory is None:
            from app.services.memory_service import MemoryService

            self._memory = MemoryService(self.ctx)
        return self._memory

    @property
    def backups(self) -> BackupService:
        if self._backups is None:
            from app.services.backup_service import BackupService

            self._backups = BackupService(self.ctx)
        return self._backups

    @property
    def card_import(self) -> CardImportService:
        if self._card_import is None:
            from app.services.card_import import CardImportService

            self._card_import = CardImportService(self.ctx)
        return self._card_import

    @property
    def stories(self) -> StoryService:
        """The STAR stories, for the Stories screen and the Quiz's behavioural round."""
        if self._stories is None:
            from app.services.stories import StoryService

            self._stories = StoryService(self.ctx)
        return self._stories

    @property
    def rehearsal(self) -> RehearsalService:
        if self._rehearsal is None:
            from app.services.story_rehearsal import RehearsalService

            self._rehearsal = RehearsalService(self.stories, self.ctx.clock)
        return self._rehearsal

    # -- operations over the whole run ----------------------------------------------------
    def save_settings(self, settings: StudySettings) -> Changes:
        """Save the study settings; the review session (same scope) and the quiz's
        Rate Again follow them from now on. New FSRS parameters (applied or reverted)
        reschedule every card in review with them."""
        changes = Changes.SETTINGS | Changes.QUEUE
        parameters_changed = settings.fsrs_parameters != self.ctx.settings.fsrs_parameters
        self.ctx.save_settings(settings)
        if parameters_changed:
            self.memory.reschedule(settings)
            changes |= Changes.PROGRESS
        self.study(self._review.scope)
        if self._quiz is not None:
            self._quiz.scheduler = Scheduler(settings.scheduler_settings())
        return changes

    def export_anki(self, out: Path, with_progress: bool = True) -> AnkiExport:
        """Every card to an Anki package; with progress (the default) Anki continues where
        Lattice left off."""
        from app.services.anki_export import export_from

        return export_from(self.ctx, out, with_progress=with_progress)

    @property
    def media(self) -> MediaLibrary:
        """The images and sounds cards show (`DATA/media/`), for the screens to load."""
        if self._media is None:
            from app.services.media import MediaLibrary

            self._media = MediaLibrary(self.ctx.data_dir)
        return self._media

    def export_all(self, out: Path) -> TransferSummary:
        from app.services.transfer import export_all

        return export_all(self.ctx.data_dir, out, self.ctx.clock.now())

    def inspect_export(self, path: Path) -> TransferSummary:
        """Check an export file completely, changing nothing (raises `ImportRefused`)."""
        from app.services.transfer import inspect_export

        return inspect_export(path, self.ctx.data_dir)

    def import_all(self, path: Path) -> ImportAllResult:
        """Replace the data folder's contents with an export's (the app restarts after)."""
        from app.services.transfer import import_all

        self.close()
        try:
            return import_all(path, self.ctx.data_dir, self.ctx.clock.now())
        except Exception:
            self._review = self._session(self._review.scope)  # refused: nothing changed
            raise

    def recover_now(self) -> Recovery:
        """Set a damaged database aside and restore the newest healthy backup."""
        self._review.close()
        recovery = self.backups.recover_now()
        self.ctx.recovery = recovery
        return recovery

    def close(self) -> None:
        """Release every connection (waits for the last grade's fsync)."""
        self._review.close()
        self.ctx.close()
