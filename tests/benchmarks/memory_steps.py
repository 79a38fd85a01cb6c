"""Where the memory goes: `python tests/benchmarks/memory_steps.py [--concepts N] [--trace]`.

Opens Lattice on a synthetic bank (N concepts of 4 cards; 25,000 by default, the peak-memory
stress figure of run.py) and prints the resident memory after each step of opening every
screen, as run.py's peak row does, so each step's share can be read off. The bank is opened
twice, like run.py's everyday figure: the first start fills the parse cache. With --trace,
also the Python allocations each step added, by source file (tracemalloc: slow, and it
inflates the resident figures, so read those from a run without it). Not part of the test run.
"""

from __future__ import annotations

import argparse
import gc
import os
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def resident_mib() -> tuple[float, float]:
    """This process's resident memory now and at its peak (Linux)."""
    status = Path("/proc/self/status").read_text()

    def field(name: str) -> float:
        return int(status.split(name + ":")[1].split()[0]) / 1024

    return field("VmRSS"), field("VmHWM")


def probe(data: Path, content: Path, trace: bool) -> None:
    """Open every screen, printing memory after each step (runs in a fresh process)."""
    if trace:
        tracemalloc.start(1)
    marks: list[tuple[str, tracemalloc.Snapshot | None]] = []

    def mark(label: str) -> None:
        gc.collect()
        now, peak = resident_mib()
        print(f"{label:<28} resident {now:7.1f} MiB   peak {peak:7.1f} MiB", flush=True)
        marks.append((label, tracemalloc.take_snapshot() if trace else None))

    mark("python")
    from app.services.application import Application
    from app.services.context import open_context
    from app.ui.application import build_window, make_app

    mark("imports")
    qt = make_app("light")
    mark("QApplication")
    ctx = open_context(data, content=content)
    mark("content and database")
    window = build_window(Application(ctx))
    window.resize(1100, 760)
    window.show()
    qt.processEvents()
    mark("window, Review")
    for name in window.screens:
        if name == "review":
            continue
        window.show_screen(name)
        qt.processEvents()
        mark(f"+ {name}")
    if not trace:
        return
    for (label, after), (_, before) in zip(marks[1:], marks, strict=False):
        assert after is not None and before is not None
        grown = [s for s in after.compare_to(before, "filename") if s.size_diff > 1_000_000]
        print(f"--- {label}")
        for stat in grown[:8]:
            name = stat.traceback[0].filename.replace(str(ROOT) + os.sep, "")
            print(f"    {stat.size_diff / 2**20:6.1f} MiB  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concepts", type=int, default=25000)
    parser.add_argument("--trace", action="store_true", help="Python allocations by file")
    parser.add_argument("--probe", nargs=2, help=argparse.SUPPRESS)  # data, content (child)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.probe:
        probe(Path(args.probe[0]), Path(args.probe[1]), args.trace)
        return 0
    from app.locations import content_dir
    from tests.benchmarks.synthetic import write_synthetic_content

    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_synthetic_content(content, args.concepts, 4, content_dir() / "areas.yaml")
        env = dict(os.environ, LATTICE_CACHE_DIR=str(Path(tmp) / "cache"))
        command = [sys.executable, __file__, "--probe", str(Path(tmp) / "data"), str(content)]
        subprocess.run(command, env=env, check=True, capture_output=True)  # the first start
        subprocess.run(command + (["--trace"] if args.trace else []), env=env, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
