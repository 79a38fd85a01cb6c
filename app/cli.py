"""Command line: the GUI by default, plus tool commands for content, stats and screenshots.

Every command is one row of COMMANDS (name, help, its own options, what it runs), so a new
command is one function and one row. The global options (--data-dir, --theme) mean the same
before and after the command's name. Errors a user can cause end in one line on stderr and a
non-zero exit status, never a traceback; output cut short by a closed pipe ends quietly.
"""

from __future__ import annotations

import argparse
import errno
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app import __version__

DEBUG_ENV = "LATTICE_DEBUG"  # set to see the traceback behind a one-line error
USAGE_ERROR = 2
FAILED = 1
BROKEN_PIPE = 128 + 13  # what a shell reports for a program ended by SIGPIPE
INTERRUPTED = 128 + 2
THEMES = ("light", "dark")
# Global options that take a value: skipped when looking for the command's name, so that
# `lattice --data-dir stats` is a GUI start with a folder called "stats".
VALUE_OPTIONS = ("--data-dir", "--theme")
STORAGE_FAULT = 4  # locked, read-only or full: nothing was changed

if TYPE_CHECKING:
    from app.services.context import AppContext


class OneLineParser(argparse.ArgumentParser):
    """argparse with its errors in one line: what is wrong and where help is."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(USAGE_ERROR, f"{self.prog}: {message} (see {self.prog} --help)\n")


def add_global_options(parser: argparse.ArgumentParser, in_command: bool) -> None:
    """The options every command takes, before or after its name.

    In a command's own parser they default to SUPPRESS, so an option given before the
    command's name is not overwritten by the command's default (argparse copies every
    attribute of the command's namespace onto the main one).
    """

    def default(value: object) -> object:
        return argparse.SUPPRESS if in_command else value

    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=default(None),
        help="folder for the database and your own cards (default: $LATTICE_DATA_DIR, "
        "then the platform's data folder)",
    )
    parser.add_argument(
        "--theme", choices=THEMES, default=default(None), help="colour theme (default: system)"
    )


def _content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--content", metavar="DIR", help="content folder (default: the bundled one)"
    )


def _json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", required=True, help="as one JSON object")


def _dump_options(parser: argparse.ArgumentParser) -> None:
    _json_option(parser)
    _content_option(parser)


def _no_options(_parser: argparse.ArgumentParser) -> None:
    pass


def _screenshot_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("view", help="screen name, e.g. review")
    parser.add_argument("out", help="PNG file to write")
    parser.add_argument("--size", default="1100x760", help="window size WxH")
    parser.add_argument("--reveal", action="store_true", help="review: show the answer side")


def _area_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--area", action="append", default=[], metavar="ID", help="only this area (repeatable)"
    )


def _question_seconds(text: str) -> int:
    """--seconds: a card's time budget has the content's bounds; anything else is refused
    rather than silently changed."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of seconds: {text!r}") from None
    if not 10 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"must be from 10 to 3600 seconds, got {value}")
    return value


def _quiz_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--count", type=int, default=10, help="number of questions (default 10)")
    parser.add_argument(
        "--seconds",
        type=_question_seconds,
        help="fixed seconds per question, 10 to 3600 (default: each card's own)",
    )
    _area_option(parser)


def _export_anki_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help=".apkg file to write")
    _area_option(parser)
    parser.add_argument(
        "--without-progress",
        action="store_true",
        help="cards only, all new in Anki (by default each card goes with its schedule, "
        "FSRS memory and reviews)",
    )


def _import_cards_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", help=".apkg, .csv, or a folder of concept files")
    parser.add_argument("--concept", help="add the cards to this existing concept (id)")
    parser.add_argument("--new-concept", metavar="TITLE", help="add them to a new concept")
    parser.add_argument("--area", help="area of the new concept (id)")
    parser.add_argument(
        "--one-concept",
        action="store_true",
        help="an Anki package with several decks: all cards into one concept "
        "(by default each deck becomes a concept)",
    )


def _grade_answers_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", help='JSON lines of {"card_id": ..., "answer": ...}; - reads standard input'
    )
    _content_option(parser)


def cmd_grade_answers(args: argparse.Namespace) -> int:
    """One JSON line out per answer in, in order; exit 1 if any line could not be graded."""
    from app.domain.content_loader import load_bank
    from app.services.answer_grading import grade_answer_lines

    bank = load_bank(_content_root(args.content))
    if args.file == "-":
        lines = sys.stdin.read().splitlines()
    else:
        lines = Path(args.file).read_text(encoding="utf-8").splitlines()
    ok = True
    for graded in grade_answer_lines(bank, lines):
        print(json.dumps(graded.output, ensure_ascii=False), flush=False)
        ok = ok and graded.ok
    return 0 if ok else 1


def _export_all_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="file to write (.zip)")


def _import_all_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a file written by export-all")


def _optimize_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--apply", action="store_true", help="use them if they predict held-out reviews better"
    )
    parser.add_argument("--json", action="store_true", help="as one JSON object")


