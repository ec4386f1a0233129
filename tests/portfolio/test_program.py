"""The program file: a valid one, every problem at once with its line, and inventory compatibility."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sdetkit.errors import ConfigError, InputError
from sdetkit.lanes import LaneName
from sdetkit.portfolio import inventory, program
from sdetkit.portfolio.kinds import Stage
from sdetkit.portfolio.program import Deliverable, Person, Repository, Weekday

VALID = """\
[program]
name = "Release confidence rollout"
start = 2026-01-05
lane = "scale"
baseline = "payments-api"
pilot_size = 3
review_weekday = "monday"
sponsor = { name = "Ana Ruiz", contact = "ana@example.com" }

[program.release_owner]
name = "Bo Chen"
contact = "#release"

[workstreams.reporting]
name = "Portfolio reporting"
dri = "Cy Diaz"
phase = "evaluation"

[[workstreams.reporting.deliverables]]
what = "Week-1 KPI baseline"
due = 2026-01-12

[repos.payments-api]
team = "payments"
lane = "regulated"
owner = "Di Evans"
active = true
since = 2026-01-05

[repos.web]
team = "web"
lane = "startup"
active = false
since = "2026-02-01"
"""

BAD = """\
[program]
name = "Rollout"
start = "next monday"
lane = "enterprise"
baseline = "billing"
review_weekday = "someday"

[workstreams.reporting]
name = "Portfolio reporting"
phase = "evaluation"

[[workstreams.reporting.deliverables]]
what = "Baseline"
due = 2026-13-01T00:00:00

[repos.payments-api]
team = "payments"
lane = "regulated"

[repos.Payments-API]
team = "billing"
lane = "scale"

[repos.web]
team = ["web", "mobile"]
lane = "scael"
since = "soon"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / program.FILE_NAME
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_program_file_loads_typed(tmp_path: Path) -> None:
    p = program.load(_write(tmp_path, VALID))
    assert (p.name, p.start, p.lane) == ("Release confidence rollout", dt.date(2026, 1, 5), LaneName.SCALE)
    assert p.sponsor == Person("Ana Ruiz", "ana@example.com") and p.release_owner == Person("Bo Chen", "#release")
    assert (p.baseline, p.pilot_size, p.review_weekday) == ("payments-api", 3, Weekday.MONDAY)
    (ws,) = p.workstreams
    assert (ws.workstream_id, ws.dri, ws.phase) == ("reporting", "Cy Diaz", Stage.EVALUATION)
    assert ws.deliverables == (Deliverable("Week-1 KPI baseline", dt.date(2026, 1, 12)),)
    assert p.repos["payments-api"] == Repository(
        "payments-api", "payments", LaneName.REGULATED, "Di Evans", True, dt.date(2026, 1, 5)
    )
    assert p.repos["web"] == Repository("web", "web", LaneName.STARTUP, "", False, dt.date(2026, 2, 1))


