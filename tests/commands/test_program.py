"""``sdetkit program init``: what it writes, that the template loads, and that it never overwrites."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sdetkit.cli import main
from sdetkit.lanes import LaneName
from sdetkit.portfolio import inventory, program
from sdetkit.portfolio.program_init import gitignore, program_template
from tests.rollout_support import commit_on, count_parses, program_repository


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


# -- sdetkit program dashboard ---------------------------------------------------------------------

DATA = Path(__file__).resolve().parents[1] / "data" / "rollout"
WEEK = ["--week-ending", "2026-01-25"]
MD, HTML = "docs/top-tier-program-dashboard.md", "docs/top-tier-program-dashboard.html"


@pytest.fixture
def program_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample program repository, as the current folder (its store is found at its default place)."""
    monkeypatch.delenv("SDETKIT_DB", raising=False)
    program_file = program_repository(tmp_path / "program")
    monkeypatch.chdir(program_file.parent)
    return program_file.parent


def test_dashboard_matches_the_golden_file_and_regenerates_the_same_bytes(
    program_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["program", "dashboard", *WEEK]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "program dashboard, week ending 2026-01-25: program status red; stage reached pilot; 5 blocking criteria",
        f"wrote {MD}",
        f"wrote {HTML}",
    ]
    first = {name: (program_repo / name).read_bytes() for name in (MD, HTML)}
    golden = DATA / "dashboard-2026-01-25.md"
    if os.environ.get("SDETKIT_UPDATE_GOLDEN"):
        golden.write_bytes(first[MD])
    assert first[MD].decode("utf-8") == golden.read_text(encoding="utf-8")
    # The dashboard is evidence under docs/ itself: committing it does not feed back into it.
    commit_on(program_repo, "2026-01-26", MD, HTML)
    assert main(["program", "dashboard", "--program", str(program_repo / "sdetkit-program.toml"), *WEEK]) == 0
    assert {name: (program_repo / name).read_bytes() for name in (MD, HTML)} == first


