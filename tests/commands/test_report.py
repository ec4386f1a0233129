"""``sdetkit report weekly|monthly`` with a program file for inventory: the file is read once a run."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdetkit.cli import main
from tests.rollout_support import count_parses, program_repository


@pytest.mark.parametrize("period", [["weekly", "--week-ending", "2026-01-25"], ["monthly", "--month", "2026-01"]])
def test_a_report_parses_the_program_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], period: list[str]
) -> None:
    monkeypatch.delenv("SDETKIT_DB", raising=False)
    program = program_repository(tmp_path / "program")
    db = str(program.parent / ".sdetkit" / "portfolio.sqlite3")
    parsed = count_parses(monkeypatch, program)
    capsys.readouterr()
    args = ["report", *period, "--db", db, "--inventory", str(program), "--out-dir", str(tmp_path / "out")]
    assert main(args) == 0
    assert len(parsed) == 1
    assert "program status" in capsys.readouterr().out  # the report ran through, with the rollout judged
