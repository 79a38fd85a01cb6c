"""The tool commands, run as a user runs them: in a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def run_app(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LATTICE_DATA_DIR=str(data))
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=120,
    )


def test_stats_json_counts(tmp_path: Path) -> None:
    result = run_app("stats", "--json", data=tmp_path)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert set(stats) == {
        "cards",
        "new",
        "learning",
        "review",
        "due_now",
        "reviews_total",
        "reviews_today",
        "quiz_sessions",
        "quiz_answers",
    }
    assert stats["cards"] == stats["new"] > 0
    assert stats["reviews_total"] == 0


def test_self_test_passes_without_warnings(tmp_path: Path) -> None:
    result = run_app("self-test", data=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("self-test ok:")
    assert "Traceback" not in result.stderr


def test_screenshot_writes_a_png(tmp_path: Path) -> None:
    out = tmp_path / "review.png"
    result = run_app("screenshot", "review", str(out), "--size", "800x600", data=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    bad = run_app("screenshot", "nowhere", str(out), data=tmp_path / "d")
    assert bad.returncode == 2 and "unknown view" in bad.stderr


def test_data_dir_flag_beats_environment(tmp_path: Path) -> None:
    chosen = tmp_path / "chosen"
    result = run_app("stats", "--json", "--data-dir", str(chosen), data=tmp_path / "env")
    assert result.returncode == 0, result.stderr
    assert (chosen / "lattice.sqlite3").is_file()
    assert not (tmp_path / "env" / "lattice.sqlite3").exists()


def test_the_lattice_console_script_is_installed(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / ("lattice.exe" if os.name == "nt" else "lattice")
    assert script.is_file(), "install the project (pip install -e .) to get the lattice command"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LATTICE_DATA_DIR=str(tmp_path))
    result = subprocess.run(
        [str(script), "check-content"], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("cards")


def test_the_quick_gui_parser_reads_a_plain_start_like_the_full_one() -> None:
    from app.cli import build_parser

    for argv in ([], ["--data-dir", "stats"], ["--theme", "dark", "--startup-probe"]):
        quick = build_parser(with_commands=False).parse_args(argv)
        full = build_parser().parse_args(argv)
        assert vars(quick) == vars(full)
