"""Normalized run records: the unit the portfolio is computed from, validated strictly.

A record is one repository's gate evidence at one time. Booleans must be booleans, dates must be
dates, lanes must be known: ``"gate_fast_ok": "true"`` is an error, not a truthy string. Two shapes
are read: the normalized one :func:`dump` writes, and the original tooling's (``repo``,
``timestamp``, no ``evidence_window_end``). The rules beyond types are in :mod:`record_rules`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError
from sdetkit.lanes import NAMES as LANES
from sdetkit.portfolio.record_rules import (
    AUDITS,
    CONTROL,
    MAX_ID,
    MAX_STEPS,
    MAX_TIME,
    TEXT_LIMITS,
    Context,
    confident,
    day_problems,
    not_in_inventory,
    show,
    text_problem,
    why,
    window_end_of,  # fmt: skip
)
from sdetkit.text import iso_day

REQUIRED = ("repo_id", "team", "lane", "gate_fast_ok", "gate_release_ok", "doctor_ok", "failed_steps_count",
            "evidence_window_end", "source_timestamp")  # fmt: skip
OPTIONAL = ("release_confidence_ok", "failed_steps", "commit", "branch", "ci_run_url", "audit")
# The original tooling's shape names the repository ``repo`` and the time ``timestamp``, and may
# leave ``evidence_window_end`` out (see :func:`record_rules.window_end_of`).
ALIASES = ("repo", "timestamp")
_CORE = ("team", "lane", "gate_fast_ok", "gate_release_ok", "doctor_ok", "failed_steps_count")
_OPTIONAL_TEXT = ("commit", "branch", "ci_run_url")


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
    audit: str | None = None  # the release preflight's audit status, when the record gives it


def today() -> Context:
    """The context of a check made now, with no window on the command line and no inventory."""
    return Context(dt.datetime.now(dt.timezone.utc).replace(microsecond=0))


def _time(text: str) -> dt.datetime:
    """An ISO 8601 time (UTC when it names no offset); ValueError otherwise."""
    if len(text) > MAX_TIME:
        raise ValueError(text[:MAX_TIME])
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=dt.timezone.utc)


def _text_problems(raw: dict[str, Any], repo_key: str) -> list[str]:
    problems = []
    for key in (repo_key, "team"):
        value = raw.get(key)
        if key in raw and (not isinstance(value, str) or not value.strip()):
            problems.append(f"{key} must be a non-empty string")
        elif isinstance(value, str) and (found := text_problem(key, value, TEXT_LIMITS[key])):
            problems.append(found)
    for key in _OPTIONAL_TEXT:
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            problems.append(f"{key} must be a string, not {show(value)}")
        elif value is not None and (found := text_problem(key, value, TEXT_LIMITS[key])):
            problems.append(found)
    steps = raw.get("failed_steps", [])
    if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
        problems.append("failed_steps must be a list of step ids")
    elif len(steps) > MAX_STEPS:
        problems.append(f"failed_steps lists {len(steps)} steps, over the limit of {MAX_STEPS}")
    else:
        problems += [p for i, s in enumerate(steps) if (p := text_problem(f"failed_steps[{i}]", s, MAX_ID))]
    return problems


def _times(raw: dict[str, Any]) -> tuple[dt.datetime | None, list[str]]:
    """The evidence time, from ``source_timestamp`` or the original's ``timestamp`` (both: the same)."""
    times, problems = {}, []
    for key in ("source_timestamp", "timestamp"):
        if key in raw:
            try:
                times[key] = _time(str(raw[key]))
            except ValueError:
                problems.append(f"{key} {show(raw[key])} is not an ISO 8601 time")
    if len(times) == 2 and times["source_timestamp"] != times["timestamp"]:
        problems.append(f"timestamp {show(raw['timestamp'])} and source_timestamp {show(raw['source_timestamp'])} "
                        "differ: give one")  # fmt: skip
    return times.get("source_timestamp") or times.get("timestamp"), problems


