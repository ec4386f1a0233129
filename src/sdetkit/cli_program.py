"""Command line of the program-level commands: the evidence store (``portfolio``), ``kpi``,
``report``, the program file (``program``), ``rollout`` and ``release``. The repository-level ones are in
:mod:`sdetkit.cli`, which adds these and runs them."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdetkit import settings as st
from sdetkit.cli_args import IDS, actions, comma_list, flat, one_line, output, output_flags, store, store_flags
from sdetkit.cli_store import STORE_COMMANDS, add_store_commands
from sdetkit.enums import values
from sdetkit.governance.bumps import Bump
from sdetkit.governance.reviews import ReviewKind
from sdetkit.incidents.kinds import IncidentSeverity, IncidentState
from sdetkit.lanes import LaneName
from sdetkit.portfolio.kinds import IncidentKind, ProgramStatus, Stage

PROGRAM_FILE = "sdetkit-program.toml"
INCIDENT_ACTIONS = ("open", "ack", "update", "resolve", "show", "list", "export", "slo")


def add_commands(sub: Any) -> None:
    """Add the program-level commands to ``sub`` (the top parser's sub-commands)."""
    _add_portfolio(sub)
    _add_kpi_and_report(sub)
    _add_program(sub)
    _add_rollout(sub)
    _add_governance(sub)
    _add_release(sub)
    _add_incident(sub)


def _add_portfolio(sub: Any) -> None:
    psub = actions(sub, "portfolio", help="evidence store, ingest, and the portfolio scorecard")
    ingest = psub.add_parser("ingest", help="validate repositories' artifacts and store one run per repository")
    ingest.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="artifact files or folders")
    ingest.add_argument("--repo", metavar="ID", help="repository id (default: each PATH folder's name)")
    ingest.add_argument("--team", help="owning team (default: the inventory's, else the last one stored)")
    ingest.add_argument("--lane", help="startup, scale or regulated (default: the inventory's, else last stored)")
    ingest.add_argument("--ci-run-url", metavar="URL", help="link to the CI run that wrote the evidence")
    ingest.add_argument("--at", metavar="TIME", help="evidence time, for artifacts written without run times")
    ingest.add_argument("--records", type=Path, metavar="FILE", help="bulk-import normalized records (JSON/JSONL)")
    store_flags(ingest)
    score = psub.add_parser("scorecard", help="the versioned portfolio scorecard (sdetkit.portfolio.aggregate)")
    records = "normalized records (JSON array or JSONL) instead of the store"
    score.add_argument("--in", dest="inp", type=Path, metavar="FILE", help=records)
    score.add_argument("--out", type=Path, metavar="FILE", help="scorecard to write atomically")
    score.add_argument("--schema-version", default="1.0.0", help="scorecard schema version, 1.x.y (default 1.0.0)")
    score.add_argument("--window-start", required=True, metavar="YYYY-MM-DD")
    score.add_argument("--window-end", required=True, metavar="YYYY-MM-DD")
    score.add_argument(
        "--allow-schema-change", action="store_true", help="report a window again with another schema version"
    )
    store_flags(score)
    export = psub.add_parser(
        "export",
        help="a window's stored runs as normalized records (JSONL, the scorecard script's --in input), or with "
        "--out-dir the whole store",
        description="Give --window-start and --window-end for a window's runs as normalized records, or --out-dir "
        "for the whole store: one JSON Lines file per table and manifest.json (a backup `portfolio import` reads).",
    )
    export.add_argument("--window-start", metavar="YYYY-MM-DD")
    export.add_argument("--window-end", metavar="YYYY-MM-DD")
    export.add_argument("--out", type=Path, metavar="FILE", help="JSONL to write atomically (default: standard output)")
    export.add_argument("--out-dir", type=Path, metavar="DIR", help="export the whole store into DIR (new or empty)")
    store_flags(export)
    add_store_commands(psub)
    incident = psub.add_parser("incident", help="record a rollback or a failure and when it was triaged")
    incident.add_argument("--repo", required=True, metavar="ID")
    incident.add_argument("--kind", required=True, choices=values(IncidentKind))
    incident.add_argument("--opened", required=True, metavar="TIME", help="when it happened (ISO 8601)")
    incident.add_argument("--triaged", metavar="TIME", help="when its first failure was triaged (ISO 8601)")
    incident.add_argument("--note", default="", help="what happened")
    incident.add_argument("--id", dest="incident_id", help="your own id for it (default: from repo, kind, time)")
    store_flags(incident)


