"""Environment checks' readers: frozen pre-commit pins, Poetry's Python constraints."""

from __future__ import annotations


def test_doctor_reads_frozen_pins_and_poetry_python() -> None:
    from sdetkit.doctor.checks_env import _poetry_to_pep440, _precommit_pin, pinned_tools

    sha = "76e47323a83cd9795e4ff9a1de1c0d2eef610f17"
    text = f"- repo: https://github.com/astral-sh/ruff-pre-commit\n  rev: {sha}  # frozen: v0.11.11\n"
    m = _precommit_pin(tuple(pinned_tools())).search(text)
    assert m is not None and m["frozen"] == "0.11.11"
    assert _poetry_to_pep440("^3.9") == ">=3.9,<4"
    assert _poetry_to_pep440("~3.9") == ">=3.9,<3.10"
    assert _poetry_to_pep440(">=3.8,<4.0") == ">=3.8,<4.0"