def _plan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--interview", metavar="YYYY-MM-DD", help="the interview date (default: the one set)"
    )
    parser.add_argument("--minutes", type=float, help="minutes a day (default: the one set, or 30)")
    parser.add_argument("--json", action="store_true", help="as one JSON object")


def _content_root(arg: str | None) -> Path:
    from app.locations import content_dir

    if not arg:
        return content_dir()
    root = Path(arg).resolve()
    if not root.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "no such content folder", str(root))
    return root


def _output_file(arg: str) -> Path:
    """Where a command writes its file; its folder must exist (it is not made for you)."""
    path = Path(arg).resolve()
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder to write into", str(path.parent))
    return path


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
        from app.locations import data_dir

        return run_self_test(data_dir(args.data_dir))  # an unusable folder fails here
    with tempfile.TemporaryDirectory(prefix="lattice-selftest-") as tmp:
        return run_self_test(Path(tmp))


def cmd_screenshot(args: argparse.Namespace) -> int:
    _offscreen()
    from app.ui.selftest import take_screenshot

    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(
            f"lattice screenshot: --size must look like 1100x760, got {args.size!r}",
            file=sys.stderr,
        )
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
        seconds=args.seconds or DEFAULT_FIXED_SECONDS,
    )


def cmd_quiz(args: argparse.Namespace) -> int:
    from app.domain.quiz import QuizSettings
    from app.ui.application import run_quiz_gui

    settings = quiz_settings(args)
    assert isinstance(settings, QuizSettings)
    return run_quiz_gui(args, settings)


def cmd_export_anki(args: argparse.Namespace) -> int:
    from app.services.anki_export import export_from

    ctx = _open_data(args)
    try:
        result = export_from(
            ctx, _output_file(args.out), args.area or (), with_progress=not args.without_progress
        )
    except ValueError as exc:
        print(f"lattice export-anki: {exc}", file=sys.stderr)
        return 2
    progress = (
        f" with the progress of {result.studied} studied cards and {result.reviews} reviews"
        if not args.without_progress
        else ""
    )
    print(f"wrote {result.notes} notes in {result.decks} decks{progress} to {result.path}")
    if result.edits_not_exported:
        print(
            f"{result.edits_not_exported} edits of cloze or reverse cards that came from Anki "
            "stay in Lattice only: their Anki note is written as it was imported"
        )
    return 0


def cmd_import_cards(args: argparse.Namespace) -> int:
    from app.domain.import_rules import ImportRefused, ImportTarget
    from app.services.card_import import CardImportService

    ctx = _open_data(args)
    target = ImportTarget(
        concept_id=args.concept or "",
        new_title=args.new_concept or "",
        area=args.area or "",
        by_deck=not args.one_concept,
    )
    try:
        plan = CardImportService(ctx).import_path(Path(args.source), target)
    except ImportRefused as exc:
        print(f"lattice import-cards: import refused, nothing was imported: {exc}", file=sys.stderr)
        return 1
    print(plan.summary())
    return 0


def cmd_export_all(args: argparse.Namespace) -> int:
    from app.services.transfer import export_all

    ctx = _open_data(args)
    summary = export_all(ctx.data_dir, _output_file(args.file), ctx.clock.now())
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
        print(
            f"lattice import-all: Lattice is running with {data}; close it first.", file=sys.stderr
        )
        return 3
    try:
        result = import_all(Path(args.file), data, SystemClock().now())
    except ImportRefused as exc:
        print(f"lattice import-all: refused, nothing was changed: {exc}", file=sys.stderr)
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


@dataclass(frozen=True)
class Command:
    """One subcommand: its name and help, the options it adds, and what it runs."""

    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    options: Callable[[argparse.ArgumentParser], None] = _no_options