def _add_kpi_and_report(sub: Any) -> None:
    ksub = actions(sub, "kpi", help="the weekly KPI payload from the evidence store")
    weekly = ksub.add_parser("weekly", help="six KPIs for the week ending on a date (schema 1.0.0)")
    weekly.add_argument("--week-ending", required=True, metavar="YYYY-MM-DD")
    weekly.add_argument("--out", type=Path, metavar="FILE", help="default: docs/kpi-weekly-<date>.json")
    weekly.add_argument("--status", choices=values(ProgramStatus), help="override the derived program status")
    weekly.add_argument("--status-reason", metavar="TEXT", help="why the status is overridden (required with it)")
    store_flags(weekly)

    rsub = actions(sub, "report", help="executive reports (Markdown + self-contained HTML with charts)")
    rweekly = rsub.add_parser("weekly", help="the week ending on a date")
    rweekly.add_argument("--week-ending", required=True, metavar="YYYY-MM-DD")
    rmonthly = rsub.add_parser("monthly", help="one calendar month")
    rmonthly.add_argument("--month", required=True, metavar="YYYY-MM")
    for r in (rweekly, rmonthly):
        r.add_argument("--out-dir", type=Path, default=Path("docs"), metavar="DIR", help="default: docs")
        store_flags(r)


def _add_program(sub: Any) -> None:
    psub = actions(sub, "program", help="the rollout program file (sdetkit-program.toml) and its dashboard")
    init = psub.add_parser(
        "init",
        help="write a commented sdetkit-program.toml, the guide's scorecard script and .gitignore entries",
        description="Start a rollout program in this repository. Refuses to overwrite a program file (exit 2).",
    )
    init.add_argument("path", nargs="?", type=Path, default=Path(), help="program repository (default: .)")
    init.add_argument("--name", help="program name (default: '<folder> rollout')")
    init.add_argument("--lane", choices=values(LaneName), help="startup, scale or regulated (default: startup)")
    init.add_argument("--start", metavar="YYYY-MM-DD", help="the program's day 0 (default: today, UTC)")
    board = psub.add_parser(
        "dashboard",
        help="write docs/top-tier-program-dashboard.md and .html for a week",
        description="Render the program dashboard of one week into the program repository's docs/: status "
        "snapshot, workstream tracker, KPI board, blockers and decisions. Both files are written, or neither.",
    )
    _program_flag(board)
    board.add_argument(
        "--week-ending",
        metavar="YYYY-MM-DD",
        help="the week's last day (default: the last week that ended; weeks end the day before the review day)",
    )


def _add_rollout(sub: Any) -> None:
    status = actions(sub, "rollout", help="the rollout stage and every criterion of the guide, from evidence")
    st_p = status.add_parser(
        "status",
        help="which stage the program reached, and exactly what blocks the next one",
        description="Evaluate every entry and exit criterion of the rollout guide from the program file, the "
        "evidence store and the program repository's docs. Exit 0 only when the stage's exit criteria are all met.",
    )
    _program_flag(st_p)
    st_p.add_argument("--stage", choices=values(Stage), help="the stage to judge (default: the stage reached)")
    st_p.add_argument("--as-of", metavar="YYYY-MM-DD", help="evaluate as the program stood on that day")
    output_flags(st_p, ("text", "json", "markdown"))


