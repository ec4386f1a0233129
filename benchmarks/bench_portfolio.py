"""Benchmarks for the portfolio: 10,000 repositories x 52 weeks (520,000 runs) of generated data.

For each store (SQLite, and PostgreSQL when a URL is given or `make test` started one):
- bulk ingest of the normalized records (``sdetkit portfolio ingest --records``), runs per second;
- one week's scorecard (``sdetkit portfolio scorecard --db``), median of ``--repeat`` runs;
- a weekly executive report (``sdetkit report weekly``), median of ``--repeat`` runs;
- the whole store exported (``portfolio export --out-dir``) and imported into a new store of the
  same backend (``portfolio import``), once each, with the second export checked byte-identical.
Side by side, for the same normalized input file and window: the seed's reference formulas
implemented naively (load every record, loop) against ``sdetkit portfolio scorecard --in`` and
against the store. Also artifact-folder ingest (gate evidence validated against schemas), runs/s.
Every timing is a whole ``sdetkit`` process, start-up included, as a user would see it.

Usage: python benchmarks/bench_portfolio.py [--repos N] [--weeks N] [--repeat N] [--pg URL] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import machine_header, median, pg_database, pg_url
from _repos import make_custom_repo

ROOT = Path(__file__).resolve().parents[1]
FIRST_WEEK_END = dt.date(2025, 12, 7)
TEAMS = [f"team-{i:02d}" for i in range(40)]
LANES = ("startup", "scale", "regulated")
STEPS = ("lint", "tests", "typecheck", "build", "audit", "clean-tree", "format", "changelog")
FAST_STEPS = frozenset({"lint", "tests", "typecheck", "format"})  # the release gate runs these too


def generate(path: Path, repos: int, weeks: int) -> int:
    """Normalized records: one run per repository per week, ~12% failing."""
    rng = random.Random(20261124)  # noqa: S311 - reproducible test data, not security
    count = 0
    with path.open("w") as f:
        for w in range(weeks):
            day = FIRST_WEEK_END + dt.timedelta(days=7 * w - rng.randrange(0, 1))
            for r in range(repos):
                fail = rng.random() < 0.12
                steps = sorted(rng.sample(STEPS, rng.randint(1, 3))) if fail else []
                run_day = day - dt.timedelta(days=r % 7)
                rec = {
                    "repo_id": f"repo-{r:05d}", "team": TEAMS[r % len(TEAMS)], "lane": LANES[r % 3],
                    # Consistent records (ingest refuses any other): a failed step fails its gate.
                    "gate_fast_ok": not (FAST_STEPS & set(steps)),
                    "gate_release_ok": not steps,
                    "doctor_ok": rng.random() > 0.03, "failed_steps_count": len(steps), "failed_steps": steps,
                    "evidence_window_end": run_day.isoformat(),
                    "source_timestamp": f"{run_day.isoformat()}T{r % 24:02d}:{r % 60:02d}:00Z",
                }  # fmt: skip
                f.write(json.dumps(rec) + "\n")
                count += 1
    return count


def sdetkit(*args: str, cwd: Path | None = None, cache: Path | None = None, ok_codes: tuple[int, ...] = (0,)) -> float:
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(cache)} if cache else None
    start = time.perf_counter()
    res = subprocess.run(
        [sys.executable, "-m", "sdetkit", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - start
    if res.returncode not in ok_codes:  # rollout status exits 1 as its verdict, not as a failure
        raise SystemExit(f"sdetkit {' '.join(args)} failed: {res.stderr.strip()}")
    return took


def naive_scorecard(path: Path, start: str, end: str) -> dict[str, Any]:
    """The seed's reference formulas, written the obvious way: load everything, loop."""
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    latest: dict[str, dict[str, Any]] = {}
    for rec in records:
        if start <= rec["evidence_window_end"] <= end:
            best = latest.get(rec["repo_id"])
            if best is None or rec["source_timestamp"] > best["source_timestamp"]:
                latest[rec["repo_id"]] = rec
    rows = []
    for rec in latest.values():
        if not rec["gate_release_ok"] or rec["failed_steps_count"] >= 2:
            tier = "high"
        elif rec["gate_fast_ok"] and rec["doctor_ok"] and rec["failed_steps_count"] == 0:
            tier = "low"
        else:
            tier = "medium"
        rows.append(tier)
    failed = sum(not r["gate_release_ok"] for r in latest.values())
    return {
        "repo_count_total": len({r["repo_id"] for r in records}),
        "repo_count_reporting": len(rows),
        "high_risk_repo_count": rows.count("high"),
        "release_gate_failure_rate_percent": round(100 * failed / len(rows), 2) if rows else 0.0,
    }


