"""The program dashboard (``docs/top-tier-program-dashboard.md`` and its HTML page) as plain text:
four sections of tables, built from the rollout evaluation of one week and its KPI payloads.

The rules it follows, so a reader can check every cell:

- **The week** is seven days ending on ``--week-ending``. By default it is the last week that
  ended before today: weeks end the day before the program's weekly review day
  (``program.review_weekday``; Sunday when none is set). The program is evaluated as of the
  week's last day, so evidence dated after it does not count.
- **Program status** is the week's KPI payload's ``program_status`` with the rule that derived
  it (:func:`sdetkit.portfolio.kpi.derive_status`), and the override with its reason when one
  was recorded.
- **Workstream status** is ``at risk`` when one of its deliverables is past due at the week's
  end and not done by then, ``done`` when every deliverable is done, ``on track`` otherwise
  (also when it lists no deliverable).
- **This week's deliverable** is each deliverable due inside the week, else the next one due
  after it that is not done.
- **Evidence link.** The criteria a workstream answers for are not recorded, so the link is by
  area: the workstream's id and name words are matched against :data:`AREAS` (first area wins),
  and the area's first evidence file for the week that exists in the program repository is
  linked. A workstream of no listed area (governance, support), or whose file does not exist,
  shows "—".
- **KPI owner** is the DRI of the reporting workstream: the first workstream (in the program
  file's order) of the ``reporting`` area. Without one, the owner is "—".
- **Blockers and decisions** are the criteria that block the next stage
  (:meth:`RolloutStatus.blocking`: not met or unknown), with what each is missing, then the
  raised failure-mode signals with the guide's mitigation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from sdetkit.portfolio.program import Deliverable, Person, Program, Weekday, Workstream
from sdetkit.rollout.model import CriterionResult
from sdetkit.rollout.render import checkpoint_words
from sdetkit.rollout.status import RolloutStatus

WEEK = dt.timedelta(days=7)
DASH = "—"  # a cell with nothing to show
HTML_PATH = "docs/top-tier-program-dashboard.html"  # beside docs.DASHBOARD, the guide's evidence path

# Which way each KPI of the weekly payload is better, in the payload's order.
KPI_BETTER: dict[str, str] = {
    "first_time_success_onboarding_rate": "higher",
    "median_release_decision_time": "lower",
    "failed_release_gate_frequency": "lower",
    "rollback_rate": "lower",
    "mean_time_to_triage_first_failure": "lower",
    "docs_to_adoption_conversion": "higher",
}
_UNITS = {"percent": "%", "minutes": " min"}


class EvidenceArea(NamedTuple):
    """A kind of workstream, the words that name it, and its evidence files for a week (paths from
    the program repository's top; ``{week}`` is the week's last day)."""

    name: str
    words: frozenset[str]
    files: tuple[str, ...]


AREAS = (
    EvidenceArea(
        "reporting",
        frozenset({"reporting", "kpi", "kpis", "scorecard", "scorecards", "metrics", "portfolio"}),
        ("docs/kpi-weekly-{week}.json", "docs/artifacts/portfolio-scorecard-{week}.json"),
    ),
    EvidenceArea(
        "onboarding",
        frozenset({"onboarding", "adoption", "pilot", "canonical"}),
        ("docs/artifacts/portfolio-scorecard-{week}.json",),
    ),
    EvidenceArea(
        "leadership",
        frozenset({"leadership", "executive", "communication", "communications", "comms"}),
        ("docs/executive-weekly-{week}.md", "docs/monthly-review-template.md"),
    ),
    EvidenceArea(
        "release", frozenset({"release", "checklist", "packaging"}), ("docs/full-release-package-checklist.md",)
    ),
)


class DashboardCell(NamedTuple):
    """One cell or line: its text, a link from the dashboard's folder (``docs/``), and a word the
    HTML page styles it by (a status: ``green``, ``at-risk``, ``not-met``...)."""

    text: str
    href: str | None = None
    tag: str = ""


class DashboardTable(NamedTuple):
    """A section's table, and the sentence shown instead when it has no rows."""

    headers: tuple[str, ...]
    rows: tuple[tuple[DashboardCell, ...], ...]
    empty: str


class DashboardSection(NamedTuple):
    """A heading, its table, and notes that say where the numbers come from."""

    id: str
    heading: str
    table: DashboardTable
    notes: tuple[str, ...] = ()


class DashboardPage(NamedTuple):
    """The whole dashboard, the same for both formats."""

    title: str
    lines: tuple[DashboardCell, ...]
    sections: tuple[DashboardSection, ...]


class WeeklyKpis(NamedTuple):
    """A week's KPI payload (schema ``kpi-weekly``) and where it came from, in words."""

    doc: Mapping[str, Any]
    source: str


def week_ending(today: dt.date, review: Weekday | None) -> dt.date:
    """The last day of the last week that ended before ``today``: the day before the review day
    (Sunday when no review day is set)."""
    last = (list(Weekday).index(review) - 1) % 7 if review is not None else 6
    day = today - dt.timedelta(days=1)
    return day - dt.timedelta(days=(day.weekday() - last) % 7)


