"""What ``incident open`` prints: who must be told by when, said as past when it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sdetkit.incidents.kinds import IncidentSeverity
from sdetkit.incidents.model import IncidentRecord
from sdetkit.incidents.notify import briefing
from sdetkit.portfolio.program import load
from tests.commands.test_incident import PROGRAM, T0


def _at(hour: int, minute: int, second: int) -> dt.datetime:
    return dt.datetime(2026, 11, 4, hour, minute, second, tzinfo=dt.timezone.utc)


def test_a_deadline_reads_as_past_only_once_it_has_gone_by(tmp_path: Path) -> None:
    toml = tmp_path / "sdetkit-program.toml"
    toml.write_text(PROGRAM)
    record = IncidentRecord("I-1", "t", IncidentSeverity("sev2"), T0, ("api",), ("scale",))
    ahead = briefing(load(toml), record, _at(9, 29, 59)).splitlines()
    assert "tell by 2026-11-04T09:30:00Z: release owner Bo Chen (#release)" in ahead
    gone = briefing(load(toml), record, _at(9, 30, 1)).splitlines()
    assert "tell by 2026-11-04T09:30:00Z (already past: tell them now): release owner Bo Chen (#release)" in gone
