"""Lattice benchmarks: `python tests/benchmarks/run.py [--quick] [--json OUT]`.

Each figure is the median (with min and max) of repeated runs after a warm-up, measured in
this one process so ratios between figures are meaningful. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.benchmarks.synthetic import (  # noqa: E402
    ReviewHistory,
    bytes_per_row,
    history_label,
    synthetic_shape,
    write_anki_history,
    write_history,
    write_synthetic_content,
)

Result = dict[str, Any]


def measure(fn: Callable[[], object], repeat: int, warmup: int = 1) -> Result:
    """Milliseconds per call of `fn`: median, min and max of `repeat` runs after a warm-up."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return spread(times)


def measure_alternating(
    first: Callable[[], object], second: Callable[[], object], repeat: int, warmup: int = 1
) -> tuple[Result, Result]:
    """`measure` for two functions called turn about, so a drifting machine (a shared
    disk's fsync times) affects both alike."""
    for _ in range(warmup):
        first()
        second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for fn, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            fn()
            bucket.append((time.perf_counter() - start) * 1000)
    return spread(times[0]), spread(times[1])


def spread(times: list[float], unit: str = "ms") -> Result:
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "runs": len(times),
        "unit": unit,
    }


def single(value: float, unit: str = "ms") -> Result:
    """A figure measured once (or derived, like a ratio): median = min = max."""
    return {"median": value, "min": value, "max": value, "runs": 1, "unit": unit}


