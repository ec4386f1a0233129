"""pre-commit hooks: the tool command, the pinned rev and the hook's file selection."""

from __future__ import annotations

from typing import Any

from sdetkit.ci.model import CiCommand, HookSelection, Origin
from sdetkit.ci.precommit import FILE, read, repositories

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


RUFF_REPO: dict[str, Any] = {"repo": "https://github.com/astral-sh/ruff-pre-commit", "rev_line": 3}


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
            hook=HookSelection("ruff", "v0.15.9", exclude="^docs/", types_or=python, **RUFF_REPO),
        ),
        CiCommand(
            "ruff",
            ("ruff", "format", "--force-exclude"),
            origin(8),
            "hook ruff-format",
            hook=HookSelection("ruff-format", "v0.15.9", types_or=python, **RUFF_REPO),
        ),
        CiCommand(
            "mypy",
            ("mypy", "--ignore-missing-imports"),
            origin(12),
            "hook mypy",
            hook=HookSelection(
                "mypy",
                "v1.13.0",
                files="^(src|tests)/",
                types_or=python,
                additional_dependencies=("types-requests",),
                repo="https://github.com/pre-commit/mirrors-mypy",
                rev_line=10,
            ),
        ),
        CiCommand(
            "pytest",
            ("python", "-m", "pytest", "-q"),
            origin(18),
            "hook pytest",
            default=False,
            hook=HookSelection("pytest", pass_filenames=False, repo="local"),
            at=3,
        ),
    ]


def test_a_hooks_version_is_its_frozen_comments_else_its_rev_and_a_bare_commit_names_none() -> None:
    assert HookSelection("ruff", "v0.6.9").version == "0.6.9"
    assert HookSelection("ruff", "a" * 40, frozen="v0.11.11").version == "0.11.11"
    assert HookSelection("ruff", "a" * 40).version == ""


def test_sequences_written_at_their_keys_indent_are_read() -> None:
    """``repos:`` then ``- repo:`` at column 0, ``hooks:`` then ``- id:`` below its ``h``: the
    compact style YAML allows and many configurations use."""
    compact = (
        "repos:\n- repo: https://github.com/astral-sh/ruff-pre-commit\n  rev: v0.6.9\n  hooks:\n  - id: ruff\n"
        "- repo: https://github.com/pre-commit/mirrors-mypy\n  rev: v1.0.0\n  hooks:\n  - id: mypy\n"
        "    args: [src]\n- repo: local\n  hooks:\n  - id: x\n    entry: tox\n  -\ndefault_stages: [pre-commit]\n"
    )
    found = [(c.tool, c.argv, c.hook.rev if c.hook else "", c.origin.line) for c in read({FILE: compact})]
    assert found == [
        ("ruff", ("ruff", "check", "--force-exclude"), "v0.6.9", 5),
        ("mypy", ("mypy", "src"), "v1.0.0", 9),
    ]


def test_items_with_spaces_after_their_dash_are_read() -> None:
    """``-   repo:`` and ``-   id:`` (a dash then three spaces, at the key's indent): a common style."""
    spaced = (
        "repos:\n-   repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v5.0.0\n    hooks:\n"
        "    -   id: trailing-whitespace\n-   repo: https://github.com/pre-commit/mirrors-mypy\n    rev: v1.15.0\n"
        "    hooks:\n    -   id: mypy\n"
    )
    found = [(c.tool, c.argv, c.origin.line, c.hook.version if c.hook else "") for c in read({FILE: spaced})]
    assert found == [("mypy", ("mypy", "--ignore-missing-imports"), 9, "1.15.0")]
    assert [(r.name, r.version, r.rev_line) for r in repositories(spaced)] == [
        ("pre-commit-hooks", "5.0.0", 3), ("mirrors-mypy", "1.15.0", 7)
    ]  # fmt: skip
