"""End to end: a 90-day rollout program over five repositories, replayed day by day.

Real gate evidence (gate fast, release preflight, doctor) from five sample repositories is stored
week by week with ``--at``; each week's scorecard, KPI payload and executive report are written by
the real commands and committed to the program repository on the day a team would. ``rollout
status --as-of`` then walks the program: evaluation -> pilot -> production, each only once its
evidence exists, with exactly which criteria are met and what is reported missing at each step.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.cli import main
from sdetkit.evidence import schemas
from tests import paths
from tests.conftest import GIT_ENV, HEALTHY, git, write_files
from tests.once import built_once
from tests.portfolio_support import real_evidence, retime

pytestmark = pytest.mark.slow

START = dt.date(2026, 6, 1)  # a Monday; weeks end on Sundays
WEEKS = 13  # weeks ending 2026-06-07 .. 2026-08-30 (day 90)
# Who reports in which week (the baseline alone in week 0; search becomes active on 06-15 and is
# silent in week 7; legacy is retired on 07-13).
REPORTING = {
    "api": range(0, WEEKS),
    "web": range(1, WEEKS),
    "billing": range(1, WEEKS),
    "search": [w for w in range(2, WEEKS) if w != 7],
    "legacy": range(1, 6),
}
LATE_WEEK = 10  # a late broken run of web lands after this week's KPI payload was committed
RELEASE_WEEK = 12  # the release train of api and billing, version 2.0.0, in the week ending day 90
TRAIN = ["release", "checklist", "--version", "2.0.0", "--train", "checkout", "--repos", "api,billing",
         "--window-end", "2026-08-30"]  # fmt: skip
DEPRECATED = "portfolio-scorecard: $.by_lane"
PROGRAM = """\
[program]
name = "Checkout reliability rollout"
start = 2026-06-01
lane = "scale"
baseline = "api"
pilot_size = 4
review_weekday = "monday"
sponsor = { name = "Ana Ruiz", contact = "ana@example.invalid" }
release_owner = { name = "Bo Chen", contact = "#release" }
incident_commander = { name = "Eve Fox", contact = "#incidents" }
rollback_owner = { name = "Gus Hale" }

[workstreams.reporting]
name = "Portfolio reporting"
dri = "Cy Diaz"
phase = "pilot"

[[workstreams.reporting.deliverables]]
what = "Week-1 KPI baseline"
due = 2026-06-08
done = 2026-06-08

[workstreams.gates]
name = "Gate adoption"
dri = "Di Evans"
phase = "pilot"

[workstreams.triage]
name = "Failure triage"
dri = "Ed Fox"
phase = "pilot"

[workstreams.governance]
name = "Governance"
dri = "Fay Gill"
phase = "production"

[[workstreams.governance.deliverables]]
what = "Deprecation policy published"
due = 2026-08-20

[workstreams.enablement]
name = "Enablement"
dri = "Gus Hale"
phase = "evaluation"

[repos.api]
team = "payments"
lane = "scale"
owner = "Hal Ito"

[repos.web]
team = "frontend"
lane = "startup"
owner = "Ida Jun"

[repos.billing]
team = "payments"
lane = "scale"
owner = "Jo Kim"

[repos.search]
team = "discovery"
lane = "startup"
owner = "Kai Lee"
since = 2026-06-15

[repos.legacy]
team = "platform"
lane = "startup"
owner = "Lu Moe"
active = false
since = 2026-07-13