def _problems(raw: Any, where: str, ctx: Context | None = None) -> tuple[Record | None, list[str]]:
    ctx = ctx or today()
    if not isinstance(raw, dict):
        return None, [f"{where}: expected an object, found {type(raw).__name__}"]
    problems = [f"missing {key}" for key in _CORE if key not in raw]
    if "repo_id" in raw and "repo" in raw:
        problems.append("give the repository as repo_id or repo, not both")
    elif "repo_id" not in raw and "repo" not in raw:
        problems.append("missing repo_id (or repo)")
    if "source_timestamp" not in raw and "timestamp" not in raw:
        problems.append("missing source_timestamp (or timestamp)")
    problems += [f"unknown field {show(key)}" for key in sorted(set(raw) - _MAY)]
    repo_key = "repo" if "repo" in raw and "repo_id" not in raw else "repo_id"
    problems += _text_problems(raw, repo_key)
    if "lane" in raw and raw["lane"] not in LANES:
        problems.append(f"lane {show(raw['lane'])} is not one of {', '.join(LANES)}")
    for key in ("gate_fast_ok", "gate_release_ok", "doctor_ok", "release_confidence_ok"):
        if key in raw and not isinstance(raw[key], bool):
            problems.append(f"{key} must be true or false, not {show(raw[key])}")
    if raw.get("audit") is not None and raw["audit"] not in AUDITS:
        problems.append(f"audit {show(raw['audit'])} is not one of {', '.join(AUDITS)}")
    count = raw.get("failed_steps_count")
    if "failed_steps_count" in raw and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
        problems.append(f"failed_steps_count must be a whole number >= 0, not {show(count)}")
    elif isinstance(count, int) and count > MAX_STEPS:
        problems.append(f"failed_steps_count is {count}, over the limit of {MAX_STEPS}")
    stamp, found = _times(raw)
    problems += found
    day = None
    if "evidence_window_end" in raw:
        try:
            day = iso_day(str(raw["evidence_window_end"]))
        except ValueError:
            problems.append(f"evidence_window_end {show(raw['evidence_window_end'])} is not a YYYY-MM-DD date")
    elif stamp is not None:
        day = window_end_of(stamp, ctx)
    if problems or day is None or stamp is None:
        return None, [f"{where}: {p}" for p in problems]
    gates = (raw["lane"], raw["gate_fast_ok"], raw["gate_release_ok"], raw["doctor_ok"], raw.get("audit"))
    given = raw.get("release_confidence_ok")
    record = Record(raw[repo_key], raw["team"], raw["lane"], raw["gate_fast_ok"], raw["gate_release_ok"],
                    raw["doctor_ok"], raw["failed_steps_count"], day, stamp, confident(*gates) and given is not False,
                    tuple(raw.get("failed_steps", [])), raw.get("audit"))  # fmt: skip
    contradictions = [f"{where}: {c}" for c in contradictions_of(record, "failed_steps" in raw, given, ctx)]
    return (None, contradictions) if contradictions else (record, [])


def contradictions_of(
    r: Record, steps_given: bool, confidence_given: bool | None = None, ctx: Context | None = None
) -> list[str]:
    """How a record disagrees with itself (the same rule as for artifacts,
    :mod:`sdetkit.evidence.consistency`, applied to the normalized fields), with the lane's policy,
    with the clock, or (``ctx.expected``) with the inventory."""
    found = []
    if steps_given and len(r.failed_steps) != r.failed_steps_count:
        found.append(f"failed_steps_count is {r.failed_steps_count} but failed_steps lists {len(r.failed_steps)}")
    if r.gate_fast_ok and r.gate_release_ok and r.failed_steps_count:
        found.append(f"both gates are ok but failed_steps_count is {r.failed_steps_count}")
    # A record may withhold confidence its gates allow (a decision said NO-SHIP; a record cannot carry
    # the decision), never claim what the lane's policy does not give.
    gates = (r.lane, r.gate_fast_ok, r.gate_release_ok, r.doctor_ok, r.audit)
    if confidence_given and not confident(*gates):
        found.append(f"release_confidence_ok is true but the {r.lane} lane's policy gives false: {why(*gates)}")
    if ctx is not None:
        found += day_problems(r.evidence_window_end, r.source_timestamp, ctx)
        if ctx.expected and r.repo_id not in ctx.expected:
            found.append(not_in_inventory(r.repo_id, ctx.expected, "fix the id or add it to the inventory"))
    return found


