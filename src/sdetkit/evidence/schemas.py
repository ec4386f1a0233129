"""JSON Schemas shipped inside the package (``sdetkit schema show NAME``)."""

from __future__ import annotations

from importlib import resources

from sdetkit.errors import UsageError

NAMES = (
    "gate-fast",
    "gate-release",
    "doctor",
    "decision",
    "triage",
    "portfolio-scorecard",
    "kpi-weekly",
    "rollout-status",
    "governance-schema-diff",
    "governance-removals",
    "governance-status",
    "release-checklist",
    "incidents",
    "incident-slo",
    "portfolio-check",
)


def text(name: str) -> str:
    """The schema's JSON text."""
    if name not in NAMES:
        raise UsageError(f"unknown schema {name!r} (known: {', '.join(NAMES)})")
    return resources.files("sdetkit.evidence").joinpath("schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
