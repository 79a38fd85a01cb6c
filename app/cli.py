"""Command line: the GUI by default, plus tool commands for content, stats and screenshots."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__

if TYPE_CHECKING:
    from app.services.context import AppContext


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="folder for the database and your own cards")


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    """The command line. Without `with_commands` only the GUI's own options are known:
    enough for a plain start, and several milliseconds quicker to build."""
    parser = argparse.ArgumentParser(
        prog="lattice", description="Study for AI / ML / LLM interviews."
    )
    parser.add_argument("--version", action="version", version=f"Lattice {__version__}")
    _add_data_dir(parser)
    parser.add_argument("--theme", choices=["light", "dark"], help="colour theme (default: system)")
    parser.add_argument(
        "--startup-probe",
        action="store_true",
        help="quit once the first card is painted (for start-up benchmarks)",
    )
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    sub = parser.add_subparsers(dest="command")
    check = sub.add_parser("check-content", help="validate the content bank")
    check.add_argument("--content", help="content folder (default: the bundled one)")
    dump = sub.add_parser("dump-content", help="print the content bank")
    dump.add_argument("--json", action="store_true", required=True, help="as one JSON object")
    dump.add_argument("--content", help="content folder (default: the bundled one)")
    backup = sub.add_parser("backup", help="back up the database now")
    _add_data_dir(backup)
    stats = sub.add_parser("stats", help="print progress counts")
    stats.add_argument("--json", action="store_true", required=True, help="as one JSON object")
    _add_data_dir(stats)
    stories = sub.add_parser("stories", help="print your STAR stories and their coverage")
    stories.add_argument("--json", action="store_true", required=True, help="as one JSON object")
    _add_data_dir(stories)
    selftest = sub.add_parser(
        "self-test", help="open every screen offscreen and exit 0 if all is well"
    )
    _add_data_dir(selftest)
    shot = sub.add_parser("screenshot", help="save a PNG of one screen")
    shot.add_argument("view", help="screen name, e.g. review")
    shot.add_argument("out", help="PNG file to write")
    shot.add_argument("--size", default="1100x760", help="window size WxH")
    shot.add_argument("--theme", choices=["light", "dark"], help="colour theme")
    shot.add_argument("--reveal", action="store_true", help="review: show the answer side")
    _add_data_dir(shot)
    quiz = sub.add_parser("quiz", help="open the app straight into a timed quiz")
    quiz.add_argument("--count", type=int, default=10, help="number of questions (default 10)")
    quiz.add_argument(
        "--seconds", type=int, help="fixed seconds per question (default: each card's own)"
    )
    quiz.add_argument(
        "--area", action="append", default=[], metavar="ID", help="only this area (repeatable)"
    )
    quiz.add_argument("--theme", choices=["light", "dark"], help="colour theme")
    _add_data_dir(quiz)
    _add_interop_commands(sub)
    _add_memory_commands(sub)
    return parser


def _add_memory_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    optimize = sub.add_parser(
        "optimize", help="fit your own FSRS parameters from your reviews (and apply them)"
    )
    optimize.add_argument(
        "--apply", action="store_true", help="use them if they predict held-out reviews better"
    )
    optimize.add_argument("--json", action="store_true", help="as one JSON object")
    _add_data_dir(optimize)
    plan = sub.add_parser("plan", help="plan each day toward your interview date")
    plan.add_argument(
        "--interview", metavar="YYYY-MM-DD", help="the interview date (default: the one set)"
    )
    plan.add_argument("--minutes", type=float, help="minutes a day (default: the one set, or 30)")
    plan.add_argument("--json", action="store_true", help="as one JSON object")
    _add_data_dir(plan)


def _add_interop_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    anki = sub.add_parser("export-anki", help="write the cards to an Anki package (.apkg)")
    anki.add_argument("out", help=".apkg file to write")
    anki.add_argument(
        "--area", action="append", default=[], metavar="ID", help="only this area (repeatable)"
    )
    _add_data_dir(anki)
    imp = sub.add_parser(
        "import-cards", help="import cards from an Anki .apkg, a CSV file or a Markdown folder"
    )
    imp.add_argument("source", help=".apkg, .csv, or a folder of concept files")
    imp.add_argument("--concept", help="add the cards to this existing concept (id)")
    imp.add_argument("--new-concept", metavar="TITLE", help="add them to a new concept")
    imp.add_argument("--area", help="area of the new concept (id)")
    _add_data_dir(imp)
    out = sub.add_parser(
        "export-all", help="progress, quizzes, your cards and settings in one file"
    )
    out.add_argument("file", help="file to write (.zip)")
    _add_data_dir(out)
    into = sub.add_parser(
        "import-all", help="replace progress, quizzes, cards and settings with an export-all file"
    )
    into.add_argument("file", help="a file written by export-all")
    _add_data_dir(into)


def _content_root(arg: str | None) -> Path:
    from app.locations import content_dir

    return Path(arg).resolve() if arg else content_dir()


def cmd_check_content(args: argparse.Namespace) -> int:
    from app.domain.content_checks import PARAPHRASE_FILE, editorial_problems
    from app.domain.content_loader import load_bank
    from app.domain.stories_coverage import load_questions
    from app.services.stories import questions_path

    root = _content_root(args.content)
    bank = load_bank(root)
    problems = [
        *bank.problems,
        *editorial_problems(bank, root / PARAPHRASE_FILE),
        *load_questions(questions_path(root))[1],
    ]
    if problems:
        for problem in problems:
            print(problem.format(root))
        return 1
    print(f"{len(bank.areas)} areas, {len(bank.concepts)} concepts, {len(bank.cards)} cards")
    return 0


def cmd_dump_content(args: argparse.Namespace) -> int:
    from app.domain.content_loader import load_bank

    root = _content_root(args.content)
    bank = load_bank(root)
    json.dump(bank.to_json_dict(), sys.stdout, ensure_ascii=False, indent=1)
    print()
    for problem in bank.problems:
        print(problem.format(root), file=sys.stderr)
    return 0


def _open_data(args: argparse.Namespace) -> AppContext:
    """The data folder's context; says on stderr when a damaged database was restored."""
    from app.services.context import open_context

    ctx = open_context(args.data_dir)
    if ctx.recovery is not None:
        print(f"lattice: {ctx.recovery.describe(ctx.clock.local_tz)}", file=sys.stderr)
    return ctx


