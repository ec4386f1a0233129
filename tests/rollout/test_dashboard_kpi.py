"""Where the dashboard's KPI payloads come from: the program repository's file for the week when it
is there, else the store, computed exactly as `sdetkit kpi weekly` would."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sdetkit.cli import main
from sdetkit.errors import InputError
from sdetkit.portfolio import kpi
from sdetkit.rollout import dashboard_kpi, evidence
from sdetkit.rollout.dashboard import WeeklyKpis
from tests.rollout_support import program_repository

END = dt.date(2026, 1, 25)
TODAY = dt.date(2026, 11, 29)


@pytest.fixture
def program_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SDETKIT_DB", raising=False)
    return program_repository(tmp_path / "program")


def test_a_missing_payload_is_computed_as_kpi_weekly_computes_it(program_file: Path, tmp_path: Path) -> None:
    found, _ = evidence.load(program_file, None, TODAY)
    current, previous = dashboard_kpi.weekly(found, None, END)
    out = tmp_path / "kpi.json"
    db = str(program_file.parent / ".sdetkit" / "portfolio.sqlite3")
    assert main(["kpi", "weekly", "--week-ending", str(END), "--db", db, "--inventory", str(program_file),
                 "--out", str(out)]) == 0  # fmt: skip
    assert current.doc == json.loads(out.read_text(encoding="utf-8"))
    assert current.source == "computed from the evidence store (there is no docs/kpi-weekly-2026-01-25.json)"
    written = json.loads((program_file.parent / "docs/kpi-weekly-2026-01-18.json").read_text(encoding="utf-8"))
    assert previous == WeeklyKpis(written, "docs/kpi-weekly-2026-01-18.json (committed 2026-01-19)")


def test_an_invalid_payload_is_an_error_naming_it(program_file: Path) -> None:
    path = program_file.parent / "docs/kpi-weekly-2026-01-25.json"
    path.write_text('{"schema_name": "sdetkit.kpi.weekly", "ok": "false"}', encoding="utf-8")
    found, _ = evidence.load(program_file, None, TODAY)
    with pytest.raises(InputError, match=r"kpi-weekly-2026-01-25\.json: not a valid kpi-weekly artifact"):
        dashboard_kpi.weekly(found, None, END)


def test_without_a_store_the_kpis_are_null_and_say_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SDETKIT_DB", raising=False)
    path = tmp_path / "sdetkit-program.toml"
    path.write_text('[program]\nname = "p"\nstart = 2026-01-05\nlane = "scale"\n', encoding="utf-8")
    found, _ = evidence.load(path, None, TODAY)
    current, previous = dashboard_kpi.weekly(found, None, END)
    assert (current.doc["week_ending"], previous.doc["week_ending"]) == ("2026-01-25", "2026-01-18")
    assert {k["value"] for k in current.doc["kpis"].values()} == {None}
    assert current.doc["kpis"]["failed_release_gate_frequency"]["source"] == (
        "no release preflight evidence in 2026-01-19..2026-01-25"
    )
    assert not (tmp_path / ".sdetkit").exists()  # reading never creates a store
    # The same payloads as a week with nothing stored: no runs, no incidents, no first evidence.
    for week in (current, previous):
        end = dt.date.fromisoformat(week.doc["week_ending"])
        assert week.doc == kpi.payload(kpi.Inputs(end - dt.timedelta(days=6), end, (), (), (), 0, None, []))
