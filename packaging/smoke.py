"""Smoke-test a frozen build: `python packaging/smoke.py [dist/lattice/lattice]`.

Runs the bundle's `self-test`, `check-content`, `dump-content --json`, `stats --json`, `backup`
(zstd-compressed, so the compressor's C extension is checked), `-V` and two real starts to the
first card (`--startup-probe`: parsing the content, then from the parse cache) offscreen,
against a fresh data directory and from an empty working directory (the bundle must find its
content without it). Fails if a command exits non-zero, if its output is not
what it promises, or if anything at all reaches stderr: every Qt message is tagged through
QT_MESSAGE_PATTERN so a warning cannot pass unnoticed, and so is any Python traceback.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXECUTABLE = ROOT / "dist" / "lattice" / ("lattice.exe" if os.name == "nt" else "lattice")
QT_PATTERN = "[qt-%{type}] %{if-category}%{category}: %{endif}%{message}"
TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Outcome:
    command: str
    returncode: int
    stdout: str
    stderr: str


# What the offscreen platform itself says when a real window is shown (a limitation of that
# test platform, not of the app): the same message the test suite and self-test ignore.
OFFSCREEN_ONLY = "This plugin does not support propagateSizeHints()"


def problems_in(outcome: Outcome, check_stdout: Callable[[str], str | None]) -> list[str]:
    """What is wrong with one command's run; empty when it passed."""
    found = []
    if outcome.returncode != 0:
        found.append(f"exit status {outcome.returncode}")
    if "Traceback (most recent call last)" in outcome.stdout + outcome.stderr:
        found.append("a Python traceback")
    qt_messages = [
        line
        for line in re.findall(r"^\[qt-\w+\].*$|^Qt warning:.*$", outcome.stderr, re.MULTILINE)
        if not line.endswith(OFFSCREEN_ONLY)
    ]
    found += [f"Qt message: {line}" for line in qt_messages]
    other = [
        line
        for line in outcome.stderr.splitlines()
        if line.strip()
        and line not in qt_messages
        and not line.endswith(OFFSCREEN_ONLY)
        and not line.startswith("Traceback")
    ]
    if other and not qt_messages:
        found.append("output on stderr: " + " | ".join(other[:5]))
    if outcome.returncode == 0:
        verdict = check_stdout(outcome.stdout)
        if verdict:
            found.append(verdict)
    return [f"{outcome.command}: {problem}" for problem in found]


def expect_self_test(stdout: str) -> str | None:
    match = re.search(r"self-test ok: (\d+) screens, (\d+) cards", stdout)
    if not match or int(match[2]) == 0:
        return f"expected 'self-test ok: N screens, N cards' with cards, got {stdout.strip()!r}"
    return None


def expect_check_content(stdout: str) -> str | None:
    match = re.search(r"(\d+) areas, (\d+) concepts, (\d+) cards", stdout)
    if not match or 0 in (int(match[1]), int(match[2]), int(match[3])):
        return f"expected 'N areas, N concepts, N cards', got {stdout.strip()!r}"
    return None


def expect_json(*keys: str) -> Callable[[str], str | None]:
    def check(stdout: str) -> str | None:
        try:
            value = json.loads(stdout)
        except json.JSONDecodeError as exc:
            return f"output is not JSON ({exc})"
        missing = [key for key in keys if key not in value]
        if missing:
            return f"JSON lacks {', '.join(missing)}"
        empty = [key for key in keys if isinstance(value[key], list) and not value[key]]
        return f"JSON has empty {', '.join(empty)}" if empty else None

    return check


def expect_version(stdout: str) -> str | None:
    if not re.fullmatch(r"Lattice \d+\.\d+\.\d+\S*\n", stdout):
        return f"expected 'Lattice X.Y.Z', got {stdout.strip()!r}"
    return None


def expect_backup(stdout: str) -> str | None:
    if not stdout.startswith("backed up to "):
        return f"expected 'backed up to ...', got {stdout.strip()!r}"
    return None


def expect_first_card(stdout: str) -> str | None:
    if "first-card-painted" not in stdout:
        return f"the window never painted a card: {stdout.strip()!r}"
    return None


def run(executable: Path, args: list[str], cwd: Path) -> Outcome:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_MESSAGE_PATTERN=QT_PATTERN)
    environment.pop("LATTICE_DATA_DIR", None)
    environment["LATTICE_CACHE_DIR"] = str(cwd.parent / "cache")  # not the user's own
    result = subprocess.run(
        [str(executable), *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    return Outcome(" ".join(["lattice", *args]), result.returncode, result.stdout, result.stderr)


def smoke(executable: Path) -> list[str]:
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="lattice-smoke-") as tmp:
        work = Path(tmp) / "elsewhere"
        data = Path(tmp) / "data"
        work.mkdir()
        checks: list[tuple[list[str], Callable[[str], str | None]]] = [
            (["self-test", "--data-dir", str(data / "self-test")], expect_self_test),
            (["check-content"], expect_check_content),
            (["dump-content", "--json"], expect_json("areas", "concepts", "cards")),
            # A global option before the command is honoured as well as after it.
            (["--data-dir", str(data / "stats"), "stats", "--json"], expect_json("cards")),
            (["--data-dir", str(data / "stats"), "backup"], expect_backup),
            (["-V"], expect_version),
            # The real start, twice: parsing the content, then from the parse cache.
            (["--startup-probe", "--data-dir", str(data / "gui")], expect_first_card),
            (["--startup-probe", "--data-dir", str(data / "gui")], expect_first_card),
        ]
        for args, check in checks:
            outcome = run(executable, args, work)
            found = problems_in(outcome, check)
            print(("FAIL " if found else "ok   ") + outcome.command, flush=True)
            problems += found
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    executable = Path(args[0]).resolve() if args else DEFAULT_EXECUTABLE
    if not executable.is_file():
        print(
            f"no bundle at {executable}; build it with python packaging/build.py", file=sys.stderr
        )
        return 1
    problems = smoke(executable)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
