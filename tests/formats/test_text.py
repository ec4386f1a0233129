from __future__ import annotations

from sdetkit.formats.base import DocumentReport
from sdetkit.formats.text import TextFormat


def test_doctor_lists_every_check_then_the_fixes_then_the_verdict(doctor_report: DocumentReport) -> None:
    assert TextFormat().render(doctor_report) == (
        "sdetkit doctor: score 53/100\n\n"
        "  PASS  python               high     3.12.1\n"
        "  FAIL  git                  high     not a git | work tree\n\n"
        "git: git init\n\n"
        "FAILED: 1 failed check at or above high: git\n"
    )


def test_triage_names_the_first_failure_and_how_to_reproduce_it(triage_report: DocumentReport) -> None:
    assert TextFormat().render(triage_report) == (
        "first failure: lint (ruff) at src/a.py:3\n"
        "  F401 unused import\n"
        "  reproduce: ruff check src/a.py\n"
        "  evidence: ci.log\n"
    )


def test_triage_without_a_failure_is_one_line() -> None:
    report = DocumentReport("triage", {"ok": True, "inputs": ["a.log", "b.xml"], "first": None, "findings": []})
    assert TextFormat().render(report) == "no failure found in a.log, b.xml\n"


def test_decision_numbers_its_reasons() -> None:
    reason = {"message": "gate fast failed", "triage": None}
    doc = {"decision": "NO-SHIP", "commit": "0123456789abcdef", "reasons": [reason], "ok": False}
    assert TextFormat().render(DocumentReport("decide", doc)) == "NO-SHIP: 0123456789ab\n  1. gate fast failed\n"


def test_verify_lists_the_problems() -> None:
    doc = {"bundle": "e.zip", "ok": False, "files": ["a.json"], "problems": [{"file": "a.json", "problem": "hash"}]}
    assert (
        TextFormat().render(DocumentReport("verify", doc))
        == "e.zip: NOT verified (1 artifacts listed)\n  a.json: hash\n"
    )
