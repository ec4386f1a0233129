"""Normalized run records: the unit the portfolio is computed from, validated strictly.

A record is one repository's gate evidence at one time. Booleans must be booleans, dates must be
dates, lanes must be known: ``"gate_fast_ok": "true"`` is an error, not a truthy string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError
from sdetkit.lanes import NAMES as LANES
from sdetkit.text import iso_day

REQUIRED = ("repo_id", "team", "lane", "gate_fast_ok", "gate_release_ok", "doctor_ok", "failed_steps_count",
            "evidence_window_end", "source_timestamp")  # fmt: skip
OPTIONAL = ("release_confidence_ok", "failed_steps", "commit", "branch", "ci_run_url")


class Record(NamedTuple):
    repo_id: str
    team: str
    lane: str
    gate_fast_ok: bool
    gate_release_ok: bool
    doctor_ok: bool
    failed_steps_count: int
    evidence_window_end: dt.date
    source_timestamp: dt.datetime
    release_confidence_ok: bool
    failed_steps: tuple[str, ...] = ()


def _problems(raw: Any, where: str) -> tuple[Record | None, list[str]]:
    if not isinstance(raw, dict):
        return None, [f"{where}: expected an object, found {type(raw).__name__}"]
    problems = [f"{where}: missing {key}" for key in REQUIRED if key not in raw]
    problems += [f"{where}: unknown field {key!r}" for key in sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))]
    for key in ("repo_id", "team"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            problems.append(f"{where}: {key} must be a non-empty string")
    if "lane" in raw and raw["lane"] not in LANES:
        problems.append(f"{where}: lane {raw['lane']!r} is not one of {', '.join(LANES)}")
    for key in ("gate_fast_ok", "gate_release_ok", "doctor_ok", "release_confidence_ok"):
        if key in raw and not isinstance(raw[key], bool):
            problems.append(f"{where}: {key} must be true or false, not {raw[key]!r}")
    count = raw.get("failed_steps_count")
    if "failed_steps_count" in raw and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        problems.append(f"{where}: failed_steps_count must be a whole number >= 0, not {count!r}")
    steps = raw.get("failed_steps", [])
    if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
        problems.append(f"{where}: failed_steps must be a list of step ids")
    day = stamp = None
    if "evidence_window_end" in raw:
        try:
            day = iso_day(str(raw["evidence_window_end"]))
        except ValueError:
            problems.append(f"{where}: evidence_window_end {raw['evidence_window_end']!r} is not a YYYY-MM-DD date")
    if "source_timestamp" in raw:
        try:
            stamp = dt.datetime.fromisoformat(str(raw["source_timestamp"]).replace("Z", "+00:00"))
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=dt.timezone.utc)
        except ValueError:
            problems.append(f"{where}: source_timestamp {raw['source_timestamp']!r} is not an ISO 8601 time")
    if problems or day is None or stamp is None:
        return None, problems
    confidence = bool(raw.get("release_confidence_ok", raw["gate_fast_ok"] and raw["gate_release_ok"]))
    record = Record(
        repo_id=raw["repo_id"],
        team=raw["team"],
        lane=raw["lane"],
        gate_fast_ok=raw["gate_fast_ok"],
        gate_release_ok=raw["gate_release_ok"],
        doctor_ok=raw["doctor_ok"],
        failed_steps_count=int(raw["failed_steps_count"]),
        evidence_window_end=day,
        source_timestamp=stamp,
        release_confidence_ok=confidence,
        failed_steps=tuple(steps),
    )
    contradictions = [f"{where}: {c}" for c in contradictions_of(record, "failed_steps" in raw)]
    return (None, contradictions) if contradictions else (record, [])


def contradictions_of(r: Record, steps_given: bool) -> list[str]:
    """How a record disagrees with itself: the same rule as for artifacts
    (:mod:`sdetkit.evidence.consistency`), applied to the normalized fields."""
    found = []
    if steps_given and len(r.failed_steps) != r.failed_steps_count:
        found.append(f"failed_steps_count is {r.failed_steps_count} but failed_steps lists {len(r.failed_steps)}")
    if r.gate_fast_ok and r.gate_release_ok and r.failed_steps_count:
        found.append(f"both gates are ok but failed_steps_count is {r.failed_steps_count}")
    if r.release_confidence_ok and not (r.gate_fast_ok and r.gate_release_ok):
        found.append("release_confidence_ok is true but a gate is not ok")
    return found


_MUST = frozenset(REQUIRED)
_MAY = frozenset(REQUIRED + OPTIONAL)


def _fast(raw: Any) -> Record | None:
    """The record when ``raw`` is plainly valid, else None (then :func:`_problems` says why).

    A strict subset of what ``_problems`` accepts, written for speed: bulk files hold hundreds of
    thousands of records."""
    if type(raw) is not dict or not (_MUST <= raw.keys() <= _MAY):
        return None
    repo, team, lane = raw["repo_id"], raw["team"], raw["lane"]
    if type(repo) is not str or type(team) is not str or not repo.strip() or not team.strip() or lane not in LANES:
        return None
    fast, release, doctor = raw["gate_fast_ok"], raw["gate_release_ok"], raw["doctor_ok"]
    confident = raw.get("release_confidence_ok", fast and release)
    if not (type(fast) is type(release) is type(doctor) is type(confident) is bool):
        return None
    count, steps = raw["failed_steps_count"], raw.get("failed_steps", [])
    if type(count) is not int or count < 0 or type(steps) is not list or not all(type(x) is str for x in steps):
        return None
    day, stamp = raw["evidence_window_end"], raw["source_timestamp"]
    if type(day) is not str or type(stamp) is not str:
        return None
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        when = when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)
        record = Record(repo, team, lane, fast, release, doctor, count, iso_day(day), when, confident,
                        tuple(steps))  # fmt: skip
    except ValueError:
        return None
    # One rule for both paths; a contradiction goes the slow way, which names it.
    return None if contradictions_of(record, "failed_steps" in raw) else record


def stream(path: Path) -> Iterator[Record]:
    """Records from a JSON array or JSON Lines file, one at a time in bounded memory (see
    :mod:`sdetkit.portfolio.recordfile`). Every problem is reported: after the first one nothing more
    is yielded, the rest of the file is read to count the others, then one InputError (exit 2). A
    caller that stores what it is given does so in one transaction, which the error rolls back."""
    from sdetkit.portfolio.recordfile import read

    first, count = "", 0
    try:
        for where, raw in read(path):
            record = _fast(raw)
            if record is None:
                record, found = _problems(raw, where)
                first, count = first or (found[0] if found else ""), count + len(found)
            if record is not None and not count:
                yield record
    except InputError:  # the file cannot be read on: that ends the count
        if not count:
            raise
        count += 1
    if count:
        more = f" (and {count - 1} more problems)" if count > 1 else ""
        raise InputError(first + more)


def load(path: Path) -> list[Record]:
    """Every record of a JSON array or JSON Lines file; every problem is reported, then exit 2."""
    return list(stream(path))


def dump(record: Record) -> dict[str, Any]:
    """The record as one normalized JSON object, the form :func:`load` reads back."""
    return {
        "repo_id": record.repo_id,
        "team": record.team,
        "lane": record.lane,
        "gate_fast_ok": record.gate_fast_ok,
        "gate_release_ok": record.gate_release_ok,
        "doctor_ok": record.doctor_ok,
        "failed_steps_count": record.failed_steps_count,
        "failed_steps": list(record.failed_steps),
        "evidence_window_end": record.evidence_window_end.isoformat(),
        "source_timestamp": record.source_timestamp.isoformat().replace("+00:00", "Z"),
        "release_confidence_ok": record.release_confidence_ok,
    }
