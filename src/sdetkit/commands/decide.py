"""``sdetkit decide``: turn gate evidence into SHIP or NO-SHIP, with the reasons in blocking order."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import sys
from pathlib import Path
from typing import Any

from sdetkit.decision import Artifact, Decision, decide
from sdetkit.errors import EXIT_FAILED, EXIT_OK, UsageError
from sdetkit.evidence.load import load
from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver, preflight
from sdetkit.settings import DecideSettings

SCHEMA_NAME = "sdetkit.decision"
SCHEMA_VERSION = "1.1.0"
_AGE = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_age(text: str) -> dt.timedelta:
    m = _AGE.match(text.strip())
    if m is None:
        raise UsageError(f"--max-age {text}: expected a number and a unit, such as 90m, 24h or 7d")
    return dt.timedelta(seconds=float(m[1]) * _UNIT[m[2]])


def _artifact(path: Path, schema: str, name: str) -> tuple[Artifact, dict[str, Any]]:
    doc = load(path, schema)
    started = doc.get("run", {}).get("started_at") if isinstance(doc.get("run"), dict) else None
    written: dt.datetime | None = None
    source = "run.started_at"
    if isinstance(started, str):
        try:
            written = dt.datetime.fromisoformat(started.replace("Z", "+00:00"))
        except ValueError:
            written = None
    if written is None:  # --stable-json leaves the run block out: the file's time is all there is
        written = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)
        source = "file time"
    info = {
        "file": str(path),
        "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "schema_version": doc["schema_version"],
        "ok": doc["ok"],
        "commit": doc.get("commit"),
    }
    return Artifact(name, doc, written, source), info


def run(settings: DecideSettings) -> int:
    max_age = parse_age(settings.max_age) if settings.max_age else None
    preflight(settings.output)
    fast, fast_info = _artifact(settings.fast, "gate-fast", "gate-fast")
    release, release_info = _artifact(settings.release, "gate-release", "release-preflight")
    doctor = doctor_info = None
    if settings.doctor is not None:
        doctor, doctor_info = _artifact(settings.doctor, "doctor", "doctor")
    checklist = checklist_info = None
    if settings.checklist is not None:
        checklist, checklist_info = _artifact(settings.checklist, "release-checklist", "release-checklist")
    now = dt.datetime.now(dt.timezone.utc)
    decision = decide(fast, release, doctor, now, max_age, settings.doctor_threshold, settings.lane, checklist)
    inputs = {"fast": fast_info, "release": release_info, "doctor": doctor_info, "checklist": checklist_info}
    doc = document(decision, inputs, max_age, settings)
    deliver(DocumentReport("decide", doc), settings.output, sys.stdout)
    return EXIT_OK if decision.ship else EXIT_FAILED


def document(
    decision: Decision, inputs: dict[str, Any], max_age: dt.timedelta | None, settings: DecideSettings
) -> dict[str, Any]:
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": decision.ship,
        "decision": "SHIP" if decision.ship else "NO-SHIP",
        "commit": decision.commit,
        "reasons": [
            {"code": r.code, "message": r.message, "source": r.source, "triage": dict(r.triage) if r.triage else None}
            for r in decision.reasons
        ],
        "requires": list(decision.requires),
        "inputs": inputs,
        "policy": {
            "max_age_s": int(max_age.total_seconds()) if max_age else None,
            "doctor_threshold": settings.doctor_threshold,
            "lane": settings.lane,
        },
    }
