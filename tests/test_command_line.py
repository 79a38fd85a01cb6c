"""The command line behaves as Python users expect: -V, global options anywhere, one-line
errors with a non-zero exit and never a traceback, quiet on a closed pipe, FILE opens the
import dialog."""

from __future__ import annotations

import dataclasses
import gc
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.cli import (
    COMMANDS_BY_NAME,
    FAILED,
    STORAGE_FAULT,
    VALUE_OPTIONS,
    build_parser,
    main,
)
from tests.conftest import PROJECT_ROOT

ANKI = Path(__file__).parent / "fixtures" / "anki"

# The least each command needs to run; a new command must be added here (checked below).
REQUIRED: dict[str, list[str]] = {
    "check-content": [],
    "dump-content": ["--json"],
    "backup": [],
    "stats": ["--json"],
    "stories": ["--json"],
    "self-test": [],
    "screenshot": ["review", "shot.png"],
    "quiz": [],
    "grade-answers": ["answers.jsonl"],
    "export-anki": ["cards.apkg"],
    "import-cards": [str(ANKI / "modern.apkg"), "--new-concept", "Deck", "--area", "llm"],
    "export-all": ["all.zip"],
    "import-all": ["all.zip"],
    "optimize": ["--json"],
    "plan": ["--interview", "2099-01-01", "--json"],
}
# Commands that read only the bundled content and never open the data folder.
CONTENT_ONLY = {"check-content", "dump-content", "grade-answers"}
# Commands that open a window: they say what is wrong in a message box as well.
WINDOWED = {"quiz"}


@pytest.fixture
def default_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The platform's data folder, moved into tmp_path: it must stay empty when a folder
    is named on the command line."""
    home = tmp_path / "default-home"
    monkeypatch.delenv("LATTICE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    monkeypatch.setenv("HOME", str(home))
    return home


def run_lattice(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


def assert_one_line_error(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].lower().startswith("lattice"), lines[0]
    return lines[0]


def test_every_command_is_covered_here() -> None:
    assert set(REQUIRED) == set(COMMANDS_BY_NAME)


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([flag])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.startswith("Lattice ")


def test_value_options_are_the_global_options_that_take_a_value() -> None:
    parser = build_parser()
    taking = {
        flag
        for action in parser._actions
        if action.nargs is None and action.option_strings and action.dest in ("data_dir", "theme")
        for flag in action.option_strings
    }
    assert taking == set(VALUE_OPTIONS)


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_global_options_mean_the_same_before_and_after_every_command(name: str) -> None:
    parser = build_parser()
    rest = [name, *REQUIRED[name]]
    globals_ = ["--data-dir", "X", "--theme", "dark"]
    for argv in (
        [*globals_, *rest],
        [*rest, *globals_],
        ["--data-dir", "X", *rest, "--theme", "dark"],
        ["--theme", "dark", *rest, "--data-dir", "X"],
    ):
        args = parser.parse_args(argv)
        assert (args.command, args.data_dir, args.theme) == (name, "X", "dark"), argv
    plain = parser.parse_args(rest)
    assert (plain.data_dir, plain.theme) == (None, None)
    # Given twice, the later one wins, as everywhere on a command line.
    assert parser.parse_args(["--data-dir", "A", *rest, "--data-dir", "B"]).data_dir == "B"


def test_import_all_replaces_the_folder_named_before_the_command(
    tmp_path: Path, default_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "all.zip"
    source, target = tmp_path / "source", tmp_path / "target"
    assert main(["--data-dir", str(source), "export-all", str(export)]) == 0
    assert main(["--data-dir", str(target), "import-all", str(export)]) == 0
    assert "imported" in capsys.readouterr().out
    assert (target / "lattice.sqlite3").is_file()
    assert not default_home.exists(), "the default data folder was used"


@pytest.mark.parametrize("position", ["before", "after"])
def test_qt_free_commands_use_the_folder_named_anywhere(
    position: str, tmp_path: Path, default_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("stats", "backup", "export-anki", "export-all", "import-cards", "import-all"):
        folder = tmp_path / f"data-{name}"
        option = ["--data-dir", str(folder)]
        rest = [name, *REQUIRED[name]]
        argv = [*option, *rest] if position == "before" else [*rest, *option]
        assert main(argv) == 0, name
        assert (folder / "lattice.sqlite3").is_file(), name
    assert not default_home.exists(), "the default data folder was used"


def test_every_command_refuses_an_unusable_data_folder_in_one_line(tmp_path: Path) -> None:
    """Named before the command (where it used to be ignored): a plain file is no folder."""
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    (tmp_path / "all.zip").write_text("")
    (tmp_path / "answers.jsonl").write_text("")
    runs = [[name, *REQUIRED[name]] for name in sorted(REQUIRED) if name not in WINDOWED]
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(
            pool.map(
                lambda rest: run_lattice("--data-dir", str(not_a_folder), *rest, cwd=tmp_path),
                runs,
            )
        )
    for rest, result in zip(runs, results, strict=True):
        name = rest[0]
        if name in CONTENT_ONLY:
            assert result.returncode == 0, result.stderr
            continue
        assert result.returncode in (FAILED, STORAGE_FAULT), (name, result.stdout, result.stderr)
        line = assert_one_line_error(result.stderr)
        assert "not a folder" in line and str(not_a_folder) in line, line


@pytest.mark.parametrize("rest", [[], ["quiz"]])
def test_the_windows_refuse_an_unusable_data_folder_with_a_message(
    rest: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The GUI and `quiz` say it on screen too (a message box) and exit; they would
    otherwise open a window on the default folder."""
    from app.ui import application

    shown: list[str] = []
    monkeypatch.setattr(
        application.QMessageBox, "warning", lambda _parent, _title, text: shown.append(text)
    )
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    try:
        assert main(["--data-dir", str(not_a_folder), *rest]) == STORAGE_FAULT
    finally:
        gc.enable()  # the GUI start turns it off until the first card is painted
    (message,) = shown
    assert str(not_a_folder) in message
    assert str(not_a_folder) in assert_one_line_error(capsys.readouterr().err)