def test_dashboard_reads_a_shared_store_the_same(tmp_path: Path, db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SDETKIT_DB", raising=False)
    program_file = program_repository(tmp_path / "shared", db)
    assert main(["program", "dashboard", "--program", str(program_file), "--db", db, *WEEK]) == 0
    golden = (DATA / "dashboard-2026-01-25.md").read_text(encoding="utf-8")
    assert (program_file.parent / MD).read_text(encoding="utf-8") == golden


def test_dashboard_uses_the_weeks_payload_with_its_override(program_repo: Path) -> None:
    payload = "docs/kpi-weekly-2026-01-25.json"
    args = ["--status", "amber", "--status-reason", "billing-svc onboards next week"]
    assert main(["kpi", "weekly", *WEEK, "--inventory", "sdetkit-program.toml", "--out", payload, *args]) == 0
    assert main(["program", "dashboard", *WEEK]) == 0
    text = (program_repo / MD).read_text(encoding="utf-8")
    assert (
        "| Program status | amber (set by hand: billing-svc onboards next week); derived red: 1 of 3 expected "
        "repositories did not report |"
    ) in text
    assert f"| KPI payload | {payload} (not committed) |" in text
    assert f"- This week: {payload} (not committed)." in text
    # The week's payload completes a weekly cycle: the reporting workstream links it first.
    assert f"| [{payload}](kpi-weekly-2026-01-25.json) |" in text


def test_dashboard_html_is_self_contained(program_repo: Path) -> None:
    assert main(["program", "dashboard", *WEEK]) == 0
    page = (program_repo / HTML).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>\n") and page.endswith("</html>\n")
    for outside in ("http://", "https://", "<script", "<link", "src=", "@import", "url("):
        assert outside not in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs == [
        "artifacts/portfolio-scorecard-2026-01-25.json",
        "artifacts/portfolio-scorecard-2026-01-25.json",
        "executive-weekly-2026-01-25.md",
    ]
    assert all((program_repo / "docs" / h).is_file() for h in hrefs)
    assert '<td class="tag-red">red: 1 of 3 expected repositories did not report</td>' in page
    assert '<td class="tag-at-risk">at risk: 1 past due</td>' in page
    assert "by = &quot;&lt;who&gt;&quot;" in page  # text is escaped, never markup


def test_dashboard_without_a_store_shows_unmeasured_kpis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SDETKIT_DB", raising=False)
    (tmp_path / "sdetkit-program.toml").write_text(
        '[program]\nname = "p"\nstart = 2026-01-05\nlane = "startup"\n', encoding="utf-8"
    )
    assert main(["program", "dashboard", "--program", str(tmp_path / "sdetkit-program.toml"), *WEEK]) == 0
    text = (tmp_path / MD).read_text(encoding="utf-8")
    assert "| rollback_rate | not measured | not measured | lower is better | — | — |" in text
    assert "| Stage reached | none (the evaluation's entry criteria are not met) |" in text
    assert "No workstream in sdetkit-program.toml: add five \\[workstreams.ID\\] tables" in text
    assert "- Owner: none: no workstream's id or name says reporting, KPIs, scorecard or metrics." in text


def test_dashboard_default_week_is_the_last_that_ended_before_the_review_day(
    program_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sdetkit.portfolio.dates import now
    from sdetkit.portfolio.program import Weekday
    from sdetkit.rollout.dashboard import week_ending

    capsys.readouterr()
    assert main(["program", "dashboard"]) == 0
    end = week_ending(now().date(), Weekday.MONDAY)
    assert end.weekday() == 6
    assert capsys.readouterr().out.startswith(f"program dashboard, week ending {end}:")


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--program", "missing.toml", *WEEK], "missing.toml: program file not found"),
        (["--week-ending", "2026-02-30"], "--week-ending 2026-02-30: there is no such day"),
        (["--week-ending", "3026-01-04"], "--week-ending 3026-01-04: that week has not ended yet"),
        (
            ["--week-ending", "2026-01-21"],
            "--week-ending 2026-01-21: the program's weeks end on Sundays (the day "
            "before its review day); the nearest are 2026-01-18 and 2026-01-25",
        ),
        (["--week-ending", "2026-01-04"], "--week-ending 2026-01-04 is before the program's start (2026-01-05)"),
    ],
)
def test_dashboard_bad_input_is_one_line_and_writes_nothing(
    program_repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], error: str
) -> None:
    assert main(["program", "dashboard", *WEEK]) == 0
    before = {name: (program_repo / name).read_bytes() for name in (MD, HTML)}
    capsys.readouterr()
    assert main(["program", "dashboard", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and error in captured.err
    assert {name: (program_repo / name).read_bytes() for name in (MD, HTML)} == before


def test_dashboard_refuses_a_payload_for_another_week(program_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = program_repo / "docs" / "kpi-weekly-2026-01-18.json"
    (program_repo / "docs" / "kpi-weekly-2026-01-25.json").write_bytes(src.read_bytes())
    capsys.readouterr()
    assert main(["program", "dashboard", *WEEK]) == 2
    assert "kpi-weekly-2026-01-25.json: its week_ending is 2026-01-18, not 2026-01-25" in capsys.readouterr().err
    assert not (program_repo / MD).exists() and not (program_repo / HTML).exists()


def test_dashboard_before_any_week_ended_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sdetkit.portfolio.dates import now

    program_file = tmp_path / "sdetkit-program.toml"
    program_file.write_text(f'[program]\nname = "p"\nstart = {now().date()}\nlane = "scale"\n', encoding="utf-8")
    assert main(["program", "dashboard", "--program", str(program_file)]) == 2
    # It used to suggest "--week-ending (on or after START, up to today)": every such day was refused.
    start = now().date()
    first = start + dt.timedelta(days=(6 - start.weekday()) % 7)  # weeks end on Sundays without a review day
    assert capsys.readouterr().err == (
        f"sdetkit: error: no week of the program has ended yet: its first week ends on {first} (it began {start}); "
        f"its dashboard can be written from {first + dt.timedelta(days=1)}\n"
    )
    assert not (tmp_path / "docs").exists()


def test_write_all_puts_back_what_it_wrote_when_a_later_file_fails(tmp_path: Path) -> None:
    from sdetkit.errors import OutputError
    from sdetkit.evidence.atomic import write_all

    kept, new, blocked = tmp_path / "kept.md", tmp_path / "new.md", tmp_path / "blocked"
    kept.write_text("earlier\n", encoding="utf-8")
    (blocked / "x").mkdir(parents=True)  # a non-empty folder cannot be replaced by a file
    with pytest.raises(OutputError, match="cannot write"):
        write_all([(kept, "later\n"), (new, "new\n"), (blocked, "never\n")], "test:")
    assert kept.read_text(encoding="utf-8") == "earlier\n"
    assert not new.exists() and (blocked / "x").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "kept.md"]


def test_dashboard_parses_the_program_file_once(program_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = count_parses(monkeypatch, program_repo / "sdetkit-program.toml")
    assert main(["program", "dashboard", *WEEK]) == 0  # the week's KPIs are computed: the store is read too
    assert len(parsed) == 1