def _add_governance(sub: Any) -> None:
    gsub = actions(sub, "governance", help="schema compatibility, the deprecation register and monthly reviews")
    diff = gsub.add_parser(
        "schema-diff",
        help="classify each change between two JSON Schemas (or documents' shapes) as patch, minor or major",
        description="Compare OLD and NEW (JSON Schemas, or JSON documents whose shape is inferred) and classify "
        "every change. Exit 1 when the declared bump (--declared-bump, else what the schemas' schema_version "
        "declares) is smaller than the changes require.",
    )
    diff.add_argument("old", type=Path, metavar="OLD", help="the earlier schema or document")
    diff.add_argument("new", type=Path, metavar="NEW", help="the later schema or document")
    diff.add_argument("--declared-bump", choices=values(Bump), help="the version bump the change is released with")
    output_flags(diff, ("text", "json"))
    dep = gsub.add_parser(
        "deprecate",
        help="add a surface to governance/deprecations.toml with its removal window",
        description="Register a deprecation in the program repository's governance/deprecations.toml. The entry "
        "is validated and the file written atomically; a surface already registered is refused (exit 2).",
    )
    _program_flag(dep, with_store=False)
    dep.add_argument("--surface", required=True, help="what goes away: a schema field path ($.a.b), command or flag")
    dep.add_argument("--announced", required=True, metavar="VERSION", help="the version that announces it")
    dep.add_argument(
        "--remove-after", required=True, metavar="VERSION|YYYY-MM-DD", help="removal not before this version or day"
    )
    dep.add_argument("--replacement", required=True, help="what to use instead")
    dep.add_argument("--note", required=True, help="how to migrate, in one line")
    check = gsub.add_parser(
        "check-removals",
        help="fail when a surface is removed before its deprecation window closes",
        description="Judge removed surfaces against governance/deprecations.toml: exit 1 naming each one removed "
        "before its window closes (or never registered), 0 when every window has closed.",
    )
    _program_flag(check, with_store=False)
    what = check.add_mutually_exclusive_group(required=True)
    what.add_argument("--removed", nargs="+", default=[], metavar="SURFACE", help="the surfaces removed")
    what.add_argument("--old-schema", type=Path, metavar="FILE", help="with --new-schema: the fields it removes")
    check.add_argument("--new-schema", type=Path, metavar="FILE", help="the schema after the change")
    when = check.add_mutually_exclusive_group()
    when.add_argument("--version", metavar="VERSION", help="the release that removes them")
    when.add_argument("--date", metavar="YYYY-MM-DD", help="the day of the removal (default: today, UTC)")
    output_flags(check, ("text", "json"))
    review = gsub.add_parser(
        "review",
        help="record a monthly compatibility or deprecation review in the evidence store",
        description="Record a review: its day, kind, reviewers, decisions and the sha256 of its notes file.",
    )
    review.add_argument("--kind", required=True, choices=values(ReviewKind))
    review.add_argument("--notes", required=True, type=Path, metavar="FILE", help="the review's notes")
    review.add_argument("--reviewers", type=_names, default=(), metavar="A,B", help="who reviewed (comma-separated)")
    review.add_argument("--on", metavar="YYYY-MM-DD", help="the day it was held (default: today, UTC)")
    review.add_argument("--decision", action="append", default=[], metavar="TEXT", help="a decision (repeatable)")
    store_flags(review)
    gstatus = gsub.add_parser(
        "status",
        help="each month's compatibility and deprecation reviews, and which are overdue",
        description="Exit 1 when a month that has ended lacks one of its two reviews.",
    )
    gstatus.add_argument("--since", metavar="YYYY-MM-DD", help="first month listed (default: the first review's)")
    store_flags(gstatus)
    output_flags(gstatus, ("text", "json"))


def _names(value: str) -> tuple[str, ...]:
    return tuple(comma_list(value))


def _add_release(sub: Any) -> None:
    rsub = actions(sub, "release", help="the full release package of a release train")
    check = rsub.add_parser(
        "checklist",
        help="check the release package by machine; write docs/full-release-package-checklist.md and .json",
        description="Check the full release package of one version of a release train: per repository, the "
        "stored canonical artifacts of the release commit, a SHIP decision with a named owner and a verified "
        "evidence bundle; for the program, the week's KPI payload, executive report and scorecard, the incident "
        "commander, the rollback owner and the sign-offs. Exit 0 only when every item passes.",
    )
    _program_flag(check)
    check.add_argument("--version", required=True, metavar="V", help="the version being released")
    check.add_argument("--train", metavar="NAME", type=one_line, help="the release train (default: the program's name)")
    check.add_argument("--repos", **IDS, help="repositories of the train, comma-separated (default: those in scope "
                       "for the whole window)")  # fmt: skip
    check.add_argument("--window-end", metavar="YYYY-MM-DD", help="the evidence week's last day (default: the last "
                       "week that ended)")  # fmt: skip
    check.add_argument("--sign-off", dest="signoffs", action="append", default=[], metavar="ROLE=NAME", type=one_line,
                       help="record a sign-off: release-owner, platform-owner, qa-governance (repeatable)")  # fmt: skip
    check.add_argument("--bundle", dest="bundles", action="append", default=[], metavar="REPO=PATH",
                       help="a repository's evidence bundle (default: release/<version>/<repo>.zip in the program "
                       "repository)")  # fmt: skip
    output_flags(check, ("text", "json", "markdown"))