def child_env() -> dict[str, str]:
    """The environment for measured child processes: offscreen, and allowed to keep
    bytecode caches as an installed app does (the first, dropped round writes them)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def bench_graph(results: dict[str, Result], quick: bool) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from app.domain.graph_layout import layered_layout
    from app.ui.graph.map_view import MapView
    from app.ui.graph.scene import ConceptScene
    from app.ui.graph.screen import DETAIL_LOD

    shape = synthetic_shape(5000, 15000)
    results["graph layout, 5,000 concepts / 15,000 links"] = measure(
        lambda: layered_layout(shape), repeat=1 if quick else 3, warmup=0
    )
    app = QApplication.instance() or QApplication([])
    positions = layered_layout(shape)
    scene = ConceptScene(False)
    concepts = {n: (f"Concept {n}", "#5b8def") for n in shape.nodes}
    start = time.perf_counter()
    scene.populate(concepts, list(shape.requires), list(shape.related), positions)
    results["graph scene build (5,000 nodes)"] = single((time.perf_counter() - start) * 1000)
    view = MapView(scene)
    view.zoomed.connect(lambda zoom: scene.set_overview(zoom < DETAIL_LOD))
    view.resize(1200, 800)
    view.show()
    app.processEvents()
    viewport = view.viewport()
    view.set_zoom(1.0)
    view.centerOn(QPointF(*positions[shape.nodes[2500]]))
    app.processEvents()
    results["graph repaint, zoom 100 % (a neighbourhood)"] = measure(
        viewport.repaint, repeat=20 if quick else 60, warmup=3
    )

    state = {"dx": 1}

    def pan() -> None:
        state["dx"] = -state["dx"]
        view.horizontalScrollBar().setValue(view.horizontalScrollBar().value() + 40 * state["dx"])
        viewport.repaint()

    results["graph pan step + repaint, zoom 100 %"] = measure(
        pan, repeat=20 if quick else 60, warmup=3
    )
    view.fit(scene.visible_rect())
    app.processEvents()
    results["graph repaint, whole map fitted"] = measure(
        viewport.repaint, repeat=10 if quick else 30, warmup=2
    )
    view.close()
    _bench_big_map_repaint(results, quick)


def _bench_big_map_repaint(results: dict[str, Result], quick: bool) -> None:
    """The Graph screen on 100,000 cards in 25,000 concepts (goal: every repaint under
    16 ms, one frame), in quick runs too: a close-up, the whole map fitted (first paint
    and repaints after it, as hover and selection cause), a mid zoom, and wheel steps."""
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from app.domain.clock import FakeClock
    from app.locations import content_dir
    from app.services.application import Application
    from app.services.context import open_context
    from app.ui.application import make_app
    from app.ui.graph import GraphScreen

    app: Any = QApplication.instance() or make_app("light")
    label = "25,000 concepts / 100,000 cards"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        write_synthetic_content(root, 25000, 4, content_dir() / "areas.yaml")
        ctx = open_context(Path(tmp) / "data", content=root, clock=FakeClock())
        screen = GraphScreen(Application(ctx))
        screen.resize(1366, 740)
        screen.show()
        for _ in range(3):
            app.processEvents()
        view, viewport = screen.view, screen.view.viewport()
        view.set_zoom(1.0)
        view.centerOn(QPointF(screen.scene.visible_rect().center()))
        app.processEvents()
        results[f"graph repaint, {label}, zoom 100 %"] = measure(
            viewport.repaint, repeat=20 if quick else 60, warmup=3
        )
        view.set_zoom(0.1)
        app.processEvents()
        results[f"graph repaint, {label}, zoom 10 %"] = measure(
            viewport.repaint, repeat=20 if quick else 60, warmup=3
        )
        screen.fit()
        start = time.perf_counter()
        viewport.repaint()
        results[f"graph first paint, {label}, whole map fitted"] = single(
            (time.perf_counter() - start) * 1000
        )
        results[f"graph repaint, {label}, whole map fitted"] = measure(
            viewport.repaint, repeat=10 if quick else 30, warmup=2
        )
        state = {"in": True}

        def wheel_step() -> None:
            state["in"] = not state["in"]
            view.zoom_by(1.15 if state["in"] else 1 / 1.15)
            viewport.repaint()

        results[f"graph wheel zoom step + repaint, {label}, fitted"] = measure(
            wheel_step, repeat=10 if quick else 30, warmup=2
        )
        screen.close()
        ctx.close()


def bench_content(results: dict[str, Result], quick: bool) -> None:
    """Parsing and validating the content, and opening it from the parse cache (what every
    start after the first does: hash the files, find them unchanged, load the result)."""
    from app.domain.content_loader import load_bank
    from app.locations import cache_dir, content_dir
    from app.services.context import load_content

    def cached(root: Path, user: Path) -> Callable[[], object]:
        load_content(root, user, cache_dir())  # fills the cache
        return lambda: load_content(root, user, cache_dir())

    with tempfile.TemporaryDirectory() as tmp:
        user = Path(tmp) / "no-user-cards"
        results["load + validate bundled content (parse)"] = measure(
            lambda: load_bank(content_dir()), repeat=3 if quick else 10
        )
        results["open bundled content from the parse cache"] = measure(
            cached(content_dir(), user), repeat=3 if quick else 10
        )
        root = Path(tmp) / "content"
        write_synthetic_content(root, 2500, 4, content_dir() / "areas.yaml")
        results["load + validate 10,000 synthetic cards (parse)"] = measure(
            lambda: load_bank(root), repeat=1 if quick else 3
        )
        results["open 10,000 synthetic cards from the parse cache"] = measure(
            cached(root, user), repeat=3 if quick else 5
        )


def _review_step(service: Any, clock: Any) -> Callable[[], None]:
    """One keypress worth of work: fetch the next card, grade it, recount the queue."""
    from app.domain.scheduling import Grade

    grades = [Grade.GOOD, Grade.AGAIN, Grade.EASY, Grade.HARD]
    counter = {"i": 0}

    def step() -> None:
        due = service.next_card()
        if due is None:
            clock.advance(days=1)
            due = service.next_card()
        assert due is not None
        counter["i"] += 1
        service.answer(due, grades[counter["i"] % 4])
        clock.advance(seconds=5)
        service.counts()

    return step


def bench_review(results: dict[str, Result], quick: bool) -> None:
    from app.domain.clock import FakeClock
    from app.domain.content_loader import load_bank
    from app.locations import content_dir
    from app.services.context import open_context
    from app.services.review_service import ReviewService

    sizes = [1000] if quick else [1000, 10000]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "content"
            write_synthetic_content(root, size // 4, 4, content_dir() / "areas.yaml")
            clock = FakeClock()
            ctx = open_context(Path(tmp) / "data", content=root, clock=clock)
            assert len(load_bank(root).cards) == size
            service = ReviewService(ctx.bank, ctx.db_path, clock, ctx.settings)
            step = _review_step(service, clock)
            results[f"review: grade + next card + counts, {size:,} cards"] = measure(
                step, repeat=50 if quick else 200, warmup=5
            )
            ctx.close()


def _anki_step(col: Any) -> Callable[[], None]:
    """Anki doing the same work: fetch the next queued card (with counts), answer it."""
    from anki.scheduler.v3 import CardAnswer

    ratings = [CardAnswer.GOOD, CardAnswer.AGAIN, CardAnswer.EASY, CardAnswer.HARD]
    counter = {"i": 0}

    def step() -> None:
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            raise RuntimeError("Anki's queue ran dry")
        top = queued.cards[0]
        card = col.get_card(top.card.id)
        card.start_timer()
        counter["i"] += 1
        answer = col.sched.build_answer(
            card=card, states=top.states, rating=ratings[counter["i"] % 4]
        )
        col.sched.answer_card(answer)

    return step


def bench_review_vs_anki(results: dict[str, Result], quick: bool) -> None:
    """Grade + next card through our service layer and through Anki's Rust backend, each
    carrying the same review history (1,000,000 reviews over three years; 100,000 with
    --quick): 70 % of the cards in review, a tenth of those due today, the rest new."""
    try:
        from anki.collection import AddNoteRequest, Collection
    except ImportError:
        print("anki is not installed (pip install -e '.[bench]'): skipping the Anki comparison")
        return
    from app.domain.clock import FakeClock
    from app.domain.study_day import StudySettings, study_day_start
    from app.locations import content_dir
    from app.services.context import open_context
    from app.services.review_service import ReviewService
    from app.storage.backup import make_backup
    from app.storage.database import database_path

    sizes = [1000, 10000] if quick else [1000, 10000, 100000]
    reviews = 100_000 if quick else 1_000_000
    for size in sizes:
        history = ReviewHistory(size, reviews)
        label = f"{size:,} cards, {history_label(reviews)}"
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "content"
            write_synthetic_content(root, size // 4, 4, content_dir() / "areas.yaml")
            clock = FakeClock()
            ctx = open_context(Path(tmp) / "data", content=root, clock=clock)
            limits = StudySettings(new_per_day=9999, max_reviews_per_day=9999)
            start = time.perf_counter()
            today = study_day_start(clock.now(), clock.local_tz, limits.day_starts_at_hour)
            write_history(database_path(ctx.data_dir), history, today)
            ours_setup = time.perf_counter() - start
            service = ReviewService(ctx.bank, ctx.db_path, clock, limits)  # after the history
            step = _review_step(service, clock)
            repeat = 100 if quick else 300
            ours = measure(step, repeat=repeat, warmup=10)

            (Path(tmp) / "anki").mkdir()
            col = Collection(str(Path(tmp) / "anki" / "collection.anki2"))
            col.set_config("fsrs", True)
            deck = col.decks.id("Default")
            assert deck is not None
            conf = col.decks.config_dict_for_deck_id(deck)
            conf["new"]["perDay"] = 9999  # Anki's maximum
            conf["rev"]["perDay"] = 9999
            conf["newMix"] = 1  # new cards after reviews, as ours (Anki's default mixes them)
            col.decks.update_config(conf)
            model = col.models.by_name("Basic")
            assert model is not None
            requests = []
            for i in range(size):
                note = col.new_note(model)
                note["Front"], note["Back"] = f"Synthetic question {i}?", f"Answer {i}"
                requests.append(AddNoteRequest(note=note, deck_id=deck))
            col.add_notes(requests)
            start = time.perf_counter()
            write_anki_history(col, history)
            anki_setup = time.perf_counter() - start

            # Like Anki, the fsync inside the step; both measured turn about, so both meet
            # the same disk (this machine's is shared, and its fsync times drift).
            service.ledger.fsync_in_commit()
            ours_fsynced, theirs = measure_alternating(
                step, _anki_step(col), repeat=repeat, warmup=10
            )
            service.close()
            ctx.close()
            db = database_path(ctx.data_dir)
            ours_bytes, _rows = bytes_per_row(db, "review_log")
            ours_db = db.stat().st_size
            ours_backup = make_backup(db, ctx.data_dir, clock.now()).size
            backups = Path(tmp) / "anki-backups"
            backups.mkdir()
            col.create_backup(backup_folder=str(backups), force=True, wait_for_completion=True)
            anki_backup = sum(f.stat().st_size for f in backups.iterdir())
            col.close()
            anki_db = Path(tmp) / "anki" / "collection.anki2"
            anki_bytes, _rows = bytes_per_row(anki_db, "revlog")
            anki_size = anki_db.stat().st_size
        print(
            f"review history, {label}: written in {ours_setup:.1f} s (ours), "
            f"{anki_setup:.1f} s (Anki)"
        )
        results[f"review step, ours, {label}"] = ours
        results[f"review step, ours, fsync inside the step, {label}"] = ours_fsynced
        results[f"review step, Anki, {label}"] = theirs
        results[f"review step ratio ours/Anki, {label}"] = single(
            ours["median"] / theirs["median"], "×"
        )
        results[f"review step ratio ours (fsync inside)/Anki, {label}"] = single(
            ours_fsynced["median"] / theirs["median"], "×"
        )
        results[f"bytes per review incl. indexes, ours, {label}"] = single(ours_bytes, "B")
        results[f"bytes per review incl. indexes, Anki, {label}"] = single(anki_bytes, "B")
        results[f"database size, ours, {label}"] = single(ours_db / 1e6, "MB")
        results[f"database size, Anki, {label}"] = single(anki_size / 1e6, "MB")
        results[f"backup size, ours, {label}"] = single(ours_backup / 1e6, "MB")
        results[f"backup size, Anki (.colpkg), {label}"] = single(anki_backup / 1e6, "MB")


PEAK_PROBE = """
import resource, sys
from pathlib import Path
from app.services.application import Application
from app.services.context import open_context
from app.ui.application import build_window, make_app
make_app("light")
content = Path(sys.argv[2]) if len(sys.argv) > 2 else None
window = build_window(Application(open_context(Path(sys.argv[1]), content=content)))
window.resize(1100, 760)
window.show()
for name in window.screens:
    window.show_screen(name)
    make_app().processEvents()