def first_week_end(start: dt.date, review: Weekday | None) -> dt.date:
    """The last day of the program's first week: the first week end on or after ``start``."""
    return week_ending(start + dt.timedelta(days=7), review)


def area_of(w: Workstream) -> EvidenceArea | None:
    """The first area whose words name the workstream (its id or name), or None."""
    words = set(re.split(r"[^a-z0-9]+", f"{w.workstream_id} {w.name}".casefold()))
    return next((a for a in AREAS if a.words & words), None)


def _done(d: Deliverable, as_of: dt.date) -> bool:
    return d.done is not None and d.done <= as_of


def workstream_status(w: Workstream, as_of: dt.date) -> str:
    """``at risk``, ``done`` or ``on track`` at the end of ``as_of`` (see the module's rules)."""
    late = [d for d in w.deliverables if d.due < as_of and not _done(d, as_of)]
    if late:
        return f"at risk: {len(late)} past due"
    if w.deliverables and all(_done(d, as_of) for d in w.deliverables):
        return "done"
    return "on track"


def this_weeks_deliverable(w: Workstream, start: dt.date, end: dt.date) -> str:
    """The deliverables due inside ``[start, end]``, else the next one due after it not done."""
    due = [d for d in w.deliverables if start <= d.due <= end]
    if due:
        return "; ".join(f"{d.what} (due {d.due}, {f'done {d.done}' if _done(d, end) else 'not done'})" for d in due)
    upcoming = sorted((d for d in w.deliverables if d.due > end and not _done(d, end)), key=lambda d: d.due)
    return f"next: {upcoming[0].what} (due {upcoming[0].due})" if upcoming else DASH


def evidence_link(w: Workstream, end: dt.date, present: frozenset[str]) -> DashboardCell:
    """The workstream's area's first evidence file for the week that is ``present``, linked."""
    area = area_of(w)
    for pattern in area.files if area else ():
        rel = pattern.format(week=end.isoformat())
        if rel in present:
            return DashboardCell(rel, rel.removeprefix("docs/"))
    return DashboardCell(DASH)


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def kpi_value(kpi: Mapping[str, Any] | None) -> str:
    """A KPI's value with its unit and quality ("66.67% (provisional)"), or why there is none."""
    if kpi is None:
        return DASH
    if kpi.get("value") is None:
        return "not measured"
    return f"{_number(kpi['value'])}{_UNITS.get(kpi.get('unit', ''), '')} ({kpi.get('quality')})"


def trend(now: Mapping[str, Any] | None, before: Mapping[str, Any] | None, better: str) -> str:
    """``better``, ``worse`` or ``unchanged`` from the previous week, "—" without both values."""
    a, b = (now or {}).get("value"), (before or {}).get("value")
    if a is None or b is None:
        return DASH
    if a == b:
        return "unchanged"
    return "better" if (a > b) == (better == "higher") else "worse"


def _status_words(kpis: WeeklyKpis) -> DashboardCell:
    doc = kpis.doc
    derivation = doc["program_status_derivation"]
    status = doc["program_status"]
    override = derivation.get("override")
    if override:
        text = f"{status} (set by hand: {override['reason']}); derived {derivation['derived']}: {derivation['rule']}"
    else:
        text = f"{status}: {derivation['rule']}"
    return DashboardCell(text, tag=str(status))


def _blocked(status: RolloutStatus, blocking: list[CriterionResult]) -> str:
    if not blocking:
        return "nothing: the production exit criteria are all met"
    what = f"the {status.next_stage} stage" if status.next_stage else "the production exit"
    names = "; ".join(f"{c.title} ({c.result.status.value.replace('_', ' ')})" for c in blocking)
    return f"{what}: {len(blocking)} criteri{'on' if len(blocking) == 1 else 'a'}: {names}"


def snapshot(status: RolloutStatus, end: dt.date, current: WeeklyKpis) -> DashboardSection:
    """The weekly status snapshot of the week ending ``end``: week, program status and its rule,
    stage, what blocks."""
    p = status.evidence.program
    reached = status.reached.value if status.reached else "none (the evaluation's entry criteria are not met)"
    points = "; ".join(f"day {c.day} ({c.due}): {checkpoint_words(c.document())}" for c in status.checkpoints)
    rows = (
        (
            "Week",
            DashboardCell(f"{end - WEEK + dt.timedelta(days=1)} to {end} (day {(end - p.start).days} of the program)"),
        ),
        ("Program status", _status_words(current)),
        ("KPI payload", DashboardCell(current.source)),
        ("Stage reached", DashboardCell(reached)),
        ("What blocks", DashboardCell(_blocked(status, status.blocking()))),
        ("Checkpoints", DashboardCell(points)),
    )
    table = DashboardTable(("Item", "This week"), tuple((DashboardCell(k), v) for k, v in rows), "")
    return DashboardSection("snapshot", "Weekly status snapshot", table)


