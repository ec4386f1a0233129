"""``sdetkit decide``: turn gate evidence into SHIP or NO-SHIP, with the reasons in blocking order."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.decision import SEVERITIES, Artifact, Decision, decide
from sdetkit.errors import EXIT_FAILED, EXIT_OK, UsageError
from sdetkit.evidence.atomic import check_writable, emit
from sdetkit.evidence.load import load
from sdetkit.settings import OutputSettings

SCHEMA_NAME = "sdetkit.decision"
SCHEMA_VERSION = "1.0.0"
_AGE = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class DecideSettings(NamedTuple):
    fast: Path
    release: Path
    output: OutputSettings
    doctor: Path | None = None
    max_age: str | None = None
    doctor_threshold: str = "high"
    lane: str | None = None


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
    if settings.doctor_threshold not in SEVERITIES:
        raise UsageError(f"--doctor-fail-on {settings.doctor_threshold}: expected one of {', '.join(SEVERITIES)}")
    max_age = parse_age(settings.max_age) if settings.max_age else None
    out = settings.output.out.absolute() if settings.output.out else None
    if out is not None:
        check_writable(out)
    fast, fast_info = _artifact(settings.fast, "gate-fast", "gate-fast")
    release, release_info = _artifact(settings.release, "gate-release", "release-preflight")
    doctor = doctor_info = None
    if settings.doctor is not None:
        doctor, doctor_info = _artifact(settings.doctor, "doctor", "doctor")
    now = dt.datetime.now(dt.timezone.utc)
    decision = decide(fast, release, doctor, now, max_age, settings.doctor_threshold, settings.lane)
    doc = document(decision, {"fast": fast_info, "release": release_info, "doctor": doctor_info}, max_age, settings)
    fmt = settings.output.format
    rendered = json.dumps(doc, indent=2, sort_keys=True) + "\n" if fmt == "json" else render(doc, fmt == "markdown")
    emit(rendered, render(doc, False) if fmt != "text" else "", out, settings.output.out, sys.stdout)
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
        "inputs": inputs,
        "policy": {
            "max_age_s": int(max_age.total_seconds()) if max_age else None,
            "doctor_threshold": settings.doctor_threshold,
            "lane": settings.lane,
        },
    }


def render(doc: dict[str, Any], markdown: bool) -> str:
    """Text for a terminal, or markdown for a pull-request comment or CI job summary."""
    commit = doc["commit"][:12] if doc["commit"] else "no single commit"
    reasons = doc["reasons"]
    if markdown:
        icon = "✅" if doc["ok"] else "⛔"
        lines = [f"### {icon} {doc['decision']} for `{commit}`", ""]
        if not reasons:
            lines.append(
                "Both gates passed on the same clean commit"
                + (" and the doctor found nothing blocking." if doc["inputs"]["doctor"] else ".")
            )
        for i, r in enumerate(reasons, 1):
            lines.append(f"{i}. {r['message']}")
        first = next((r["triage"] for r in reasons if r["triage"]), None)
        if first:
            where = (
                f"`{first['affected_file']}`" + (f" line {first['line']}" if first["line"] else "")
                if first["affected_file"]
                else "n/a"
            )
            lines += [
                "",
                f"**First failure** ({first['classification']}, {where}). Reproduce:",
                "",
                "```sh",
                first["next_command"],
                "```",
            ]
        return "\n".join(lines) + "\n"
    lines = [f"{doc['decision']}: {commit}"]
    lines += [f"  {i}. {r['message']}" for i, r in enumerate(reasons, 1)]
    first = next((r["triage"] for r in reasons if r["triage"]), None)
    if first:
        lines.append(f"first failure: {first['classification']}; reproduce with: {first['next_command']}")
    return "\n".join(lines) + "\n"
