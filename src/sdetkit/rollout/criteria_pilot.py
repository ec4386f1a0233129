"""The pilot stage: prove the practice repeats across teams and repositories."""

from __future__ import annotations

import datetime as dt

from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout.criteria import Criterion, stage_complete
from sdetkit.rollout.criteria_evaluation import complete, lane_selected
from sdetkit.rollout.docs import KPI, SCORECARD, WEEKLY_REPORT
from sdetkit.rollout.evidence import View, store_ref
from sdetkit.rollout.model import Gate, Result, met, not_met

P = Stage.PILOT
GUIDE_PILOT_SIZE = 3  # "at least 3 repos onboarded (or approved pilot size)"
WEEK = dt.timedelta(days=7)


def cadence_set(view: View) -> Result:
    day = view.program.review_weekday
    if day is not None:
        return met(f"weekly review on {day.value}", view.program_file)
    return not_met(
        "no review day", f'set program.review_weekday in {view.program_file} (e.g. "monday")', view.program_file
    )


def onboarded(view: View) -> list[str]:
    """Repositories in scope with a complete run stored (all three artifacts), by ``as_of``."""
    done = {r.repo_id for r in view.runs() if complete(r)}
    return sorted(done & set(view.program.repos))


def pilot_coverage(view: View) -> Result:
    size = view.program.pilot_size or GUIDE_PILOT_SIZE
    repos = onboarded(view)
    ref = store_ref("runs with all three artifacts of the repositories in scope", view.as_of)
    measured = f"{len(repos)} onboarded, {size} needed" + (f" ({', '.join(repos)})" if repos else "")
    if len(repos) >= size:
        return met(measured, ref)
    waiting = sorted(set(view.program.repos) - set(repos))
    hint = f"; not yet: {', '.join(waiting[:5])}" + (" ..." if len(waiting) > 5 else "") if waiting else ""
    return not_met(
        measured,
        f"onboard {size - len(repos)} more repositor{'y' if size - len(repos) == 1 else 'ies'}: run the stage gate "
        f"command set in each and ingest its build/ folder{hint}",
        ref,
    )


def cycles(view: View) -> tuple[list[dt.date], dict[dt.date, list[str]]]:
    """Weeks with a complete cycle (scorecard, KPI payload and weekly report for the same week
    ending), and for the other weeks that have any of them, what they lack."""
    parts = {
        "docs/artifacts/portfolio-scorecard-{}.json": view.files(SCORECARD),
        "docs/kpi-weekly-{}.json": view.files(KPI),
        "docs/executive-weekly-{}.md": view.files(WEEKLY_REPORT),
    }
    weeks = sorted({d for files in parts.values() for d in files})
    complete = [w for w in weeks if all(w in files for files in parts.values())]
    lacking = {
        w: [name.format(w) for name, files in parts.items() if w not in files] for w in weeks if w not in complete
    }
    return complete, lacking


def weekly_rhythm(view: View) -> Result:
    complete, lacking = cycles(view)
    pairs = [w for w in complete if w - WEEK in complete]
    measured = f"{len(complete)} complete weekly cycle(s)" + (
        f" (weeks ending {', '.join(map(str, complete[-4:]))})" if complete else ""
    )
    evidence = ("docs/artifacts/portfolio-scorecard-*.json", "docs/kpi-weekly-*.json", "docs/executive-weekly-*.md")
    if pairs:
        return met(f"{measured}; consecutive: {pairs[-1] - WEEK} and {pairs[-1]}", *evidence)
    if lacking:
        last = max(lacking)
        missing = f"the week ending {last} lacks {', '.join(lacking[last])}"
    elif complete:
        missing = f"complete the week ending {complete[-1] + WEEK} too (scorecard, KPI payload and executive report)"
    else:
        missing = (
            "no weekly cycle yet: for one week ending, write the scorecard (scripts/build_portfolio_scorecard.py "
            "--out docs/artifacts/portfolio-scorecard-<date>.json), `sdetkit kpi weekly` and `sdetkit report weekly`"
        )
    return not_met(measured, f"2 consecutive weekly cycles are needed: {missing}", *evidence)


def escalation_readiness(view: View) -> Result:
    """Practiced means an incident or drill went through every step of the workflow by ``as_of``:
    opened, acknowledged, evidence attached, mitigation planned, resolved with a root cause."""
    from sdetkit.incidents.drift import missing_steps

    incidents = view.incidents()
    ref = store_ref(f"incidents and drills ({len(incidents)})", view.as_of)
    day = view.as_of.isoformat()
    lacking = sorted(((missing_steps(i, day), i.opened_at, i) for i in incidents), key=lambda t: (len(t[0]), t[1]))
    done = [i for steps, _, i in lacking if not steps]
    if done:
        first = min(done, key=lambda i: i.resolved_at or "")
        kind = "drill" if first.drill else f"{first.severity or 'incident'}"
        return met(
            f"{len(done)} through every step; first: {first.incident_id} ({kind}, {', '.join(first.repos)}) opened "
            f"{first.opened_at}, resolved {first.resolved_at}",
            ref,
        )
    if not lacking:
        return not_met(
            "0 recorded",
            "no incident recorded: practice one (a drill counts): `sdetkit incident open --drill ...`, then ack, "
            "update --evidence, update --mitigation and resolve --root-cause",
            ref,
        )
    steps, _, nearest = lacking[0]
    return not_met(
        f"{len(incidents)} recorded, none through every step",
        f"{nearest.incident_id} lacks these steps: {', '.join(steps)} (`sdetkit incident ack|update|resolve "
        f"{nearest.incident_id}`)",
        ref,
    )


def scorecard_contract(view: View) -> Result:
    cards = view.files(SCORECARD)
    if not cards:
        return not_met(
            "no scorecard",
            "write one: python scripts/build_portfolio_scorecard.py "
            "--out docs/artifacts/portfolio-scorecard-<date>.json --schema-version 1.0.0 "
            "--window-start <date> --window-end <date>",
        )
    latest = cards[max(cards)]
    problem = view.invalid(latest, "portfolio-scorecard")
    if problem:
        return not_met("the latest scorecard does not validate", problem, latest.describe())
    doc = view.json(latest)
    return met(f"{latest.rel}: schema_version {doc['schema_version']}, totals present", latest.describe())


CRITERIA = (
    Criterion(
        "evaluation-complete",
        P,
        Gate.ENTRY,
        "Evaluation exit criteria complete",
        "all met",
        stage_complete(Stage.EVALUATION),
        Stage.EVALUATION,
    ),
    Criterion("pilot-lane-selected", P, Gate.ENTRY, "Lane selected", "startup, scale or regulated", lane_selected),
    Criterion("cadence-set", P, Gate.ENTRY, "Weekly status cadence announced", "a weekly review day", cadence_set),
    Criterion(
        "pilot-coverage",
        P,
        Gate.EXIT,
        "Pilot coverage",
        "at least 3 repositories onboarded (or the approved pilot size)",
        pilot_coverage,
    ),
    Criterion("weekly-rhythm", P, Gate.EXIT, "Weekly operating rhythm", "2 consecutive weekly cycles", weekly_rhythm),
    Criterion(
        "escalation-readiness",
        P,
        Gate.EXIT,
        "Escalation readiness",
        "1 incident or escalation workflow practiced",
        escalation_readiness,
    ),
    Criterion(
        "scorecard-contract",
        P,
        Gate.EXIT,
        "Portfolio contract adoption",
        "scorecard payload with schema_version and the required totals",
        scorecard_contract,
    ),
)