[[signoffs]]
stage = "pilot"
by = "Ana Ruiz"
on = 2026-07-06
"""
BROKEN = {"tests/test_add.py": "from pkg import add\n\n\ndef test_add() -> None:\n    assert add(1, 2) == 4\n"}


def week_end(w: int) -> dt.date:
    return START + dt.timedelta(days=6 + 7 * w)


def _cli(*args: str) -> None:
    code = main(list(args))
    assert code == 0, args


def _commit(repo: Path, day: dt.date, message: str) -> None:
    stamp = f"{day.isoformat()}T09:00:00+00:00"
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _sample(root: Path, name: str, broken: bool = False) -> Path:
    repo = root / f"{name}-{'broken' if broken else 'ok'}"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, HEALTHY | (BROKEN if broken else {}) | {"README.md": f"# {name}\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", name)
    return repo


def _run_time(repo: str, w: int) -> dt.datetime:
    # The baseline proves the canonical path on day 3; afterwards each repository runs on Friday.
    day = START + dt.timedelta(days=3) if w == 0 else week_end(w) - dt.timedelta(days=2)
    minute = sorted(REPORTING).index(repo) * 7
    return dt.datetime.combine(day, dt.time(10, minute), dt.timezone.utc)


def _build(root: Path) -> None:
    """The real gates on each sample repository, then 13 weeks of the program, day by day."""
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(root / "cache")}
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        made = {name: pool.submit(real_evidence, _sample(root / "samples", name), env) for name in REPORTING}
        late = pool.submit(real_evidence, _sample(root / "samples", "web", broken=True), env)
        evidence = {name: f.result() for name, f in made.items()}
        broken_web = late.result()
    prog = root / "program"
    prog.mkdir()
    git(prog, "init", "-q", "-b", "main")
    (prog / "sdetkit-program.toml").write_text(PROGRAM)
    _commit(prog, START, "program file")
    db, toml = str(root / "store.sqlite3"), str(prog / "sdetkit-program.toml")
    docs = prog / "docs"
    for w in range(WEEKS):
        end = week_end(w)
        if w == 4:  # the monthly leadership review template, ready before the sign-off
            (docs / "monthly-review-template.md").write_text("# Monthly leadership review\n\n## Decisions\n")
            _commit(prog, dt.date(2026, 7, 3), "review template")
        repos = [r for r, weeks in REPORTING.items() if w in weeks]
        for repo in repos:
            when = _run_time(repo, w)
            released = w == RELEASE_WEEK and repo in ("api", "billing")  # decided, and bundled for the train
            folder = retime(evidence[repo], root / "weeks" / str(w) / repo, when, decide=released)
            _cli("portfolio", "ingest", str(folder), "--repo", repo, "--db", db, "--inventory", toml,
                 "--at", when.strftime("%Y-%m-%dT%H:%M:%SZ"))  # fmt: skip
            if released:
                _cli("evidence", "pack", "--dir", str(folder), "--out", str(prog / "release" / "2.0.0" / f"{repo}.zip"))
        if w == 2:  # an escalation practiced: a failure of web, triaged within the hour
            _cli("portfolio", "incident", "--db", db, "--inventory", toml, "--repo", "web", "--kind", "failure",
                 "--opened", "2026-06-17T09:00:00Z", "--triaged", "2026-06-17T09:40:00Z")  # fmt: skip
            # ... and the whole escalation workflow practiced as a drill, the week's evidence attached.
            at = ["--db", db, "--inventory", toml]
            _cli("incident", "open", *at, "--drill", "--id", "DRILL-1", "--title", "web release blocked (drill)",
                 "--severity", "sev4", "--repo", "web", "--opened", "2026-06-17T10:00:00Z",
                 "--evidence", str(folder / "gate-fast.json"))  # fmt: skip
            _cli("incident", "ack", "DRILL-1", *at, "--by", "Bo Chen", "--at", "2026-06-17T10:10:00Z")
            _cli("incident", "update", "DRILL-1", *at, "--by", "Bo Chen", "--at", "2026-06-17T10:30:00Z",
                 "--mitigation", "hold the release, roll back web")  # fmt: skip
            _cli("incident", "resolve", "DRILL-1", *at, "--by", "Bo Chen", "--at", "2026-06-17T11:00:00Z",
                 "--root-cause", "a flaky end-to-end test", "--follow-up", "quarantine the test")  # fmt: skip
        _program_events(w, prog, ["--db", db, "--inventory", toml])
        _cli("kpi", "weekly", "--week-ending", end.isoformat(), "--db", db, "--inventory", toml,
             "--out", str(docs / f"kpi-weekly-{end}.json"))  # fmt: skip
        if w >= 1:  # from week 1 on, the whole weekly cycle
            _cli("portfolio", "scorecard", "--db", db, "--inventory", toml, "--window-start",
                 (end - dt.timedelta(days=6)).isoformat(), "--window-end", end.isoformat(),
                 "--out", str(docs / "artifacts" / f"portfolio-scorecard-{end}.json"))  # fmt: skip
            _cli("report", "weekly", "--week-ending", end.isoformat(), "--db", db, "--inventory", toml,
                 "--out-dir", str(docs))  # fmt: skip
        if w == 8:  # July's monthly report
            _cli("report", "monthly", "--month", "2026-07", "--db", db, "--inventory", toml, "--out-dir", str(docs))
        _commit(prog, end + dt.timedelta(days=1), f"week ending {end}")
        if w == LATE_WEEK:  # late evidence changes the week's KPIs; the payload is rewritten and committed again
            when = dt.datetime.combine(end - dt.timedelta(days=1), dt.time(18), dt.timezone.utc)
            folder = retime(broken_web, root / "weeks" / "late" / "web", when, decide=False)
            _cli("portfolio", "ingest", str(folder), "--repo", "web", "--db", db, "--inventory", toml)
            _cli("kpi", "weekly", "--week-ending", end.isoformat(), "--db", db, "--inventory", toml,
                 "--out", str(docs / f"kpi-weekly-{end}.json"))  # fmt: skip
            _commit(prog, end + dt.timedelta(days=3), f"week ending {end}, KPIs recomputed")
    _release_package(prog, ["--program", toml, "--db", db])


def _release_package(prog: Path, at: list[str]) -> None:
    """Day 91: the train's package fails on the missing QA governance sign-off; day 92 it passes."""
    signed = ["--sign-off", "release-owner=Bo Chen", "--sign-off", "platform-owner=Fay Gill"]
    assert main([*TRAIN, *at, *signed]) == 1
    _commit(prog, dt.date(2026, 8, 31), "release 2.0.0: package checked")
    _cli(*TRAIN, *at, "--sign-off", "qa-governance=Ida Jun")
    _commit(prog, dt.date(2026, 9, 1), "release 2.0.0: QA governance signed off")


