from __future__ import annotations

from pathlib import Path


def test_validating_does_not_load_format_libraries_sdetkit_never_uses() -> None:
    """``import jsonschema`` loads every installed format library; rfc3987_syntax alone took about a
    second at import, on every command that validates. Validation still works without it."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sdetkit.evidence.load import validator\n"
        "assert not list(validator('kpi-weekly').iter_errors({'schema_name': 'x'})) == []\n"
        "print('rfc3987_syntax' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "False\n"


def test_json_nested_deeper_than_the_reader_goes_is_bad_input_naming_the_file() -> None:
    import pytest

    from sdetkit.errors import InputError
    from sdetkit.evidence.load import parse_json

    with pytest.raises(InputError, match=r"^deep.json: JSON nested too deeply to read$"):
        parse_json("[" * 100_000 + "]" * 100_000, "deep.json")


# Every command that reads a file the user names opens it through ``open_input``: a path that is
# missing or a folder is one line naming it and what the file should have been, exit 2.
NAMED_INPUTS = {
    "artifact": (["decide", "--fast", "{x}", "--release", "{x}"], "an artifact"),
    "bundle": (["evidence", "verify", "{x}"], "an evidence bundle"),
    "log": (["triage", "{x}"], "a log"),
    "records": (["portfolio", "ingest", "--records", "{x}", "--db", "{tmp}/s.sqlite3"], "a records file"),
    "scorecard records": (
        ["portfolio", "scorecard", "--in", "{x}", "--window-start", "2026-11-02", "--window-end", "2026-11-08"],
        "a records file",
    ),
    "inventory": (
        ["kpi", "weekly", "--db", "{tmp}/s.sqlite3", "--inventory", "{x}", "--week-ending", "2026-11-08"],
        "an inventory file",
    ),
    "program": (["rollout", "status", "--program", "{x}"], "a program file"),
    "manifest": (["portfolio", "import", "{tmp}", "--db", "{tmp}/s.sqlite3"], "a store export's manifest"),
}


def _cli(argv: list[str]) -> tuple[int, str, str]:
    import contextlib
    import io

    from sdetkit import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def test_a_folder_where_a_file_belongs_is_one_line_naming_it(tmp_path: Path) -> None:
    for name, (argv, kind) in NAMED_INPUTS.items():
        folder = tmp_path / name / ("manifest.json" if name == "manifest" else "input")
        folder.mkdir(parents=True)
        args = [a.format(x=folder, tmp=folder.parent) for a in argv]
        code, out, err = _cli(args)
        assert (code, out, err) == (2, "", f"sdetkit: error: {folder}: is a directory, not {kind}\n"), name
        assert sorted(p.name for p in folder.parent.iterdir()) == [folder.name], f"{name} wrote a file"


def test_a_missing_file_is_one_line_naming_it(tmp_path: Path) -> None:
    for name, (argv, _) in NAMED_INPUTS.items():
        missing = tmp_path / name / "nowhere"
        missing.parent.mkdir()
        code, out, err = _cli([a.format(x=missing, tmp=missing.parent) for a in argv])
        assert code == 2 and out == "" and len(err.splitlines()) == 1, (name, err)
        named = missing.parent / "manifest.json" if name == "manifest" else missing
        assert err.startswith(f"sdetkit: error: {named}: "), (name, err)
        assert list(missing.parent.iterdir()) == [], f"{name} wrote a file"
