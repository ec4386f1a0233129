"""``sdetkit portfolio scorecard``: the versioned portfolio scorecard from normalized run records."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

from sdetkit.errors import EXIT_OK, UsageError
from sdetkit.evidence.atomic import check_writable, emit

_SEMVER_1 = re.compile(r"^1\.\d+\.\d+$")


def _date(flag: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(f"{flag} {text}: expected a YYYY-MM-DD date") from exc


def scorecard(inp: Path, out: Path | None, schema_version: str, window_start: str, window_end: str) -> int:
    from sdetkit.portfolio import records, scorecard

    if not _SEMVER_1.match(schema_version):
        raise UsageError(f"--schema-version {schema_version}: this sdetkit writes schema 1.x.y (for example 1.0.0)")
    start, end = _date("--window-start", window_start), _date("--window-end", window_end)
    if start > end:
        raise UsageError(f"--window-start {window_start} is after --window-end {window_end}")
    target = out.absolute() if out else None
    if target is not None:
        check_writable(target)
    doc = scorecard.build(records.load(inp), schema_version, start, end)
    rendered = json.dumps(doc, indent=2, sort_keys=True) + "\n"
    t = doc["totals"]
    summary = (
        f"portfolio {window_start}..{window_end}: {t['repo_count_reporting']} of {t['repo_count_total']} repositories "
        f"reporting; risk high {t['high_risk_repo_count']}, medium {t['medium_risk_repo_count']}, low "
        f"{t['low_risk_repo_count']}; release gate failure rate {t['release_gate_failure_rate_percent']}%\n"
    )
    emit(rendered, summary, target, out, sys.stdout)
    return EXIT_OK
