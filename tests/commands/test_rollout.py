"""``sdetkit rollout status`` on bad input: one line naming the file and the problem, exit 2, nothing
written; and its text and Markdown forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdetkit.cli import main
from tests.rollout.test_criteria import BASE
from tests.rollout_support import count_parses, program_repository


def run(tmp_path: Path, text: str | None, *args: str) -> tuple[int, Path]:
    program = tmp_path / "sdetkit-program.toml"
    if text is not None:
        program.write_text(text)
    out = tmp_path / "out" / "status.json"
    db = str(tmp_path / "none.sqlite3")
    code = main(["rollout", "status", "--program", str(program), "--db", db, "--out", str(out), *args])
    return code, out


DUPLICATE = '[workstreams.a]\nname = "Ops"\ndri = "D"\nphase = "pilot"\n[workstreams.b]\nname = "ops"\ndri = "E"\n'
BAD = {
    "an unknown lane": (
        BASE.replace('lane = "startup"\nbaseline', 'lane = "huge"\nbaseline'),
        ":4: program.lane = 'huge' is not one of startup, scale, regulated",
    ),
    "a malformed date": (
        BASE.replace("start = 2026-03-02", 'start = "2026-02-30"'),
        ":3: program.start = '2026-02-30' is not a date (YYYY-MM-DD)",
    ),
    "a duplicate workstream": (
        BASE + DUPLICATE + 'phase = "pilot"\n',
        ":15: workstreams.b: the name 'ops' is also workstreams.a's",
    ),
    "a workstream without a DRI": (
        BASE + '[workstreams.a]\nname = "Ops"\nphase = "pilot"\n',
        ':10: workstreams.a has no DRI: add dri = "<who is directly responsible>"',
    ),
    "a baseline not in scope": (
        BASE.replace('baseline = "a"', 'baseline = "zzz"'),
        ":5: program.baseline 'zzz' is not a repository in scope ([repos.ID])",
    ),
    "not TOML": ("[program\n", "sdetkit-program.toml"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_program_file_is_exit_2_with_its_line_and_nothing_written(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = BAD[case]
    code, out = run(tmp_path, text)
    err = capsys.readouterr().err
    assert code == 2 and expected in err and str(tmp_path / "sdetkit-program.toml") in err
    assert len(err.strip().splitlines()) == 1, err  # one problem, one line
    assert not out.parent.exists()


def test_missing_program_file_and_bad_dates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(tmp_path, None)[0] == 2
    assert "program file not found (`sdetkit program init` writes one)" in capsys.readouterr().err
    for args, message in (
        (("--as-of", "2026-13-01"), "--as-of 2026-13-01: there is no such day"),
        (("--as-of", "yesterday"), "--as-of yesterday: expected a YYYY-MM-DD date"),
        (("--as-of", "2999-01-01"), "--as-of 2999-01-01 is after today"),
        (("--as-of", "2026-03-01"), "--as-of 2026-03-01 is before the program's start (2026-03-02)"),
    ):
        code, out = run(tmp_path, BASE, *args)
        assert code == 2 and message in capsys.readouterr().err and not out.exists()


def test_text_and_markdown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sdetkit-program.toml").write_text(BASE)
    args = ["rollout", "status", "--program", str(tmp_path / "sdetkit-program.toml"), "--db",
            str(tmp_path / "none.sqlite3"), "--as-of", "2026-03-09"]  # fmt: skip
    assert main(args) == 1
    text = capsys.readouterr().out
    assert text.splitlines()[:3] == [
        "rollout status: P (startup), as of 2026-03-09, day 7",
        "stage reached: none (the evaluation's entry criteria are not met); evaluation exit not complete "
        "(0 of 3 criteria met)",
        "next stage (evaluation) blocked by: owners-named",
    ]
    assert "  day 30 (2026-04-01): not yet due" in text
    assert main([*args, "--format", "markdown"]) == 1
    md = capsys.readouterr().out
    assert md.startswith("### Rollout status: P\n\nAs of 2026-03-09 (day 7, lane startup): stage reached: none")
    assert "| evaluation | entry | Team sponsor and release owner assigned | ❌ not_met | 2 of 2 missing |" in md


def test_every_problem_of_a_program_file_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BASE.replace("start = 2026-03-02", 'start = "soon"').replace(
        'lane = "startup"\nbaseline', 'lane = "x"\nbaseline'
    )
    assert run(tmp_path, text)[0] == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[0] == "sdetkit: error: 2 problems in the program file:"
    assert [line.split(": ", 1)[0].rsplit(":", 1)[1] for line in lines[1:]] == ["3", "4"]


def test_status_parses_the_program_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SDETKIT_DB", raising=False)
    program = program_repository(tmp_path / "program")
    parsed = count_parses(monkeypatch, program)
    assert main(["rollout", "status", "--program", str(program), "--out", str(tmp_path / "status.json")]) in (0, 1)
    assert len(parsed) == 1


def test_a_store_not_created_yet_is_judged_as_empty_and_stays_uncreated(tmp_path: Path) -> None:
    code, out = run(tmp_path, BASE, "--as-of", "2026-03-09", "--format", "json")
    assert code == 1
    db = tmp_path / "none.sqlite3"
    assert json.loads(out.read_text(encoding="utf-8"))["store"] == f"sqlite:{db} (not created yet: no runs)"
    assert not db.exists()