_MAY = frozenset(REQUIRED + OPTIONAL + ALIASES)
_MUST = frozenset(_CORE)
_TEXT_KEYS = frozenset(_OPTIONAL_TEXT)


def _fast(raw: Any, ctx: Context) -> Record | None:
    """The record when ``raw`` is plainly valid, else None (then :func:`_problems` says why).

    A strict subset of what ``_problems`` accepts, written for speed: bulk files hold millions of
    records."""
    if type(raw) is not dict or not (_MUST <= raw.keys() <= _MAY):
        return None
    if "repo" in raw:
        if "repo_id" in raw:
            return None
        repo = raw["repo"]
    else:
        repo = raw.get("repo_id")
    stamp = raw.get("source_timestamp")
    if "timestamp" in raw:
        if "source_timestamp" in raw:
            return None  # the slow path compares them
        stamp = raw["timestamp"]
    team, lane = raw["team"], raw["lane"]
    if (type(repo) is not str or type(team) is not str or not repo.strip() or not team.strip() or lane not in LANES
            or len(repo) > MAX_ID or len(team) > MAX_ID or CONTROL.search(repo) or CONTROL.search(team)):  # fmt: skip
        return None
    if not _TEXT_KEYS.isdisjoint(raw):  # most records carry none of them
        for key in _OPTIONAL_TEXT:
            text = raw.get(key)
            if text is not None and (type(text) is not str or len(text) > TEXT_LIMITS[key] or CONTROL.search(text)):
                return None
    fast, release, doctor = raw["gate_fast_ok"], raw["gate_release_ok"], raw["doctor_ok"]
    given, audit = raw.get("release_confidence_ok"), raw.get("audit")
    if not (type(fast) is type(release) is type(doctor) is bool) or (audit is not None and audit not in AUDITS):
        return None
    if "release_confidence_ok" in raw and type(given) is not bool:
        return None
    count, steps = raw["failed_steps_count"], raw.get("failed_steps", [])
    if type(count) is not int or not 0 <= count <= MAX_STEPS or type(steps) is not list or len(steps) > MAX_STEPS:
        return None
    if steps and not all(type(x) is str and len(x) <= MAX_ID and not CONTROL.search(x) for x in steps):
        return None
    day = raw.get("evidence_window_end")
    if type(stamp) is not str or ("evidence_window_end" in raw and type(day) is not str):
        return None
    try:
        when = _time(stamp)
        end = iso_day(day) if day is not None else window_end_of(when, ctx)
    except ValueError:
        return None
    verdict = confident(lane, fast, release, doctor, audit) and given is not False
    record = Record(repo, team, lane, fast, release, doctor, count, end, when, verdict, tuple(steps), audit)
    # One rule for both paths; a contradiction goes the slow way, which names it.
    return None if contradictions_of(record, "failed_steps" in raw, given, ctx) else record


def stream(path: Path, context: Context | None = None) -> Iterator[Record]:
    """Records from a JSON array or JSON Lines file, one at a time in bounded memory (see
    :mod:`sdetkit.portfolio.recordfile`). Every problem is reported: after the first one nothing more
    is yielded, the rest of the file is read to count the others, then one InputError (exit 2). A
    caller that stores what it is given does so in one transaction, which the error rolls back.
    ``context`` (default: now, no window, no inventory) is what the per-record rules check against."""
    from sdetkit.portfolio.recordfile import read

    ctx = context or today()
    first, count = "", 0
    try:
        for where, raw in read(path):
            record = _fast(raw, ctx)
            if record is None:
                record, found = _problems(raw, where, ctx)
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


def load(path: Path, context: Context | None = None) -> list[Record]:
    """Every record of a JSON array or JSON Lines file; every problem is reported, then exit 2.
    ``context`` (default: now, no window, no inventory) is what the per-record rules check against."""
    return list(stream(path, context))


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
    } | ({"audit": record.audit} if record.audit is not None else {})
