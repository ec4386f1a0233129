"""The pytest provider runs in parallel as the project's CI does when pytest-xdist is installed,
and says why it runs serially when it is not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from sdetkit.repo.config import ProjectFacts
from sdetkit.repo.environment import Environment
from sdetkit.steps.base import NotChosen, PlanContext
from sdetkit.steps.pytest import Pytest
from tests.conftest import HEALTHY, GateRun

# Modeled on a project whose test script runs pytest with xdist and grouped distribution
# (see tests/data/steps/SOURCES.md).
SCRIPT = "#!/bin/bash\nset -e\npytest -n auto --dist loadgroup\n"
CONFIG = {"tool": {"pytest": {"ini_options": {"testpaths": ["tests"]}}}}


def ctx(tmp: Path, modules: frozenset[str], evidence: dict[str, str], pyproject: Mapping[str, Any]) -> PlanContext:
    env = Environment("/env/bin/python", "test", "3.11.0", "/env", "/env/bin", modules, {}, "", True)
    return PlanContext(ProjectFacts(tmp, pyproject=pyproject, evidence=evidence), env, "")


def test_parallel_as_ci_runs_it_when_xdist_is_installed(tmp_path: Path) -> None:
    spec = Pytest().discover(ctx(tmp_path, frozenset({"pytest", "xdist"}), {"scripts/test.sh": SCRIPT}, CONFIG))
    assert not isinstance(spec, NotChosen)
    assert spec.command == ("python", "-m", "pytest", "-n", "auto", "--dist", "loadgroup")
    assert spec.reason == (
        "pyproject.toml [tool.pytest.ini_options] (testpaths: tests); "
        "in parallel as scripts/test.sh runs it: -n auto --dist loadgroup"
    )


def test_serial_with_the_reason_when_xdist_is_missing(tmp_path: Path) -> None:
    spec = Pytest().discover(ctx(tmp_path, frozenset({"pytest"}), {"scripts/test.sh": SCRIPT}, CONFIG))
    assert not isinstance(spec, NotChosen)
    assert spec.command == ("python", "-m", "pytest")
    assert spec.reason.endswith(
        "; scripts/test.sh runs pytest with -n auto --dist loadgroup, but pytest-xdist is not installed in the "
        "target environment: runs serially"
    )


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("pytest -n4 tests", ("-n", "4")),
        ("python -m pytest --numprocesses=$(nproc) -x", ("--numprocesses", "auto")),
        ("pytest tests", ()),
    ],
)
def test_worker_counts_as_written_and_variables_as_auto(tmp_path: Path, line: str, args: tuple[str, ...]) -> None:
    spec = Pytest().discover(ctx(tmp_path, frozenset({"pytest", "xdist"}), {"Makefile": f"t:\n\t{line}\n"}, CONFIG))
    assert not isinstance(spec, NotChosen) and spec.command[3:] == args


def test_the_projects_own_addopts_decide(tmp_path: Path) -> None:
    config = {"tool": {"pytest": {"ini_options": {"addopts": "-n 2"}}}}
    spec = Pytest().discover(ctx(tmp_path, frozenset({"pytest", "xdist"}), {"scripts/test.sh": SCRIPT}, config))
    assert not isinstance(spec, NotChosen) and spec.command == ("python", "-m", "pytest")


@pytest.mark.slow
def test_the_gate_runs_the_suite_with_xdist(make_repo: Callable[..., Path], run_gate: Callable[..., GateRun]) -> None:
    repo = make_repo({**HEALTHY, "scripts/test.sh": SCRIPT})
    run = run_gate(repo, "--only", "tests")
    assert run.code == 0, run.stdout + run.stderr
    step = run.step("tests")
    assert step["argv"][:7] == ["python", "-m", "pytest", "-n", "auto", "--dist", "loadgroup"]
    assert "in parallel as scripts/test.sh runs it" in step["reason"]


# Modeled on a tox env whose pytest line passes `--cov PKG/` before its test folder (see
# tests/data/steps/SOURCES.md): the option's value is what coverage measures, not a test path.
TOX_COV = "[tox]\nenv_list = py\n\n[testenv]\ncommands =\n    pytest -vv --cov pkg/ -p no:randomly --tb short tests\n"


@pytest.mark.parametrize(
    ("line", "selected"),
    [
        ("pytest -vv --cov pkg/ -p no:randomly --tb short tests", ("tests",)),
        ("pytest --cov pkg/", ()),  # measures pkg/, selects nothing: pytest's testpaths apply
        ("pytest --cov --cov-report term tests", ("tests",)),  # a bare --cov before an option
        ("pytest -n 4 --dist loadgroup -k fast tests", ("-k", "fast", "tests")),
    ],
)
def test_an_options_value_is_never_read_as_a_test_path(tmp_path: Path, line: str, selected: tuple[str, ...]) -> None:
    from sdetkit import ci

    (tmp_path / "pkg").mkdir()
    (tmp_path / "tests").mkdir()
    evidence = {"tox.ini": TOX_COV.replace("pytest -vv --cov pkg/ -p no:randomly --tb short tests", line)}
    facts = ProjectFacts(tmp_path, evidence=evidence, automation=ci.commands(evidence))
    env = Environment("/env/bin/python", "test", "3.11.0", "/env", "/env/bin", frozenset({"pytest"}), {}, "", True)
    spec = Pytest().discover(PlanContext(facts, env, ""))
    assert not isinstance(spec, NotChosen)
    assert spec.command == ("python", "-m", "pytest", *selected)


def test_a_ci_run_of_benchmark_files_is_not_taken_for_the_suite(tmp_path: Path) -> None:
    # Modeled on executablebooks/markdown-it-py: tox envs CI calls run pytest on benchmark files
    # (`pytest benchmarking/bench_core.py`), and the tests job runs `pytest tests/`: the suite is
    # the latter, whatever the sources' order of trust.
    from sdetkit import ci

    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_api.py").write_text("def test_a() -> None:\n    pass\n")
    (tmp_path / "benchmarking").mkdir()
    (tmp_path / "benchmarking" / "bench_core.py").write_text("def test_speed() -> None:\n    pass\n")
    tox = "[tox]\nenv_list = py\n\n[testenv:bench]\ncommands = pytest benchmarking/bench_core.py\n"
    workflow = (
        "jobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: tox -e bench\n      - run: pytest tests/\n"
    )
    evidence = {"tox.ini": tox, ".github/workflows/ci.yml": workflow}
    facts = ProjectFacts(tmp_path, evidence=evidence, automation=ci.commands(evidence))
    env = Environment("/env/bin/python", "test", "3.11.0", "/env", "/env/bin", frozenset({"pytest"}), {}, "", True)
    spec = Pytest().discover(PlanContext(facts, env, ""))
    assert not isinstance(spec, NotChosen)
    assert (spec.command, spec.origin) == (("python", "-m", "pytest", "tests/"), ".github/workflows/ci.yml:6 (github)")
