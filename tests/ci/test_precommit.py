"""pre-commit hooks: the tool command, the pinned rev and the hook's file selection."""

from __future__ import annotations

from sdetkit.ci.model import CiCommand, HookSelection, Origin
from sdetkit.ci.precommit import read

CONFIG = """\
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.15.9
    hooks:
      - id: ruff
        args: [--fix, "--exit-non-zero-on-fix"]
        exclude: ^docs/
      - id: ruff-format
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: 'v1.13.0'
    hooks:
      - id: mypy
        files: ^(src|tests)/
        additional_dependencies:
          - types-requests
  - repo: local
    hooks:
      - id: pytest
        name: pytest
        entry: python -m pytest -q
        language: system
        pass_filenames: false
        stages: [manual]
      - id: check-json
        entry: check-json
        language: system
"""


def test_hooks_of_known_tools_with_their_selection() -> None:
    def origin(line: int) -> Origin:
        return Origin(".pre-commit-config.yaml", line, "pre-commit")

    python = ("python", "pyi")
    assert read({".pre-commit-config.yaml": CONFIG}) == [
        CiCommand(
            "ruff",
            ("ruff", "check", "--force-exclude", "--fix", "--exit-non-zero-on-fix"),
            origin(5),
            "hook ruff",
            hook=HookSelection("ruff", "v0.15.9", exclude="^docs/", types_or=python),
        ),
        CiCommand(
            "ruff",
            ("ruff", "format", "--force-exclude"),
            origin(8),
            "hook ruff-format",
            hook=HookSelection("ruff-format", "v0.15.9", types_or=python),
        ),
        CiCommand(
            "mypy",
            ("mypy", "--ignore-missing-imports"),
            origin(12),
            "hook mypy",
            hook=HookSelection(
                "mypy", "v1.13.0", files="^(src|tests)/", types_or=python, additional_dependencies=("types-requests",)
            ),
        ),
        CiCommand(
            "pytest",
            ("python", "-m", "pytest", "-q"),
            origin(18),
            "hook pytest",
            default=False,
            hook=HookSelection("pytest", pass_filenames=False),
            at=3,
        ),
    ]
