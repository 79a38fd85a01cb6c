"""Check the wheel as a new user gets it: `python packaging/check_wheel.py [--keep DIR]`.

Builds the wheel from this checkout, installs it into a fresh virtual environment (its
dependencies from the package index, as `pip install` or `pipx install` fetch them), and
runs `lattice --version`, `check-content`, `self-test` and `screenshot review x.png` from an
unrelated working directory with a fresh data folder. A wheel that forgot the bundled
content or icons fails here: `check-content` finds no areas, `self-test` no card.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_SECONDS = 600
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    print("+", " ".join(command), flush=True)
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS
    )
    if result.returncode != 0:
        raise SystemExit(
            f"failed with exit status {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    if "Traceback (most recent call last)" in result.stderr:
        raise SystemExit(f"a traceback on stderr:\n{result.stderr}")
    return result.stdout


def build_wheel(out: Path) -> Path:
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), "."], ROOT)
    (wheel,) = out.glob("lattice-*.whl")
    check_members(wheel)
    return wheel


def check_members(wheel: Path) -> None:
    """The bank and icons inside the package; no README screenshots, caches or tests."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    wanted = ("app/bundled/content/", "app/bundled/resources/icons/", "app/cli.py")
    missing = [w for w in wanted if not any(n.startswith(w) for n in names)]
    unwanted = [
        n for n in names if "/screenshots/" in n or "__pycache__" in n or n.startswith("tests/")
    ]
    if missing or unwanted:
        raise SystemExit(f"the wheel is wrong: missing {missing}, unwanted {unwanted[:5]}")
    print(f"wheel: {len(names)} files, the bank and icons inside app/bundled/")


def check(work: Path) -> None:
    wheel = build_wheel(work / "wheel")
    environment = work / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    bindir = environment / ("Scripts" if os.name == "nt" else "bin")
    run([str(bindir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], work)
    lattice = str(bindir / ("lattice.exe" if os.name == "nt" else "lattice"))
    elsewhere = work / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", LATTICE_CACHE_DIR=str(work / "cache"))
    env["LATTICE_DATA_DIR"] = str(work / "data")
    print(run([lattice, "--version"], elsewhere, env).strip())
    counts = run([lattice, "check-content"], elsewhere, env).strip()
    if " 0 cards" in f" {counts}" or "cards" not in counts:
        raise SystemExit(f"check-content found no cards: {counts!r}")
    print(counts)
    print(run([lattice, "self-test"], elsewhere, env).strip())
    shot = elsewhere / "x.png"
    run([lattice, "screenshot", "review", "x.png"], elsewhere, env)
    if shot.read_bytes()[:8] != PNG_SIGNATURE:
        raise SystemExit("screenshot review x.png wrote no PNG")
    print(f"wheel ok: {wheel.name} ({wheel.stat().st_size / 1024:.0f} KiB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="work in this folder and leave it in place")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        check(args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="lattice-wheel-") as tmp:
            check(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
