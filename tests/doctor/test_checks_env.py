"""Environment checks' readers: Poetry's Python constraints."""

from __future__ import annotations


def test_doctor_reads_poetry_python() -> None:
    from sdetkit.doctor.checks_env import _poetry_to_pep440

    assert _poetry_to_pep440("^3.9") == ">=3.9,<4"
    assert _poetry_to_pep440("~3.9") == ">=3.9,<3.10"
    assert _poetry_to_pep440(">=3.8,<4.0") == ">=3.8,<4.0"
