"""The production rollout: portfolio reporting and governance operated at organisation level."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sdetkit.portfolio.dates import month_end
from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout.criteria import Criterion, stage_complete
from sdetkit.rollout.docs import MONTHLY_REPORT, REVIEW_TEMPLATE, SCORECARD, WEEKLY_REPORT, DocFile
from sdetkit.rollout.evidence import View, store_ref
from sdetkit.rollout.model import Gate, Result, met, not_met

PR = Stage.PRODUCTION
STREAK_WEEKS = 4
WEEK = dt.timedelta(days=7)
STALE = dt.timedelta(days=14)  # a streak whose last scorecard is older than this has lapsed
WEEKLY_GRACE = dt.timedelta(days=2)  # a week's report is due two days after the week ends
MONTHLY_GRACE = dt.timedelta(days=7)  # a month's report is due a week after the month ends


def leadership_signoff(view: View) -> Result:
    signed = view.signoff(Stage.PILOT)
    if signed:
        return met(f"signed off by {signed[0]} on {signed[1]}", view.program_file)
    return not_met(
        "no sign-off",
        f'record it in {view.program_file}: [[signoffs]] stage = "pilot", by = "<who>", on = <date>',
        view.program_file,
    )


def review_template(view: View) -> Result:
    f = view.file(REVIEW_TEMPLATE)
    if f is not None and (view.evidence.root / f.rel).stat().st_size > 0:
        return met(f.rel, f.describe())
    return not_met("no template", f"write the monthly leadership review template at {REVIEW_TEMPLATE}")


def _silent(view: View, doc: Any, end: dt.date) -> list[str]:
    """Active repositories (for the whole week ending ``end``) that the scorecard ``doc`` lacks."""
    if not isinstance(doc, dict) or not isinstance(doc.get("repos"), list):
        return ["(the scorecard is not readable)"]
    reported = {r.get("repo_id") for r in doc["repos"] if isinstance(r, dict)}
    start = end - dt.timedelta(days=6)
    return sorted(k for k, repo in view.program.repos.items() if view.active(repo, start, end) and k not in reported)


def reporting_streak(view: View) -> Result:
    cards = view.files(SCORECARD)
    evidence = ("docs/artifacts/portfolio-scorecard-*.json", view.program_file)
    if not cards:
        return not_met("0 straight weeks", "no weekly scorecard yet (docs/artifacts/portfolio-scorecard-<date>.json)")
    last = max(cards)
    if view.as_of - last > STALE:
        return not_met("0 straight weeks", f"no scorecard since the week ending {last}: the streak lapsed", *evidence)
    streak, week, gap = 0, last, ""
    # Back from the last week, up to the program's first whole week (before it, nothing is owed).
    while week - dt.timedelta(days=6) >= view.program.start:
        if week not in cards:
            gap = f"no scorecard for the week ending {week}"
            break
        silent = _silent(view, view.json(cards[week]), week)
        if silent:
            gap = f"the week ending {week}: active repositories did not report: {', '.join(silent)}"
            break
        streak, week = streak + 1, week - WEEK
    measured = f"{streak} straight week(s) to {last}"
    if streak >= STREAK_WEEKS:
        return met(measured, *evidence)
    if not gap:  # the walk reached the program's first week: nothing is broken, it is young
        earliest = last + (STREAK_WEEKS - streak) * WEEK
        return not_met(
            measured, f"{STREAK_WEEKS} straight weeks are needed: at the earliest they end on {earliest}", *evidence
        )
    return not_met(measured, f"{STREAK_WEEKS} straight weeks are needed; the streak breaks at {gap}", *evidence)


def reporting_cadence(view: View) -> Result:
    began = view.program.production_began(view.as_of)
    if began is None:
        return not_met(
            "production has not begun", "no leadership sign-off of the pilot recorded: production begins with it"
        )
    weekly = sorted(d for d in view.files(WEEKLY_REPORT) if d > began)
    monthly = {d.strftime("%Y-%m") for d in view.files(MONTHLY_REPORT)}
    missing_weeks: list[str] = []
    k = 0
    while began + (k + 1) * WEEK + WEEKLY_GRACE <= view.as_of:  # each full week since it began, once due
        lo, hi = began + k * WEEK, began + (k + 1) * WEEK
        if not any(lo < d <= hi for d in weekly):
            missing_weeks.append(f"{lo + dt.timedelta(days=1)}..{hi}")
        k += 1
    missing_months: list[str] = []
    last_day = month_end(began)
    months = 0
    while last_day + MONTHLY_GRACE <= view.as_of:
        months += 1
        if last_day.strftime("%Y-%m") not in monthly:
            missing_months.append(last_day.strftime("%Y-%m"))
        last_day = month_end(last_day + dt.timedelta(days=1))
    measured = (
        f"since {began}: {k - len(missing_weeks)} of {k} weekly, {months - len(missing_months)} of {months} monthly"
    )
    evidence = ("docs/executive-weekly-*.md", "docs/executive-monthly-*.md")
    gaps = [f"weekly report for {w}" for w in missing_weeks] + [f"monthly report for {m}" for m in missing_months]
    if gaps:
        return not_met(
            measured,
            f"missing: {', '.join(gaps[:4])}" + (f" and {len(gaps) - 4} more" if len(gaps) > 4 else ""),
            *evidence,
        )
    if months == 0:
        due = month_end(began)
        return not_met(
            measured, f"no monthly report due yet: the first is for {due:%Y-%m} (due {due + MONTHLY_GRACE})", *evidence
        )
    if k == 0:
        return not_met(measured, f"no weekly report due yet: the first is due {began + WEEK + WEEKLY_GRACE}", *evidence)
    return met(measured, *evidence)


def governance_reviews(view: View) -> Result:
    """Met when every month since production began (the pilot's sign-off) that has ended has a
    compatibility and a deprecation review recorded by ``as_of``."""
    from sdetkit.governance.reviews import by_month

    signed = view.signoff(Stage.PILOT)
    if not signed:
        return not_met(
            "production has not begun", "no leadership sign-off of the pilot recorded: production begins with it"
        )
    began = signed[1]
    months = [m for m in by_month(view.evidence.reviews, began, view.as_of) if m.ended]
    evidence = (store_ref("governance reviews", view.as_of),)
    missing = [f"{kind} review for {m.month}" for m in months for kind in m.overdue]
    measured = f"since {began}: {sum(1 for m in months if not m.overdue)} of {len(months)} month(s) reviewed"
    if missing:
        return not_met(
            measured,
            f"missing: {', '.join(missing[:4])}"
            + (f" and {len(missing) - 4} more" if len(missing) > 4 else "")
            + " (record them with `sdetkit governance review`)",
            *evidence,
        )
    if not months:
        due = month_end(began)
        return not_met(measured, f"no month has ended since production began: the first is {due:%Y-%m}", *evidence)
    return met(measured, *evidence)


def _as_of(view: View, f: DocFile) -> tuple[Any, str | None]:
    """The file's JSON as it stood at ``as_of`` and the sha256 of its bytes: its last version
    committed by then (the work tree's when it is not committed), or a string saying why it
    cannot be read (and no hash)."""
    import hashlib
    import json

    from sdetkit.rollout.docs import show

    committed = [sha for sha, day in f.commits if day <= view.as_of]
    try:
        data = (
            show(view.evidence.root, committed[-1], f.rel) if committed else (view.evidence.root / f.rel).read_bytes()
        )
    except OSError as exc:
        return f"{f.rel}: not readable ({exc.strerror})", None
    if data is None:
        return f"{f.rel}: not in commit {committed[-1]}", None
    try:
        return json.loads(data.decode("utf-8")), hashlib.sha256(data).hexdigest()
    except (ValueError, UnicodeDecodeError) as exc:
        return f"{f.rel}: not readable JSON ({exc})", None


def release_checklist(view: View) -> Result:
    from sdetkit.checklist.items import MARKDOWN, RESULT
    from sdetkit.errors import InputError
    from sdetkit.evidence.load import check

    md, result = view.file(MARKDOWN), view.file(RESULT)
    if md is None or result is None:
        absent = " and ".join(rel for rel, f in ((MARKDOWN, md), (RESULT, result)) if f is None)
        return not_met(
            "no checklist", f"no {absent}: run `sdetkit release checklist --version V` and commit both", MARKDOWN
        )
    doc, digest = _as_of(view, result)
    evidence = (md.describe(), result.describe())
    try:
        if isinstance(doc, str):
            raise InputError(doc)
        check(doc, Path(result.rel), "release-checklist")
    except InputError as exc:
        return not_met("not readable", str(exc), *evidence)
    measured = f"{doc['train']} {doc['version']}, checked {doc['checked_at'][:10]}"
    if digest not in view.evidence.checklists:
        return not_met(f"not recorded: {measured}", f"{result.rel} is not a result `sdetkit release checklist` "
                       "recorded in this store (edited, or checked against another store): run it again and commit "
                       "what it writes", *evidence)  # fmt: skip
    if doc["ok"]:
        return met(f"passed: {measured}", *evidence)
    return not_met(f"failed: {measured}", f"failing items: {', '.join(doc['failing'])}", *evidence)


CRITERIA = (
    Criterion(
        "pilot-complete",
        PR,
        Gate.ENTRY,
        "Pilot exit criteria complete",
        "all met",
        stage_complete(Stage.PILOT),
        Stage.PILOT,
    ),
    Criterion(
        "leadership-signoff",
        PR,
        Gate.ENTRY,
        "Leadership sign-off of the pilot",
        "who and when, recorded",
        leadership_signoff,
    ),
    Criterion(
        "review-template", PR, Gate.ENTRY, "Monthly leadership review template ready", REVIEW_TEMPLATE, review_template
    ),
    Criterion(
        "reporting-streak",
        PR,
        Gate.EXIT,
        "Portfolio reporting operational",
        f"weekly scorecard for every active repository, {STREAK_WEEKS} straight weeks",
        reporting_streak,
    ),
    Criterion(
        "governance-reviews",
        PR,
        Gate.EXIT,
        "Governance enforcement active",
        "compatibility and deprecation reviews completed monthly",
        governance_reviews,
    ),
    Criterion(
        "reporting-cadence",
        PR,
        Gate.EXIT,
        "Leadership reporting institutionalized",
        "weekly and monthly executive reports, no week or month missing since production began",
        reporting_cadence,
    ),
    Criterion(
        "release-checklist",
        PR,
        Gate.EXIT,
        "Release package readiness",
        "full release package checklist passes for the release train",
        release_checklist,
    ),
)
