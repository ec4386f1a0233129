"""The program file's ``[support]`` table: the support model, each key optional (the defaults of
:mod:`sdetkit.incidents.support` fill the rest)::

    [support]
    workstream = "reporting"   # whose DRI is the escalation chain's second step
    platform_lead = { name = "Eli Park", contact = "#platform" }

    [support.severities.sev2]
    definition = "A rollback, or a failure across several repositories"
    acknowledge_within = "30m"
    update_every = "2h"
    resolve_within = "1d"
    notify = ["release_owner", "workstream_dri", "platform_lead"]

    [[support.rules]]          # first match wins; given rules replace the default ones
    severity = "sev1"
    rollback = true
    lanes = ["regulated"]
    min_repos = 1

Every problem is reported with its line, with the program file's other problems.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sdetkit.enums import values
from sdetkit.incidents.kinds import EscalationRole, IncidentSeverity
from sdetkit.incidents.support import DEFAULT_SUPPORT, SeverityRule, SeverityTarget, SupportModel, duration
from sdetkit.lanes import LaneName

if TYPE_CHECKING:
    from sdetkit.portfolio.program import _Checker

_KEYS = ("workstream", "platform_lead", "severities", "rules")
_TARGET_KEYS = ("definition", "acknowledge_within", "update_every", "resolve_within", "notify")
_RULE_KEYS = ("severity", "rollback", "lanes", "min_repos")
_SPANS = ("acknowledge_within", "update_every", "resolve_within")


def parse_support(c: _Checker, data: dict[str, Any], workstreams: set[str]) -> SupportModel:
    """The ``[support]`` table of ``data`` over the defaults; problems go to ``c``."""
    if "support" not in data:
        return DEFAULT_SUPPORT
    table = c.table(data, (), "support")
    c.keys(table, ("support",), _KEYS)
    workstream = c.text(table, ("support",), "workstream", required=False) or None
    if workstream is not None and workstream not in workstreams:
        c.problem(("support", "workstream"), f"support.workstream {workstream!r} is not a [workstreams.ID] table")
    lead = None
    if "platform_lead" in table:
        person = c.table(table, ("support",), "platform_lead")
        c.keys(person, ("support", "platform_lead"), ("name", "contact"))
        name = c.text(person, ("support", "platform_lead"), "name")
        lead = (name, c.text(person, ("support", "platform_lead"), "contact", required=False)) if name else None
    severities = c.table(table, ("support",), "severities")
    for key in sorted(set(severities) - set(values(IncidentSeverity))):
        c.problem(("support", "severities", key), f"support.severities.{key}: not one of sev1, sev2, sev3, sev4")
    targets = tuple(_target(c, severities, t) for t in DEFAULT_SUPPORT.targets)
    rules = DEFAULT_SUPPORT.rules
    if "rules" in table:
        rules = _rules(c, table["rules"])
    return SupportModel(targets, rules, lead, workstream)


def _target(c: _Checker, severities: dict[str, Any], default: SeverityTarget) -> SeverityTarget:
    sev = default.severity.value
    if sev not in severities:
        return default
    where = ("support", "severities", sev)
    entry = c.table(severities, ("support", "severities"), sev)
    c.keys(entry, where, _TARGET_KEYS)
    definition = c.text(entry, where, "definition", required=False, one_line=False) or default.definition
    spans: dict[str, dt.timedelta] = {}
    for key in _SPANS:
        raw = entry.get(key)
        span = duration(raw) if isinstance(raw, str) else None
        if key in entry and span is None:
            c.problem((*where, key), f"support.severities.{sev}.{key} = {raw!r} is not a duration such as 30m, 4h, 2d")
        spans[key] = span or getattr(default, key)
    if spans["acknowledge_within"] > spans["resolve_within"]:
        c.problem(where, f"support.severities.{sev}: acknowledge_within is longer than resolve_within")
    notify = default.notify
    if "notify" in entry:
        raw_roles = entry["notify"]
        known = values(EscalationRole)
        if not isinstance(raw_roles, list) or not raw_roles or any(r not in known for r in raw_roles):
            c.problem((*where, "notify"), f"support.severities.{sev}.notify must list roles of: {', '.join(known)}")
        else:
            notify = tuple(r for r in EscalationRole if r.value in raw_roles)  # told in the chain's order
    ack_in, every, resolve_in = (spans[k] for k in _SPANS)
    return SeverityTarget(default.severity, definition, ack_in, every, resolve_in, notify)


def _rules(c: _Checker, raw: Any) -> tuple[SeverityRule, ...]:
    if not isinstance(raw, list) or not raw:
        c.problem(("support", "rules"), "support.rules must be [[support.rules]] tables with a severity")
        return DEFAULT_SUPPORT.rules
    found: list[SeverityRule] = []
    for i, item in enumerate(raw):
        at = ("support", "rules", i)
        name = f"support.rules[{i}]"
        if not isinstance(item, dict):
            c.problem(at, f"{name} must be a table with a severity")
            continue
        c.keys(item, at, _RULE_KEYS)
        severity = c.choice(item, at, "severity", IncidentSeverity, required=True)
        rollback = item.get("rollback")
        if rollback is not None and not isinstance(rollback, bool):
            c.problem((*at, "rollback"), f"{name}.rollback = {rollback!r} must be true or false")
        lanes = item.get("lanes", [])
        if not isinstance(lanes, list) or any(lane not in values(LaneName) for lane in lanes):
            c.problem((*at, "lanes"), f"{name}.lanes must list lanes of: {', '.join(values(LaneName))}")
            lanes = []
        least = item.get("min_repos")
        if least is not None and (isinstance(least, bool) or not isinstance(least, int) or least < 1):
            c.problem((*at, "min_repos"), f"{name}.min_repos = {least!r} must be a whole number above 0")
            least = None
        if severity is not None:
            found.append(SeverityRule(severity, rollback if isinstance(rollback, bool) else None, tuple(lanes), least))
    return tuple(found)
