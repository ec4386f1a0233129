"""Benchmark: ``sdetkit rollout status`` on a program of many repositories and weeks.

A program repository is built with the real commands: the generated runs of ``bench_portfolio``
ingested into a SQLite store, one scorecard a week (``portfolio scorecard --out
docs/artifacts/...``), a KPI payload and a weekly report for the last weeks, each week committed
on its Monday. Then, interleaved so both see the same machine load, the median of ``--repeat``
runs of ``rollout status`` (every criterion, the checkpoints' searches, the signals, the git
history) against one week's ``portfolio scorecard`` from the same store: the ratio says what
judging the whole program costs next to the report a program already runs every week. The program
also keeps what its people record: an incident a week handled through every step, both governance
reviews every month, and a release checklist result, so every criterion reads real records.
Every timing is a whole ``sdetkit`` process, start-up included.

Usage: python benchmarks/bench_rollout_status.py [--repos N] [--weeks N] [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import GIT_ID, machine_header, median
from bench_portfolio import FIRST_WEEK_END, generate, sdetkit


def program_file(repos: int, start: dt.date) -> str:
    lines = [
        "[program]", 'name = "bench"', f"start = {start}", 'lane = "scale"', 'baseline = "repo-00000"',
        f"pilot_size = {repos}", 'review_weekday = "monday"', 'sponsor = { name = "S" }',
        'release_owner = { name = "R" }', "",
    ]  # fmt: skip
    for w in ("reporting", "gates", "triage", "governance", "enablement"):
        lines += [f"[workstreams.{w}]", f'name = "{w}"', 'dri = "D"', 'phase = "pilot"', ""]
    for r in range(repos):
        lane = ("startup", "scale", "regulated")[r % 3]
        lines += [f"[repos.repo-{r:05d}]", f'team = "team-{r % 40:02d}"', f'lane = "{lane}"', 'owner = "O"', ""]
    return "\n".join(lines)


def people_records(db: str, toml: Path, weeks: int) -> None:
    """What the program's people record besides runs: an incident a week through every step, both
    monthly reviews for each month, and one release checklist result (for the last week)."""
    at = ["--db", db, "--inventory", str(toml)]
    for w in range(weeks):
        day = FIRST_WEEK_END + dt.timedelta(days=7 * w - 3)
        ident, stamp = f"INC-{w}", f"{day}T10:00:00Z"
        sdetkit("incident", "open", *at, "--id", ident, "--title", f"week {w}", "--severity", "sev3",
                "--repo", f"repo-{w % 7:05d}", "--repo", f"repo-{w % 7 + 7:05d}", "--opened", stamp)  # fmt: skip
        sdetkit("incident", "ack", ident, *at, "--by", "R", "--at", f"{day}T11:00:00Z")
        sdetkit("incident", "update", ident, *at, "--by", "R", "--at", f"{day}T12:00:00Z", "--mitigation", "hold")
        sdetkit("incident", "resolve", ident, *at, "--by", "R", "--at", f"{day}T15:00:00Z", "--root-cause", "x")
        if day.month != (day + dt.timedelta(days=7)).month:  # the month's reviews in its last week
            notes = toml.parent / "docs" / f"review-{day:%Y-%m}.md"
            notes.write_text(f"# {day:%B}\n")
            for kind in ("compatibility", "deprecation"):
                sdetkit("governance", "review", *at, "--kind", kind, "--notes", str(notes), "--on", str(day))
    last = FIRST_WEEK_END + dt.timedelta(days=7 * (weeks - 1))
    sdetkit("release", "checklist", "--program", str(toml), "--db", db, "--version", "1.0.0",
            "--repos", "repo-00000,repo-00001", "--window-end", str(last), ok_codes=(0, 1))  # fmt: skip


def commit(repo: Path, day: dt.date) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T09:00:00Z", "GIT_COMMITTER_DATE": f"{day}T09:00:00Z"}
    for args in (["add", "-A"], ["commit", "-q", "-m", str(day)]):
        subprocess.run(["git", *GIT_ID, *args], cwd=repo, env=env, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=500)
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="50 repositories x 4 weeks, one run (for CI)")
    args = parser.parse_args()
    if args.quick:
        args.repos, args.weeks, args.repeat = 50, 4, 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        records = work / "records.jsonl"
        count = generate(records, args.repos, args.weeks)
        start = FIRST_WEEK_END - dt.timedelta(days=6)
        prog = work / "program"
        (prog / "docs" / "artifacts").mkdir(parents=True)
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=prog, check=True)
        toml = prog / "sdetkit-program.toml"
        toml.write_text(program_file(args.repos, start))
        commit(prog, start)
        db = str(work / "store.sqlite3")
        sdetkit("portfolio", "ingest", "--db", db, "--records", str(records))
        people_records(db, toml, args.weeks)
        for w in range(args.weeks):
            end = FIRST_WEEK_END + dt.timedelta(days=7 * w)
            window = ["--window-start", str(end - dt.timedelta(days=6)), "--window-end", str(end)]
            sdetkit("portfolio", "scorecard", "--db", db, "--inventory", str(toml), *window,
                    "--out", str(prog / "docs" / "artifacts" / f"portfolio-scorecard-{end}.json"))  # fmt: skip
            if w >= args.weeks - 2:  # the last two weeks' whole cycle
                sdetkit("kpi", "weekly", "--week-ending", str(end), "--db", db, "--inventory", str(toml),
                        "--out", str(prog / "docs" / f"kpi-weekly-{end}.json"))  # fmt: skip
                sdetkit("report", "weekly", "--week-ending", str(end), "--db", db, "--inventory", str(toml),
                        "--out-dir", str(prog / "docs"))  # fmt: skip
            commit(prog, end + dt.timedelta(days=1))
        last = FIRST_WEEK_END + dt.timedelta(days=7 * (args.weeks - 1))
        window = ["--window-start", str(last - dt.timedelta(days=6)), "--window-end", str(last)]
        print("\n".join(machine_header(Path(sys.executable), args.repeat, args.quick)))
        print(f"{args.repos} repositories x {args.weeks} weeks = {count} runs; {args.weeks} scorecards committed")
        status, card = [], []
        for _ in range(args.repeat):  # interleaved, so both see the same machine load
            status.append(sdetkit("rollout", "status", "--program", str(toml), "--db", db, "--as-of",
                                  str(last + dt.timedelta(days=1)), "--format", "json", "--out",
                                  str(work / "status.json"), ok_codes=(0, 1)))  # fmt: skip
            card.append(sdetkit("portfolio", "scorecard", "--db", db, "--inventory", str(toml), *window,
                                "--out", str(work / "card.json"), "--allow-schema-change"))  # fmt: skip
        print(
            f"rollout status median {median(status):.3f} s; one week's scorecard median {median(card):.3f} s; "
            f"ratio {median(status) / median(card):.2f}x"
        )


if __name__ == "__main__":
    main()
