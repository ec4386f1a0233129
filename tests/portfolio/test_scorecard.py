"""The portfolio scorecard: the contract's formulas, strict input, the seed's script, determinism."""

from __future__ import annotations

import datetime as dt
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.evidence import schemas
from sdetkit.portfolio import scorecard
from sdetkit.portfolio.records import Record
from tests import paths

ROOT = paths.REPO
START, END = dt.date(2026, 11, 16), dt.date(2026, 11, 22)


def rec(
    repo: str,
    fast: bool = True,
    release: bool = True,
    doctor: bool = True,
    failed: int = 0,
    day: int = 20,
    hour: int = 10,
    team: str = "core",
    lane: str = "scale",
    steps: tuple[str, ...] = (),
) -> dict[str, Any]:
    gates = {"gate_fast_ok": fast, "gate_release_ok": release, "doctor_ok": doctor}
    return {
        "repo_id": repo, "team": team, "lane": lane, **gates, "failed_steps_count": failed, "failed_steps": list(steps),
        "evidence_window_end": f"2026-11-{day:02d}", "source_timestamp": f"2026-11-{day:02d}T{hour:02d}:00:00Z",
    }  # fmt: skip


def run(tmp: Path, records: Any, *args: str, jsonl: bool = False) -> tuple[int, dict[str, Any], str]:
    inp = tmp / ("in.jsonl" if jsonl else "in.json")
    inp.write_text("\n".join(json.dumps(r) for r in records) if jsonl else json.dumps(records))
    out = tmp / "out" / "portfolio-scorecard.json"
    script = str(ROOT / "scripts" / "build_portfolio_scorecard.py")
    window = ["--window-start", START.isoformat(), "--window-end", END.isoformat()]
    argv = [sys.executable, script, "--in", str(inp), "--out", str(out), "--schema-version", "1.0.0", *window, *args]
    res = subprocess.run(argv, capture_output=True, text=True, check=False)
    doc = json.loads(out.read_text()) if out.exists() else {}
    if doc:
        jsonschema.validate(doc, json.loads(schemas.text("portfolio-scorecard")))
    return res.returncode, doc, res.stderr


def test_seed_command_risk_tiers_and_totals(tmp_path: Path) -> None:
    records = [
        rec("a"),  # low
        rec("b", doctor=False),  # medium: a gate not ok, release fine
        rec("c", release=False, failed=1, steps=("build",)),  # high: release gate failed
        rec("d", fast=False, failed=2, steps=("lint", "tests")),  # high: two failed steps
        rec("e", fast=False, failed=1, steps=("tests",), team="web", lane="startup"),  # medium
    ]
    code, doc, err = run(tmp_path, records, jsonl=True)
    assert code == 0, err
    assert doc["schema_name"] == "sdetkit.portfolio.aggregate" and doc["schema_version"] == "1.0.0"
    assert {r["repo_id"]: r["risk_tier"] for r in doc["repos"]} == {
        "a": "low",
        "b": "medium",
        "c": "high",
        "d": "high",
        "e": "medium",
    }
    t = doc["totals"]
    assert (t["repo_count_total"], t["repo_count_reporting"]) == (5, 5)
    assert (t["high_risk_repo_count"], t["medium_risk_repo_count"], t["low_risk_repo_count"]) == (2, 2, 1)
    assert t["release_gate_failure_rate_percent"] == 20.0
    assert doc["top_failing_steps"][0] == {"step": "tests", "repo_count": 2}
    assert doc["by_lane"]["startup"]["repo_count_reporting"] == 1


def test_latest_run_in_window_counts_and_empty_window_is_zero(tmp_path: Path) -> None:
    records = [rec("a", release=False, day=17), rec("a", day=21, hour=9), rec("a", release=False, day=25)]
    code, doc, _ = run(tmp_path, records)
    assert (
        code == 0 and doc["repos"][0]["risk_tier"] == "low" and doc["repos"][0]["evidence_window_end"] == "2026-11-21"
    )
    code, doc, _ = run(tmp_path, [rec("z", day=1)])
    assert code == 0 and doc["totals"]["repo_count_reporting"] == 0
    assert doc["totals"]["release_gate_failure_rate_percent"] == 0.0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"gate_fast_ok": "true"}, "gate_fast_ok must be true or false, not 'true'"),
        ({"lane": "enterprise"}, "lane 'enterprise' is not one of startup, scale, regulated"),
        ({"evidence_window_end": "20/11/2026"}, "is not a YYYY-MM-DD date"),
        # An ISO week date read as that week's Monday, silently; the basic form likewise.
        ({"evidence_window_end": "2026-W47"}, "evidence_window_end '2026-W47' is not a YYYY-MM-DD date"),
        ({"evidence_window_end": "20261121"}, "evidence_window_end '20261121' is not a YYYY-MM-DD date"),
        ({"failed_steps_count": -1}, "failed_steps_count must be a whole number >= 0"),
        ({"surprise": 1}, "unknown field 'surprise'"),
    ],
)
def test_strict_input_exit_2_nothing_written(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    code, doc, err = run(tmp_path, [rec("a"), rec("b") | change])
    assert code == 2 and expected in err and "record 2" in err and not doc
    assert len(err.strip().splitlines()) == 1


def test_bad_flags(tmp_path: Path) -> None:
    assert "this sdetkit writes schema 1.x.y" in run(tmp_path, [rec("a")], "--schema-version", "2.0.0")[2]
    code, _, err = run(tmp_path, [rec("a")], "--window-start", "2026-12-01")
    assert code == 2 and "is after --window-end" in err


ROWS = st.tuples(st.sampled_from("abcd"), st.booleans(), st.booleans(), st.integers(0, 3), st.integers(15, 23))


@settings(max_examples=40, deadline=None)
@given(st.lists(ROWS, max_size=12), st.integers(0, 1000))
def test_scorecard_does_not_depend_on_input_order(rows: list[tuple[str, bool, bool, int, int]], seed: int) -> None:
    from sdetkit.portfolio.records import _problems

    records = [
        r
        for r in (_problems(rec(n, f, rel, failed=c, day=d), "x")[0] for n, f, rel, c, d in rows)
        if isinstance(r, Record)
    ]
    shuffled = records[:]
    random.Random(seed).shuffle(shuffled)  # noqa: S311 - order, not secrecy
    first = scorecard.build(records, "1.0.0", START, END)
    assert first == scorecard.build(shuffled, "1.0.0", START, END)
    t = first["totals"]
    assert (
        t["high_risk_repo_count"] + t["medium_risk_repo_count"] + t["low_risk_repo_count"] == t["repo_count_reporting"]
    )


def test_unreadable_records_files(tmp_path: Path) -> None:
    for content, expected in ((b"\xff\xfe{}", "not UTF-8 text"), (b"", "empty file"), (b"[{", "not valid JSON")):
        inp = tmp_path / "in.json"
        inp.write_bytes(content)
        out = tmp_path / "o.json"
        res = subprocess.run(
            [sys.executable, "-m", "sdetkit", "portfolio", "scorecard", "--in", str(inp), "--out", str(out),
             "--window-start", "2026-11-16", "--window-end", "2026-11-22"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert res.returncode == 2 and expected in res.stderr and "Traceback" not in res.stderr and not out.exists()
