"""Lanes are policy, not labels: what each lane requires before a repository's release counts as
confident, and what its reports emphasise. Controls are cumulative (Startup < Scale < Regulated).

- **Startup**: gate fast and release preflight passed (on the same commit, when a decision says so).
- **Scale**: + a passing doctor run is required evidence.
- **Regulated**: + the vulnerability audit must have run and passed; a skipped audit blocks; every
  version ships only with a passing release checklist (``sdetkit release checklist``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from sdetkit.enums import StrEnum, values


class LaneName(StrEnum):
    """The lanes, from the least controlled to the most."""

    STARTUP = "startup"
    SCALE = "scale"
    REGULATED = "regulated"


class Lane(NamedTuple):
    name: LaneName
    policy: str
    requires_doctor: bool
    audit_required: bool
    checklist_required: bool
    kpi_emphasis: tuple[str, ...]

    @property
    def label(self) -> str:
        """The lane's name as a heading says it (``Startup``)."""
        return self.name.value.capitalize()


# One row a lane: requires doctor evidence, audit required, release checklist required, the KPIs its
# reports lead with, policy.
_POLICIES = (
    (LaneName.STARTUP, False, False, False, ("first_time_success_onboarding_rate", "median_release_decision_time"),
     "Startup: gate fast and release preflight pass on the same commit, and the decision (if any) is SHIP"),
    (LaneName.SCALE, True, False, False, ("failed_release_gate_frequency", "mean_time_to_triage_first_failure"),
     "Scale: Startup + a passing doctor run is required evidence"),
    (LaneName.REGULATED, True, True, True, ("rollback_rate",),
     "Regulated: Scale + the vulnerability audit must run and pass (a skipped audit blocks) + a passing "
     "release checklist for every version"),
)  # fmt: skip
LANES: dict[str, Lane] = {
    name.value: Lane(name, policy, doctor, audit, checklist, emphasis)
    for name, doctor, audit, checklist, emphasis, policy in _POLICIES
}
NAMES = values(LaneName)


def audit_status(release: Mapping[str, Any] | None) -> str | None:
    """The status of the release preflight's ``audit`` step, or None when there is no release evidence."""
    if release is None:
        return None
    for step in release.get("steps", []):
        if isinstance(step, Mapping) and step.get("id") == "audit":
            return str(step.get("status"))
    return "not planned"


def blockers(
    lane: str, *, fast_ok: bool | None, release_ok: bool | None, doctor_ok: bool | None, audit: str | None
) -> list[str]:
    """Why this lane's policy does not let the release count as confident (empty: it does).

    ``None`` means the artifact was not part of the evidence.
    """
    policy = LANES[lane]
    found = []
    if fast_ok is None:
        found.append("no gate fast evidence")
    elif not fast_ok:
        found.append("gate fast failed")
    if release_ok is None:
        found.append("no release preflight evidence")
    elif not release_ok:
        found.append("release preflight failed")
    if policy.requires_doctor:
        if doctor_ok is None:
            found.append(f"{policy.label} lane requires doctor evidence")
        elif not doctor_ok:
            found.append("doctor failed")
    if policy.audit_required and release_ok is not None and audit != "passed":
        found.append(f"{policy.label} lane: vulnerability audit {audit or 'missing'}, it may not be skipped")
    return found
