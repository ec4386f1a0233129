"""The portfolio scorecard (``sdetkit.portfolio.aggregate`` 1.x): a pure function of run records.

Per repository, the latest run whose evidence window ends inside the reporting window counts.
Risk tiers and totals follow the contract: low when all three gates are ok with no failed steps,
high when the release gate failed or two or more steps failed, medium otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sdetkit.portfolio.records import Record

SCHEMA_NAME = "sdetkit.portfolio.aggregate"
TOP_STEPS = 10


def risk(r: Record) -> str:
    if not r.gate_release_ok or r.failed_steps_count >= 2:
        return "high"
    if r.gate_fast_ok and r.gate_release_ok and r.doctor_ok and r.failed_steps_count == 0:
        return "low"
    return "medium"


def _percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def latest(records: Iterable[Record], start: dt.date, end: dt.date) -> dict[str, Record]:
    """The latest record per repository inside the window (ties broken by the record's content,
    so the result does not depend on input order)."""
    chosen: dict[str, Record] = {}
    for r in records:
        if not start <= r.evidence_window_end <= end:
            continue
        best = chosen.get(r.repo_id)
        if (
            best is None
            or r.source_timestamp > best.source_timestamp
            or (r.source_timestamp == best.source_timestamp and repr(r) > repr(best))
        ):
            chosen[r.repo_id] = r
    return chosen


def _breakdown(rows: Sequence[Record], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in rows:
        groups[getattr(r, key)].append(r)
    return {
        name: {
            "repo_count_reporting": len(g),
            "high_risk_repo_count": sum(risk(r) == "high" for r in g),
            "release_gate_failure_rate_percent": _percent(sum(not r.gate_release_ok for r in g), len(g)),
            "release_confidence_rate_percent": _percent(sum(r.release_confidence_ok for r in g), len(g)),
        }
        for name, g in sorted(groups.items())
    }


def build(
    records: Iterable[Record],
    schema_version: str,
    start: dt.date,
    end: dt.date,
    expected: Sequence[str] = (),
    last_seen: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The scorecard document. ``expected`` repositories that did not report are listed as missing
    (not counted as high risk); those with evidence before the window (``last_seen``) are also
    listed as stale, with the date they last reported."""
    seen: set[str] = set()  # every repository in the records, in the window or not: one pass, no list

    def noting(rs: Iterable[Record]) -> Iterator[Record]:
        for r in rs:
            seen.add(r.repo_id)
            yield r

    chosen = latest(noting(records), start, end)
    rows = [chosen[k] for k in sorted(chosen)]
    tiers = Counter(risk(r) for r in rows)
    steps = Counter(s for r in rows for s in r.failed_steps)
    known = sorted(seen | set(expected))
    missing = sorted(set(expected) - set(chosen))
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": schema_version,
        "ok": bool(rows) and tiers["high"] == 0 and not missing,
        "window": {"start": start.isoformat(), "end": end.isoformat()},
        "repos": [
            {
                "repo_id": r.repo_id,
                "team": r.team,
                "lane": r.lane,
                "risk_tier": risk(r),
                "release_confidence_ok": r.release_confidence_ok,
                "gate_fast_ok": r.gate_fast_ok,
                "gate_release_ok": r.gate_release_ok,
                "doctor_ok": r.doctor_ok,
                "failed_steps_count": r.failed_steps_count,
                "evidence_window_end": r.evidence_window_end.isoformat(),
                "source_timestamp": r.source_timestamp.isoformat().replace("+00:00", "Z"),
            }
            for r in rows
        ],
        "totals": {
            "repo_count_total": len(known),
            "repo_count_reporting": len(rows),
            "repo_count_expected": len(expected) if expected else None,
            "high_risk_repo_count": tiers["high"],
            "medium_risk_repo_count": tiers["medium"],
            "low_risk_repo_count": tiers["low"],
            "release_gate_failure_rate_percent": _percent(sum(not r.gate_release_ok for r in rows), len(rows)),
            "release_confidence_rate_percent": _percent(sum(r.release_confidence_ok for r in rows), len(rows)),
        },
        "missing_repos": missing,
        "stale_repos": [{"repo_id": k, "last_seen": (last_seen or {})[k]} for k in missing if k in (last_seen or {})],
        "by_team": _breakdown(rows, "team"),
        "by_lane": _breakdown(rows, "lane"),
        "top_failing_steps": [
            {"step": s, "repo_count": n} for s, n in sorted(steps.items(), key=lambda i: (-i[1], i[0]))[:TOP_STEPS]
        ],
    }
