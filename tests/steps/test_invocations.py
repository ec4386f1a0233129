"""How the project's own automation runs a tool, found in trust order."""

from __future__ import annotations

WORKFLOW = """\
on: [push]
jobs:
  types:
    runs-on: ubuntu-latest
    steps:
      - run: pip install mypy==1.15
      - run: uv run mypy src tests --strict
      - run: make typecheck
"""
NOXFILE = """\
import nox


@nox.session
def types(session):
    session.install("mypy")
    session.run("mypy", "pkg", "--strict")
"""


def test_automation_invocations_are_found_in_trust_order() -> None:
    from sdetkit.steps.invocations import invocations

    evidence = {
        ".github/workflows/ci.yml": WORKFLOW,
        "tox.ini": "[testenv:t]\ndeps = mypy\ncommands =\n  mypy typing_tests {posargs}\n  mypy src/a.pyi\n",
        "noxfile.py": NOXFILE,
        "Makefile": "typecheck:\n\tmypy --config-file ci.ini src && echo done\n",
        ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pre-commit/mirrors-mypy\n"
        "    rev: v1.15.0\n    hooks:\n      - id: mypy\n",
    }
    # tox's {posargs} stands for nothing; pre-commit hooks pass file lists, so they are left out.
    assert invocations(evidence, "mypy") == [
        ("tox.ini", ["typing_tests"]),
        ("tox.ini", ["src/a.pyi"]),
        ("noxfile.py", ["pkg", "--strict"]),
        (".github/workflows/ci.yml", ["src", "tests", "--strict"]),
        ("Makefile", ["--config-file", "ci.ini", "src"]),
    ]
