"""The report's parts beside the runs: every part's keys, read with the program file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sdetkit.portfolio import program as program_file_module
from sdetkit.portfolio.store import open_store
from sdetkit.report import parts

PROGRAM = """[program]
name = "p"
start = 2026-09-07
lane = "regulated"

[repos.api]
team = "payments"
lane = "regulated"

[[signoffs]]
stage = "pilot"
by = "Ana Ruiz"
on = 2026-09-07
"""


def test_a_monthly_build_gives_every_part_with_the_program_file(tmp_path: Path) -> None:
    program_file = tmp_path / "sdetkit-program.toml"
    program_file.write_text(PROGRAM, encoding="utf-8")
    program = program_file_module.load(program_file)
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        found = parts.build(store, "monthly", dt.date(2026, 10, 1), dt.date(2026, 10, 31), None, {}, program)
    assert sorted(found) == ["checklist_noncompliant", "checklists", "escalation_drift", "governance",
                             "incident_breaches", "incidents"]  # fmt: skip
    assert found["incidents"]["support_model"] == "the program file's support model"
    # September ended without either review, October too (shown apart as the month's own).
    assert found["governance"]["overdue"] == [{"month": "2026-09", "kinds": ["compatibility", "deprecation"]}]
    assert [r["state"] for r in found["governance"]["reviews"]] == ["overdue", "overdue"]
    assert found["governance"]["deprecations"] == []  # no register in the program repository yet
    assert found["checklists"]["compliance"]["value"] is None
