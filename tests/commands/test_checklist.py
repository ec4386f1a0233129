"""``sdetkit release checklist`` end to end: real artifacts ingested into a real SQLite store, a
real evidence bundle, the week's KPI payload and scorecard written by their commands, and a
program repository that is a real git repository."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import jsonschema
import pytest

from sdetkit.cli import main
from sdetkit.errors import InputError
from sdetkit.evidence import schemas
from sdetkit.portfolio.store import open_store
from sdetkit.portfolio.store_checklists import StoredChecklist
from tests.commands.test_decide import A, doctor_doc, gate, step
from tests.rollout_support import git_on

PROGRAM = """\
[program]
name = "Checkout rollout"
start = 2026-02-02
lane = "scale"
review_weekday = "monday"
release_owner = { name = "Bo Chen" }
incident_commander = { name = "Eve Fox", contact = "#incidents" }
rollback_owner = { name = "Gus Hill" }

[repos.api]
team = "core"
lane = "scale"
owner = "Di Evans"
since = 2026-02-02
"""
END = "2026-03-08"  # a Sunday: the program's weeks end the day before its Monday review
MD = "docs/full-release-package-checklist.md"
RESULT = "docs/full-release-package-checklist.json"
ALL_SIGNED = ["--sign-off", "release-owner=Bo Chen", "--sign-off", "platform_owner=Flo Gray",
              "--sign-off", "qa-governance=Hal Ito"]  # fmt: skip


def _artifacts(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "gate-fast.json").write_text(json.dumps(gate("fast", [step("lint")])))
    (folder / "release-preflight.json").write_text(json.dumps(gate("release", [step("build")])))
    (folder / "doctor.json").write_text(json.dumps(doctor_doc([("repo.git", "high", "pass", "ok")])))
    fast, release, doctor = (str(folder / n) for n in ("gate-fast.json", "release-preflight.json", "doctor.json"))
    decide = ["decide", "--fast", fast, "--release", release, "--doctor", doctor, "--format", "json",
              "--out", str(folder / "decision.json")]  # fmt: skip
    assert main(decide) == 0
    return folder


@pytest.fixture
def program(tmp_path: Path) -> Path:
    """A program repository whose release package for 2.4.0 is complete but for its sign-offs."""
    root = tmp_path / "program"
    root.mkdir()
    git_on(root, "2026-02-02", "init", "-q", "-b", "main")
    (root / "sdetkit-program.toml").write_text(PROGRAM)
    db = str(root / ".sdetkit" / "portfolio.sqlite3")
    build = _artifacts(tmp_path / "api" / "build")
    ingest = ["portfolio", "ingest", str(build), "--repo", "api", "--team", "core", "--lane", "scale",
              "--at", "2026-03-05T10:00:00Z", "--db", db]  # fmt: skip
    assert main(ingest) == 0
    bundle = root / "release" / "2.4.0" / "api.zip"
    assert main(["evidence", "pack", "--dir", str(build), "--out", str(bundle)]) == 0
    store = ["--db", db, "--inventory", str(root / "sdetkit-program.toml")]
    payload = str(root / f"docs/kpi-weekly-{END}.json")
    assert main(["kpi", "weekly", "--week-ending", END, *store, "--out", payload]) == 0
    card = str(root / f"docs/artifacts/portfolio-scorecard-{END}.json")
    assert main(["portfolio", "scorecard", "--window-start", "2026-03-02", "--window-end", END, *store,
                 "--out", card]) == 0  # fmt: skip
    (root / f"docs/executive-weekly-{END}.md").write_text("# Executive weekly\n")
    return root / "sdetkit-program.toml"


def _check(program: Path, *args: str) -> int:
    return main(["release", "checklist", "--program", str(program), "--version", "2.4.0", "--window-end", END, *args])


def test_a_complete_package_passes_and_its_signoffs_persist(program: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = program.parent
    assert _check(program, *ALL_SIGNED, "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    jsonschema.validate(doc, json.loads(schemas.text("release-checklist")))
    assert doc["ok"] is True and doc["failing"] == []
    assert doc["train"] == "Checkout rollout" and doc["repos"] == [{"repo_id": "api", "commit": A}]
    assert [i["id"] for i in doc["items"]] == [
        "artifacts:api", "decision:api", "bundle:api", "kpi-payload", "executive-weekly", "scorecard",
        "incident-commander", "rollback-owner", "signoff:release-owner", "signoff:platform-owner",
        "signoff:qa-governance",
    ]  # fmt: skip
    assert json.loads((root / RESULT).read_text()) == doc
    row = "| pass | api | SHIP decision recorded, with a named owner: SHIP, owner Di Evans |"
    assert row in (root / MD).read_text()
    signed = (root / "release-signoffs.toml").read_text()
    assert 'role = "platform-owner"\nname = "Flo Gray"' in signed
    # A later run sees the recorded sign-offs, with the time they were first given.
    assert _check(program, "--format", "json") == 0
    again = json.loads(capsys.readouterr().out)
    assert again["signoffs"] == doc["signoffs"] and again["ok"] is True
    assert (root / "release-signoffs.toml").read_text() == signed


def test_a_missing_signoff_fails_that_item_only(program: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(program, *ALL_SIGNED[:4]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "release checklist Checkout rollout 2.4.0: FAIL: 10 of 11 items pass"
    assert "  FAIL [program] Sign-off: qa governance\n" in out
    assert "missing: no qa-governance sign-off for 2.4.0: pass --sign-off qa-governance=NAME" in out
    doc = json.loads((program.parent / RESULT).read_text())
    assert doc["failing"] == ["signoff:qa-governance"]
    assert "| **fail** | program | Sign-off: qa governance |" in (program.parent / MD).read_text()


def test_a_repository_without_evidence_fails_each_of_its_items(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = program.read_text() + '\n[repos.web]\nteam = "web"\nlane = "scale"\nsince = 2026-02-02\n'
    program.write_text(text.replace('rollback_owner = { name = "Gus Hill" }\n', ""))
    assert _check(program, *ALL_SIGNED, "--format", "json") == 1
    doc = json.loads(capsys.readouterr().out)
    missing = {i["id"]: i["missing"] for i in doc["items"] if i["status"] == "fail"}
    assert missing == {
        "artifacts:web": "no run in 2026-03-02..2026-03-08: ingest gate-fast.json, release-preflight.json and "
        "doctor.json of the release commit (`sdetkit portfolio ingest`)",
        "decision:web": "no decision stored with the release run: ingest decision.json beside the gate artifacts; "
        'no owner named: set repos.web.owner = "<who>" in sdetkit-program.toml',
        "bundle:web": "no evidence bundle: pass --bundle web=PATH or put it at release/2.4.0/web.zip in the "
        "program repository",
        "rollback-owner": 'set rollback_owner = { name = "<who>" } in [program] of sdetkit-program.toml',
    }


def test_a_tampered_bundle_fails_its_item(program: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    assert _check(program, *ALL_SIGNED, "--bundle", f"api={bad}", "--format", "json") == 1
    item = next(i for i in json.loads(capsys.readouterr().out)["items"] if i["id"] == "bundle:api")
    assert item["status"] == "fail" and item["evidence"] == [str(bad)] and "zip" in item["missing"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sign-off", "cto=Ana"], "--sign-off 'cto=Ana': unknown role 'cto' (known: release-owner, "
         "platform-owner, qa-governance)"),
        (["--sign-off", "release-owner"], "--sign-off 'release-owner': expected ROLE=NAME, ROLE one of "
         "release-owner, platform-owner, qa-governance"),
        (["--repos", "api,nope"], "--repos nope: not a repository of sdetkit-program.toml ([repos.ID])"),
        (["--bundle", "api=missing.zip"], "--bundle 'api=missing.zip': missing.zip: no such file"),
        (["--window-end", "2099-01-04"], "--window-end 2099-01-04 is after today"),
        # Two people for one role in one run: which one signed depended on the flags' order.
        (["--sign-off", "release-owner=Ana Ruiz"], "--sign-off release-owner is given for 'Bo Chen' and 'Ana Ruiz': "
         "one person signs a role"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_writes_nothing(
    program: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _check(program, *ALL_SIGNED, *args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sdetkit: error: {message}") and err.count("\n") == 1
    root = program.parent
    assert not (root / MD).exists() and not (root / RESULT).exists() and not (root / "release-signoffs.toml").exists()


def test_a_name_with_a_newline_is_refused_before_anything_is_written(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # It printed a line of its own into the text result: "  ok   [program] forged".
    with pytest.raises(SystemExit) as exited:
        _check(program, *ALL_SIGNED[2:], "--sign-off", "release-owner=Bo\n  ok   [program] forged")
    assert exited.value.code == 2
    assert capsys.readouterr().err == (
        "sdetkit: error: argument --sign-off: 'release-owner=Bo\\n  ok   [program] forged' contains the control "
        "character '\\n': a name or title is one line of printable text (see `sdetkit release checklist --help`)\n"
    )
    assert not (program.parent / RESULT).exists() and not (program.parent / "release-signoffs.toml").exists()


def test_a_program_whose_first_week_has_not_ended_names_the_window_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The default (last ended) week is before the program: "name them with --repos" led nowhere.
    from sdetkit.portfolio.dates import now

    today = now().date()
    text = (
        f'[program]\nname = "p"\nstart = {today}\nlane = "regulated"\n\n[repos.api]\nteam = "t"\nlane = "regulated"\n'
    )
    program_file = tmp_path / "sdetkit-program.toml"
    program_file.write_text(text + f"since = {today}\n", encoding="utf-8")
    assert main(["release", "checklist", "--program", str(program_file), "--version", "1.0.0"]) == 2
    err = capsys.readouterr().err
    last = today - dt.timedelta(days=(today.weekday() + 1) % 7 or 7)
    first = today + dt.timedelta(days=(6 - today.weekday()) % 7)
    then = f"pass --window-end {first}" if first <= today else f"check the package from {first}"
    assert err == (
        f"sdetkit: error: the last week that ended ({last}) is before the program's start ({today}); "
        f"its first week ends on {first}: {then}\n"
    )
    assert not (tmp_path / "docs").exists()


def test_a_bad_program_key_names_its_line(program: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program.write_text(program.read_text().replace('{ name = "Gus Hill" }', '"Gus Hill"'))
    assert _check(program, *ALL_SIGNED) == 2
    err = capsys.readouterr().err
    assert err.startswith("sdetkit: error: 2 problems in the program file:\n")
    assert f"\n{program}:8: program.rollback_owner must be a table\n" in err
    assert not (program.parent / MD).exists()


def _recorded(program: Path) -> list[StoredChecklist]:
    with open_store(str(program.parent / ".sdetkit" / "portfolio.sqlite3"), create=False) as store:
        return store.checklists("2099-12-31")


def test_each_result_is_recorded_in_the_store_once(program: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(program, *ALL_SIGNED[:4]) == 1
    assert _check(program, *ALL_SIGNED[4:]) == 0
    capsys.readouterr()
    # Both runs may fall in one second (checked_at ties, then the store orders by hash): sort by ok.
    failed, passed = sorted(_recorded(program), key=lambda c: c.ok)
    assert (failed.ok, failed.failing, passed.ok, passed.failing) == (False, ("signoff:qa-governance",), True, ())
    assert passed.version == "2.4.0" and passed.repos == (("api", A),) and passed.covers("api", A)
    assert not passed.covers("api", "0" * 40) and not passed.covers("web", A)
    assert passed.result_sha256 == hashlib.sha256((program.parent / RESULT).read_bytes()).hexdigest()


def test_a_result_whose_files_cannot_be_written_is_not_recorded(
    program: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(writes: object, context: str) -> None:
        raise InputError(f"{context} the disk is full")

    monkeypatch.setattr("sdetkit.evidence.atomic.write_all", refuse)
    assert _check(program, *ALL_SIGNED) == 2
    assert capsys.readouterr().err == "sdetkit: error: release checklist: the disk is full\n"
    assert _recorded(program) == []


def test_only_the_programs_release_owner_signs_as_release_owner(
    program: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    others = ALL_SIGNED[2:]
    assert _check(program, "--sign-off", "release-owner=Ana Ruiz", *others, "--format", "json") == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["failing"] == ["signoff:release-owner"]
    item = next(i for i in doc["items"] if i["id"] == "signoff:release-owner")
    assert item["missing"] == (
        "signed by Ana Ruiz, but sdetkit-program.toml names Bo Chen as release owner: they sign, "
        "or program.release_owner changes"
    )
