"""The support model: what each severity means, its response targets, who is told, and the rules
that give an incident's severity from its facts. The program file's ``[support]`` table changes
any of it (:mod:`sdetkit.portfolio.program_support`); these are the defaults."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from sdetkit.incidents.kinds import EscalationRole, IncidentSeverity

CHAIN = tuple(EscalationRole)  # release owner -> workstream DRI -> platform lead -> sponsor
ROLE_NAMES = {
    EscalationRole.RELEASE_OWNER: "release owner",
    EscalationRole.WORKSTREAM_DRI: "workstream DRI",
    EscalationRole.PLATFORM_LEAD: "platform lead",
    EscalationRole.SPONSOR: "sponsor",
}
_DURATION = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class SeverityTarget(NamedTuple):
    """One severity: its definition, response targets and who is told."""

    severity: IncidentSeverity
    definition: str
    acknowledge_within: dt.timedelta
    update_every: dt.timedelta
    resolve_within: dt.timedelta
    notify: tuple[EscalationRole, ...]


class SeverityRule(NamedTuple):
    """Facts that give a severity; every condition given must hold (none given: always)."""

    severity: IncidentSeverity
    rollback: bool | None = None
    lanes: tuple[str, ...] = ()  # any of them affected
    min_repos: int | None = None

    def matches(self, lanes: Sequence[str], rollback: bool, repo_count: int) -> bool:
        """Whether an incident with these facts meets the rule."""
        return (
            (self.rollback is None or self.rollback == rollback)
            and (not self.lanes or any(lane in self.lanes for lane in lanes))
            and (self.min_repos is None or repo_count >= self.min_repos)
        )

    def describe(self) -> str:
        """The rule in words."""
        parts = [] if self.rollback is None else ["a rollback" if self.rollback else "no rollback"]
        parts += [f"lane {' or '.join(self.lanes)} affected"] if self.lanes else []
        parts += [f"{self.min_repos}+ repositories"] if self.min_repos is not None else []
        return f"{self.severity}: {', '.join(parts) or 'any incident'}"


class SupportModel(NamedTuple):
    """The program's support model. ``workstream`` names the workstream whose DRI is the chain's
    second step (None: the program's first workstream)."""

    targets: tuple[SeverityTarget, ...]
    rules: tuple[SeverityRule, ...]
    platform_lead: tuple[str, str] | None = None  # (name, contact)
    workstream: str | None = None

    def target(self, severity: IncidentSeverity) -> SeverityTarget:
        """The targets of ``severity``."""
        return next(t for t in self.targets if t.severity == severity)

    def severity_for(self, lanes: Sequence[str], rollback: bool, repo_count: int) -> tuple[IncidentSeverity, str]:
        """The severity the rules give for these facts (first rule that matches), and the rule."""
        for rule in self.rules:
            if rule.matches(lanes, rollback, repo_count):
                return rule.severity, rule.describe()
        return IncidentSeverity.SEV4, "sev4: no rule matched"


def duration(text: str) -> dt.timedelta | None:
    """``15m``, ``4h`` or ``3d``; None when ``text`` is not one."""
    match = _DURATION.match(text.strip())
    if not match or int(match.group(1)) == 0:
        return None
    return dt.timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def spoken(delta: dt.timedelta) -> str:
    """A duration as written in the program file (``90m``, ``4h``, ``3d``)."""
    minutes = int(delta.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    return f"{minutes // 60}h" if minutes % 60 == 0 else f"{minutes}m"


def elapsed(delta: dt.timedelta) -> str:
    """How long something took, to the minute: ``52m``, ``5h50m``, ``2d3h``."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    text = (f"{days}d" if days else "") + (f"{hours}h" if hours else "") + (f"{mins}m" if mins and not days else "")
    return text or "0m"


def _target(sev: str, definition: str, ack: str, update: str, resolve: str, notify: int) -> SeverityTarget:
    ack_in, every, resolve_in = (duration(x) or dt.timedelta() for x in (ack, update, resolve))
    return SeverityTarget(IncidentSeverity(sev), definition, ack_in, every, resolve_in, CHAIN[:notify])


DEFAULT_SUPPORT = SupportModel(
    targets=(
        _target("sev1", "A rollback in the Regulated lane, or across 3+ repositories", "15m", "30m", "4h", 4),
        _target("sev2", "A rollback, or a failure across 3+ repositories", "30m", "2h", "1d", 3),
        _target("sev3", "A failure in the Regulated lane, or across 2 repositories", "4h", "1d", "3d", 2),
        _target("sev4", "A failure of one repository outside the Regulated lane", "1d", "3d", "10d", 1),
    ),
    rules=(
        SeverityRule(IncidentSeverity.SEV1, rollback=True, lanes=("regulated",)),
        SeverityRule(IncidentSeverity.SEV1, rollback=True, min_repos=3),
        SeverityRule(IncidentSeverity.SEV2, rollback=True),
        SeverityRule(IncidentSeverity.SEV2, min_repos=3),
        SeverityRule(IncidentSeverity.SEV3, lanes=("regulated",)),
        SeverityRule(IncidentSeverity.SEV3, min_repos=2),
        SeverityRule(IncidentSeverity.SEV4),
    ),
)


class Notice(NamedTuple):
    """Someone who must be told of an incident, and by when."""

    role: EscalationRole
    who: str  # a name and contact, or what to set when nobody is named
    by: str


def notices(
    model: SupportModel, severity: IncidentSeverity, opened: dt.datetime, people: Mapping[str, str]
) -> list[Notice]:
    """Who must be told of an incident of ``severity`` opened at ``opened``, in the chain's order,
    by the acknowledgement target. ``people`` maps a role to who holds it."""
    target = model.target(severity)
    by = (opened + target.acknowledge_within).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [Notice(role, people.get(role.value) or f"nobody named ({_where(role)})", by) for role in target.notify]


def _where(role: EscalationRole) -> str:
    return {
        EscalationRole.RELEASE_OWNER: "set program.release_owner",
        EscalationRole.WORKSTREAM_DRI: "set support.workstream, or add a workstream with a dri",
        EscalationRole.PLATFORM_LEAD: "set support.platform_lead",
        EscalationRole.SPONSOR: "set program.sponsor",
    }[role]