def naive_process(path: Path, start: str, end: str) -> float:
    """The naive scorecard in its own process, so start-up is counted as for sdetkit."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from bench_portfolio import naive_scorecard; "
        "from pathlib import Path; naive_scorecard(Path(sys.argv[2]), sys.argv[3], sys.argv[4])"
    )
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(path), start, end], check=True)
    return time.perf_counter() - t


def real_evidence(work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """One gate fast and one release preflight artifact, made by the CLI on a repository whose only
    step is ``true`` (the release preflight runs that step alone: ``--only noop``)."""
    repo = make_custom_repo(work, "evidence-repo", {"noop": ["true"]})
    fast, release = work / "gate-fast.json", work / "release-preflight.json"
    cache = work / "evidence-cache"
    sdetkit("gate", "fast", str(repo), "--format", "json", "--out", str(fast), cache=cache)
    sdetkit("gate", "release", str(repo), "--only", "noop", "--format", "json", "--out", str(release), cache=cache)
    return json.loads(fast.read_text("utf-8")), json.loads(release.read_text("utf-8"))


def artifact_ingest(work: Path, db: str, folders: int) -> float:
    """Runs/s for real artifact folders: each read, schema-validated and hashed."""
    fast, release = real_evidence(work)
    paths = []
    for i in range(folders):
        d = work / "evidence" / f"repo-{i:04d}"
        d.mkdir(parents=True)
        (d / "gate-fast.json").write_text(json.dumps(fast | {"commit": f"{i:040x}"}))
        (d / "release-preflight.json").write_text(json.dumps(release | {"commit": f"{i:040x}"}))
        paths.append(str(d))
    took = sdetkit("portfolio", "ingest", "--db", db, *paths)
    return folders / took


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def bench_dump(name: str, db: str, fresh: str, work: Path) -> dict[str, float]:
    """Export the whole store, import it into ``fresh`` (a new store), export that again: the two
    exports must be the same bytes."""
    first, second = work / f"{name}-export", work / f"{name}-export-again"
    exported = sdetkit("portfolio", "export", "--db", db, "--out-dir", str(first))
    imported = sdetkit("portfolio", "import", str(first), "--db", fresh)
    sdetkit("portfolio", "export", "--db", fresh, "--out-dir", str(second))
    assert files(first) == files(second), f"{name}: the export of the imported store differs"
    size = sum(p.stat().st_size for p in first.iterdir()) / 2**20
    return {"export_s": exported, "import_s": imported, "export_mib": size}


def bench_store(
    name: str, db: str, records: Path, count: int, week_end: str, repeat: int, work: Path, fresh: str
) -> dict[str, Any]:
    ingest = sdetkit("portfolio", "ingest", "--db", db, "--records", str(records))
    start = (dt.date.fromisoformat(week_end) - dt.timedelta(days=6)).isoformat()
    window = ["--window-start", start, "--window-end", week_end]
    cards, reports = [], []
    for i in range(repeat):
        cards.append(sdetkit("portfolio", "scorecard", "--db", db, *window, "--out", str(work / f"{name}-card.json")))
        reports.append(sdetkit("report", "weekly", "--week-ending", week_end, "--db", db,
                               "--out-dir", str(work / f"{name}-docs-{i}")))  # fmt: skip
    return {
        "ingest_s": ingest,
        "ingest_runs_per_s": count / ingest,
        "scorecard_s": median(cards),
        "report_s": median(reports),
        **bench_dump(name, db, fresh, work),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=10_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pg", help="a PostgreSQL URL (default: SDETKIT_TEST_PG, or make test's)")
    parser.add_argument("--quick", action="store_true", help="200 repositories x 6 weeks, one run (for CI)")
    args = parser.parse_args()
    if args.quick:
        args.repos, args.weeks, args.repeat = 200, 6, 1
    pg = pg_url(args.pg)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        records = work / "records.jsonl"
        count = generate(records, args.repos, args.weeks)
        size = records.stat().st_size / 2**20
        week_end = (FIRST_WEEK_END + dt.timedelta(days=7 * (args.weeks - 1))).isoformat()
        start = (dt.date.fromisoformat(week_end) - dt.timedelta(days=6)).isoformat()
        print("\n".join(machine_header(Path(sys.executable), args.repeat, args.quick)))
        print(f"{args.repos} repositories x {args.weeks} weeks = {count} runs ({size:.0f} MiB JSONL)")

        restored = str(work / "restored.sqlite3")
        sqlite = bench_store("sqlite", str(work / "s.sqlite3"), records, count, week_end, args.repeat, work, restored)
        results = {"sqlite": sqlite}
        if pg:
            store, fresh = pg_database(pg), pg_database(pg)
            results["postgresql"] = bench_store("pg", store, records, count, week_end, args.repeat, work, fresh)
        for name, r in results.items():
            print(f"{name:10} ingest {r['ingest_s']:.1f} s = {r['ingest_runs_per_s']:,.0f} runs/s; "
                  f"scorecard median {r['scorecard_s']:.3f} s; weekly report median {r['report_s']:.3f} s")  # fmt: skip
            print(f"{name:10} whole-store export {r['export_s']:.1f} s ({count / r['export_s']:,.0f} runs/s, "
                  f"{r['export_mib']:.0f} MiB); import into a new store {r['import_s']:.1f} s "
                  f"({count / r['import_s']:,.0f} runs/s); export again byte-identical")  # fmt: skip

        naive, ours_file = [], []
        out = work / "file-card.json"
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            naive.append(naive_process(records, start, week_end))
            ours_file.append(sdetkit("portfolio", "scorecard", "--in", str(records), "--window-start", start,
                                     "--window-end", week_end, "--out", str(out)))  # fmt: skip
        check = naive_scorecard(records, start, week_end)
        ours = json.loads(out.read_text())["totals"]
        assert all(ours[k] == v for k, v in check.items()), (ours, check)
        store_card = results["sqlite"]["scorecard_s"]
        print(
            f"scorecard, same window, same {count} runs: naive load-all-and-loop median {median(naive):.3f} s; "
            f"sdetkit --in FILE {median(ours_file):.3f} s ({median(naive) / median(ours_file):.2f}x); "
            f"sdetkit from the SQLite store {store_card:.3f} s ({median(naive) / store_card:.1f}x faster than naive)"
        )

        rate = artifact_ingest(work, str(work / "a.sqlite3"), 500)
        print(f"artifact folders (gate fast + release preflight, schema-validated): {rate:,.0f} runs/s")


if __name__ == "__main__":
    main()
