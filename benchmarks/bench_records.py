"""Bulk records at any size: ``sdetkit portfolio ingest --records`` and ``scorecard --in`` on a large
records file, throughput and peak memory, side by side with a baseline that only parses the file.

Generates ``--size-mb`` megabytes of normalized records (JSON Lines: 10,000 repositories, one run
each a day, one in eight failing its release gate), then runs, interleaved ``--repeat`` times:
- the baseline: ``python -c`` reading the file a line at a time with ``json.loads`` (no checks, no
  store): what parsing alone costs;
- ``sdetkit portfolio ingest --records FILE`` into a new SQLite store, and into a new PostgreSQL
  database when a URL is given (``--pg``, ``SDETKIT_TEST_PG`` or the one ``make test`` started);
- ``sdetkit portfolio scorecard --in FILE`` for the last week.
Each is a whole process, start-up included; its peak resident memory is its own (``wait4``).
Reports medians, records/s, the ratio to the baseline and peak RSS. A full run exits 1 when ingest
into SQLite is under 20,000 records/s or any process peaks at 300 MiB or more.

Usage: python benchmarks/bench_records.py [--size-mb 1024] [--repeat 3] [--pg URL] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine_header, markdown_table, median, pg_database, pg_url

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATE = 20_000.0
TARGET_RSS_MIB = 300.0
FIRST_DAY = dt.date(2025, 1, 1)
REPOS = 10_000
BASELINE = "import json, sys\nfor line in open(sys.argv[1], 'rb'):\n    line.strip() and json.loads(line)\n"
_PASSING = (
    '{"repo_id": "repo-%05d", "team": "team-%02d", "lane": "%s", "gate_fast_ok": true, "gate_release_ok": true, '
    '"doctor_ok": true, "failed_steps_count": 0, "failed_steps": [], "evidence_window_end": "%s", '
    '"source_timestamp": "%sT%02d:%02d:00Z"}\n'
)
_FAILING = (
    '{"repo_id": "repo-%05d", "team": "team-%02d", "lane": "%s", "gate_fast_ok": true, "gate_release_ok": false, '
    '"doctor_ok": true, "failed_steps_count": 1, "failed_steps": ["build"], "evidence_window_end": "%s", '
    '"source_timestamp": "%sT%02d:%02d:00Z"}\n'
)
LANES = ("startup", "scale", "regulated")


def generate(path: Path, size: int) -> tuple[int, dt.date]:
    """About ``size`` bytes of valid, distinct records; their count and the last day."""
    count, day = 0, FIRST_DAY
    written = 0
    with path.open("w") as f:
        while written < size:
            iso = day.isoformat()
            block = "".join(
                (_FAILING if (r + day.toordinal()) % 8 == 0 else _PASSING)
                % (r, r % 40, LANES[r % 3], iso, iso, r % 24, r % 60)
                for r in range(REPOS)
            )
            f.write(block)
            written += len(block)
            count += REPOS
            day += dt.timedelta(days=1)
    return count, day - dt.timedelta(days=1)


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall time and the process's own peak resident memory (MiB); a failure ends the benchmark."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(argv[:5])} ... failed: {err.decode(errors='replace').strip()}")
    return took, usage.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pg", help="a PostgreSQL URL (default: SDETKIT_TEST_PG, or make test's)")
    ap.add_argument("--quick", action="store_true", help="a 4 MiB file, one run (CI runs this so it cannot rot)")
    args = ap.parse_args()
    if args.quick:
        args.size_mb, args.repeat = 4, 1
    pg = pg_url(args.pg)
    py = sys.executable
    print("\n".join(machine_header(Path(py), args.repeat, args.quick)))
    with tempfile.TemporaryDirectory(prefix="sdetkit-bench-records-") as tmp:
        work = Path(tmp)
        records = work / "records.jsonl"
        count, last = generate(records, args.size_mb << 20)
        mib = records.stat().st_size / (1 << 20)
        window = ["--window-start", (last - dt.timedelta(days=6)).isoformat(), "--window-end", last.isoformat()]
        runs: dict[str, list[tuple[float, float]]] = {}
        for i in range(args.repeat):
            cases = {
                "baseline: `json.loads` a line at a time": [py, "-c", BASELINE, str(records)],
                "`portfolio ingest --records` into SQLite": [
                    py, "-m", "sdetkit", "portfolio", "ingest", "--records", str(records), "--db",
                    str(work / f"s{i}.sqlite3")],
                "`portfolio scorecard --in`": [
                    py, "-m", "sdetkit", "portfolio", "scorecard", "--in", str(records), *window,
                    "--out", str(work / "card.json")],
            }  # fmt: skip
            if pg:
                db = pg_database(pg)
                cases["`portfolio ingest --records` into PostgreSQL"] = [
                    py, "-m", "sdetkit", "portfolio", "ingest", "--records", str(records), "--db", db]  # fmt: skip
            for name, argv in cases.items():
                runs.setdefault(name, []).append(timed(argv))
            (work / f"s{i}.sqlite3").unlink()
    print(f"records file: {mib:.0f} MiB of JSON Lines, {count:,} records")
    base = median([t for t, _ in next(iter(runs.values()))])
    rows = []
    for name, got in runs.items():
        t, peak = median([t for t, _ in got]), max(rss for _, rss in got)
        rows.append([name, f"{t:.1f} s", f"{count / t:,.0f}", f"{t / base:.2f} x", f"{peak:.0f} MiB"])
    sys.stdout.write(markdown_table(["process", "median", "records/s", "time / baseline", "peak RSS"], rows))
    ingest = median([t for t, _ in runs["`portfolio ingest --records` into SQLite"]])
    peaks = [rss for got in runs.values() for _, rss in got]
    missed = count / ingest < TARGET_RATE or max(peaks) >= TARGET_RSS_MIB
    return 1 if missed and not args.quick else 0


if __name__ == "__main__":
    raise SystemExit(main())