def _program_events(w: int, prog: Path, at: list[str]) -> None:
    """The week's incidents, deprecations and governance reviews, as the people running it record them."""
    if w == 5:  # a sev2: billing rolled back, acknowledged 90 minutes in (the target is 30)
        _cli("incident", "open", *at, "--id", "INC-2", "--title", "billing 1.9 rolled back", "--severity", "sev2",
             "--repo", "billing", "--rollback", "--opened", "2026-07-08T14:00:00Z")  # fmt: skip
        _cli("incident", "ack", "INC-2", *at, "--by", "Eve Fox", "--at", "2026-07-08T15:30:00Z")
        _cli("incident", "update", "INC-2", *at, "--by", "Eve Fox", "--at", "2026-07-08T15:45:00Z",
             "--mitigation", "1.8 restored; releases of billing held")  # fmt: skip
        _cli("incident", "resolve", "INC-2", *at, "--by", "Eve Fox", "--at", "2026-07-08T20:00:00Z",
             "--root-cause", "a schema migration without its backfill")  # fmt: skip
    program = ["--program", str(prog / "sdetkit-program.toml")]
    if w == 7:  # a scorecard field is deprecated: announced in 1.4.0, not removed before October
        _cli("governance", "deprecate", *program, "--surface", DEPRECATED, "--announced", "1.4.0",
             "--remove-after", "2026-10-01", "--replacement", "by_team",
             "--note", "group by team; lanes come from the program file")  # fmt: skip
        _commit(prog, dt.date(2026, 7, 22), "deprecation register")
    held = {8: dt.date(2026, 7, 29), 12: dt.date(2026, 8, 26)}  # the month's reviews, held in the month
    if w in held:
        notes = prog / "docs" / "reviews" / f"{held[w]:%Y-%m}.md"
        notes.parent.mkdir(parents=True, exist_ok=True)
        notes.write_text(f"# Reviews of {held[w]:%B}\n\nNo breaking change; one deprecation on track.\n")
        for kind in ("compatibility", "deprecation"):
            _cli("governance", "review", *at, "--kind", kind, "--notes", str(notes), "--reviewers",
                 "Fay Gill,Bo Chen", "--on", held[w].isoformat(), "--decision", "keep the window")  # fmt: skip


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_once(tmp_path_factory, "rollout-e2e", _build)


