"""``gate.plan.build``: discovery, declarations, ``--only``/``--skip``, needs and cycles, in-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdetkit.errors import ConfigError, UsageError
from sdetkit.gate.plan import Plan, PlanOptions, ProfileSteps, build
from sdetkit.model import INTERNAL, ExternalProgram, Status, StepSpec
from sdetkit.repo.config import GateConfig, ProjectFacts, StepConfig
from sdetkit.repo.environment import Environment
from sdetkit.steps.base import NotChosen, PlanContext

PY = "/env/bin/python"


def ctx(tmp: Path, pyproject: dict[str, object] | None = None) -> PlanContext:
    """A project with mypy configured (and whatever ``pyproject`` adds), mypy installed."""
    facts = ProjectFacts(tmp, pyproject=pyproject or {"tool": {"mypy": {"files": ["src"]}}})
    env = Environment(PY, "test", "3.11.0", "/env", "/env/bin", frozenset({"mypy", "pytest"}), {}, "", True)
    return PlanContext(facts, env, "")


def step(sid: str, *needs: str, kind: str | None = None) -> StepConfig:
    return StepConfig(sid, argv=("python", "-c", sid), needs=needs or None, kind=kind)


def plan(tmp: Path, *steps: StepConfig, only: tuple[str, ...] = (), skip: tuple[str, ...] = ()) -> Plan:
    return build(ctx(tmp), GateConfig("sdetkit.toml", steps=steps), PlanOptions(only, skip))


def skipped(p: Plan) -> dict[str, str]:
    assert all(r.status is Status.SKIPPED for r in p.decided)
    return {r.spec.id: r.message for r in p.decided}


def test_discovered_then_declared_in_report_order_with_reasons_and_program(tmp_path: Path) -> None:
    p = plan(tmp_path, step("b"), step("a"))
    assert p.order == ("typecheck", "a", "b")
    typecheck = next(s for s in p.run if s.id == "typecheck")
    assert typecheck.program == ExternalProgram(PY) and typecheck.reason.startswith("pyproject.toml [tool.mypy]")
    assert {s.id: s.reason for s in p.run}["a"] == "declared in sdetkit.toml"
    assert ("tests", "no pytest configuration and no tests/, test/ or conftest.py") in p.not_chosen
    assert p.missing_tools == ()


def test_start_order_puts_the_usually_longest_first(tmp_path: Path) -> None:
    p = plan(tmp_path, step("z"), step("lint", kind="lint"), step("t", kind="tests"))
    assert [s.id for s in p.run] == ["t", "typecheck", "z", "lint"]


def test_turned_off_steps_are_kept_as_skipped_results(tmp_path: Path) -> None:
    p = plan(tmp_path, StepConfig("typecheck", enabled=False))
    assert p.run == () and skipped(p) == {"typecheck": "turned off in sdetkit.toml"}
    with pytest.raises(ConfigError, match="'nope' is turned off but no such step was discovered"):
        plan(tmp_path, StepConfig("nope", enabled=False))


def test_only_plans_what_the_step_needs_and_says_so(tmp_path: Path) -> None:
    p = plan(tmp_path, step("build"), step("check", "build"), only=("check",))
    assert sorted(s.id for s in p.run) == ["build", "check"]
    assert next(s for s in p.run if s.id == "build").reason.endswith("; planned because --only check needs it")
    assert skipped(p) == {"typecheck": "not selected (--only)"}


def test_skip_takes_what_needs_the_skipped_step_with_it(tmp_path: Path) -> None:
    p = plan(tmp_path, step("a"), step("b", "a"), step("c", "b"), skip=("a",))
    assert [s.id for s in p.run] == ["typecheck"]
    assert skipped(p) == {
        "a": "skipped by --skip",
        "b": "skipped: needs a, which --skip left out",
        "c": "skipped: needs b, which --skip left out because it needs a",
    }


def test_unknown_selection_and_bad_needs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"--only: unknown step 'x' \(planned steps: typecheck\)"):
        plan(tmp_path, only=("x",))
    with pytest.raises(ConfigError, match="step 'a' needs itself"):
        plan(tmp_path, step("a", "a"))
    with pytest.raises(ConfigError, match="step 'a' needs 'x', which is not a planned step"):
        plan(tmp_path, step("a", "x"))
    with pytest.raises(ConfigError, match="in a cycle: a -> b -> c -> a"):
        plan(tmp_path, step("a", "b"), step("b", "c"), step("c", "a"))


def test_a_declared_command_that_runs_a_known_tool_keeps_its_plumbing(tmp_path: Path) -> None:
    p = plan(tmp_path, StepConfig("typecheck", argv=("mypy", "pkg")))
    (spec,) = p.run
    assert (spec.provider, spec.tool, spec.kind) == ("mypy", "mypy", "typecheck")
    assert spec.extra == ("--no-pretty", "--no-color-output", "--cache-dir={cache}/mypy")
    assert spec.reason.endswith("; command replaced in sdetkit.toml")
    with pytest.raises(ConfigError, match="'other' is not a discovered step, so it needs argv"):
        plan(tmp_path, StepConfig("other", timeout=5.0))


def test_profile_steps_join_the_plan_after_the_discovered_ones(tmp_path: Path) -> None:
    own = StepSpec("build", "build", "sdetkit", ("sdetkit",), "builds", INTERNAL, timeout=900.0)
    profile = ProfileSteps([own], [NotChosen("clean-tree", "n/a")], {"build": 0})
    p = build(ctx(tmp_path), GateConfig(timeout=30.0), PlanOptions(), profile)
    assert p.order == ("typecheck", "build") and [s.id for s in p.run] == ["build", "typecheck"]
    # The step's own default beats the gate-wide one; the gate-wide one beats the built-in default.
    assert {s.id: s.timeout for s in p.run} == {"build": 900.0, "typecheck": 30.0}
    assert NotChosen("clean-tree", "n/a") in p.not_chosen


def test_test_files_without_a_runner_plan_a_tests_step_that_cannot_pass(tmp_path: Path) -> None:
    from sdetkit.gate.plan import NO_RUNNER
    from sdetkit.model import MissingTool
    from tests.conftest import write_files

    write_files(tmp_path, {"pkg/tests/test_a.py": "def test_a() -> None:\n    pass\n"})
    # The only CI line that runs them needs the job's service containers: it cannot run here.
    evidence = {".gitlab-ci.yml": "test:\n  services:\n    - redis\n  script:\n    - nose2 -v\n"}
    facts = ProjectFacts(tmp_path, evidence=evidence)
    env = Environment(PY, "test", "3.11.0", "/env", "/env/bin", frozenset({"pytest"}), {}, "", True)
    p = build(PlanContext(facts, env, ""), GateConfig(), PlanOptions())
    (tests,) = p.run
    assert (tests.id, tests.kind, tests.command, tests.reason) == (
        "tests",
        "tests",
        ("nose2", "-v"),
        "1 test file found and no runner for them",
    )
    assert tests.program == MissingTool(
        f"{NO_RUNNER}: 1 test file under pkg/tests, but no pytest configuration and .gitlab-ci.yml runs the tests "
        "with nose2; the project's automation does not run python -m unittest; no CI line that can run here "
        "runs another test runner; declare the command in [tool.sdetkit.gate.fast.steps.tests]"
    )
    assert p.missing_tools == (("tests", tests.program.hint),)
    # Without another runner in CI, pytest runs them (it collects unittest suites too).
    p = build(PlanContext(ProjectFacts(tmp_path), env, ""), GateConfig(), PlanOptions())
    assert [(s.id, s.command, s.reason) for s in p.run] == [
        (
            "tests",
            ("python", "-m", "pytest"),
            "1 test file under pkg/tests (no pytest configuration; pytest collects them from the project root, "
            "unittest suites included)",
        )
    ]