def _add_incident(sub: Any) -> None:
    isub = actions(sub, "incident", help="the incident log and the support model: open, handle, report")
    at = {"metavar": "TIME", "help": "when it happened (ISO 8601; default: now)"}
    evidence = {"action": "append", "default": [], "metavar": "SHA256|FILE",
                "help": "a stored artifact's sha256, or an sdetkit artifact file (validated); repeatable"}  # fmt: skip
    opened = isub.add_parser("open", help="open an incident (or a drill) and say who must be told by when")
    opened.add_argument("--title", required=True, type=one_line, help="what is happening")
    opened.add_argument("--severity", required=True, choices=values(IncidentSeverity))
    opened.add_argument("--repo", dest="repos", action="append", required=True, metavar="ID",
                        help="an affected repository; repeatable")  # fmt: skip
    opened.add_argument("--lane", dest="lanes", action="append", default=[], choices=values(LaneName),
                        help="an affected lane (default: the repositories' lanes); repeatable")  # fmt: skip
    opened.add_argument("--opened", dest="at", **at)
    opened.add_argument("--rollback", action="store_true", help="a release was rolled back")
    opened.add_argument("--drill", action="store_true", help="a practice run of the escalation workflow")
    opened.add_argument("--evidence", **evidence)
    opened.add_argument("--id", dest="incident_id", help="your own id (default: INC-<date>-<n>)")
    ack = isub.add_parser("ack", help="record who acknowledged an incident, and when")
    update = isub.add_parser("update", help="a status update, the mitigation plan, or evidence")
    update.add_argument("--text", help="what is new")
    update.add_argument("--mitigation", metavar="PLAN", help="the mitigation plan (recorded once)")
    update.add_argument("--evidence", **evidence)
    resolve = isub.add_parser("resolve", help="resolve an incident with its root cause and follow-ups")
    resolve.add_argument("--root-cause", help="why it happened (required)")
    resolve.add_argument("--follow-up", dest="follow_ups", action="append", default=[], metavar="TEXT")
    for step in (ack, update, resolve):
        step.add_argument("incident_id", metavar="ID")
        step.add_argument("--at", **at)
        step.add_argument("--by", metavar="NAME", required=True, type=one_line, help="who")
    show = isub.add_parser("show", help="one incident with every step, update and piece of evidence")
    show.add_argument("incident_id", metavar="ID")
    listed = isub.add_parser("list", help="incidents by state, severity, repository and period")
    export = isub.add_parser("export", help="incidents as JSON Lines (one record a line)")
    for f in (listed, export):
        f.add_argument("--state", choices=values(IncidentState))
        f.add_argument("--severity", choices=values(IncidentSeverity))
        f.add_argument("--repo", metavar="ID")
    slo = isub.add_parser(
        "slo", help="adherence to the support model's response targets, per severity (exit 1: breached)"
    )
    for f in (listed, export, slo):
        f.add_argument("--period-start", metavar="YYYY-MM-DD", required=f is slo, help="opened on or after")
        f.add_argument("--period-end", metavar="YYYY-MM-DD", required=f is slo, help="opened on or before")
    for p in (opened, ack, update, resolve, show, listed, export, slo):
        store_flags(p)
        p.add_argument("--program", type=Path, metavar="FILE",
                       help=f"the program file with the support model (default: --inventory, else ./{PROGRAM_FILE} "
                       "if there is one, else the default model)")  # fmt: skip
        output_flags(p, ("text", "json"))


def _incident_log(a: argparse.Namespace) -> st.IncidentLogSettings:
    def get(name: str) -> Any:
        return getattr(a, name, None)

    repos = get("repos") or ([a.repo] if get("repo") else [])
    return st.IncidentLogSettings(
        store(a), get("incident_id"), get("title"), IncidentSeverity(a.severity) if get("severity") else None,
        tuple(repos), tuple(get("lanes") or ()), get("at"), bool(get("rollback")), bool(get("drill")),
        tuple(get("evidence") or ()), get("by"), get("text"), get("mitigation"), get("root_cause"),
        tuple(get("follow_ups") or ()), IncidentState(a.state) if get("state") else None, get("period_start"),
        get("period_end"), a.program, output(a),
    )  # fmt: skip


