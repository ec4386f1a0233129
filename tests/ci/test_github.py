"""GitHub Actions workflows: each run line's tool command, its job, and whether it can run here."""

from __future__ import annotations

from sdetkit.ci.github import read, read_workflow
from sdetkit.ci.model import CiCommand, Origin

WORKFLOW = """\
name: CI
on: [push, pull_request]
jobs:
  types:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install pyright==1.1.390
      - name: Verify the public API's types
        run: |
          pyright --ignoreexternal --verifytypes mypkg
          uv run mypy mypkg tests
  db-tests:
    runs-on: ubuntu-latest
    services:
      postgres:
        image: postgres:16
    steps:
      - run: |
          python -m pytest -n auto \\
            tests/db
  windows:
    runs-on: windows-latest
    steps:
      - run: pytest tests
  publish:
    runs-on: ubuntu-latest
    steps:
      - name: smoke test against the index
        env:
          TOKEN: ${{ secrets.PYPI_TOKEN }}
        run: pytest tests/smoke
"""


def _origin(line: int) -> Origin:
    return Origin(".github/workflows/ci.yml", line, "github")


def test_run_lines_become_commands_with_their_line_and_job() -> None:
    found = read_workflow(".github/workflows/ci.yml", WORKFLOW)
    assert found == [
        CiCommand("pyright", ("pyright", "--ignoreexternal", "--verifytypes", "mypkg"), _origin(11), "job types"),
        CiCommand(
            "mypy", ("mypy", "mypkg", "tests"), _origin(12), "job types", via="uv"
        ),  # `uv run`: the locked environment
        CiCommand(
            "pytest",
            ("python", "-m", "pytest", "-n", "auto", "tests/db"),
            _origin(20),
            "job db-tests",
            why_not="needs the job's service containers (services: at line 15)",
            at=3,
        ),
        CiCommand("pytest", ("pytest", "tests"), _origin(25), "job windows", why_not="runs on windows-latest"),
        CiCommand(
            "pytest", ("pytest", "tests/smoke"), _origin(32), "job publish", why_not="needs the secret PYPI_TOKEN"
        ),
    ]
    assert found[1].args == ("mypkg", "tests")
    assert found[2].args == ("-n", "auto", "tests/db")


def test_a_matrix_over_operating_systems_runs_here() -> None:
    text = "jobs:\n  t:\n    runs-on: ${{ matrix.os }}\n    steps:\n      - run: pytest\n"
    assert [c.why_not for c in read_workflow("w.yml", text)] == [""]


def test_steps_written_at_their_keys_indent_are_read() -> None:
    """``steps:`` then ``- run:`` below its ``s`` (the compact sequence style)."""
    workflow = (
        "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n    - uses: actions/checkout@v4\n"
        "    - run: ruff check .\n    - run: |\n        mypy src\n        pytest -n auto\n"
    )
    found = [(c.tool, c.argv, c.origin.line) for c in read({".github/workflows/ci.yml": workflow})]
    assert found == [("ruff", ("ruff", "check", "."), 7), ("mypy", ("mypy", "src"), 9),
                     ("pytest", ("pytest", "-n", "auto"), 10)]  # fmt: skip