try:  # VmHWM is this process's own peak; ru_maxrss survives exec from a bigger parent
    status = open("/proc/self/status").read()
    print("PEAK", int(status.split("VmHWM:")[1].split()[0]))
except (OSError, IndexError):
    print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_mib(data: Path, content: Path | None = None) -> tuple[float, float]:
    """Peak RSS of a fresh process that opens every screen (Linux reports KiB).

    Returned for the first start (the content is parsed into the cache and the database
    created, as after installing) and for an everyday start after it."""
    import subprocess

    args = [sys.executable, "-c", PEAK_PROBE, str(data)] + ([str(content)] if content else [])
    peaks = []
    for _first_then_everyday in range(2):
        out = subprocess.run(
            args, cwd=ROOT, check=True, capture_output=True, text=True, env=child_env()
        ).stdout
        kib = int(next(line for line in out.splitlines() if line.startswith("PEAK")).split()[1])
        peaks.append(kib / 1024)
    return peaks[0], peaks[1]


def _keypress_times(window: Any, app: Any, rounds: int) -> list[float]:
    """Reveal with Space (untimed), then time the grade key until the next card is painted."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    review = window.review
    times = []
    for i in range(rounds):
        if review.current is None:
            break
        QTest.keyClick(review, Qt.Key.Key_Space)
        app.processEvents()
        start = time.perf_counter()
        QTest.keyClick(review, Qt.Key.Key_3 if i % 3 else Qt.Key.Key_1)
        review.view.viewport().repaint()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_keypress(results: dict[str, Result], quick: bool) -> None:
    """GUI: a grade key to the next card painted, offscreen, on the bundled bank and on a
    100,000-card bank."""
    from PySide6.QtWidgets import QApplication

    from app.domain.clock import FakeClock
    from app.domain.study_day import StudySettings
    from app.locations import content_dir
    from app.services.application import Application
    from app.services.context import open_context
    from app.ui.application import build_window, make_app

    app = make_app("light")
    sizes: list[tuple[str, Path | None]] = [("bundled content", None)]
    with tempfile.TemporaryDirectory() as tmp:
        if not quick:
            root = Path(tmp) / "big"
            write_synthetic_content(root, 25000, 4, content_dir() / "areas.yaml")
            sizes.append(("100,000 cards", root))
        for label, root in sizes:
            ctx = open_context(Path(tmp) / f"data-{label[:3]}", content=root, clock=FakeClock())
            ctx.save_settings(StudySettings(new_per_day=9999, max_reviews_per_day=9999))
            window = build_window(Application(ctx))
            window.resize(1100, 760)
            window.show()
            QApplication.processEvents()
            times = _keypress_times(window, app, 40 if quick else 120)[5:]  # first few warm up
            results[f"keypress to next card painted, {label}"] = spread(times)
            window.close()
            window.deleteLater()
            QApplication.processEvents()


def bench_memory(results: dict[str, Result], quick: bool) -> None:
    """Peak resident memory after opening every screen: the bundled content; 100,000 cards
    in 5,000 concepts (the size of the map benchmark); and, as a stress figure, 100,000
    cards spread over 25,000 concepts, where the map's one item per concept dominates."""
    from app.locations import content_dir

    with tempfile.TemporaryDirectory() as tmp:
        first, everyday = _peak_mib(Path(tmp) / "bundled")
        results["peak RSS, every screen, bundled content"] = single(everyday, "MiB")
        results["peak RSS, every screen, bundled content, first start"] = single(first, "MiB")
        # The 25,000-concept stress figure is in quick runs too: its goal is 300 MiB.
        sizes = [("100,000 cards in 25,000 concepts", 25000, 4)]
        if not quick:
            sizes.insert(0, ("100,000 cards in 5,000 concepts", 5000, 20))
        for label, concepts, per_concept in sizes:
            root = Path(tmp) / f"content-{concepts}"
            write_synthetic_content(root, concepts, per_concept, content_dir() / "areas.yaml")
            first, everyday = _peak_mib(Path(tmp) / f"data-{concepts}", root)
            results[f"peak RSS, every screen, {label}"] = single(everyday, "MiB")
            results[f"peak RSS, every screen, {label}, first start"] = single(first, "MiB")


