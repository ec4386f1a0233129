"""Small documents of each command, as the formats receive them."""

from __future__ import annotations

from typing import Any

import pytest

from sdetkit.formats.base import DocumentReport


@pytest.fixture
def doctor_report() -> DocumentReport:
    check = {"id": "python", "category": "environment", "severity": "high", "title": "Python"}
    checks: list[dict[str, Any]] = [
        {**check, "status": "pass", "message": "3.12.1", "fix": ""},
        {**check, "id": "git", "status": "fail", "message": "not a git | work tree", "fix": "git init"},
    ]
    doc = {"ok": False, "score": 53, "reason": "1 failed check at or above high: git", "checks": checks}
    return DocumentReport("doctor", doc)


@pytest.fixture
def triage_report() -> DocumentReport:
    first = {
        "classification": "lint",
        "tool": "ruff",
        "affected_file": "src/a.py",
        "line": 3,
        "test_id": None,
        "message": "F401 unused import",
        "next_command": "ruff check src/a.py",
        "source": "ci.log",
        "excerpt": "src/a.py:3:1: F401",
    }
    return DocumentReport("triage", {"ok": False, "inputs": ["ci.log"], "first": first, "findings": [first]})