def workstreams(program: Program, end: dt.date, present: frozenset[str]) -> DashboardSection:
    """The workstream tracker, in the program file's order."""
    start = end - WEEK + dt.timedelta(days=1)
    rows = []
    for w in program.workstreams:
        state = workstream_status(w, end)
        rows.append(
            (
                DashboardCell(f"{w.name} ({w.workstream_id})"),
                DashboardCell(w.dri),
                DashboardCell(w.phase.value),
                DashboardCell(state, tag=state.split(":")[0].replace(" ", "-")),
                DashboardCell(this_weeks_deliverable(w, start, end)),
                evidence_link(w, end, present),
            )
        )
    table = DashboardTable(
        ("Workstream", "DRI", "Phase", "Status", "This week's deliverable", "Evidence"),
        tuple(rows),
        f"No workstream in {program.path.name}: add five [workstreams.ID] tables with name, dri and phase.",
    )
    notes = (
        "Status: at risk when a deliverable is past due at the week's end and not done; done when every "
        "deliverable is done. Evidence: the week's file of the workstream's area "
        f"({', '.join(a.name for a in AREAS)}), when it exists.",
    )
    return DashboardSection("workstreams", "Workstream tracker", table, notes)


def kpi_owner(program: Program) -> tuple[str, str]:
    """The KPIs' owner (the reporting workstream's DRI, or "—") and how it was chosen."""
    for w in program.workstreams:
        area = area_of(w)
        if area is not None and area.name == "reporting":
            return w.dri, f"{w.dri}, the DRI of the reporting workstream ({w.name})"
    return DASH, "none: no workstream's id or name says reporting, KPIs, scorecard or metrics"


def kpi_board(program: Program, current: WeeklyKpis, previous: WeeklyKpis) -> DashboardSection:
    """Each KPI of the payload: this week's value, last week's, which way is better, the owner."""
    owner, why = kpi_owner(program)
    now, before = current.doc.get("kpis", {}), previous.doc.get("kpis", {})
    rows = []
    for name, better in KPI_BETTER.items():
        change = trend(now.get(name), before.get(name), better)
        rows.append(
            (
                DashboardCell(name),
                DashboardCell(kpi_value(now.get(name))),
                DashboardCell(kpi_value(before.get(name))),
                DashboardCell(f"{better} is better"),
                DashboardCell(change, tag=change if change in ("better", "worse") else ""),
                DashboardCell(owner),
            )
        )
    notes = (
        f"This week: {current.source}.",
        f"Previous week (ending {previous.doc['week_ending']}): {previous.source}.",
        f"Owner: {why}.",
    )
    table = DashboardTable(("KPI", "This week", "Previous week", "Target", "Trend", "Owner"), tuple(rows), "")
    return DashboardSection("kpis", "KPI board", table, notes)


def blockers(status: RolloutStatus) -> DashboardSection:
    """What blocks the next stage, then the raised failure-mode signals with their mitigation."""
    rows = [
        (
            DashboardCell(f"{c.title} ({c.id})"),
            DashboardCell(f"{c.stage} {c.gate} criterion"),
            DashboardCell(c.result.status.value.replace("_", " "), tag=c.result.status.value.replace("_", "-")),
            DashboardCell(c.result.measured),
            DashboardCell(c.result.missing or DASH),
        )
        for c in status.blocking()
    ]
    rows += [
        (
            DashboardCell(s.failure_mode),
            DashboardCell("failure-mode signal"),
            DashboardCell("raised", tag="raised"),
            DashboardCell(s.detail),
            DashboardCell(f"mitigation: {s.mitigation}"),
        )
        for s in status.signals
        if s.status == "raised"
    ]
    table = DashboardTable(
        ("Blocker", "Kind", "Status", "Seen", "Decision or next action"),
        tuple(rows),
        "Nothing blocks the next stage, and no failure mode is raised.",
    )
    return DashboardSection("blockers", "Blockers and decisions", table)


def build(status: RolloutStatus, end: dt.date, current: WeeklyKpis, previous: WeeklyKpis) -> DashboardPage:
    """The dashboard of the week ending ``end``, with the rollout as judged at that week's review
    (``status.as_of``); ``current`` and ``previous`` are the KPI payloads of that week and the one
    before."""
    p = status.evidence.program
    present = frozenset(status.evidence.files)

    def who(person: Person | None) -> str:
        return person.name if person is not None else "not named"

    lines = (
        DashboardCell(
            f"Week ending {end}; lane {p.lane.value}; sponsor {who(p.sponsor)}; release owner {who(p.release_owner)}."
        ),
        DashboardCell(
            f"From {p.path.name}, the evidence store and the rollout status as of {status.as_of}, the week's review "
            f"(sdetkit rollout status --as-of {status.as_of}); regenerate with sdetkit program dashboard "
            f"--week-ending {end}."
        ),
    )
    sections = (snapshot(status, end, current), workstreams(p, end, present), kpi_board(p, current, previous))
    return DashboardPage(f"Program dashboard: {p.name}", lines, (*sections, blockers(status)))
