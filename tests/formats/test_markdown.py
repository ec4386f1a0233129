from __future__ import annotations

from sdetkit.formats.base import DocumentReport
from sdetkit.formats.markdown import MarkdownFormat


def test_doctor_is_a_table_with_pipes_in_messages_escaped(doctor_report: DocumentReport) -> None:
    text = MarkdownFormat().render(doctor_report)
    assert text.startswith("### ❌ sdetkit doctor: score 53/100\n\n1 failed check at or above high: git.\n")
    assert "| `git` | high | fail | not a git / work tree |\n" in text


def test_triage_shows_the_command_in_a_shell_block(triage_report: DocumentReport) -> None:
    text = MarkdownFormat().render(triage_report)
    assert text.startswith("### First failure: lint (ruff)\n\n`src/a.py:3`: F401 unused import\n")
    assert "```sh\nruff check src/a.py\n```" in text
    assert "<details><summary>evidence</summary>" in text


def test_a_decision_without_reasons_says_both_gates_passed() -> None:
    doc = {"ok": True, "decision": "SHIP", "commit": None, "reasons": [], "inputs": {"doctor": None}}
    assert MarkdownFormat().render(DocumentReport("decide", doc)) == (
        "### ✅ SHIP for `no single commit`\n\nBoth gates passed on the same clean commit.\n"
    )


def test_verify_tables_its_problems() -> None:
    doc = {"bundle": "e.zip", "ok": False, "files": ["a"], "problems": [{"file": "a|b", "problem": "hash"}]}
    text = MarkdownFormat().render(DocumentReport("verify", doc))
    assert text.endswith("| file | problem |\n|---|---|\n| `a\\|b` | hash |\n")
