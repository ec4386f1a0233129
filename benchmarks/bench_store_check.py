"""Benchmark: what checking a SQLite store on open costs (``PRAGMA quick_check``).

Every command that opens a SQLite store runs SQLite's ``quick_check`` first, so a damaged store is
refused before a report reads half of it or a write lands in it. The check reads every page, so
its cost grows with the store. For stores of several sizes (runs generated as ``bench_portfolio``
makes them, stored through the store's own insert), side by side in one run: the median time of
``quick_check``, of opening the store without it (connect, schema version), and of a whole
``sdetkit portfolio scorecard --db`` process for one week (start-up included), with the check's
share of that command. ``integrity_check`` (what ``portfolio check`` may run) is shown for scale.

Usage: python benchmarks/bench_store_check.py [--runs N ...] [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine_header, median
from bench_portfolio import FIRST_WEEK_END, generate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def make_store(work: Path, runs: int) -> Path:
    """A store of about ``runs`` runs (50 weeks, which the generator keeps in the past), filled in one transaction."""
    from sdetkit.portfolio import records
    from sdetkit.portfolio.ingest import from_record
    from sdetkit.portfolio.store import open_store

    weeks = 50
    repos = max(1, runs // weeks)
    source = work / f"records-{runs}.jsonl"
    generate(source, repos, weeks)
    path = work / f"store-{runs}.sqlite3"
    now = dt.datetime.now(dt.timezone.utc)
    with open_store(str(path)) as store:
        store.add_runs(from_record(r, now) for r in records.load(source))
    return path


def timed(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return median(times)


def measure(path: Path, repeat: int) -> dict[str, float]:
    def pragma(name: str) -> None:
        with sqlite3.connect(path) as conn:
            assert conn.execute(f"PRAGMA {name}(1)").fetchone()[0] == "ok"
        conn.close()

    def bare_open() -> None:
        with sqlite3.connect(path) as conn:
            conn.execute("SELECT value FROM sdetkit_meta WHERE key = 'schema_version'").fetchone()
        conn.close()

    end = FIRST_WEEK_END + dt.timedelta(days=7)
    start = (end - dt.timedelta(days=6)).isoformat()
    argv = [sys.executable, "-m", "sdetkit", "portfolio", "scorecard", "--db", str(path), "--window-start", start,
            "--window-end", end.isoformat(), "--allow-schema-change"]  # fmt: skip

    def scorecard() -> None:
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)

    return {
        "size_mb": path.stat().st_size / 2**20,
        "quick_check": timed(lambda: pragma("quick_check"), repeat),
        "integrity_check": timed(lambda: pragma("integrity_check"), max(1, repeat // 2)),
        "open_without_check": timed(bare_open, repeat),
        "scorecard_command": timed(scorecard, repeat),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, nargs="+", default=[100_000, 500_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one small store, one run (for CI)")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.repeat = [4000], 1
    print("\n".join(machine_header(Path(sys.executable), args.repeat, args.quick)))
    print("\n| runs | store | quick_check | open without it | `portfolio scorecard` (whole process) | check's "
          "share | integrity_check |\n|---|---|---|---|---|---|---|")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sdetkit-bench-") as tmp:
        for runs in args.runs:
            path = make_store(Path(tmp), runs)
            m = measure(path, args.repeat)
            share = 100 * m["quick_check"] / m["scorecard_command"]
            cells = [f"{runs:,}", f"{m['size_mb']:.0f} MB", f"{m['quick_check']:.3f} s",
                     f"{m['open_without_check']:.4f} s", f"{m['scorecard_command']:.2f} s", f"{share:.0f}%",
                     f"{m['integrity_check']:.2f} s"]  # fmt: skip
            print("| " + " | ".join(cells) + " |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