def status(program: Path, day: dt.date | str, tmp_path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    out = tmp_path / f"status-{day}.json"
    code = main(["rollout", "status", "--program", str(program / "program" / "sdetkit-program.toml"),
                 "--db", str(program / "store.sqlite3"), "--as-of", str(day), "--format", "json",
                 "--out", str(out), *extra])  # fmt: skip
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, json.loads(schemas.text("rollout-status")))
    return code, doc


def met(doc: dict[str, Any]) -> set[str]:
    return {c["id"] for c in doc["criteria"] if c["status"] == "met"}


def criterion(doc: dict[str, Any], ident: str) -> dict[str, Any]:
    return next(c for c in doc["criteria"] if c["id"] == ident)


ENTRY_EVALUATION = {"owners-named", "baseline-selected", "lane-selected"}
STATIC = ENTRY_EVALUATION | {"ownership-model", "pilot-lane-selected", "cadence-set"}


def test_day_2_evaluation_without_evidence(program: Path, tmp_path: Path) -> None:
    code, doc = status(program, "2026-06-03", tmp_path)
    assert (code, doc["stage_reached"], doc["judged_stage"], doc["ok"]) == (1, "evaluation", "evaluation", False)
    assert met(doc) == STATIC
    assert doc["blocking"] == ["canonical-path", "kpi-baseline"]
    assert criterion(doc, "canonical-path")["missing"] == (
        "no run of api is stored: run the stage gate command set in api, then "
        "`sdetkit portfolio ingest build --repo api`"
    )


def test_day_5_canonical_path_proved_kpi_baseline_missing(program: Path, tmp_path: Path) -> None:
    _, doc = status(program, "2026-06-06", tmp_path)
    assert met(doc) == STATIC | {"canonical-path"}
    assert criterion(doc, "canonical-path")["measured"].startswith("1/1: commit ")
    assert criterion(doc, "canonical-path")["measured"].endswith(
        "on 2026-06-04: gate fast passed, gate release passed, doctor passed"
    )
    assert criterion(doc, "kpi-baseline")["missing"].startswith("run `sdetkit kpi weekly")
    assert doc["stage_reached"] == "evaluation"


def test_day_7_evaluation_complete_the_pilot_begins(program: Path, tmp_path: Path) -> None:
    code, doc = status(program, "2026-06-08", tmp_path, "--stage", "evaluation")
    assert code == 0 and doc["ok"] is True
    assert criterion(doc, "kpi-baseline")["measured"] == "docs/kpi-weekly-2026-06-07.json, committed 2026-06-08"
    assert doc["stage_reached"] == "pilot"
    _, doc = status(program, "2026-06-08", tmp_path)
    assert (doc["judged_stage"], doc["ok"]) == ("pilot", False)
    assert criterion(doc, "pilot-coverage")["measured"] == "1 onboarded, 4 needed (api)"
    assert criterion(doc, "weekly-rhythm")["status"] == "not_met"
    assert criterion(doc, "escalation-readiness")["missing"].startswith("no incident recorded")


