"""``sdetkit program init``: what it writes, that the template loads, and that it never overwrites."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sdetkit.cli import main
from sdetkit.lanes import LaneName
from sdetkit.portfolio import inventory, program
from sdetkit.portfolio.program_init import gitignore, program_template


def test_init_writes_the_program_file_script_and_gitignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".gitignore").write_text("build/", encoding="utf-8")
    code = main(
        ["program", "init", str(tmp_path), "--name", 'Q1 "pilot"', "--lane", "regulated", "--start", "2026-01-05"]
    )
    assert code == 0
    loaded = program.load(tmp_path / "sdetkit-program.toml")
    assert (loaded.name, loaded.lane, loaded.start) == ('Q1 "pilot"', LaneName.REGULATED, dt.date(2026, 1, 5))
    assert loaded.workstreams == () and loaded.repos == {} and loaded.sponsor is None
    assert inventory.load(tmp_path / "sdetkit-program.toml") == {}
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()[0] == "build/"
    assert ".sdetkit/" in (tmp_path / ".gitignore").read_text(encoding="utf-8").splitlines()
    script = tmp_path / "scripts" / "build_portfolio_scorecard.py"
    assert "from sdetkit.cli import scorecard_script" in script.read_text(encoding="utf-8")
    assert script.stat().st_mode & 0o100
    assert "wrote" in capsys.readouterr().out


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sdetkit-program.toml").write_text("# mine\n", encoding="utf-8")
    assert main(["program", "init", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (tmp_path / "sdetkit-program.toml").read_text(encoding="utf-8") == "# mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sdetkit-program.toml"]


def test_init_refuses_a_different_scorecard_script_and_a_bad_date(tmp_path: Path) -> None:
    assert main(["program", "init", str(tmp_path), "--start", "2026-02-30"]) == 2
    script = tmp_path / "scripts" / "build_portfolio_scorecard.py"
    script.parent.mkdir()
    script.write_text("print('mine')\n", encoding="utf-8")
    assert main(["program", "init", str(tmp_path)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scripts"]


@pytest.mark.parametrize("lane", list(LaneName))
def test_the_template_round_trips_for_every_lane(tmp_path: Path, lane: LaneName) -> None:
    path = tmp_path / "sdetkit-program.toml"
    path.write_text(program_template("x\\y \u00e9", lane, dt.date(2026, 3, 1)), encoding="utf-8")
    loaded = program.load(path)
    assert (loaded.name, loaded.lane, loaded.start) == ("x\\y \u00e9", lane, dt.date(2026, 3, 1))


def test_the_template_commented_examples_load_when_uncommented(tmp_path: Path) -> None:
    text = program_template("p", LaneName.SCALE, dt.date(2026, 3, 1))
    uncommented = "\n".join(line[2:] if re.match(r"# (\[|[a-z_]+ = )", line) else line for line in text.splitlines())
    path = tmp_path / "sdetkit-program.toml"
    path.write_text(uncommented.replace('"repo-id"', '"payments-api"'), encoding="utf-8")
    loaded = program.load(path)
    assert loaded.baseline == "payments-api" and loaded.workstreams[0].dri == "Full Name"


def test_gitignore_entries_are_added_once() -> None:
    assert gitignore("") == "# sdetkit evidence store (sdetkit program init)\n.sdetkit/\n"
    assert gitignore("a\n.sdetkit\n") is None


def test_the_written_script_runs_the_installed_scorecard(tmp_path: Path) -> None:
    assert main(["program", "init", str(tmp_path)]) == 0
    run = subprocess.run(
        [sys.executable, "scripts/build_portfolio_scorecard.py", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and "--window-start" in run.stdout


def test_a_program_file_is_an_inventory_for_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    records, out = tmp_path / "records.json", tmp_path / "card.json"
    records.write_text("[]", encoding="utf-8")
    path = tmp_path / "sdetkit-program.toml"
    window = ["--window-start", "2026-11-02", "--window-end", "2026-11-08"]
    path.write_text(
        '[program]\nname = "p"\nstart = 2026-11-02\nlane = "scale"\nbaseline = "api"\n\n'
        '[repos.api]\nteam = "core"\nlane = "scale"\nowner = "Ana"\n',
        encoding="utf-8",
    )
    args = ["portfolio", "scorecard", "--in", str(records), "--inventory", str(path), "--out", str(out), *window]
    assert main(args) in (0, 1)
    assert '"missing_repos": [\n    "api"\n  ]' in out.read_text(encoding="utf-8")
    out.unlink()
    path.write_text('[program]\nname = "p"\nstart = "soon"\nlane = "enterprise"\n', encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[1:] == [
        f"{path}:3: program.start = 'soon' is not a date (YYYY-MM-DD)",
        f"{path}:4: program.lane = 'enterprise' is not one of startup, scale, regulated",
    ]
    assert not out.exists()
