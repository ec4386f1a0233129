"""Flag values shared by the command lines: names and titles are one line of printable text."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdetkit.cli import main

PROGRAM = Path(__file__).parent / "data" / "checklist" / "program.toml"

# Each flag takes a person's name or a title that later lands in a one-line record or a table.
NAMED = [
    ["incident", "ack", "INC-1", "--by", "Bo\nChen"],
    ["incident", "open", "--title", "Payments down\n  forged", "--severity", "sev2", "--repo", "api"],
    ["governance", "review", "--kind", "compatibility", "--notes", "n.md", "--reviewers", "Bo Chen,Ana\nRuiz"],
    ["release", "checklist", "--version", "1.0.0", "--train", "t\x1b[31m"],
]


@pytest.mark.parametrize("argv", NAMED, ids=[" ".join(a[:2]) for a in NAMED])
def test_a_control_character_in_a_name_is_one_line_and_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1
    assert "contains the control character" in err and "a name or title is one line of printable text" in err


# Every date flag goes through one parser: a week or basic-form date is refused, not read as a day.
DATED = [
    ["release", "checklist", "--program", str(PROGRAM), "--version", "1.0.0", "--window-end", "2026-W48"],
    ["kpi", "weekly", "--week-ending", "20261129"],
    ["rollout", "status", "--as-of", "2026-W48-7"],
    ["governance", "status", "--since", "2026334"],
]


@pytest.mark.parametrize("argv", DATED, ids=[" ".join(a[:2]) for a in DATED])
def test_a_date_flag_takes_yyyy_mm_dd_only(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err == f"sdetkit: error: {argv[-2]} {argv[-1]}: expected a YYYY-MM-DD date\n"
