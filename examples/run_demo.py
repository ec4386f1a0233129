#!/usr/bin/env python3
"""The end-to-end demo behind ``make demo``: a week of a rollout program on two example repositories.

1. The rollout guide's stage gate command set in ``examples/inventory`` (healthy) and
   ``examples/pricing`` (a planted failing test), each copied to ``build/demo/<name>`` and made a
   git repository first, so the checkout stays clean and every run starts fresh.
2. ``sdetkit decide`` for each: SHIP for inventory, NO-SHIP for pricing.
3. A program repository (``build/demo/program``): ``sdetkit program init``, then the program file
   filled in as a program lead would (owners, baseline, pilot size, cadence, five workstreams, the
   two repositories).
4. Both repositories' evidence ingested into the program's embedded SQLite store, dated when the
   gates ran (today), so the program's first week is this week (Monday to Sunday), reported to date.
5. That week's portfolio scorecard (the guide's fourth command), KPI payload and executive report,
   committed to the program repository.
6. ``sdetkit rollout status``: its exit 1 (a stage's exit criteria not all met) is the verdict,
   not an error; 2 (bad input) or 3 (internal error) fails the demo.

Every command is printed before it runs, exactly as a user would type it in that folder with the
virtual environment that runs this script active. Standard library only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXAMPLES = Path(__file__).resolve().parent
CHECKOUT = EXAMPLES.parent
HEALTHY, FAILING = "inventory", "pricing"
VERDICT = (0, 1)  # gates, doctor, decide and rollout status: 1 is a verdict (failed, NO-SHIP, not met)
SCRATCH = ("build", "dist", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "*.egg-info")
STAGE_GATE_COMMANDS = (  # the rollout guide's stage gate command set, verbatim
    "python -m sdetkit gate fast --format json --stable-json --out build/gate-fast.json",
    "python -m sdetkit gate release --format json --out build/release-preflight.json",
    "python -m sdetkit doctor --format json --out build/doctor.json",
)
# Who runs the program, what is in scope: what a program lead writes into the program file.
PROGRAM_KEYS = """\
sponsor = { name = "Ana Ruiz", contact = "ana.ruiz@example.com" }
release_owner = { name = "Bo Chen", contact = "#release-train" }
baseline = "inventory"
pilot_size = 3
review_weekday = "monday"
"""
WORKSTREAMS = (  # id, name, DRI
    ("gates", "Canonical path and gates", "Cy Diaz"),
    ("reporting", "Portfolio reporting", "Di Evans"),
    ("onboarding", "Onboarding and enablement", "Ed Fox"),
    ("escalation", "Incidents and escalation", "Flo Gupta"),
    ("governance", "Governance and release package", "Gil Hart"),
)
MARKER = ".sdetkit-demo"  # in the scratch folder: a later run may remove it
REPOS = ((HEALTHY, "warehouse", "Hana Ito"), (FAILING, "checkout", "Ivo Jones"))  # id, team, owner


class DemoFailed(Exception):
    """A step of the demo did not run as a user would expect (not a verdict: an error)."""


class Shell:
    """Runs commands the way a user would type them, printing each first."""

    def __init__(self) -> None:
        env = dict(os.environ)
        if sys.prefix != sys.base_prefix:  # as if the virtual environment were activated
            env["VIRTUAL_ENV"] = sys.prefix
            env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        # A user's own store or inventory must not receive (or feed) the demo's evidence.
        for name in ("SDETKIT_DB", "SDETKIT_INVENTORY"):
            if env.pop(name, None) is not None:
                print(f"note: {name} is set in your environment; the demo runs without it")
        # Commits need an identity and no interactive signing, whatever the user's git config says.
        env.update(
            GIT_AUTHOR_NAME="sdetkit demo",
            GIT_AUTHOR_EMAIL="demo@example.invalid",
            GIT_COMMITTER_NAME="sdetkit demo",
            GIT_COMMITTER_EMAIL="demo@example.invalid",
        )
        self.env = env

    def run(self, command: str, cwd: Path, ok: Sequence[int] = (0,), capture: bool = False) -> tuple[int, str]:
        """Run ``command`` (as typed: ``python`` is this interpreter) in ``cwd``; an exit code not in
        ``ok`` fails the demo. Returns the exit code and, with ``capture``, the standard output."""
        print(f"\n[{shown(cwd)}]$ {command}", flush=True)
        argv = shlex.split(command)
        if argv[0] == "python":
            argv[0] = sys.executable
        proc = subprocess.run(
            argv,
            cwd=cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if capture else None,
            text=True,
            check=False,
        )
        if proc.returncode not in ok:
            raise DemoFailed(f"`{command}` in {cwd} exited {proc.returncode}")
        return proc.returncode, proc.stdout or ""


def shown(path: Path) -> Path:
    """``path`` from the current directory when it is below it (build/demo/...), else absolute."""
    here = Path.cwd()
    return path.relative_to(here) if path.is_relative_to(here) else path


def this_week(today: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of the week ``today`` is in: the gates ran today, and evidence is never
    dated before it was made, so this is the week the demo's evidence belongs to."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def git_repository(sh: Shell, folder: Path, message: str) -> None:
    """Make ``folder`` a git repository with everything in it committed."""
    sh.run("git init --quiet --initial-branch=main", folder)
    commit(sh, folder, message)


def commit(sh: Shell, folder: Path, message: str) -> None:
    """Commit everything in ``folder``."""
    sh.run("git add --all", folder)
    sh.run(f"git -c commit.gpgsign=false commit --quiet --no-verify -m {shlex.quote(message)}", folder)


def gate_and_decide(sh: Shell, name: str, work: Path) -> dict[str, Any]:
    """The stage gate command set and the decision in a fresh copy of ``examples/<name>``."""
    repo = work / name
    print(f"\n== {name}: copy examples/{name} to {shown(repo)}, commit, run the gates")
    shutil.copytree(EXAMPLES / name, repo, ignore=shutil.ignore_patterns(*SCRATCH))
    git_repository(sh, repo, f"{name}: the example repository")
    for command in STAGE_GATE_COMMANDS:
        sh.run(command, repo, ok=VERDICT)
    sh.run(
        "python -m sdetkit decide --fast build/gate-fast.json --release build/release-preflight.json "
        "--doctor build/doctor.json --lane scale --format json --out build/decision.json",
        repo,
        ok=VERDICT,
    )
    decision: dict[str, Any] = json.loads((repo / "build" / "decision.json").read_text(encoding="utf-8"))
    return decision


def fill_in(program_file: Path, start: dt.date) -> None:
    """Fill in the program file ``program init`` wrote, as a program lead would: each commented
    ``# key = ...`` line of [program] becomes the real value (its trailing comment kept; a key the
    template does not show goes after the lane), then the workstreams and repositories in scope."""
    lines = program_file.read_text(encoding="utf-8").splitlines(keepends=True)
    lane = next((i for i, line in enumerate(lines) if line.startswith("lane = ")), None)
    if lane is None:
        raise DemoFailed(f"{program_file}: no `lane = ` line in [program] to fill in after")
    for assignment in PROGRAM_KEYS.splitlines():
        key = assignment.split(" = ", 1)[0]
        at = next((i for i, line in enumerate(lines) if line.startswith(f"# {key} = ")), None)
        if at is None:
            lane += 1
            lines.insert(lane, assignment + "\n")
            continue
        _, _, comment = lines[at].rstrip("\n").partition("  # ")
        lines[at] = assignment + (f"  # {comment}" if comment else "") + "\n"
    tables = []
    for ws_id, name, dri in WORKSTREAMS:
        tables.append(f'\n[workstreams.{ws_id}]\nname = "{name}"\ndri = "{dri}"\nphase = "evaluation"\n')
    for repo_id, team, owner in REPOS:
        tables.append(
            f'\n[repos.{repo_id}]\nteam = "{team}"\nlane = "scale"\nowner = "{owner}"\n'
            f"active = true\nsince = {start.isoformat()}\n"
        )
    program_file.write_text("".join(lines) + "".join(tables), encoding="utf-8")


def verdict(decision: dict[str, Any]) -> str:
    """The decision in words: SHIP, or NO-SHIP with the step that failed first and how to reproduce it."""
    commit = str(decision.get("commit") or "")[:12]
    if decision["decision"] == "SHIP":
        return f"SHIP (commit {commit})"
    first = (decision.get("reasons") or [{}])[0]
    triage = first.get("triage") or {}
    step = f"failing step {triage['step']}: " if triage.get("step") else ""
    again = f"; reproduce: {triage['next_command']}" if triage.get("next_command") else ""
    return f"{decision['decision']} (commit {commit}): {step}{first.get('message', 'no reason given')}{again}"


def fresh(work: Path) -> None:
    """Empty ``work`` for a new run; only a folder a previous run made (it has the marker) is removed."""
    marker = work / MARKER
    if work.exists() and any(work.iterdir()) and not marker.exists():
        raise DemoFailed(f"{work} is not empty and was not made by the demo: give another --work")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    marker.write_text("made by examples/run_demo.py: removed and remade by every run\n", encoding="utf-8")


def program_repository(sh: Shell, work: Path, monday: dt.date) -> Path:
    """The program repository: ``program init``, the program file filled in, committed."""
    program = work / "program"
    program.mkdir()
    print(f"\n== the program repository: {shown(program)}")
    sh.run("git init --quiet --initial-branch=main", program)
    sh.run(f'python -m sdetkit program init --name "Release confidence rollout" --lane scale --start {monday}', program)
    fill_in(program / "sdetkit-program.toml", monday)
    print(
        f"\nfilled in {shown(program / 'sdetkit-program.toml')}: sponsor, release owner, baseline inventory, pilot "
        "size 3, weekly review on monday, 5 workstreams with their DRIs, repositories inventory (team warehouse) "
        "and pricing (team checkout)"
    )
    commit(sh, program, "The rollout program: owners, workstreams, repositories in scope")
    return program


def report_week(sh: Shell, program: Path, monday: dt.date, sunday: dt.date) -> None:
    """Both repositories' evidence into the store (dated by the release preflight and doctor runs:
    gate fast --stable-json carries no time); the week's scorecard, KPI payload and executive
    report so far, committed (the KPI baseline criterion wants the payload committed)."""
    for name in (HEALTHY, FAILING):
        sh.run(f"python -m sdetkit portfolio ingest ../{name}/build --repo {name} --inventory sdetkit-program.toml",
               program)  # fmt: skip
    sh.run(
        f"python scripts/build_portfolio_scorecard.py --out docs/artifacts/portfolio-scorecard-{sunday}.json "
        f"--schema-version 1.0.0 --window-start {monday} --window-end {sunday} --inventory sdetkit-program.toml",
        program,
    )
    sh.run(f"python -m sdetkit kpi weekly --week-ending {sunday} --inventory sdetkit-program.toml", program)
    sh.run(f"python -m sdetkit report weekly --week-ending {sunday} --inventory sdetkit-program.toml", program)
    commit(sh, program, f"Week ending {sunday}: scorecard, KPI payload and executive report")


def rollout_status(sh: Shell, program: Path) -> dict[str, Any]:
    """``rollout status`` as the text a user reads, then as JSON for the summary."""
    sh.run("python -m sdetkit rollout status --program sdetkit-program.toml", program, ok=VERDICT)
    command = "python -m sdetkit rollout status --program sdetkit-program.toml --format json"
    _, out = sh.run(command, program, ok=VERDICT, capture=True)
    print("(its JSON is read for the summary below)")
    status: dict[str, Any] = json.loads(out)
    return status


def demo(work: Path, today: dt.date) -> int:
    """Run the whole demo in ``work`` (emptied first); the exit code of ``make demo``."""
    sh = Shell()
    monday, sunday = this_week(today)
    fresh(work)
    print(f"sdetkit demo in {shown(work)}: today is {today}; the week reported is {monday} to {sunday}, to date")
    decisions = {name: gate_and_decide(sh, name, work) for name in (HEALTHY, FAILING)}
    program = program_repository(sh, work, monday)
    report_week(sh, program, monday, sunday)
    status = rollout_status(sh, program)
    html = program / "docs" / f"executive-weekly-{sunday}.html"
    if not html.is_file():
        raise DemoFailed(f"{html}: `sdetkit report weekly` did not write it")

    print("\n== summary")
    for name in (HEALTHY, FAILING):
        print(f"{name}: {verdict(decisions[name])}")
    missing = {c["id"]: c["missing"] for c in status["criteria"]}
    print(f"rollout: stage reached {status['stage_reached'] or 'none'}; next stage {status['next_stage'] or 'none'}")
    for criterion in status["blocking"]:
        print(f"  blocked by {criterion}: {missing.get(criterion) or '(no detail)'}")
    print(f"executive report: {shown(html)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python examples/run_demo.py [--work DIR]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--work", type=Path, default=CHECKOUT / "build" / "demo", help="scratch folder, emptied first (build/demo)"
    )
    args = parser.parse_args(argv)
    try:
        return demo(args.work.absolute(), dt.datetime.now(dt.timezone.utc).date())
    except DemoFailed as exc:
        print(f"demo failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
