"""The report's "Governance" part: the monthly compatibility and deprecation reviews (which months
have theirs, as ``sdetkit governance status`` judges them), deprecations whose removal window
closes soon, and reporting windows re-reported under another schema version. A monthly report
shows all of it; a weekly one the short form: overdue reviews and the inconsistency.

Dataset key: ``governance``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sdetkit.report.content import DASH, Table, plain_text, rows_of

if TYPE_CHECKING:
    from sdetkit.portfolio.program import Program
    from sdetkit.portfolio.store import Store

SOON_DAYS = 30  # a removal window closing within the period or this many days after it is listed


def part(
    store: Store, kind: str, start: dt.date, end: dt.date, today: dt.date | None, program: Program | None
) -> dict[str, Any]:
    """The ``governance`` dataset key for the ``kind`` period ``[start, end]``, judged at its end
    (or today while it runs). Reviews are owed monthly from production (the pilot's sign-off), as
    ``rollout status`` judges them; without a program file, from the period's start."""
    from sdetkit.governance import deprecations
    from sdetkit.governance.reviews import by_month

    last = min(end, today) if today else end
    # A month has ended (and a missing review is overdue) the day after its last: judge a period
    # that is over on that day, so a review held on its last day still counts.
    as_of = last + dt.timedelta(days=1) if last == end else last
    began = program.production_began(as_of) if program else start
    months = by_month(store.reviews(last.isoformat()), began, as_of) if began else []
    # A monthly report shows its own month's reviews apart; the overdue list is the months before it.
    this = start.strftime("%Y-%m") if kind == "monthly" else None
    overdue = [{"month": m.month, "kinds": list(m.overdue)} for m in months if m.overdue and m.month != this]
    since: str | None = "this period (no program file: when production began is unknown)"
    if program is not None:
        since = f"production began on {began}" if began else None  # not begun: nothing is owed yet
    found: dict[str, Any] = {
        "since": since,
        "overdue": overdue,
        "changed_windows": [
            {"kind": k, "start": s, "end": e, "started": a, "reported": b, "written_at": w}
            for k, s, e, a, b, w in store.changed_windows()
            if w[:10] <= last.isoformat()
        ],
    }
    if kind != "monthly":
        return {"governance": found}
    month = next((m for m in months if m.month == this), None)
    # No month row: the month is before production, so no review is owed in it.
    owed = month.reviews.items() if month else ()
    found["reviews"] = [
        {"kind": k, "held": [r.reviewed_on for r in got],
         "state": "recorded" if got else "overdue" if month and month.ended else "due by month end"}
        for k, got in owed
    ]  # fmt: skip
    if program is None:
        found["deprecations"] = None
        return {"governance": found}
    _, register = deprecations.load(program.path.absolute().parent)
    horizon = end + dt.timedelta(days=SOON_DAYS)
    found["deprecations"] = [
        {"surface": d.surface, "closes": str(d.remove_after), "replacement": d.replacement}
        for d in register
        if isinstance(d.remove_after, dt.date) and start <= d.remove_after <= horizon
    ]
    found["deprecations_by_version"] = sum(isinstance(d.remove_after, tuple) for d in register)
    return {"governance": found}


def _overdue(since: str, overdue: list[Mapping[str, Any]]) -> str:
    months = "; ".join(f"{o.get('month')} {', '.join(map(str, o.get('kinds') or []))}" for o in overdue)
    return f"Overdue reviews of earlier months (since {since}): {months or 'none'}."


def blocks(model: Mapping[str, Any]) -> list[str | Table]:
    """The section: this month's reviews (monthly), overdue months, removal windows closing soon
    (monthly), and windows re-reported under another schema version."""
    g = model.get("governance")
    if not isinstance(g, Mapping):
        return ["No governance data."]
    out: list[str | Table] = []
    if "reviews" in g:
        rows = tuple(
            (plain_text(r.get("kind")), plain_text(r.get("state")), ", ".join(map(str, r.get("held") or [])) or DASH)
            for r in rows_of(g.get("reviews"))
        )
        out.append(
            Table(("review", "state", "held on"), rows, "No review is owed this month: production had not begun.")
        )
    overdue = rows_of(g.get("overdue"))
    if g.get("since") is None:
        out.append("Reviews are owed monthly once production begins (the pilot's sign-off); it has not begun.")
    else:
        out.append(_overdue(plain_text(g.get("since")), overdue))
    if "deprecations" in g:
        dep = g.get("deprecations")
        if dep is None:
            out.append("Deprecation windows: no program file given, so the deprecation register is not read.")
        else:
            rows = tuple(
                (plain_text(d.get("surface")), plain_text(d.get("closes")), plain_text(d.get("replacement")))
                for d in rows_of(dep)
            )
            empty = f"No removal window closes this month or in the {SOON_DAYS} days after it."
            out.append(Table(("deprecated surface", "removal window closes", "replacement"), rows, empty))
            by_version = g.get("deprecations_by_version") or 0
            if by_version:
                out.append(
                    f"{by_version} more close at a version, not a date (judged by sdetkit governance check-removals)."
                )
    changed = rows_of(g.get("changed_windows"))
    if changed:
        out.append(
            "Data inconsistency: reporting windows re-reported under another schema version: "
            + "; ".join(
                f"{c.get('kind')} {c.get('start')}..{c.get('end')} started at {c.get('started')}, "
                f"reported at {c.get('reported')} on {str(c.get('written_at'))[:10]}"
                for c in changed
            )
            + "."
        )
    else:
        out.append("No reporting window was re-reported under another schema version.")
    return out
