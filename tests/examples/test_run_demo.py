"""examples/run_demo.py, the demo behind ``make demo``: the week it reports, and one whole run."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests import paths

DEMO = paths.REPO / "examples" / "run_demo.py"


def _driver() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_demo", DEMO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("today", "monday", "sunday"),
    [
        ("2026-11-29", "2026-11-23", "2026-11-29"),  # a Sunday: the last day of its week
        ("2026-11-30", "2026-11-30", "2026-12-06"),  # a Monday: the first
        ("2026-12-02", "2026-11-30", "2026-12-06"),  # mid-week
        ("2027-01-01", "2026-12-28", "2027-01-03"),  # across the new year
    ],
)
def test_the_week_reported_is_the_one_the_gates_ran_in(today: str, monday: str, sunday: str) -> None:
    week = _driver().this_week(dt.date.fromisoformat(today))
    assert week == (dt.date.fromisoformat(monday), dt.date.fromisoformat(sunday))


def test_a_folder_the_demo_did_not_make_is_never_emptied(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me\n", encoding="utf-8")
    assert _driver().main(["--work", str(precious)]) == 1
    said = capsys.readouterr().err
    assert said == f"demo failed: {precious} is not empty and was not made by the demo: give another --work\n"
    assert [p.name for p in precious.iterdir()] == ["notes.txt"]
    assert (precious / "notes.txt").read_text(encoding="utf-8") == "keep me\n"


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200, check=False)


@pytest.mark.slow
def test_the_demo_runs_the_main_job_end_to_end(tmp_path: Path) -> None:
    """One run of the whole demo (the suite's only one): verdicts, rollout stage and blockers, report."""
    work = tmp_path / "demo"
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("SDETKIT_DB", None)
    proc = _run([sys.executable, str(DEMO), "--work", str(work)], tmp_path, env)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr
    monday, sunday = _driver().this_week(dt.datetime.now(dt.timezone.utc).date())

    # Every command is shown as typed, in the folder it runs in.
    for folder in ("demo/inventory", "demo/pricing"):
        assert f"[{folder}]$ python -m sdetkit gate fast --format json --stable-json --out build/gate-fast.json\n" in (
            proc.stdout
        )
    assert (
        f"[demo/program]$ python scripts/build_portfolio_scorecard.py --out docs/artifacts/portfolio-scorecard-"
        f"{sunday}.json --schema-version 1.0.0 --window-start {monday} --window-end {sunday} "
        "--inventory sdetkit-program.toml\n"
    ) in proc.stdout

    # The verdicts, from the decisions themselves and as the summary says them.
    healthy = json.loads((work / "inventory" / "build" / "decision.json").read_text(encoding="utf-8"))
    failing = json.loads((work / "pricing" / "build" / "decision.json").read_text(encoding="utf-8"))
    assert (healthy["decision"], healthy["reasons"]) == ("SHIP", [])
    assert failing["decision"] == "NO-SHIP"
    assert failing["reasons"][0]["triage"]["step"] == "tests"
    summary = proc.stdout.split("\n== summary\n", 1)[1].splitlines()
    assert summary[0] == f"inventory: SHIP (commit {healthy['commit'][:12]})"
    assert summary[1] == (
        f"pricing: NO-SHIP (commit {failing['commit'][:12]}): failing step tests: gate-fast: tests failed: "
        'assert 895 == 896; reproduce: python -m pytest -q "tests/test_pricing.py::test_discount_rounds_half_up"'
    )

    # The program reached the pilot: every evaluation criterion is met from the demo's evidence,
    # and what blocks production starts with the pilot's coverage (2 of the approved 3).
    argv = [
        sys.executable,
        "-m",
        "sdetkit",
        "rollout",
        "status",
        "--program",
        "sdetkit-program.toml",
        "--format",
        "json",
    ]
    rollout = _run(argv, work / "program", env)
    assert rollout.returncode == 1, rollout.stderr  # the pilot's exit criteria are not all met: the verdict
    status = json.loads(rollout.stdout)
    assert (status["stage_reached"], status["next_stage"]) == ("pilot", "production")
    evaluation = {c["id"]: c["status"] for c in status["criteria"] if c["stage"] == "evaluation"}
    assert set(evaluation.values()) == {"met"}, evaluation
    assert status["blocking"] == [
        "pilot-coverage",
        "weekly-rhythm",
        "escalation-readiness",
        "leadership-signoff",
        "review-template",
    ]
    coverage = next(c for c in status["criteria"] if c["id"] == "pilot-coverage")
    assert coverage["measured"] == "2 onboarded, 3 needed (inventory, pricing)"
    assert summary[2] == "rollout: stage reached pilot; next stage production"
    assert summary[3] == f"  blocked by pilot-coverage: {coverage['missing']}"

    html = work / "program" / "docs" / f"executive-weekly-{sunday}.html"
    assert summary[-1] == f"executive report: demo/program/docs/executive-weekly-{sunday}.html"
    assert html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
