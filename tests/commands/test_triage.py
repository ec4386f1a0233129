"""Triage: golden cases from real tool runs, wrapper noise, hostile and malformed inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.evidence import schemas
from sdetkit.triage import fixes
from sdetkit.triage.readers import from_log, read
from tests import paths

CORPUS = paths.DATA / "triage"
CASES = sorted(p for p in CORPUS.iterdir() if (p / "expected.json").is_file()) if CORPUS.is_dir() else []


def sdetkit(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "sdetkit", *args], input=stdin, capture_output=True, check=False)


def first(path: Path) -> dict[str, Any]:
    findings = read(path)
    assert findings, f"{path}: no finding"
    f = findings[0]
    return f._asdict()


# What an expected.json may say; any other key is a typo that would silently check nothing.
EXACT = ("classification", "tool", "rule", "affected_file", "line", "test_id", "next_command", "occurrences")
KEYS = {"ok", "success_line", "log_line", "message_contains", "fix_contains", "findings", *EXACT}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = json.loads((case / "expected.json").read_text())
    assert set(expected) <= KEYS, f"{case.name}: unknown keys {sorted(set(expected) - KEYS)}"
    source = next(p for p in case.iterdir() if p.name.startswith("input."))
    if expected.get("ok") is True:  # a passing log, however scary its words: no finding at all
        assert set(expected) == {"ok", "success_line"}, f"{case.name}: a passing case says only where it shows success"
        reading = from_log(source)
        assert reading.findings == [], f"{case.name}: a passing log gave findings"
        line = expected["success_line"]  # the first line that positively shows success, or null
        assert reading.success == line or (reading.success or "").startswith(f"{source}:{line}: "), reading.success
        return
    # The fix as the log alone decides it: no project, and nothing installed that could name a
    # module's distribution (the case must not depend on the machine that runs it).
    monkeypatch.setattr(fixes, "_provided", dict)
    monkeypatch.setattr(fixes, "_scripts", dict)
    findings = [fixes.complete(f, None) for f in read(source)]
    assert findings, f"{source}: no finding"
    got = findings[0]._asdict()
    if "log_line" in expected:  # the line of the log the finding is at, as numbered in the raw log
        assert got["source"] == f"{source}:{expected['log_line']}", got
    for key in EXACT:
        if key in expected:
            assert got[key] == expected[key], f"{case.name}: {key}: {got[key]!r} != {expected[key]!r}\n{got}"
    assert expected["message_contains"] in got["message"] + "\n" + got["excerpt"], got
    if "fix_contains" in expected:
        assert expected["fix_contains"] in got["fix"], f"{case.name}: fix: {got['fix']!r}"
    if "findings" in expected:  # every finding, in order: [rule, log line] (a case with several failures)
        listed = [[f.rule, int(f.source.rsplit(":", 1)[1])] for f in findings]
        assert listed == expected["findings"], f"{case.name}: findings {listed}"


def test_corpus_is_not_empty() -> None:
    assert len(CASES) >= 10


def test_wrapper_noise_never_wins(tmp_path: Path) -> None:
    log = tmp_path / "ci.log"
    log.write_text(
        "make: *** [Makefile:3: test] Error 1\n"
        "tests/test_a.py::test_ok PASSED\n"
        "________________________________ test_bad ________________________________\n"
        "E       assert 1 == 2\n"
        "tests/test_a.py:7: AssertionError\n"
        "FAIL Required test coverage of 100% not reached. Total coverage: 50.00%\n"
        "FAILED tests/test_a.py::test_bad - assert 1 == 2\n"
        "ERROR:   py311: commands failed\n"
        "Error: Process completed with exit code 2.\n"
    )
    got = first(log)
    assert (got["classification"], got["test_id"], got["line"]) == ("test failure", "tests/test_a.py::test_bad", 7)


def test_earliest_cause_wins(tmp_path: Path) -> None:
    log = tmp_path / "ci.log"
    log.write_text(
        "$ mypy src\nsrc/pkg/a.py:3: error: Incompatible return value type  [return-value]\nFound 1 error\n"
        "$ pytest -q\nF\nFAILED tests/test_a.py::test_x - assert 0\n"
    )
    got = first(log)
    assert (got["tool"], got["affected_file"], got["line"]) == ("mypy", "src/pkg/a.py", 3)
    assert got["next_command"] == "python -m mypy src/pkg/a.py"


def test_stdin_and_cli_outputs() -> None:
    res = sdetkit("triage", "-", "--format", "json", stdin=b"src/a.py:1:8: F401 [*] `os` imported but unused\n")
    assert res.returncode == 1, res.stderr  # a failure was found: not ok
    doc = json.loads(res.stdout)
    jsonschema.validate(doc, json.loads(schemas.text("triage")))
    assert doc["first"]["next_command"] == "ruff check --no-fix src/a.py"
    md = sdetkit(
        "investigate",
        "failure",
        "--log",
        "-",
        "--format",
        "markdown",
        stdin=b"ERROR: No matching distribution found for nope==1\n",
    )
    assert md.returncode == 1 and b'python -m pip install "nope==1"' in md.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty log"),
        (b"ok\n\x00\x01\x02 binary\n", "binary data (NUL byte) at line 2"),
        (b"fine\n\xff\xfe not utf-8 FAILED\n", "not UTF-8 text at line 2"),
    ],
)
def test_malformed_logs_exit_2_with_one_line(tmp_path: Path, content: bytes, expected: str) -> None:
    log = tmp_path / "x.log"
    log.write_bytes(content)
    out = tmp_path / "t.json"
    res = sdetkit("triage", str(log), "--out", str(out))
    assert res.returncode == 2
    err = res.stderr.decode()
    assert err.startswith(f"sdetkit: error: {log}: ") and expected in err and len(err.splitlines()) == 1
    assert not out.exists()


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<testsuite><testcase classname="t" name="a"><failure message="&x;"/></testcase></testsuite>
"""
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<testsuite><testcase classname="t" name="a"><failure message="&lol3;"/></testcase></testsuite>
"""


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (XXE, "refused"),
        (BOMB, "refused"),
        (b"<testsuite><testcase", "not well-formed XML"),
        (b"<html/>", "not a JUnit report"),
    ],
)
def test_hostile_junit_is_refused(tmp_path: Path, content: bytes, expected: str) -> None:
    report = tmp_path / "report.xml"
    report.write_bytes(content)
    res = sdetkit("triage", str(report))
    assert res.returncode == 2 and expected in res.stderr.decode() and b"Traceback" not in res.stderr


def test_junit_failures_in_report_order(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    report.write_text(
        '<testsuites><testsuite name="s">'
        '<testcase classname="tests.test_a" name="test_ok"/>'
        '<testcase classname="tests.test_a.TestB" name="test_bad">'
        '<failure message="assert 1 == 2">tests/test_a.py:9: AssertionError</failure></testcase>'
        '<testcase classname="tests.test_a" name="test_err"><error message="boom"/></testcase>'
        "</testsuite></testsuites>"
    )
    findings = read(report)
    assert [f.test_id for f in findings] == ["tests/test_a.py::TestB::test_bad", "tests/test_a.py::test_err"]
    assert (
        findings[0].line == 9 and findings[0].next_command == 'python -m pytest -q "tests/test_a.py::TestB::test_bad"'
    )


def test_gate_artifact_input(tmp_path: Path) -> None:
    from tests.commands.test_decide import gate, step

    doc = gate(
        "fast", [step("typecheck", "failed", "typecheck", {"message": "bad return", "file": "src/a.py", "line": 4})]
    )
    doc["steps"][0]["tool"] = "mypy"
    path = tmp_path / "gate-fast.json"
    path.write_text(json.dumps(doc))
    got = first(path)
    assert (got["classification"], got["next_command"]) == ("type", "python -m mypy src/a.py")


def test_gate_artifact_findings_keep_the_plan_order(tmp_path: Path) -> None:
    """The gate prints lint, format, typecheck, tests; failed_steps is sorted by id (format first):
    triage and decide both follow the plan, as the gate printed it."""
    from tests.commands.test_decide import gate, step

    plan = [("lint", "lint"), ("format", "format"), ("typecheck", "typecheck"), ("tests", "tests")]
    doc = gate("fast", [step(sid, "failed", kind) for sid, kind in plan])
    assert doc["failed_steps"] == ["format", "lint", "tests", "typecheck"]
    path = tmp_path / "gate-fast.json"
    path.write_text(json.dumps(doc))
    res = sdetkit("triage", str(path), "--format", "json")
    found = json.loads(res.stdout)["findings"]
    assert [f["source"].rsplit(".", 1)[-1] for f in found] == ["lint", "format", "typecheck", "tests"]
    release = tmp_path / "release-preflight.json"
    release.write_text(json.dumps(gate("release", [step("build")])))
    out = tmp_path / "decision.json"
    sdetkit("decide", "--fast", str(path), "--release", str(release), "--format", "json", "--out", str(out))
    reasons = json.loads(out.read_text())["reasons"]
    assert [r["triage"]["step"] for r in reasons] == ["lint", "format", "typecheck", "tests"]


def test_missing_input_and_no_failure(tmp_path: Path) -> None:
    res = sdetkit("triage", str(tmp_path / "nope.log"))
    assert res.returncode == 2 and b"nope.log: no such file" in res.stderr
    clean = tmp_path / "ok.log"
    clean.write_text("collected 3 items\n3 passed in 0.01s\n")
    res = sdetkit("triage", str(clean), "--format", "json")
    doc = json.loads(res.stdout)
    assert res.returncode == 0 and doc["ok"] is True and doc["first"] is None
    assert doc["success"] == [f"{clean}:2: 3 passed in 0.01s"]
    assert sdetkit("triage", str(clean)).stdout.decode() == (
        f"no failure found in {clean}\n  {clean}: shows success: {clean}:2: 3 passed in 0.01s\n"
    )


def test_a_failure_signal_no_rule_explains_is_not_ok(tmp_path: Path) -> None:
    """Never a false OK (issue 14): the runner's exit proves a failure even when no rule says why."""
    log = tmp_path / "ci.log"
    log.write_text(
        "collected 3 items\nrunning the smoke script\nsmoke: 2 of 3 checks fell over\nERROR: Job failed: exit code 1\n"
    )
    res = sdetkit("triage", str(log), "--format", "json")
    doc = json.loads(res.stdout)
    jsonschema.validate(doc, json.loads(schemas.text("triage")))
    assert res.returncode == 1 and doc["ok"] is False and doc["success"] == [None]
    first = doc["first"]
    assert (first["classification"], first["tool"], first["rule"], first["source"]) == (
        "unknown",
        "gitlab-ci",
        "gitlab-job-failed",
        f"{log}:4",
    )
    assert first["excerpt"].endswith("smoke: 2 of 3 checks fell over\nERROR: Job failed: exit code 1")
    silent = tmp_path / "quiet.log"
    silent.write_text("collected 3 items\nall done\n")
    assert sdetkit("triage", str(silent)).stdout.decode() == (
        f"no failure found in {silent}\n  {silent}: no failure signal, but no line shows success either\n"
    )


def test_a_failure_shown_twice_is_listed_once_with_its_count() -> None:
    log = b"curl: (6) Could not resolve host: pkgs.example.invalid (try 1)\n" + (
        b"curl: (6) Could not resolve host: pkgs.example.invalid (try 2)\n"
    )
    doc = json.loads(sdetkit("triage", "-", "--format", "json", stdin=log).stdout)
    jsonschema.validate(doc, json.loads(schemas.text("triage")))
    assert (doc["total_findings"], doc["first"]["occurrences"]) == (1, 2)
    text = sdetkit("triage", "-", stdin=log).stdout.decode()
    assert "  evidence: <stdin>:1 (seen 2 times)\n" in text