def test_day_21_pilot_exit_met_production_needs_sign_off(program: Path, tmp_path: Path) -> None:
    code, doc = status(program, "2026-06-22", tmp_path)
    assert (code, doc["stage_reached"], doc["ok"]) == (0, "pilot", True)
    assert {"pilot-coverage", "weekly-rhythm", "escalation-readiness", "scorecard-contract"} <= met(doc)
    assert criterion(doc, "weekly-rhythm")["measured"].endswith("consecutive: 2026-06-14 and 2026-06-21")
    assert doc["blocking"] == ["leadership-signoff", "review-template"]
    scope = next(s for s in doc["signals"] if s["id"] == "scope-too-broad")
    assert (scope["status"], scope["detail"]) == ("raised", "5 active repositories in the pilot, approved size 4")
    golden(doc, "rollout-status-2026-06-22.json")


def test_day_35_sign_off_begins_production(program: Path, tmp_path: Path) -> None:
    _, before = status(program, "2026-07-05", tmp_path)
    assert before["stage_reached"] == "pilot" and before["blocking"] == ["leadership-signoff"]
    _, doc = status(program, "2026-07-06", tmp_path)
    assert doc["stage_reached"] == "production" and doc["next_stage"] is None
    assert criterion(doc, "leadership-signoff")["measured"] == "signed off by Ana Ruiz on 2026-07-06"


def test_day_77_a_silent_active_repository_breaks_the_streak(program: Path, tmp_path: Path) -> None:
    _, doc = status(program, "2026-08-16", tmp_path)
    # The week ending 08-16 is committed on the Monday after: on the Sunday it is not evidence yet.
    assert criterion(doc, "reporting-streak")["measured"] == "2 straight week(s) to 2026-08-09"
    _, doc = status(program, "2026-08-17", tmp_path)
    streak = criterion(doc, "reporting-streak")
    assert streak["measured"] == "3 straight week(s) to 2026-08-16"
    assert streak["missing"] == (
        "4 straight weeks are needed; the streak breaks at the week ending 2026-07-26: active repositories did "
        "not report: search"
    )


def test_each_month_since_the_signoff_has_both_reviews(program: Path, tmp_path: Path) -> None:
    _, doc = status(program, "2026-07-31", tmp_path)
    assert (
        criterion(doc, "governance-reviews")["missing"]
        == "no month has ended since production began: the first is 2026-07"
    )
    _, doc = status(program, "2026-08-01", tmp_path)
    assert criterion(doc, "governance-reviews")["measured"] == "since 2026-07-06: 1 of 1 month(s) reviewed"
    _, doc = status(program, "2026-09-01", tmp_path)
    assert criterion(doc, "governance-reviews")["measured"] == "since 2026-07-06: 2 of 2 month(s) reviewed"


def test_day_91_production_blocked_by_one_missing_signoff(program: Path, tmp_path: Path) -> None:
    """The Monday review after day 90: the last week's cycle is committed, and so is the release
    train's package, which fails on the one sign-off not given yet."""
    code, doc = status(program, "2026-08-31", tmp_path)
    assert (code, doc["stage_reached"], doc["judged_stage"], doc["ok"]) == (1, "production", "production", False)
    # legacy was retired on 07-13: its silence since does not break the streak.
    assert criterion(doc, "reporting-streak")["measured"] == "5 straight week(s) to 2026-08-30"
    assert criterion(doc, "reporting-cadence")["status"] == "met"
    assert doc["blocking"] == ["release-checklist"]
    assert {c["id"]: c["status"] for c in doc["criteria"] if c["status"] != "met"} == {"release-checklist": "not_met"}
    assert "signoff:qa-governance" in criterion(doc, "release-checklist")["missing"]
    points = {c["day"]: (c["status"], c["met_on"]) for c in doc["checkpoints"]}
    assert points == {
        30: ("met", "2026-06-08"),
        60: ("met", "2026-06-22"),
        90: ("late", None),
    }  # the package is not complete: late, not unknown
    signals = {s["id"]: s["status"] for s in doc["signals"]}
    assert signals == {
        "scope-too-broad": "clear",
        "no-clear-ownership": "raised",
        "data-inconsistency": "raised",
        "escalation-drift": "clear",
    }
    golden(doc, "rollout-status-2026-08-31.json")