COMMANDS: tuple[Command, ...] = (
    Command("check-content", "validate the content bank", cmd_check_content, _content_option),
    Command("dump-content", "print the content bank", cmd_dump_content, _dump_options),
    Command("backup", "back up the database now", cmd_backup),
    Command("stats", "print progress counts", cmd_stats, _json_option),
    Command("stories", "print your STAR stories and their coverage", cmd_stories, _json_option),
    Command("self-test", "open every screen offscreen and exit 0 if all is well", cmd_self_test),
    Command("screenshot", "save a PNG of one screen", cmd_screenshot, _screenshot_options),
    Command("quiz", "open the app straight into a timed quiz", cmd_quiz, _quiz_options),
    Command(
        "grade-answers",
        "grade typed answers (JSON lines) as the quiz does, one verdict line each",
        cmd_grade_answers,
        _grade_answers_options,
    ),
    Command(
        "export-anki",
        "write the cards to an Anki package (.apkg)",
        cmd_export_anki,
        _export_anki_options,
    ),
    Command(
        "import-cards",
        "import cards from an Anki .apkg, a CSV file or a Markdown folder",
        cmd_import_cards,
        _import_cards_options,
    ),
    Command(
        "export-all",
        "progress, quizzes, your cards, stories and settings in one file",
        cmd_export_all,
        _export_all_options,
    ),
    Command(
        "import-all",
        "replace progress, quizzes, cards and settings with an export-all file",
        cmd_import_all,
        _import_all_options,
    ),
    Command(
        "optimize",
        "fit your own FSRS parameters from your reviews (and apply them)",
        cmd_optimize,
        _optimize_options,
    ),
    Command("plan", "plan each day toward your interview date", cmd_plan, _plan_options),
)
COMMANDS_BY_NAME = {command.name: command for command in COMMANDS}


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    """The command line. Without `with_commands` only the GUI's own options are known
    (and FILE, to open for import): enough for a plain start, and several milliseconds
    quicker to build."""
    parser = OneLineParser(
        prog="lattice",
        description="Study for AI / ML / LLM interviews.",
        usage="%(prog)s [options] [FILE]\n       %(prog)s [options] COMMAND [command options]",
        epilog="FILE (an Anki .apkg or a CSV file) opens Lattice with the import dialog for it. "
        "Options before and after COMMAND mean the same; "
        f"set {DEBUG_ENV}=1 to see the traceback behind an error.",
        allow_abbrev=False,
    )
    parser.add_argument("-V", "--version", action="version", version=f"Lattice {__version__}")
    add_global_options(parser, in_command=False)
    parser.add_argument(
        "--startup-probe",
        action="store_true",
        help="quit once the first card is painted (for start-up benchmarks)",
    )
    if not with_commands:
        parser.add_argument("file", nargs="?", metavar="FILE", help=argparse.SUPPRESS)
        parser.set_defaults(command=None)
        return parser
    parser.set_defaults(file=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    for command in COMMANDS:
        child = sub.add_parser(
            command.name,
            prog=f"lattice {command.name}",
            help=command.help,
            description=command.help,
            allow_abbrev=False,
        )
        command.options(child)
        add_global_options(child, in_command=True)
    return parser


def first_word(arguments: Sequence[str]) -> str | None:
    """The first argument that is neither an option nor a global option's value."""
    skip_value = False
    for argument in arguments:
        if skip_value:
            skip_value = False
        elif argument in VALUE_OPTIONS:
            skip_value = True
        elif argument == "--":
            continue
        elif not argument.startswith("-"):
            return argument
    return None


def describe_failure(exc: BaseException) -> str:
    """One line for a failure the user can act on; the traceback only with LATTICE_DEBUG."""
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or exc}: {exc.filename}"
    cause = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the sqlite3 error
    text = " ".join(str(cause).split()) or type(cause).__name__
    module = type(cause).__module__
    if module.startswith(("sqlite3", "sqlalchemy")):
        return f"the database could not be used: {text}"
    if isinstance(exc, OSError):
        return text
    return f"{type(exc).__name__}: {text} (set {DEBUG_ENV}=1 to see the traceback)"


def _quiet_stdout() -> None:
    """After the reader of a pipe went away (`lattice dump-content --json | head`): send
    what is left to nowhere, so the flush at exit does not complain either."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def run_guarded(
    prog: str, action: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    try:
        status = action(args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _quiet_stdout()
        return BROKEN_PIPE
    except KeyboardInterrupt:
        return INTERRUPTED
    except Exception as exc:
        if os.environ.get(DEBUG_ENV):
            raise
        print(f"{prog}: {describe_failure(exc)}", file=sys.stderr)
        return _failure_status(exc)


def _failure_status(exc: Exception) -> int:
    from app.domain.storage_fault import StorageFault

    return STORAGE_FAULT if isinstance(exc, StorageFault) else FAILED


def _open_file_check(file: str) -> str | None:
    """Why FILE cannot be opened for import, or None if it can."""
    path = Path(file)
    if not path.suffix and os.sep not in file and "/" not in file and not path.exists():
        choices = ", ".join(COMMANDS_BY_NAME)
        return f"unknown command {file!r} (choose from {choices})"
    if not path.exists():
        return f"no such file: {file}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = COMMANDS_BY_NAME.get(first_word(arguments) or "")
    # The full parser only for a command or help; it parses a plain start the same way as
    # the quick one, so this is purely a start-up saving.
    full = command is not None or any(arg in ("-h", "--help") for arg in arguments)
    args = build_parser(with_commands=full).parse_args(arguments)
    if command is not None:
        return run_guarded(f"lattice {command.name}", command.run, args)
    if args.file:
        problem = _open_file_check(args.file)
        if problem:
            print(f"lattice: {problem}", file=sys.stderr)
            return USAGE_ERROR
        args.file = str(Path(args.file).resolve())
    return run_guarded("lattice", _start_gui, args)


def _start_gui(args: argparse.Namespace) -> int:
    # No garbage collection while starting: it would only walk the objects being created.
    # The GUI turns it back on, with those objects frozen, once the first card is painted.
    gc.disable()
    # The Qt-free layers first: PySide6 reads the source of every module imported after it
    # (to look for its `__feature__` switches), which costs start-up time for nothing.
    import app.services.context
    import app.services.review_service  # noqa: F401
    from app.ui.application import run_gui

    return run_gui(args)
