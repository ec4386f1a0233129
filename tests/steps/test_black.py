"""black and isort from a tox lint environment: run check-only with CI's paths, never rewriting a
file; a ``[tool.black]`` section that no CI runs plans nothing. The readers name the first file."""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from sdetkit.model import FirstFailure
from sdetkit.steps.black import Black
from tests.conftest import GateRun

# Modeled on Pylons/waitress's tox lint environment, which runs isort --check-only and black --check
# over its sources and tests (see tests/data/steps/SOURCES.md).
# The deps pin the installed versions: a tox env that names a tool unpinned runs the newest the
# index offers from its own tool environment, which this test of check-only runs does not need.
TOX = f"""
    [tox]
    envlist = lint

    [testenv:lint]
    skip_install = true
    deps =
        black=={version("black")}
        isort=={version("isort")}
    commands =
        isort --check-only --df src/calc examples
        black --check --diff src/calc examples
"""
UNFORMATTED = "import sys\nimport os\nx=[os,sys]\n"
FORMATTED = "import os\nimport sys\n\nx = [os, sys]\n"
FILES = {
    "pyproject.toml": '[project]\nname = "calc"\nversion = "0.1"\n\n[tool.isort]\nprofile = "black"\n',
    "src/calc/__init__.py": FORMATTED,
    "examples/check.py": "VALUE = 1\n",
    "tox.ini": TOX,
}


def test_black_and_isort_from_a_tox_env_check_and_never_rewrite(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    repo = make_repo(FILES)
    listing = run_gate(repo, "--list-steps")
    assert (
        "black (format, black)\n"
        "  run: black src/calc examples --check --diff --no-color\n"
        "  why: tox env lint runs black --check --diff src/calc examples\n"
        "  from: tox.ini:11 (tox)\n"
        f"  version: {version('black')} (pinned in tox.ini:7)\n"
        "isort (format, isort)\n"
        "  run: isort src/calc examples --check-only --diff\n"
        "  why: tox env lint runs isort --check-only --df src/calc examples\n"
        "  from: tox.ini:10 (tox)\n"
        f"  version: {version('isort')} (pinned in tox.ini:8)\n"
    ) in listing.stdout, listing.stdout + listing.stderr
    run = run_gate(repo, "--no-cache")
    assert run.code == 0, run.stderr
    assert [run.step(s)["status"] for s in ("black", "isort")] == ["passed", "passed"]

    target = repo / "src" / "calc" / "__init__.py"
    target.write_text(UNFORMATTED, encoding="utf-8")
    run = run_gate(repo, "--no-cache")
    assert run.code == 1, run.stderr
    assert target.read_text(encoding="utf-8") == UNFORMATTED  # checked, not rewritten
    assert run.step("black")["first_failure"]["message"] == "would reformat src/calc/__init__.py"
    assert run.step("isort")["first_failure"]["message"] == "imports incorrectly sorted in src/calc/__init__.py"


def test_a_black_section_no_ci_runs_plans_nothing(
    make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]
) -> None:
    files = {k: v for k, v in FILES.items() if k != "tox.ini"}
    files["pyproject.toml"] += "\n[tool.black]\nline-length = 100\n"
    repo = make_repo({**files, "src/calc/__init__.py": UNFORMATTED})
    listing = run_gate(repo, "--list-steps")
    said = "  black: no CI source runs black (its configuration in pyproject.toml [tool.black] alone plans nothing)\n"
    assert said in listing.stdout
    run = run_gate(repo, "--no-cache")
    assert run.artifact is not None and "black" not in [s["id"] for s in run.artifact["steps"]]


def test_the_first_file_black_would_reformat_is_read_relative_to_the_root(tmp_path: Path) -> None:
    out = f"would reformat {tmp_path}/src/a.py\nwould reformat {tmp_path}/src/b.py\n\n2 files would be reformatted.\n"
    assert Black().first_failure(out, tmp_path, tmp_path) == FirstFailure(
        "would reformat src/a.py (and 1 more)", "src/a.py", rule="format"
    )