def _program_flag(p: argparse.ArgumentParser, with_store: bool = True) -> None:
    """``--program`` and (``with_store``) ``--db``: the program repository and its evidence store."""
    p.add_argument(
        "--program",
        type=Path,
        default=Path(PROGRAM_FILE),
        metavar="FILE",
        help=f"the program file; its folder is the program repository (default: ./{PROGRAM_FILE})",
    )
    if not with_store:
        return
    p.add_argument(
        "--db",
        metavar="PATH|URL",
        help="evidence store (default: $SDETKIT_DB, else .sdetkit/portfolio.sqlite3 beside the program file)",
    )


def _ingest(a: argparse.Namespace) -> st.IngestSettings:
    return st.IngestSettings(tuple(a.paths), store(a), a.repo, a.team, a.lane, a.ci_run_url, a.at, a.records)


def _scorecard(a: argparse.Namespace) -> st.ScorecardSettings:
    window = (a.window_start, a.window_end)
    return st.ScorecardSettings(*window, store(a), a.inp, a.out, a.schema_version, a.allow_schema_change)


def _incident(a: argparse.Namespace) -> st.IncidentSettings:
    kind = IncidentKind(a.kind)
    return st.IncidentSettings(a.repo, kind, a.opened, store(a), a.triaged, a.note, a.incident_id)


def _kpi(a: argparse.Namespace) -> st.KpiWeeklySettings:
    status = ProgramStatus(a.status) if a.status else None
    return st.KpiWeeklySettings(a.week_ending, store(a), a.out, status, a.status_reason)


def _report(a: argparse.Namespace) -> st.ReportSettings:
    period = a.week_ending if a.action == "weekly" else a.month
    return st.ReportSettings(a.action, period, store(a), a.out_dir)


def _program_init(a: argparse.Namespace) -> st.ProgramInitSettings:
    return st.ProgramInitSettings(a.path, a.name, LaneName(a.lane) if a.lane else None, a.start)


def _program_dashboard(a: argparse.Namespace) -> st.ProgramDashboardSettings:
    return st.ProgramDashboardSettings(a.program, a.db, a.week_ending)


def _rollout(a: argparse.Namespace) -> st.RolloutStatusSettings:
    stage = Stage(a.stage) if a.stage else None
    return st.RolloutStatusSettings(a.program, a.db, stage, a.as_of, output(a))


def _checklist(a: argparse.Namespace) -> st.ReleaseChecklistSettings:
    return st.ReleaseChecklistSettings(a.program, a.version, a.db, a.train, flat(a.repos),
                                       a.window_end, tuple(a.signoffs), tuple(a.bundles), output(a))  # fmt: skip


# What each program-level command line runs (see cli._COMMANDS).
COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], tuple[object, ...]]]] = {
    "portfolio ingest": ("portfolio:ingest", _ingest),
    "portfolio scorecard": ("portfolio:scorecard", _scorecard),
    "portfolio incident": ("portfolio:incident", _incident),
    "portfolio export": (
        "portfolio:export",
        lambda a: st.ExportSettings(a.window_start, a.window_end, store(a), a.out, a.out_dir),
    ),
    **STORE_COMMANDS,
    "kpi": ("kpi:weekly", _kpi),
    "report": ("report:run", _report),
    "program init": ("program:init", _program_init),
    "program dashboard": ("program:dashboard", _program_dashboard),
    "rollout status": ("rollout:status", _rollout),
    "governance schema-diff": (
        "governance:schema_diff",
        lambda a: st.SchemaDiffSettings(a.old, a.new, Bump(a.declared_bump) if a.declared_bump else None, output(a)),
    ),
    "governance deprecate": (
        "governance:deprecate",
        lambda a: st.DeprecateSettings(a.program, a.surface, a.announced, a.remove_after, a.replacement, a.note),
    ),
    "governance check-removals": (
        "governance:check_removals",
        lambda a: st.CheckRemovalsSettings(
            a.program, tuple(a.removed), a.old_schema, a.new_schema, a.version, a.date, output(a)
        ),
    ),
    "governance review": (
        "governance:review",
        lambda a: st.GovernanceReviewSettings(
            a.kind, a.notes, store(a), a.reviewers, a.on, tuple(d.strip() for d in a.decision)
        ),
    ),
    "governance status": (
        "governance:status",
        lambda a: st.GovernanceStatusSettings(store(a), a.since, output(a)),
    ),
    "release checklist": ("checklist:run", _checklist),
    **{f"incident {a}": (f"incident:{a}_incident", _incident_log) for a in INCIDENT_ACTIONS},
}