def test_a_missing_data_folder_is_made(tmp_path: Path, default_home: Path) -> None:
    missing = tmp_path / "not" / "yet" / "there"
    assert main(["--data-dir", str(missing), "stats", "--json"]) == 0
    assert (missing / "lattice.sqlite3").is_file()


def test_a_data_folder_under_a_file_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("")
    assert main(["backup", "--data-dir", str(tmp_path / "file" / "data")]) == STORAGE_FAULT
    line = assert_one_line_error(capsys.readouterr().err)
    assert line.startswith("lattice backup: ") and "file" in line


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_every_command_with_an_unknown_option_fails_in_one_line(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([name, *REQUIRED[name], "--no-such-option"])
    assert exit_.value.code == 2
    line = assert_one_line_error(capsys.readouterr().err)
    assert "--no-such-option" in line and "--help" in line


@pytest.mark.parametrize(
    ("argv", "status", "expected"),
    [
        (["stats"], 2, "lattice stats: the following arguments are required: --json"),
        (["dump-content"], 2, "required: --json"),
        (["screenshot", "review"], 2, "required: out"),
        (["quiz", "--count", "x"], 2, "lattice quiz: argument --count: invalid int value"),
        (["quiz", "--seconds", "4"], 2, "--seconds: must be from 10 to 3600 seconds, got 4"),
        (["grade-answers"], 2, "required: file"),
        (["grade-answers", "nowhere.jsonl"], 1, "nowhere.jsonl"),
        (["--theme", "pink", "stats", "--json"], 2, "invalid choice: 'pink'"),
        (["export-anki"], 2, "required: out"),
        (["import-cards"], 2, "required: source"),
        (["export-all"], 2, "required: file"),
        (["import-all"], 2, "required: file"),
        (["self-test", "extra"], 2, "unrecognized arguments: extra"),
        (["check-content", "--content", "nowhere"], 1, "no such content folder"),
        (["dump-content", "--json", "--content", "nowhere"], 1, "no such content folder"),
        (["screenshot", "review", "x.png", "--size", "big"], 2, "--size must look like"),
        (["export-anki", "no/such/dir/x.apkg"], 1, "no such folder to write into"),
        (["export-all", "no/such/dir/x.zip"], 1, "no such folder to write into"),
        (["import-cards", "nothing.apkg", "--concept", "x"], 1, "nothing was imported"),
        (["import-all", "nothing.zip"], 1, "refused, nothing was changed"),
        (["stat"], 2, "unknown command 'stat'"),
        (["missing.apkg"], 2, "no such file: missing.apkg"),
    ],
)
def test_bad_arguments_fail_in_one_line(
    argv: list[str],
    status: int,
    expected: str,
    tmp_path: Path,
    default_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        result = main([*argv, "--data-dir", str(tmp_path / "data")])
    except SystemExit as exit_:
        result = exit_.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    assert result == status, captured.err
    assert expected in assert_one_line_error(captured.err)
    assert not default_home.exists()


def test_an_unexpected_failure_is_one_line_unless_debugging(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(_args: object) -> int:
        raise ValueError("something inside\nwent wrong")

    monkeypatch.setitem(
        COMMANDS_BY_NAME, "backup", dataclasses.replace(COMMANDS_BY_NAME["backup"], run=broken)
    )
    assert main(["backup"]) == 1
    line = assert_one_line_error(capsys.readouterr().err)
    assert "ValueError: something inside went wrong" in line and "LATTICE_DEBUG=1" in line
    monkeypatch.setenv("LATTICE_DEBUG", "1")
    with pytest.raises(ValueError):
        main(["backup"])


def test_output_cut_short_by_head_ends_quietly(tmp_path: Path) -> None:
    """`lattice dump-content --json | head`: far more than a pipe holds, read a little."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(PROJECT_ROOT))
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "dump-content", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
    )
    assert process.stdout is not None and process.stderr is not None
    with process.stdout, process.stderr:
        assert process.stdout.read(100).startswith(b"{")
        process.stdout.close()
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 128 + 13  # as if ended by SIGPIPE, like a C tool
    assert stderr == ""


def test_a_file_on_the_command_line_is_opened_for_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = []
    monkeypatch.setattr("app.ui.application.run_gui", lambda args: seen.append(args) or 0)
    monkeypatch.chdir(ANKI)
    assert main(["modern.apkg", "--data-dir", str(tmp_path)]) == 0
    (args,) = seen
    assert args.file == str(ANKI / "modern.apkg") and args.data_dir == str(tmp_path)


def test_the_import_dialog_opens_on_the_file(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.ui.application import open_for_import

    open_for_import(window, ANKI / "modern.apkg")
    dialog = window.interop.dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy)  # read on a worker thread
    assert dialog.source is not None
    assert "modern.apkg" in dialog.found.text()
    dialog.reject()