def bench_search(results: dict[str, Result], quick: bool) -> None:
    """FTS5 search over 10,000 synthetic cards: a rare word, a prefix, a word in every card."""
    from app.domain.clock import FakeClock
    from app.locations import content_dir
    from app.services.browse_service import BrowseService
    from app.services.context import open_context

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        write_synthetic_content(root, 2500, 4, content_dir() / "areas.yaml")
        start = time.perf_counter()
        ctx = open_context(Path(tmp) / "data", content=root, clock=FakeClock())
        results["open + index 10,000 cards (first start)"] = single(
            (time.perf_counter() - start) * 1000
        )
        assert len(ctx.bank.cards) == 10000
        service = BrowseService(ctx)
        repeat = 20 if quick else 100
        for label, query in (
            ("a number, few hits", "1234"),
            ("a prefix as typed", "synth"),
            ("two words", "topic 77"),
            ("a word in every card", "synthetic"),
        ):
            results[f"search 10,000 cards: {label}"] = measure(
                lambda q=query: service.search(q), repeat=repeat, warmup=3
            )
        results["browse rows, 10,000 cards"] = measure(service.rows, repeat=3 if quick else 10)
        ctx.store.engine.dispose()


FROZEN = ROOT / "dist" / "lattice" / ("lattice.exe" if os.name == "nt" else "lattice")
PROBE_MARKER = "first-card-painted"


