"""The failure-mode signals: raised from evidence with the guide's mitigation, clear, or unknown."""

from __future__ import annotations

import json
from pathlib import Path

from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout import signals
from tests.rollout.test_criteria import practiced, view

MORE = """
[workstreams.w]
name = "W"
dri = "D"
phase = "pilot"
[[workstreams.w.deliverables]]
what = "Ship it"
due = 2026-05-01
[repos.b]
team = "t"
lane = "startup"
"""


def test_scope_too_broad(tmp_path: Path) -> None:
    assert signals.scope_too_broad(view(tmp_path, MORE), Stage.PILOT) == (
        "unknown",
        "2 active repositories; no approved pilot size (program.pilot_size)",
    )
    sized = view(tmp_path, MORE, keys="pilot_size = 1\n")
    assert signals.scope_too_broad(sized, Stage.PILOT) == (
        "raised",
        "2 active repositories in the pilot, approved size 1",
    )
    assert signals.scope_too_broad(sized, Stage.PRODUCTION) == ("clear", "the pilot is over; 2 active repositories")


def test_no_clear_ownership(tmp_path: Path) -> None:
    assert signals.no_clear_ownership(view(tmp_path, MORE), Stage.PILOT) == (
        "raised",
        "1 deliverable(s) past due (w: 'Ship it' due 2026-05-01); 1 active repositories with no owner (b)",
    )
    done = MORE.replace("due = 2026-05-01", "due = 2026-05-01\ndone = 2026-05-02").replace('lane = "startup"\n"""', "")
    before_due = view(tmp_path, MORE, as_of="2026-05-01")
    assert signals.no_clear_ownership(before_due, Stage.PILOT)[1].startswith("1 active repositories with no owner")
    assert signals.no_clear_ownership(view(tmp_path, done + 'owner = "O"\n'), Stage.PILOT) == (
        "clear",
        "no deliverable past due; every active repository has an owner",
    )


def test_data_inconsistency_schema_change_inside_a_month(tmp_path: Path) -> None:
    def doc(version: str) -> str:
        return json.dumps({"schema_version": version, "repos": []})

    files = {
        "docs/artifacts/portfolio-scorecard-2026-05-03.json": doc("1.0.0"),
        "docs/artifacts/portfolio-scorecard-2026-05-10.json": doc("1.1.0"),
        "docs/artifacts/portfolio-scorecard-2026-04-26.json": doc("1.0.0"),
    }
    assert signals.data_inconsistency(view(tmp_path, files=files), Stage.PILOT) == (
        "raised",
        "scorecard schema changed inside a month (2026-05: 1.0.0, 1.1.0)",
    )


def test_escalation_drift_from_the_rules_and_between_teams(tmp_path: Path) -> None:
    assert signals.escalation_drift(view(tmp_path, MORE), Stage.PILOT) == (
        "clear",
        "no incident with a severity recorded",
    )
    # Repository a (team t) and b (team u), both startup: one repository, no rollback gives sev4.
    teams = MORE.replace('team = "t"', 'team = "u"')  # repository b belongs to team u
    ruled = practiced("I-1", severity=IncidentSeverity.SEV4, drill=False)
    assert signals.escalation_drift(view(tmp_path, teams, incidents=(ruled,)), Stage.PILOT) == (
        "clear",
        "1 incident(s) with a severity, each as the support model's rules give it",
    )
    other = practiced("I-2", severity=IncidentSeverity.SEV2, repos=("b",), drill=False)
    status, detail = signals.escalation_drift(view(tmp_path, teams, incidents=(ruled, other)), Stage.PILOT)
    assert (status, detail) == (
        "raised",
        "I-2 recorded sev2, the rules give sev4: any incident; "
        "for lane startup, no rollback, 1 repository: t chose sev4; u chose sev2",
    )


def test_every_signal_carries_the_guide_mitigation(tmp_path: Path) -> None:
    found = signals.judge(view(tmp_path), Stage.EVALUATION)
    assert [(s.id, s.mitigation) for s in found] == [
        ("scope-too-broad", "Limit to highest-impact services first"),
        ("no-clear-ownership", "Assign DRI per workstream and publish weekly"),
        ("data-inconsistency", "Freeze schema for reporting window"),
        ("escalation-drift", "Enforce one support model + monthly calibration"),
    ]
