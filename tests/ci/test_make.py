"""Makefile and justfile targets a CI file calls, read through the call."""

from __future__ import annotations

from sdetkit import ci
from sdetkit.ci.model import CiCommand, Origin

MAKEFILE = """\
PYTHON ?= python3
SRC = src

lint: format-check
\truff check $(SRC)

format-check:
\t@$(PYTHON) -m ruff format --check $(SRC)

typecheck:
\tmypy $(SRC) tests
"""
WORKFLOW = """\
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: make lint
"""


def test_targets_called_by_ci_run_by_default_others_do_not() -> None:
    found = ci.commands({"Makefile": MAKEFILE, ".github/workflows/lint.yml": WORKFLOW})
    called = "called at .github/workflows/lint.yml:5"
    assert found == (
        CiCommand(
            "ruff",
            ("python", "-m", "ruff", "format", "--check", "src"),
            Origin("Makefile", 8, "make"),
            f"make format-check, {called}",
            at=3,
        ),
        CiCommand("ruff", ("ruff", "check", "src"), Origin("Makefile", 5, "make"), f"make lint, {called}"),
        CiCommand(
            "mypy",
            ("mypy", "src", "tests"),
            Origin("Makefile", 11, "make"),
            "make typecheck (no CI file calls it)",
            default=False,
        ),
    )


def test_justfile_recipe_called_by_gitlab() -> None:
    justfile = "set shell := ['bash', '-c']\n\n# type check\ntypes:\n    uv run mypy src\n"
    gitlab = "types:\n  script:\n    - just types\n"
    (found,) = ci.commands({"justfile": justfile, ".gitlab-ci.yml": gitlab})
    assert found == CiCommand(
        "mypy", ("mypy", "src"), Origin("justfile", 5, "just"), "just types, called at .gitlab-ci.yml:3"
    )
