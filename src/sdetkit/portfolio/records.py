"""Normalized run records: the unit the portfolio is computed from, validated strictly.

A record is one repository's gate evidence at one time. Booleans must be booleans, dates must be
dates, lanes must be known: ``"gate_fast_ok": "true"`` is an error, not a truthy string.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError
from sdetkit.evidence.load import LIMIT

LANES = ("startup", "scale", "regulated")
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
            day = dt.date.fromisoformat(str(raw["evidence_window_end"]))
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
    return record, []


def load(path: Path) -> list[Record]:
    """Records from a JSON array or JSON Lines file; every problem is reported, then exit 2."""
    from sdetkit.evidence.load import parse_json, read_text

    text = read_text(path, LIMIT * 16)  # read once; missing, empty or non-UTF-8 files are errors
    items: list[tuple[str, Any]]
    if text.lstrip().startswith("["):
        items = [(f"{path}: record {i + 1}", r) for i, r in enumerate(parse_json(text, str(path)))]
    else:
        items = []
        for n, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    items.append((f"{path}:{n}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{n}: not valid JSON: {exc.msg}") from exc
        if not items:
            raise InputError(f"{path}: no records")
    records: list[Record] = []
    problems: list[str] = []
    for where, raw in items:
        record, found = _problems(raw, where)
        problems += found
        if record is not None:
            records.append(record)
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputError(problems[0] + more)
    return records
