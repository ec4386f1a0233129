"""CI-only tools (flake8, black, isort): a tool no CI source runs is said "not planned" only where
the project configures it; a project with no trace of the tool hears nothing about it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import GateRun

FILES = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n',
    "calc/__init__.py": "def add(a, b):\n    return a + b\n",
}
NOT_PLANNED = ("  flake8:", "  black:", "  isort:")


def _said(listing: GateRun) -> list[str]:
    return [ln for ln in listing.stdout.splitlines() if ln.startswith(NOT_PLANNED)]


def test_a_tool_the_project_neither_configures_nor_runs_is_not_mentioned(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    listing = run_gate(make_repo(FILES), "--list-steps")
    assert listing.code == 0, listing.stderr
    assert "not planned:" in listing.stdout  # other providers still say why they planned nothing
    assert _said(listing) == []


def test_each_configuration_place_is_named_when_no_ci_runs_the_tool(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    repo = make_repo(
        {
            **FILES,
            "setup.cfg": "[isort]\nprofile = black\n",
            "tox.ini": "[flake8]\nmax-line-length = 100\n",
            ".isort.cfg": "[settings]\nprofile = black\n",
        }
    )
    listing = run_gate(repo, "--list-steps")
    assert _said(listing) == [
        "  flake8: no CI source runs flake8 (its configuration in tox.ini [flake8] alone plans nothing)",
        "  isort: no CI source runs isort (its configuration in .isort.cfg alone plans nothing)",
    ]
