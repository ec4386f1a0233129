"""``sdetkit incident``: the whole workflow on a real SQLite store, its JSON against the shipped
schema, and every refusal (one line, exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.cli import main
from sdetkit.evidence import schemas
from sdetkit.portfolio.store import open_store
from tests.portfolio.test_program_support import BASE
from tests.portfolio_support import jsonl, record

SHA = "a" * 64
T0 = "2026-11-04T09:00:00Z"


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A store with two repositories (api: scale, web: regulated) and one ingested artifact."""
    path = str(tmp_path / "s.sqlite3")
    rows = [record("api", "2026-11-03", lane="scale"), record("web", "2026-11-03", team="w", lane="regulated")]
    assert main(["portfolio", "ingest", "--db", path, "--records", str(jsonl(tmp_path / "r.jsonl", rows))]) == 0
    with open_store(path) as store:
        store.add_runs([], artifacts=[(SHA, "api", "api-run")])
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's refusals (an unknown choice) end here
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def _log(db: str) -> list[dict[str, Any]]:
    with open_store(db, create=False) as store:
        return [r.document() for r in store.incident_records()]


def test_an_incident_goes_through_every_step(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "incident", "open", "--db", db, "--title", "checkout down", "--severity", "sev2",
                       "--repo", "api", "--repo", "web", "--opened", T0, "--rollback", "--evidence", SHA)  # fmt: skip
    assert code == 0 and out.startswith("incident INC-2026-11-04-1 (sev2, api, web) opened in sqlite:")
    ident = "INC-2026-11-04-1"
    assert run(capsys, "incident", "ack", ident, "--db", db, "--at", "2026-11-04T09:20:00Z", "--by", "Bo")[0] == 0
    code, out, _ = run(capsys, "incident", "update", ident, "--db", db, "--at", "2026-11-04T09:40:00Z", "--by", "Bo",
                       "--mitigation", "roll back 1.2")  # fmt: skip
    assert (code, out) == (0, f"{ident} updated at 2026-11-04T09:40:00Z: now mitigating\n")
    code, out, _ = run(capsys, "incident", "resolve", ident, "--db", db, "--at", "2026-11-04T11:00:00Z", "--by", "Bo",
                       "--root-cause", "a bad migration", "--follow-up", "test migrations",
                       "--format", "json")  # fmt: skip
    doc = json.loads(out)
    jsonschema.validate(doc, json.loads(schemas.text("incidents")))
    (got,) = doc["incidents"]
    assert (got["state"], got["lanes"], got["rollback"], got["root_cause"], got["follow_ups"]) == (
        "resolved", ["scale", "regulated"], True, "a bad migration", ["test migrations"]
    )  # fmt: skip
    assert [u["text"] for u in got["updates"]] == [
        "acknowledged", "mitigation planned: roll back 1.2", "resolved: a bad migration"
    ]  # fmt: skip
    assert got["evidence"] == [{"sha256": SHA, "path": None, "attached_at": T0}]
    code, out, _ = run(capsys, "incident", "show", ident, "--db", db)
    assert "  root cause    a bad migration\n" in out and "  mitigation    2026-11-04T09:40:00Z: roll back 1.2\n" in out