def cmd_backup(args: argparse.Namespace) -> int:
    from app.domain.storage_fault import BackupFailed
    from app.services.backup_service import BackupService

    ctx = _open_data(args)
    try:
        backup = BackupService(ctx).backup_now()
    except BackupFailed as exc:
        print(f"lattice backup: the backup failed and was removed: {exc}", file=sys.stderr)
        return 1
    print(f"backed up to {backup.path} ({backup.size / 1024:.0f} KiB)")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from app.services.stats_service import summary_counts

    ctx = _open_data(args)
    print(json.dumps(summary_counts(ctx), indent=1))
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    from app.services.context import open_context
    from app.services.stories import StoryService

    ctx = open_context(args.data_dir)
    print(json.dumps(StoryService(ctx).to_json(), indent=1, ensure_ascii=False, default=str))
    return 0


def _offscreen() -> None:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def cmd_self_test(args: argparse.Namespace) -> int:
    _offscreen()
    import tempfile

    from app.ui.selftest import run_self_test

    if args.data_dir:
        return run_self_test(Path(args.data_dir))
    with tempfile.TemporaryDirectory(prefix="lattice-selftest-") as tmp:
        return run_self_test(Path(tmp))


def cmd_screenshot(args: argparse.Namespace) -> int:
    _offscreen()
    from app.ui.selftest import take_screenshot

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"--size must look like 1100x760, got {args.size!r}", file=sys.stderr)
        return 2
    return take_screenshot(
        args.view, Path(args.out), width, height, args.data_dir, args.theme, args.reveal
    )


def quiz_settings(args: argparse.Namespace) -> object:
    """The QuizSettings that `quiz` options describe."""
    from app.domain.quiz import DEFAULT_FIXED_SECONDS, QuizSettings, ScopeKind, Timing

    return QuizSettings(
        count=max(1, args.count),
        scope=ScopeKind.AREAS if args.area else ScopeKind.ALL,
        areas=tuple(args.area),
        timing=Timing.FIXED if args.seconds else Timing.CARD,
        seconds=max(10, args.seconds) if args.seconds else DEFAULT_FIXED_SECONDS,
    )


def cmd_quiz(args: argparse.Namespace) -> int:
    from app.domain.quiz import QuizSettings
    from app.ui.application import run_quiz_gui

    settings = quiz_settings(args)
    assert isinstance(settings, QuizSettings)
    return run_quiz_gui(args, settings)


def cmd_export_anki(args: argparse.Namespace) -> int:
    from app.services.anki_export import export_anki

    ctx = _open_data(args)
    try:
        result = export_anki(ctx.bank, Path(args.out), ctx.clock.now(), args.area)
    except ValueError as exc:
        print(f"export-anki: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {result.notes} notes in {result.decks} decks to {result.path}")
    return 0


def cmd_import_cards(args: argparse.Namespace) -> int:
    from app.domain.import_rules import ImportRefused, ImportTarget
    from app.services.card_import import CardImportService

    ctx = _open_data(args)
    target = ImportTarget(
        concept_id=args.concept or "", new_title=args.new_concept or "", area=args.area or ""
    )
    try:
        plan = CardImportService(ctx).import_path(Path(args.source), target)
    except ImportRefused as exc:
        print(f"import refused, nothing was imported: {exc}", file=sys.stderr)
        return 1
    print(plan.summary())
    return 0


def cmd_export_all(args: argparse.Namespace) -> int:
    from app.services.transfer import export_all

    ctx = _open_data(args)
    summary = export_all(ctx.data_dir, Path(args.file), ctx.clock.now())
    print(f"wrote {args.file}: {summary.describe()}")
    return 0