def _time_to_first_card(command: list[str], data: Path, tree: Path = ROOT) -> float:
    """Milliseconds from launching `command` (in the checkout `tree`) until it reports its
    first painted card."""
    import subprocess

    env = child_env()
    if tree != ROOT:
        env["PYTHONPATH"] = str(tree)  # that checkout's `app`, not this one's
    start = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--startup-probe", "--data-dir", str(data)],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.strip() == PROBE_MARKER:
            elapsed = (time.perf_counter() - start) * 1000
            break
    else:
        raise RuntimeError(f"{command[0]} exited without painting a card")
    process.wait(timeout=60)
    return elapsed


BARE_QT = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
label = QLabel("A bare PySide6 window")
label.resize(1100, 760)
class FirstPaint(QObject):
    done = False
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            QTimer.singleShot(0, lambda: (print("first-card-painted", flush=True), app.quit()))
        return False
probe = FirstPaint()
label.installEventFilter(probe)
label.show()
app.exec()
"""


# Set from the command line (`--rounds`, `--against`): how many rounds start-up is timed,
# and another checkout (a worktree of an older commit, say) timed turn about with this one.
STARTUP_ROUNDS: int | None = None
STARTUP_AGAINST: Path | None = None


def bench_startup(results: dict[str, Result], quick: bool) -> None:
    """Process launch to first card painted, from source, against a bare PySide6 window
    shown and painted by the same interpreter, offscreen, alternating runs."""
    commands: dict[str, tuple[list[str], Path]] = {
        "bare PySide6 window": ([sys.executable, "-c", BARE_QT, "--"], ROOT),
        "Lattice from source": ([sys.executable, "-m", "app"], ROOT),
    }
    if STARTUP_AGAINST is not None:
        commands[f"Lattice from {STARTUP_AGAINST}"] = (
            [sys.executable, "-m", "app"],
            STARTUP_AGAINST,
        )
    repeat = STARTUP_ROUNDS or (3 if quick else 9)
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat + 1):  # the first round warms the file cache and is dropped
            for index, (name, (command, tree)) in enumerate(commands.items()):
                elapsed = _time_to_first_card(command, Path(tmp) / f"{run}-{index}", tree)
                if run:
                    times[name].append(elapsed)
    for name, values in times.items():
        results[f"start to first paint, {name}"] = spread(values)
    bare = statistics.median(times["bare PySide6 window"])
    for name, values in times.items():
        if name.startswith("Lattice"):
            label = "Lattice" if name == "Lattice from source" else name
            results[f"start ratio {label} / bare PySide6"] = single(
                statistics.median(values) / bare, "×"
            )


def bench_cold_start(results: dict[str, Result], quick: bool) -> None:
    """Frozen build against source: process launch to the first card painted, offscreen.

    Each run gets a fresh data directory, so it also creates and fills the database.
    Skipped when there is no build in dist/lattice (python packaging/build.py makes one).
    """
    if not FROZEN.is_file():
        print(f"cold start: skipped, no frozen build at {FROZEN.relative_to(ROOT)}")
        return
    commands = {
        "frozen (dist/lattice)": [str(FROZEN)],
        "source (python -m app)": [sys.executable, "-m", "app"],
    }
    repeat = 3 if quick else 7
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(repeat + 1):  # the first round warms the file cache and is dropped
            for name, command in commands.items():
                elapsed = _time_to_first_card(
                    command, Path(tmp) / f"{run}-{len(times[name])}-{name[:6]}"
                )
                if run:
                    times[name].append(elapsed)
    for name, values in times.items():
        results[f"cold start to first card, {name}"] = spread(values)


def bench_grader(results: dict[str, Result], quick: bool) -> None:
    """The quiz grader against the labelled answers (tests/grading/): agreement by kind of
    answer, and the time to grade one answer, its card prepared ahead (as the quiz does), and
    again with every cache warm."""
    from app.domain.content_loader import load_bank
    from tests.grading.evaluate import KINDS, SETS, evaluate, load_records

    bank = load_bank(ROOT / "content")
    for name in SETS:
        label = name.removesuffix(".jsonl")
        records = load_records(name)
        report = evaluate(records, bank)  # the first pass, as a fresh app grades
        results[f"grader {label}: per-point F1, all answers"] = single(report.overall.f1, "")
        for kind in KINDS:
            tally = report.by_kind[kind]
            for measure in ("precision", "recall", "f1"):
                value = getattr(tally, measure)
                results[f"grader {label}: {measure}, {kind} answers"] = single(value, "")
        results[f"grader {label}: strong answers scored below half"] = single(
            report.strong_below_half * 100, "%"
        )
        results[f"grader {label}: wrong answers scored at half or more"] = single(
            report.wrong_at_half_or_more * 100, "%"
        )
        results[f"grader {label}: grade one answer, card prepared ahead, p95"] = single(
            report.p95_ms
        )
        warm = evaluate(records, bank)
        results[f"grader {label}: grade one answer, warm, p95"] = single(warm.p95_ms)


GROUPS: dict[str, Callable[[dict[str, Result], bool], None]] = {
    "content": bench_content,
    "review": bench_review,
    "anki": bench_review_vs_anki,
    "search": bench_search,
    "graph": bench_graph,
    "keypress": bench_keypress,
    "startup": bench_startup,
    "cold-start": bench_cold_start,
    "memory": bench_memory,
    "grader": bench_grader,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and sizes")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument(
        "--only",
        help="run only these groups, comma-separated: " + ", ".join(GROUPS),
    )
    parser.add_argument(
        "--rounds", type=int, help="start-up: rounds timed (default 9, 3 with --quick)"
    )
    parser.add_argument(
        "--against",
        metavar="DIR",
        type=Path,
        help="start-up: also time the checkout in DIR (a worktree of another commit), turn about",
    )
    args = parser.parse_args()
    global STARTUP_ROUNDS, STARTUP_AGAINST
    STARTUP_ROUNDS, STARTUP_AGAINST = args.rounds, args.against
    chosen = args.only.split(",") if args.only else list(GROUPS)
    unknown = set(chosen) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    results: dict[str, Result] = {}
    # A private parse cache, so no run depends on (or touches) the user's own.
    cache = tempfile.TemporaryDirectory(prefix="lattice-bench-cache-")
    os.environ["LATTICE_CACHE_DIR"] = cache.name
    for name in chosen:
        GROUPS[name](results, args.quick)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    print(f"Machine: {machine}")
    width = max(len(k) for k in results)
    print(f"{'benchmark':<{width}}  {'median':>9}  {'min':>9}  {'max':>9}  {'unit':<4}  runs")
    for name, r in results.items():
        print(
            f"{name:<{width}}  {r['median']:>9.2f}  {r['min']:>9.2f}  {r['max']:>9.2f}"
            f"  {r['unit']:<4}  {r['runs']:>4}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine, "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
