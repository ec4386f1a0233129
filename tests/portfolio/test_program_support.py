"""The program file's ``[support]`` table: defaults, overrides, and every problem with its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sdetkit.errors import InputError
from sdetkit.incidents.kinds import EscalationRole, IncidentSeverity
from sdetkit.incidents.support import DEFAULT_SUPPORT, SeverityRule
from sdetkit.portfolio import program

BASE = """\
[program]
name = "P"
start = 2026-06-01
lane = "scale"

[workstreams.reporting]
name = "Reporting"
dri = "Cy Diaz"
phase = "pilot"

[repos.api]
team = "a"
lane = "scale"
"""


def load(tmp_path: Path, support: str) -> program.Program:
    path = tmp_path / "sdetkit-program.toml"
    path.write_text(BASE + support)
    return program.load(path)


def test_without_a_support_table_the_defaults_apply(tmp_path: Path) -> None:
    model = load(tmp_path, "").support
    assert model == DEFAULT_SUPPORT
    sev1 = model.target(IncidentSeverity.SEV1)
    assert (sev1.acknowledge_within, sev1.notify) == (dt.timedelta(minutes=15), tuple(EscalationRole))
    assert model.target(IncidentSeverity.SEV4).notify == (EscalationRole.RELEASE_OWNER,)


def test_a_support_table_overrides_what_it_names(tmp_path: Path) -> None:
    model = load(
        tmp_path,
        """
[support]
workstream = "reporting"
platform_lead = { name = "Eli Park", contact = "#platform" }

[support.severities.sev2]
acknowledge_within = "1h"
notify = ["sponsor", "release_owner"]

[[support.rules]]
severity = "sev2"
lanes = ["scale"]
""",
    ).support
    sev2 = model.target(IncidentSeverity.SEV2)
    assert sev2.acknowledge_within == dt.timedelta(hours=1) and sev2.update_every == dt.timedelta(hours=2)
    assert sev2.notify == (EscalationRole.RELEASE_OWNER, EscalationRole.SPONSOR)  # the chain's order
    assert model.rules == (SeverityRule(IncidentSeverity.SEV2, lanes=("scale",)),)
    assert (model.platform_lead, model.workstream) == (("Eli Park", "#platform"), "reporting")
    assert model.severity_for(["startup"], False, 1) == (IncidentSeverity.SEV4, "sev4: no rule matched")


def test_every_problem_of_the_support_table_is_reported_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load(
            tmp_path,
            """
[support]
workstream = "nope"
pager = true

[support.severities.sev2]
acknowledge_within = "soon"
notify = ["boss"]

[support.severities.sev5]
definition = "x"

[[support.rules]]
severity = "sev0"
min_repos = 0
""",
        )
    path = tmp_path / "sdetkit-program.toml"
    assert str(err.value).splitlines() == [
        "7 problems in the program file:",
        f"{path}:16: support.workstream 'nope' is not a [workstreams.ID] table",
        f"{path}:17: support.pager: unknown key (known: workstream, platform_lead, severities, rules)",
        f"{path}:20: support.severities.sev2.acknowledge_within = 'soon' is not a duration such as 30m, 4h, 2d",
        f"{path}:21: support.severities.sev2.notify must list roles of: release_owner, workstream_dri, "
        "platform_lead, sponsor",
        f"{path}:23: support.severities.sev5: not one of sev1, sev2, sev3, sev4",
        f"{path}:27: support.rules[0].severity = 'sev0' is not one of sev1, sev2, sev3, sev4",
        f"{path}:28: support.rules[0].min_repos = 0 must be a whole number above 0",
    ]


def test_the_default_rules_give_a_severity_from_the_facts() -> None:
    rules = DEFAULT_SUPPORT
    assert rules.severity_for(["regulated"], True, 1)[0] == IncidentSeverity.SEV1
    assert rules.severity_for(["scale"], True, 3)[0] == IncidentSeverity.SEV1
    assert rules.severity_for(["scale"], True, 1) == (IncidentSeverity.SEV2, "sev2: a rollback")
    assert rules.severity_for(["scale"], False, 3)[0] == IncidentSeverity.SEV2
    assert rules.severity_for(["regulated"], False, 1)[0] == IncidentSeverity.SEV3
    assert rules.severity_for(["scale", "startup"], False, 2)[0] == IncidentSeverity.SEV3
    assert rules.severity_for(["startup"], False, 1) == (IncidentSeverity.SEV4, "sev4: any incident")
