"""Each criterion's rule on evidence built in place: the edges the 90-day program does not reach."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.incidents.model import AttachedEvidence, IncidentRecord, from_legacy
from sdetkit.portfolio import program as program_file
from sdetkit.portfolio.kinds import Stage
from sdetkit.portfolio.rows import Incident, StoredRun
from sdetkit.rollout import criteria_evaluation, criteria_pilot, criteria_production
from sdetkit.rollout.docs import scan
from sdetkit.rollout.evidence import Evidence, View
from sdetkit.rollout.model import Status
from sdetkit.rollout.status import view_at
from tests.rollout_support import stored_run

BASE = """\
[program]
name = "P"
start = 2026-03-02
lane = "startup"
baseline = "a"
[repos.a]
team = "t"
lane = "startup"
owner = "O"
"""
TODAY = dt.date(2026, 6, 1)


def view(
    tmp_path: Path,
    extra: str = "",
    *,
    runs: tuple[StoredRun, ...] = (),
    incidents: tuple[IncidentRecord, ...] = (),
    as_of: str = "2026-05-31",
    files: dict[str, str] | None = None,
    keys: str = "",
    checklists: frozenset[str] = frozenset(),
) -> View:
    """The evidence in ``tmp_path`` as of ``as_of``; ``keys`` go into [program], ``extra`` after it."""
    text = BASE.replace('baseline = "a"\n', f'baseline = "a"\n{keys}') + extra
    path = tmp_path / "sdetkit-program.toml"
    path.write_text(text)
    for rel, body in (files or {}).items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    prog = program_file.load(path)
    evidence = Evidence(prog, tmp_path, runs, incidents, scan(tmp_path, TODAY), TODAY, checklists=checklists)
    return view_at(evidence, dt.date.fromisoformat(as_of))


def card(end: str, *repos: str) -> str:
    start = (dt.date.fromisoformat(end) - dt.timedelta(days=6)).isoformat()
    return json.dumps({"window": {"start": start, "end": end}, "repos": [{"repo_id": r} for r in repos]})


def cards(*weeks: tuple[str, tuple[str, ...]]) -> dict[str, str]:
    return {f"docs/artifacts/portfolio-scorecard-{end}.json": card(end, *repos) for end, repos in weeks}


REPOS = """
[repos.b]
team = "t"
lane = "startup"
owner = "O"
[repos.new]
team = "t"
lane = "startup"
owner = "O"
since = 2026-05-12
[repos.old]
team = "t"
lane = "startup"
owner = "O"
active = false
since = 2026-05-13
"""
WEEKS = ("2026-05-10", "2026-05-17", "2026-05-24", "2026-05-31")


def test_streak_expects_only_repositories_active_for_the_whole_week(tmp_path: Path) -> None:
    # new is active from 05-12 (inside the week ending 05-17): expected from the week ending 05-24;
    # old is retired on 05-13: expected up to the week ending 05-10.
    weeks = cards(("2026-05-10", ("a", "b", "old")), ("2026-05-17", ("a", "b")), ("2026-05-24", ("a", "b", "new")),
                  ("2026-05-31", ("a", "b", "new")))  # fmt: skip
    result = criteria_production.reporting_streak(view(tmp_path, REPOS, files=weeks))
    assert (result.status, result.measured) == (Status.MET, "4 straight week(s) to 2026-05-31")


def test_streak_names_the_active_silent_repository(tmp_path: Path) -> None:
    weeks = cards(("2026-05-10", ("a", "b", "old")), ("2026-05-17", ("a", "b")), ("2026-05-24", ("a",)),
                  ("2026-05-31", ("a", "b", "new")))  # fmt: skip
    result = criteria_production.reporting_streak(view(tmp_path, REPOS, files=weeks))
    assert result.status == Status.NOT_MET
    assert result.missing == (
        "4 straight weeks are needed; the streak breaks at the week ending 2026-05-24: active repositories did "
        "not report: b, new"
    )


def test_streak_breaks_on_a_missing_week_and_lapses_when_stale(tmp_path: Path) -> None:
    weeks = cards(("2026-05-10", ("a",)), ("2026-05-24", ("a",)), ("2026-05-31", ("a",)))
    gap = criteria_production.reporting_streak(view(tmp_path, files=weeks))
    assert gap.measured == "2 straight week(s) to 2026-05-31"
    assert gap.missing is not None and gap.missing.endswith("no scorecard for the week ending 2026-05-17")
    stale = criteria_production.reporting_streak(view(tmp_path, files=weeks, as_of="2026-06-15"))
    # as_of is after TODAY's scan only in this view: the scorecards are uncommitted and dated by name.
    assert stale.missing == "no scorecard since the week ending 2026-05-31: the streak lapsed"


SIGNED = '\n[[signoffs]]\nstage = "pilot"\nby = "S"\non = 2026-04-06\n'


def test_cadence_names_each_missing_week_and_month(tmp_path: Path) -> None:
    weekly = {f"docs/executive-weekly-{d}.md": "x" for d in ("2026-04-12", "2026-04-19", "2026-05-03", "2026-05-10")}
    monthly = {"docs/executive-monthly-2026-04.md": "x"}
    result = criteria_production.reporting_cadence(view(tmp_path, SIGNED, files=weekly | monthly, as_of="2026-05-19"))
    assert result.status == Status.NOT_MET
    assert result.measured == "since 2026-04-06: 4 of 5 weekly, 1 of 1 monthly"
    assert result.missing == "missing: weekly report for 2026-04-21..2026-04-27"
    (tmp_path / "late").mkdir()
    late = criteria_production.reporting_cadence(view(tmp_path / "late", SIGNED, files=weekly, as_of="2026-05-09"))
    assert late.missing == "missing: weekly report for 2026-04-21..2026-04-27, monthly report for 2026-04"


def test_cadence_before_production_began(tmp_path: Path) -> None:
    result = criteria_production.reporting_cadence(view(tmp_path))
    assert (result.status, result.measured) == (Status.NOT_MET, "production has not begun")


def test_a_sign_off_after_as_of_is_not_there_yet(tmp_path: Path) -> None:
    assert view(tmp_path, SIGNED, as_of="2026-04-05").signoff(Stage.PILOT) is None
    assert view(tmp_path, SIGNED, as_of="2026-04-06").signoff(Stage.PILOT) == ("S", dt.date(2026, 4, 6))


def test_kpi_baseline_must_be_committed_and_valid(tmp_path: Path) -> None:
    files = {"docs/kpi-weekly-2026-03-08.json": "{}"}
    result = criteria_evaluation.kpi_baseline(view(tmp_path, files=files))
    assert result.status == Status.NOT_MET
    assert result.missing == "commit docs/kpi-weekly-2026-03-08.json to the program repository's git history"


def test_canonical_path_needs_all_three_artifacts_from_one_commit(tmp_path: Path) -> None:
    full = stored_run("a", "t", "startup", "2026-03-05")
    no_doctor = full._replace(run_id="x", doctor_ok=None, evidence_window_end="2026-03-06")
    two_commits = full._replace(run_id="y", commit_sha=None, evidence_window_end="2026-03-07")
    assert criteria_evaluation.canonical_path(view(tmp_path, runs=(no_doctor,))).missing == (
        "the latest run of a lacks doctor: run the stage gate command set in a, then "
        "`sdetkit portfolio ingest build --repo a`"
    )
    assert "one commit for both gates" in (
        criteria_evaluation.canonical_path(view(tmp_path, runs=(two_commits,))).missing or ""
    )
    met = criteria_evaluation.canonical_path(view(tmp_path, runs=(full, no_doctor)))
    assert met.status == Status.MET and met.measured.endswith(
        "on 2026-03-05: gate fast passed, gate release passed, doctor passed"
    )
    # Evidence after as_of is not there yet.
    assert criteria_evaluation.canonical_path(view(tmp_path, runs=(full,), as_of="2026-03-04")).status == Status.NOT_MET


def practiced(ident: str, **steps: Any) -> IncidentRecord:
    """A drill that went through every step on 2026-04-02, with ``steps`` changed."""
    full = IncidentRecord(
        ident, "drill", IncidentSeverity.SEV3, "2026-04-02T09:00:00Z", ("a",), ("startup",), drill=True,
        acknowledged_at="2026-04-02T09:10:00Z", mitigation_at="2026-04-02T09:30:00Z", mitigation="roll back",
        resolved_at="2026-04-02T10:00:00Z", root_cause="bad config",
        evidence=(AttachedEvidence("a" * 64, None, "2026-04-02T09:20:00Z"),),
    )  # fmt: skip
    return full._replace(**steps)


def test_escalation_readiness_needs_every_step_of_the_workflow(tmp_path: Path) -> None:
    judge = criteria_pilot.escalation_readiness
    none = judge(view(tmp_path))
    assert (none.missing or "").startswith("no incident recorded: practice one (a drill counts)")
    # A failure recorded the old way (triaged) is handled, but not practiced through every step.
    legacy = from_legacy(Incident("i2", "a", "failure", "2026-04-02T10:00:00Z", "2026-04-02T11:00:00Z", ""))
    result = judge(view(tmp_path, incidents=(legacy,)))
    assert (result.status, result.measured) == (Status.NOT_MET, "1 recorded, none through every step")
    assert result.missing == (
        "i2 lacks these steps: evidence attached, mitigation planned, resolved with a root cause "
        "(`sdetkit incident ack|update|resolve i2`)"
    )
    no_evidence = practiced("D-1", evidence=())
    lacking = str(judge(view(tmp_path, incidents=(no_evidence,))).missing)
    assert lacking.startswith("D-1 lacks these steps: evidence attached (")
    no_cause = practiced("D-2", root_cause=None)
    lacking = str(judge(view(tmp_path, incidents=(no_cause,))).missing)
    assert "D-2 lacks these steps: resolved with a root cause" in lacking
    done = judge(view(tmp_path, incidents=(legacy, practiced("D-3"))))
    assert (done.status, done.measured) == (
        Status.MET,
        "1 through every step; first: D-3 (drill, a) opened 2026-04-02T09:00:00Z, resolved 2026-04-02T10:00:00Z",
    )
    # Steps after the day judged are not there yet.
    late = practiced("D-4", resolved_at="2026-04-09T10:00:00Z")
    assert judge(view(tmp_path, incidents=(late,), as_of="2026-04-05")).status == Status.NOT_MET
    assert judge(view(tmp_path, incidents=(late,), as_of="2026-04-09")).status == Status.MET


def test_owners_and_workstreams(tmp_path: Path) -> None:
    v = view(tmp_path)
    assert criteria_evaluation.owners_named(v).missing == (
        'name them in sdetkit-program.toml: program.sponsor and program.release_owner = { name = "...", '
        'contact = "..." }'
    )
    assert criteria_evaluation.ownership_model(v).measured == "0 of 5 workstreams with a DRI"


def test_canonical_path_needs_a_passing_run(tmp_path: Path) -> None:
    failed = stored_run("a", "t", "startup", "2026-03-05", release_ok=False)
    result = criteria_evaluation.canonical_path(view(tmp_path, runs=(failed,)))
    assert result.status == Status.NOT_MET
    assert result.measured.endswith("on 2026-03-05: gate fast passed, gate release failed, doctor passed")
    assert (result.missing or "").startswith("the latest complete run of a did not pass")


def test_a_young_program_owes_no_week_before_it_began(tmp_path: Path) -> None:
    weeks = cards(("2026-03-01", ("a",)), ("2026-03-08", ("a",)), ("2026-03-15", ("a",)))
    result = criteria_production.reporting_streak(view(tmp_path, files=weeks, as_of="2026-03-16"))
    # The week ending 03-01 began before the program (03-02): it neither counts nor breaks.
    assert (result.measured, result.missing) == (
        "2 straight week(s) to 2026-03-15",
        "4 straight weeks are needed: at the earliest they end on 2026-03-29",
    )


def _checklist(ok: bool) -> str:
    from tests.commands.test_decide import checklist_doc

    failing = () if ok else ("signoff:qa-governance",)
    doc = checklist_doc(failing=failing, train="T", version="2.4.0")
    return json.dumps(doc | {"checked_at": "2026-05-11T09:00:00Z"})


def test_release_checklist_is_judged_as_committed_on_the_day(tmp_path: Path) -> None:
    from tests.rollout_support import commit_on, git_on

    md, result = "docs/full-release-package-checklist.md", "docs/full-release-package-checklist.json"
    git_on(tmp_path, "2026-05-01", "init", "-q", "-b", "main")
    (tmp_path / "docs").mkdir()
    (tmp_path / md).write_text("# Full release package checklist\n")
    (tmp_path / result).write_text(_checklist(False))
    commit_on(tmp_path, "2026-05-11", md, result)
    (tmp_path / result).write_text(_checklist(True))
    commit_on(tmp_path, "2026-05-13", result)

    recorded = frozenset(hashlib.sha256(_checklist(ok).encode()).hexdigest() for ok in (False, True))

    def judged(as_of: str, checklists: frozenset[str] = recorded) -> tuple[Status, str, str | None]:
        r = criteria_production.release_checklist(view(tmp_path, as_of=as_of, checklists=checklists))
        return r.status, r.measured, r.missing

    assert judged("2026-05-10") == (
        Status.NOT_MET,
        "no checklist",
        f"no {md} and {result}: run `sdetkit release checklist --version V` and commit both",
    )
    assert judged("2026-05-12") == (
        Status.NOT_MET, "failed: T 2.4.0, checked 2026-05-11", "failing items: signoff:qa-governance"
    )  # fmt: skip
    assert judged("2026-05-13") == (Status.MET, "passed: T 2.4.0, checked 2026-05-11", None)
    # A result the store never recorded (a failed one edited to pass, say) proves nothing.
    status, measured, missing = judged("2026-05-13", recorded - {hashlib.sha256(_checklist(True).encode()).hexdigest()})
    assert (status, measured) == (Status.NOT_MET, "not recorded: T 2.4.0, checked 2026-05-11")
    assert missing == (
        f"{result} is not a result `sdetkit release checklist` recorded in this store (edited, or checked against "
        "another store): run it again and commit what it writes"
    )


def test_release_checklist_that_does_not_validate_is_not_met(tmp_path: Path) -> None:
    files = {"docs/full-release-package-checklist.md": "# x\n", "docs/full-release-package-checklist.json": "{}"}
    r = criteria_production.release_checklist(view(tmp_path, files=files, as_of="2026-06-01"))
    assert r.status == Status.NOT_MET and r.measured == "not readable"
    assert r.missing is not None and "not a valid release-checklist artifact" in r.missing
