"""The provider registry is true: a tool registered in ``sdetkit.steps`` is planned, probed for,
reproduced and checked by the doctor with no other edit, and removing it restores everything."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit import ci, decision, steps
from sdetkit.doctor import checks_env
from sdetkit.doctor.base import CheckStatus, DoctorContext
from sdetkit.gate.plan import Plan, PlanOptions, build
from sdetkit.gate.profiles import probed_modules
from sdetkit.model import MissingTool, StepSpec
from sdetkit.repo.config import GateConfig, ProjectFacts, StepConfig
from sdetkit.repo.environment import Environment
from sdetkit.steps.base import NotChosen, PlanContext, ToolProvider


class Vet(ToolProvider):
    """A made-up linter, configured by ``[tool.vet]``, pinned by a ``vet-hooks`` pre-commit repo."""

    name = "vet"
    step_id = "vet"
    kind = "vetting"
    tool = "vet"
    module = "vet_mod"
    package = "vet-tool"
    priority = -1  # starts before anything else
    precommit_repos: tuple[str, ...] = ("vet-hooks",)

    def discover(self, ctx: PlanContext) -> StepSpec | NotChosen:
        if ctx.facts.tool("vet") is None:
            return NotChosen(self.step_id, "no [tool.vet]")
        return self.plan(ctx, ("python", "-m", "vet_mod"), "pyproject.toml has [tool.vet]")

    def extra(self, ctx: PlanContext, command: tuple[str, ...]) -> tuple[str, ...]:
        return ("--quiet",)

    def reproduce(self, tool: str | None, kind: str | None, first: Mapping[str, Any]) -> str | None:
        return f"python -m vet_mod {first['file']}" if tool == self.tool and first.get("file") else None


PRECOMMIT = "repos:\n- repo: https://example.org/x/vet-hooks\n  rev: v1.2.3\n"
# CI runs mypy on what its configuration names (a check planned from configuration needs CI to run it).
WORKFLOW = "jobs:\n  check:\n    steps:\n      - run: mypy\n"


def _facts(tmp: Path) -> ProjectFacts:
    pyproject = {"tool": {"vet": {}, "mypy": {"files": ["src"]}}}
    evidence = {".pre-commit-config.yaml": PRECOMMIT, ".github/workflows/ci.yml": WORKFLOW}
    return ProjectFacts(tmp, pyproject=pyproject, evidence=evidence, automation=ci.commands(evidence))


def _env(tmp: Path) -> Environment:
    """An environment with mypy and nothing else (no vet_mod): no subprocess needed."""
    return Environment(
        str(tmp / "python"), "test", "3.11.0", str(tmp), str(tmp / "bin"), frozenset({"mypy"}), {}, "", True
    )


def _plan(tmp: Path, gate: GateConfig | None = None) -> Plan:
    return build(PlanContext(_facts(tmp), _env(tmp), ""), gate or GateConfig(), PlanOptions())


def _next_command(tool: str) -> str:
    step = {"id": "x", "kind": "k", "tool": tool, "status": "failed", "first_failure": {"file": "a.py"}}
    return str(decision.triage({}, step, "fast")["next_command"])


def _doctor(tmp: Path, plan: Plan) -> DoctorContext:
    env = _env(tmp)._replace(dists={"vet-tool": "1.0.0", "mypy": "1.0"})
    return DoctorContext(tmp, _facts(tmp), None, env, None, {}, plan.missing_tools, None, False)


def _observed(tmp: Path) -> dict[str, object]:
    plan = _plan(tmp)
    configured = _plan(tmp, GateConfig("t", steps=(StepConfig("mine", argv=("vet", "src")),)))
    doctor = _doctor(tmp, plan)
    return {
        "order": plan.order,
        "first": plan.run[0].id,
        "configured": (configured.run[0].provider, configured.run[0].extra),
        "modules": probed_modules(),
        "next": _next_command("vet"),
        "installed": checks_env.tools_installed(doctor),
        "pins": checks_env.tool_pins(doctor),
    }


def test_a_registered_provider_is_picked_up_everywhere_and_removing_it_restores_everything(tmp_path: Path) -> None:
    before = _observed(tmp_path)
    with steps.registered(Vet()):
        plan = _plan(tmp_path)
        # Planned in registry order, started first (its priority), its tool missing with its hint.
        assert plan.order == ("typecheck", "vet") and plan.run[0].id == "vet"
        assert plan.run[0].program == MissingTool(
            f"vet_mod is not installed in the target environment ({tmp_path / 'python'}, test); "
            f"install it with: {tmp_path / 'python'} -m pip install vet-tool",
            f"{tmp_path / 'python'} -m pip install vet-tool",
        )
        assert plan.run[0].argv == ("python", "-m", "vet_mod", "--quiet")
        during = _observed(tmp_path)
        # A configured command that runs the tool gets its plumbing and its reader.
        assert during["configured"] == ("vet", ("--quiet",))
        assert steps.reader("vet").name == "vet"
        # The environment probe looks for its module, decide reproduces its failure.
        assert "vet_mod" in probed_modules()
        assert during["next"] == "python -m vet_mod a.py"
        # The doctor names its install command and reads its pre-commit pin.
        installed = checks_env.tools_installed(_doctor(tmp_path, plan))
        assert installed.status is CheckStatus.FAIL
        assert installed.fix == f"{tmp_path / 'python'} -m pip install vet-tool"
        pins = checks_env.tool_pins(_doctor(tmp_path, plan))
        assert (
            pins.status is CheckStatus.WARN
            and "vet-tool 1.0.0 installed, .pre-commit-config.yaml:3 pins 1.2.3" in pins.message
        )
    assert _observed(tmp_path) == before
    assert before["order"] == ("typecheck",) and before["next"] == "sdetkit gate fast --only x"
    assert "vet_mod" not in probed_modules()
    assert before["installed"] == checks_env.tools_installed(_doctor(tmp_path, _plan(tmp_path)))
    assert "vet" not in str(before["pins"])