def cmd_import_all(args: argparse.Namespace) -> int:
    from app.domain.clock import SystemClock
    from app.domain.import_rules import ImportRefused
    from app.locations import data_dir
    from app.services.transfer import import_all
    from app.ui.application import single_instance_lock

    data = data_dir(args.data_dir)
    lock = single_instance_lock(data)
    if lock is None:
        print(f"Lattice is running with {data}; close it first.", file=sys.stderr)
        return 3
    try:
        result = import_all(Path(args.file), data, SystemClock().now())
    except ImportRefused as exc:
        print(f"import-all refused, nothing was changed: {exc}", file=sys.stderr)
        return 1
    finally:
        lock.unlock()
    print(f"imported {result.summary.describe()}")
    if result.database_aside:
        print(f"your previous database was kept as {result.database_aside}")
    if result.cards_aside:
        print(f"your previous cards folder was kept as {result.cards_aside}")
    return 0


def cmd_optimize(args: argparse.Namespace) -> int:
    from app.domain.memory_fit import NotEnoughReviews
    from app.services.memory_service import MemoryService, Optimization

    ctx = _open_data(args)
    service = MemoryService(ctx)
    try:
        result = service.optimize()
    except NotEnoughReviews as exc:
        if args.json:
            print(json.dumps({"reviews": exc.reviews, "needed": exc.needed, "message": str(exc)}))
        else:
            print(exc)
        return 0
    applied = service.apply(result) if args.apply else False
    if args.json:
        print(json.dumps(Optimization(result, applied).to_json(), indent=1))
        return 0
    print(
        f"{result.reviews} reviews; on held-out reviews, log loss "
        f"{result.log_loss_before:.4f} -> {result.log_loss_after:.4f}, "
        f"RMSE {result.rmse_before:.4f} -> {result.rmse_after:.4f}"
    )
    if applied:
        print("applied: your own parameters schedule every review from now on")
    elif args.apply:
        print("not applied: they predict your held-out reviews no better than the current ones")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from datetime import date

    from app.services.interview_service import InterviewService, PlanRefused

    ctx = _open_data(args)
    service = InterviewService(ctx)
    try:
        interview = date.fromisoformat(args.interview) if args.interview else None
    except ValueError:
        print(
            f"lattice plan: --interview must be a date like 2027-01-31, got {args.interview!r}",
            file=sys.stderr,
        )
        return 2
    interview = interview or service.interview_date()
    if interview is None:
        print("lattice plan: no interview date: give --interview YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        minutes = args.minutes if args.minutes is not None else service.minutes()
        forecast = service.forecast(interview, minutes)
    except PlanRefused as exc:
        print(f"lattice plan: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(forecast.to_json(), indent=1))
        return 0
    plan, plain = forecast.plan, forecast.plain
    print(
        f"{forecast.days_left} study days to {interview.isoformat()} at {forecast.minutes:g} "
        f"minutes a day: expected recall on the day {plan.expected_recall:.0%} "
        f"(the plain schedule: {plain.expected_recall:.0%})"
    )
    print(f"plan: {plan.policy.describe()}")
    for day in plan.days[:7]:
        when = forecast.today.toordinal() + day.day
        print(
            f"  {date.fromordinal(when).isoformat()}: {len(day.new)} new, "
            f"{len(day.reviews)} reviews, {day.minutes:.0f} min"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    commands = {
        "check-content": cmd_check_content,
        "dump-content": cmd_dump_content,
        "stats": cmd_stats,
        "stories": cmd_stories,
        "backup": cmd_backup,
        "self-test": cmd_self_test,
        "screenshot": cmd_screenshot,
        "quiz": cmd_quiz,
        "export-anki": cmd_export_anki,
        "import-cards": cmd_import_cards,
        "export-all": cmd_export_all,
        "import-all": cmd_import_all,
        "optimize": cmd_optimize,
        "plan": cmd_plan,
    }
    # The full parser only when a word could be a command or help is asked for; it parses
    # everything the small one does the same way, so this is purely a start-up saving.
    full = any(arg in commands or arg in ("-h", "--help") for arg in arguments)
    args = build_parser(with_commands=full).parse_args(arguments)
    if args.command in commands:
        from app.domain.storage_fault import StorageFault

        try:
            return commands[args.command](args)
        except StorageFault as fault:  # locked, read-only, full: one line, nothing changed
            print(f"lattice {args.command}: {fault}", file=sys.stderr)
            return 4
    # No garbage collection while starting: it would only walk the objects being created.
    # The GUI turns it back on, with those objects frozen, once the first card is painted.
    gc.disable()
    # The Qt-free layers first: PySide6 reads the source of every module imported after it
    # (to look for its `__feature__` switches), which costs start-up time for nothing.
    import app.services.context
    import app.services.review_service  # noqa: F401
    from app.ui.application import run_gui

    return run_gui(args)
