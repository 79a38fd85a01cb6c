"""Build the one-folder bundle: `python packaging/build.py [--clean] [--max-mb 100]`.

Runs PyInstaller on packaging/lattice.spec, writing dist/lattice/ (the executable is
dist/lattice/lattice, lattice.exe on Windows), then reports the folder's size with its
largest parts and fails if it is over the limit.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "lattice.spec"
DIST = ROOT / "dist"
BUNDLE = DIST / "lattice"
MB = 1024 * 1024
DEFAULT_LIMIT_MB = 100


def folder_size(folder: Path) -> tuple[int, Counter[str], Counter[str]]:
    """Bytes in `folder` (symlinks counted as links, not targets), bytes per top part, and
    bytes per file.

    Parts are the first path component below the bundle's `_internal/` folder, so
    PySide6, the content and the loose shared libraries show up as separate lines.
    """
    total = 0
    parts: Counter[str] = Counter()
    files: Counter[str] = Counter()
    for path in folder.rglob("*"):
        if path.is_dir() and not path.is_symlink():
            continue
        size = path.lstat().st_size
        total += size
        relative = path.relative_to(folder).parts
        files["/".join(relative)] += size
        if relative[0] == "_internal" and len(relative) > 1:
            relative = relative[1:]
        key = relative[0] if len(relative) > 1 else "(executable, loose libraries)"
        parts[key] += size
    return total, parts, files


def size_report(folder: Path, limit_mb: float) -> tuple[bool, str]:
    total, parts, files = folder_size(folder)
    lines = [f"{folder.name}/: {total / MB:.1f} MB (limit {limit_mb:g} MB)"]
    lines += [f"  {size / MB:7.1f} MB  {name}" for name, size in parts.most_common(8)]
    lines.append("largest files:")
    lines += [f"  {size / MB:7.1f} MB  {name}" for name, size in files.most_common(10)]
    return total <= limit_mb * MB, "\n".join(lines)


def content_card_files(root: Path) -> int:
    return sum(1 for path in (root / "content").rglob("*.md") if path.name != "README.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clean", action="store_true", help="ignore PyInstaller's cache")
    parser.add_argument(
        "--max-mb", type=float, default=DEFAULT_LIMIT_MB, help="size limit of the folder"
    )
    args = parser.parse_args(argv)
    if content_card_files(ROOT) == 0:
        print("warning: content/ holds no cards; the bundle will open on an empty bank")
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(SPEC),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(ROOT / "build" / "pyinstaller"),
    ]
    if args.clean:
        command.append("--clean")
    print("+", " ".join(command), flush=True)
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(command, cwd=ROOT, env=environment, check=False)
    if result.returncode != 0:
        return result.returncode
    within, report = size_report(BUNDLE, args.max_mb)
    print(report)
    if not within:
        print(f"error: the bundle is larger than {args.max_mb:g} MB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