def test_day_92_the_package_passes_and_production_is_met(program: Path, tmp_path: Path) -> None:
    code, doc = status(program, "2026-09-01", tmp_path)
    assert (code, doc["stage_reached"], doc["ok"], doc["blocking"]) == (0, "production", True, [])
    assert criterion(doc, "release-checklist")["status"] == "met"
    points = {c["day"]: (c["status"], c["met_on"]) for c in doc["checkpoints"]}
    assert points[90] == ("late", "2026-09-01")  # met, two days after day 90


def test_the_sev2_missed_its_acknowledgement_target(program: Path, capsys: pytest.CaptureFixture[str]) -> None:
    at = ["--db", str(program / "store.sqlite3"), "--inventory", str(program / "program" / "sdetkit-program.toml")]
    assert main(["incident", "slo", *at, "--period-start", "2026-07-01", "--period-end", "2026-07-31"]) == 1
    out = capsys.readouterr().out
    assert "INC-2" in out and "acknowledge" in out


def test_a_removal_before_its_window_closes_is_blocked(program: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = str(program / "program" / "sdetkit-program.toml")
    early = ["governance", "check-removals", "--program", toml, "--removed", DEPRECATED]
    assert main([*early, "--date", "2026-08-12"]) == 1
    assert DEPRECATED in capsys.readouterr().out
    assert main([*early, "--date", "2026-10-02"]) == 0


def test_as_of_replays_the_past_exactly(program: Path, tmp_path: Path) -> None:
    """Evidence added after a day never changes that day's status."""
    _, first = status(program, "2026-06-22", tmp_path)
    _, again = status(program, "2026-06-22", tmp_path)
    assert first == again


def golden(doc: dict[str, Any], name: str) -> None:
    doc = {**doc, "store": "<store>"}  # where the test ran, and (below) the day the package was checked
    text = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    text = text.replace(f"checked {dt.datetime.now(dt.timezone.utc).date()}", "checked <today>")
    path = paths.DATA / "rollout" / name
    if os.environ.get("SDETKIT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


def test_reports_and_scorecards_expect_only_active_repositories(program: Path) -> None:
    """A retired repository is not missing; an active silent one is, and is named where it broke the streak."""
    docs = program / "program" / "docs"

    def missing(end: str) -> list[str]:
        card = json.loads((docs / "artifacts" / f"portfolio-scorecard-{end}.json").read_text())
        return list(card["missing_repos"])

    assert (missing("2026-07-12"), missing("2026-07-26"), missing("2026-08-02")) == ([], ["search"], [])
    weekly = (docs / "executive-weekly-2026-08-02.md").read_text()
    assert (
        "1 consecutive week with every expected repository reporting (target: 4, not met). It broke on search: "
        "expected that week, did not report." in weekly
    )
    assert "Stage reached: production, the last stage." in weekly
    pilot = (docs / "executive-weekly-2026-06-14.md").read_text()
    assert "Stage reached: pilot; next stage: production." in pilot


def test_a_weekly_report_judges_the_rollout_at_its_review_counting_itself(program: Path) -> None:
    """The report for the week ending 06-21 was written before its week's files were committed: the
    rollout is judged on 06-22, the week's review, and the report counts itself, so the week's
    cycle is complete and the pilot's exit is met, as rollout status says for that day."""
    report = (program / "program" / "docs" / "executive-weekly-2026-06-21.md").read_text()
    assert "Rollout as of 2026-06-22." in report
    assert "Next blocking criterion: Leadership sign-off of the pilot (leadership-signoff)." in report