def test_list_filters_and_export_writes_jsonl(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for sev, repo, day in (("sev1", "web", "2026-11-02"), ("sev3", "api", "2026-11-03"), ("sev3", "web", "2026-11-05")):
        assert run(capsys, "incident", "open", "--db", db, "--title", f"{sev} {repo}", "--severity", sev,
                   "--repo", repo, "--opened", f"{day}T10:00:00Z")[0] == 0  # fmt: skip
    run(capsys, "incident", "ack", "INC-2026-11-03-1", "--db", db, "--at", "2026-11-03T10:05:00Z", "--by", "Cy")
    code, out, _ = run(capsys, "incident", "list", "--db", db, "--severity", "sev3", "--repo", "web")
    assert out.splitlines()[0].startswith("INC-2026-11-05-1  sev3  open  opened 2026-11-05T10:00:00Z  web")
    assert out.splitlines()[-1] == "1 incident(s)"
    _, out, _ = run(capsys, "incident", "list", "--db", db, "--state", "acknowledged")
    assert out.splitlines()[0].split()[0] == "INC-2026-11-03-1"
    _, out, _ = run(
        capsys, "incident", "list", "--db", db, "--period-start", "2026-11-03", "--period-end", "2026-11-04"
    )
    assert [line.split()[0] for line in out.splitlines()[:-1]] == ["INC-2026-11-03-1"]
    target = tmp_path / "out" / "incidents.jsonl"
    code, out, _ = run(capsys, "incident", "export", "--db", db, "--out", str(target))
    assert (code, out) == (0, f"exported 3 incident(s)\nwrote {target}\n")
    schema = json.loads(schemas.text("incidents"))
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    jsonschema.validate({"schema_name": "sdetkit.incidents", "schema_version": "1.0.0", "incidents": lines}, schema)
    assert [x["severity"] for x in lines] == ["sev1", "sev3", "sev3"]


def test_evidence_files_are_validated_as_sdetkit_artifacts(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.portfolio.test_store import _fake_gate

    artifact = _fake_gate(tmp_path / "api") / "gate-fast.json"
    code, _, _ = run(capsys, "incident", "open", "--db", db, "--title", "t", "--severity", "sev4", "--repo", "api",
                     "--evidence", str(artifact), "--opened", T0)  # fmt: skip
    assert code == 0
    ((e,),) = [x["evidence"] for x in _log(db)]
    assert e["path"] == str(artifact) and len(e["sha256"]) == 64
    bogus = tmp_path / "notes.json"
    bogus.write_text('{"hello": 1}')
    code, _, err = run(capsys, "incident", "update", "INC-2026-11-04-1", "--db", db, "--by", "Bo", "--evidence",
                       str(bogus), "--at", "2026-11-04T09:30:00Z")  # fmt: skip
    assert code == 2 and err == f"sdetkit: error: {bogus}: not an sdetkit artifact (no known schema_name); attach " \
        "evidence sdetkit wrote\n"  # fmt: skip


def test_a_stored_artifact_is_found_by_its_sha256_in_either_case(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sdetkit.hashing import file_sha256
    from tests.portfolio.test_store import _fake_gate

    folder = _fake_gate(tmp_path / "api")
    assert (
        main(["portfolio", "ingest", "--db", db, "--repo", "api", "--team", "t", "--lane", "scale", str(folder)]) == 0
    )
    digest = file_sha256(folder / "gate-fast.json")
    code, _, err = run(capsys, "incident", "open", "--db", db, "--title", "t", "--severity", "sev4", "--repo", "api",
                       "--evidence", digest.upper(), "--opened", T0)  # fmt: skip
    assert code == 0, err
    ((e,),) = [x["evidence"] for x in _log(db)]
    assert e["sha256"] == digest and e["path"] is None
    # The short form `incident show` prints is named as what it is, not "neither ... nor a file".
    code, _, err = run(capsys, "incident", "update", "INC-2026-11-04-1", "--db", db, "--by", "Bo", "--evidence",
                       digest[:12], "--at", "2026-11-04T09:30:00Z")  # fmt: skip
    assert code == 2 and err == (
        f"sdetkit: error: --evidence {digest[:12]}: a sha256 has 64 hex digits, this has 12; nor is it a file\n"
    )


REFUSALS = [
    (["open", "--severity", "sev9", "--title", "t", "--repo", "api"], "argument --severity: invalid choice: 'sev9'"),
    (["open", "--severity", "sev2", "--title", "t", "--repo", "nope", "--opened", T0],
     "--repo nope: not in the store; an incident must belong to a known repository"),
    (["open", "--severity", "sev2", "--title", "t", "--repo", "api", "--opened", T0, "--evidence", "b" * 64],
     f"--evidence {'b' * 64}: no artifact with this sha256 in sqlite:"),
    (["open", "--severity", "sev2", "--title", " ", "--repo", "api"], "--title: an incident needs a title"),
    (["open", "--severity", "sev2", "--title", "t", "--repo", "api", "--opened", "2999-01-01T00:00:00Z"],
     "--opened 2999-01-01T00:00:00Z is in the future"),
    (["ack", "INC-1", "--at", "2026-11-04T08:00:00Z", "--by", "Bo"],
     "--at 2026-11-04T08:00:00Z is before INC-1 was opened (2026-11-04T09:00:00Z): times must be in order"),
    (["resolve", "INC-1", "--at", "2026-11-04T10:00:00Z", "--by", "Bo"],
     "--root-cause: an incident is resolved with its root cause"),
    (["update", "INC-1", "--at", "2026-11-04T10:00:00Z", "--by", "Bo", "--mitigation", "x"],
     "INC-1 is not acknowledged: `sdetkit incident ack` it before planning"),
    (["show", "INC-9"], "INC-9: no such incident in sqlite:"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), REFUSALS)
def test_bad_input_is_one_line_exit_2_and_nothing_written(
    db: str, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "incident", "open", "--db", db, "--title", "t", "--severity", "sev3", "--repo", "api",
               "--opened", T0, "--id", "INC-1")[0] == 0  # fmt: skip
    before = _log(db)
    code, _, err = run(capsys, "incident", *args, "--db", db)
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert _log(db) == before


def test_portfolio_incident_still_opens_and_resolves_in_one_call(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "portfolio", "incident", "--db", db, "--repo", "api", "--kind", "failure",
                       "--opened", T0, "--triaged", "2026-11-04T09:40:00Z", "--id", "f1")  # fmt: skip
    assert code == 0 and out.startswith("incident f1 (failure, api) recorded in")
    (doc,) = _log(db)
    assert (doc["state"], doc["acknowledged_at"], doc["resolved_at"], doc["severity"]) == (
        "resolved", "2026-11-04T09:40:00Z", "2026-11-04T09:40:00Z", None
    )  # fmt: skip


# The support tests' program file, with a release owner and a Regulated-lane repository.
PROGRAM = BASE.replace(
    'lane = "scale"\n', 'lane = "scale"\nrelease_owner = { name = "Bo Chen", contact = "#release" }\n', 1
)
PROGRAM += '\n[repos.web]\nteam = "w"\nlane = "regulated"\n'


def test_open_says_who_must_be_told_by_when(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    toml = tmp_path / "sdetkit-program.toml"
    toml.write_text(PROGRAM)
    code, out, _ = run(capsys, "incident", "open", "--db", db, "--program", str(toml), "--title", "t", "--severity",
                       "sev2", "--repo", "api", "--opened", T0)  # fmt: skip
    assert code == 0
    assert out.splitlines()[1:] == [
        "sev2: A rollback, or a failure across 3+ repositories",
        # Opened in the past: the deadline has gone by, and reading it as still ahead would delay the call.
        "tell by 2026-11-04T09:30:00Z (already past: tell them now): release owner Bo Chen (#release)",
        "tell by 2026-11-04T09:30:00Z (already past: tell them now): workstream DRI Cy Diaz (reporting)",
        "tell by 2026-11-04T09:30:00Z (already past: tell them now): platform lead nobody named "
        "(set support.platform_lead)",
        "targets: acknowledge within 30m, update every 2h, resolve within 1d",
        "note: the support model's rules give sev4: any incident; recorded as sev2",
        f"(the support model of {toml})",
    ]


def test_slo_names_the_breaches_and_exits_1(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "incident", "open", "--db", db, "--title", "t", "--severity", "sev2", "--repo", "api",
               "--opened", T0, "--id", "S-1")[0] == 0  # fmt: skip
    run(capsys, "incident", "ack", "S-1", "--db", db, "--at", "2026-11-04T09:45:00Z", "--by", "Bo")
    run(capsys, "incident", "resolve", "S-1", "--db", db, "--at", "2026-11-04T10:30:00Z", "--by", "Bo",
        "--root-cause", "x")  # fmt: skip
    period = ["--period-start", "2026-11-01", "--period-end", "2026-11-07"]
    code, out, _ = run(capsys, "incident", "slo", "--db", db, *period)
    assert code == 1
    assert "  sev2: 1 incident(s); acknowledged 0/1, updated 1/1, resolved 1/1 (targets: acknowledge within 30m, " \
        "update every 2h, resolve within 1d)\n" in out  # fmt: skip
    assert "  breach: S-1 (sev2) acknowledged after 45m: target within 30m\n" in out
    code, out, _ = run(capsys, "incident", "slo", "--db", db, *period, "--format", "json")
    jsonschema.validate(json.loads(out), json.loads(schemas.text("incident-slo")))
    code, _, err = run(
        capsys, "incident", "slo", "--db", db, "--period-start", "2026-11-07", "--period-end", "2026-11-01"
    )
    assert code == 2 and err == "sdetkit: error: --period-start 2026-11-07 is after --period-end 2026-11-01\n"