def test_every_problem_is_named_at_once_with_its_line(tmp_path: Path) -> None:
    # A TOML datetime is not a date: 2026-13-01 would not even parse, so use a valid datetime.
    path = _write(tmp_path, BAD.replace("2026-13-01T00:00:00", "2026-01-12T00:00:00"))
    with pytest.raises(InputError) as caught:
        program.load(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == "10 problems in the program file:"
    assert lines[1:] == [
        f"{path}:3: program.start = 'next monday' is not a date (YYYY-MM-DD)",
        f"{path}:4: program.lane = 'enterprise' is not one of startup, scale, regulated",
        f"{path}:5: program.baseline 'billing' is not a repository in scope ([repos.ID])",
        f"{path}:6: program.review_weekday = 'someday' is not one of "
        "monday, tuesday, wednesday, thursday, friday, saturday, sunday",
        f'{path}:8: workstreams.reporting has no DRI: add dri = "<who is directly responsible>"',
        f"{path}:14: workstreams.reporting.deliverables[0].due = datetime.datetime(2026, 1, 12, 0, 0) "
        "is not a date (YYYY-MM-DD)",
        f"{path}:20: repos.Payments-API is in two teams: 'billing' here and 'payments' as repos.payments-api",
        f"{path}:25: repos.web is in 2 teams (web, mobile): a repository has one owning team",
        f"{path}:26: repos.web.lane = 'scael' is not one of startup, scale, regulated",
        f"{path}:27: repos.web.since = 'soon' is not a date (YYYY-MM-DD)",
    ]


def test_unknown_keys_and_a_missing_program_table_are_problems(tmp_path: Path) -> None:
    path = _write(tmp_path, '[program]\nname = "x"\nstart = 2026-01-05\nlane = "scale"\ncolour = "red"\n')
    with pytest.raises(InputError, match=r":5: program.colour: unknown key"):
        program.load(path)
    with pytest.raises(InputError, match=r":1: no \[program\] table"):
        program.parse({"repos": {}}, "", path)


def test_a_bare_inventory_still_loads_and_still_refuses_extra_keys(tmp_path: Path) -> None:
    inv = tmp_path / "inventory.toml"
    inv.write_text('[repos.api]\nteam = "core"\nlane = "scale"\n', encoding="utf-8")
    assert inventory.load(inv) == {"api": inventory.Expected("api", "core", "scale")}
    inv.write_text('[repos.api]\nteam = "core"\nlane = "scale"\nowner = "x"\n', encoding="utf-8")
    with pytest.raises(InputError, match="unknown key 'owner'"):
        inventory.load(inv)


def test_a_program_file_is_an_inventory_of_its_repositories_in_scope(tmp_path: Path) -> None:
    expected = inventory.load(_write(tmp_path, VALID))
    assert expected == {
        # When each is expected to report comes along: active since, or retired on.
        "payments-api": inventory.Expected("payments-api", "payments", "regulated", dt.date(2026, 1, 5), None),
        "web": inventory.Expected("web", "web", "startup", None, dt.date(2026, 2, 1)),
    }
    with pytest.raises(InputError, match="problem"):
        inventory.load(_write(tmp_path, BAD.replace("2026-13-01T00:00:00", "2026-01-12")))


def test_duplicate_workstreams_and_an_undated_retirement_are_problems(tmp_path: Path) -> None:
    head = '[program]\nname = "p"\nstart = 2026-01-05\nlane = "scale"\n\n'
    ws = '[workstreams.{0}]\nname = "{1}"\ndri = "A"\nphase = "pilot"\n\n'
    path = _write(
        tmp_path,
        head
        + ws.format("a", "CI")
        + ws.format("b", "ci")
        + '[repos.old]\nteam = "t"\nlane = "scale"\nactive = false\n',
    )
    with pytest.raises(InputError) as caught:
        program.load(path)
    assert str(caught.value).splitlines()[1:] == [
        f"{path}:12: workstreams.b: the name 'ci' is also workstreams.a's",
        f"{path}:19: repos.old is not active: add since = <the day it was retired>",
    ]
    # The same workstream id twice is not TOML: one line with its line number, from the parser.
    _write(tmp_path, head + ws.format("a", "CI") + ws.format("a", "CD"))
    with pytest.raises(ConfigError, match=r":11:\d+: invalid TOML: "):
        program.load(path)


def test_a_baseline_with_problems_of_its_own_is_still_in_scope(tmp_path: Path) -> None:
    text = '[program]\nname = "p"\nstart = 2026-01-05\nlane = "scale"\nbaseline = "api"\n\n[repos.api]\nteam = "t"\n'
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        program.load(path)
    # One problem is one line: the lane, not the baseline.
    assert str(caught.value) == f"{path}:7: repos.api.lane is missing: set it to one of startup, scale, regulated"


def test_lane_and_weekday_are_read_as_the_guide_writes_them(tmp_path: Path) -> None:
    text = (
        '[program]\nname = "p"\nstart = 2026-01-05\nlane = "Scale"\nreview_weekday = "Monday"\n'
        '[repos.api]\nteam = "t"\nlane = "Regulated"\n'
    )
    loaded = program.load(_write(tmp_path, text))
    assert (loaded.lane, loaded.review_weekday, loaded.repos["api"].lane) == ("scale", "monday", "regulated")


def test_a_name_with_a_control_character_is_a_problem_with_its_line(tmp_path: Path) -> None:
    # Names land in one-line text and table cells (dashboard, checklist, incident notices): a
    # newline let one print a line of its own.
    text = VALID.replace('name = "Bo Chen"', 'name = "Bo Chen\\n  ok   forged"').replace('"Cy Diaz"', '"Cy\\tDiaz"')
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        program.load(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == "2 problems in the program file:"
    assert lines[1].endswith(
        ":11: program.release_owner.name contains the control character '\\n': a name or title is one line of "
        "printable text"
    )
    assert "workstreams.reporting.dri contains the control character '\\t'" in lines[2]
