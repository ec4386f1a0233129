"""The preamble the metadata, wheel-contents and sbom checks share, in-process with a scripted runner."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from sdetkit.model import INTERNAL, Status, StepResult, StepSpec
from sdetkit.release import checks_install, checks_package, tool_run
from sdetkit.release.context import Log, ReleaseContext
from sdetkit.run.process import ProcessResult, ProcessRunner

SPEC = StepSpec("metadata", "release", "twine", ("twine", "check"), "test", INTERNAL, timeout=60.0)


class ScriptedRunner(ProcessRunner):
    """Answers every command with one result, and remembers what it was asked to run."""

    def __init__(self, result: ProcessResult) -> None:
        super().__init__()
        self.result = result
        self.calls: list[tuple[list[str], Path, Mapping[str, str]]] = []

    def run(self, argv: Sequence[str], cwd: Path, env: Mapping[str, str], timeout: float | None) -> ProcessResult:
        self.calls.append((list(argv), cwd, env))
        return self.result


def _context(tmp_path: Path, runner: ProcessRunner, files: Sequence[str]) -> ReleaseContext:
    dist = tmp_path / "dist"
    dist.mkdir(parents=True)
    for name in files:
        (dist / name).write_bytes(b"")
    unread: Any = None  # the preamble never reads the repository's state or facts
    return ReleaseContext(tmp_path, tmp_path, ".", unread, unread, sys.executable, sys.executable, None, {}, runner,
                          dist, tmp_path / "smoke", None)  # fmt: skip


def _run(tmp_path: Path, files: Sequence[str], result: ProcessResult, **kw: bool) -> tuple[object, ScriptedRunner]:
    runner = ScriptedRunner(result)
    ctx = _context(tmp_path, runner, files)
    log = Log(ctx, [])
    ran = tool_run.run_on_build(SPEC, ctx, log, checks_package.TWINE, lambda b: ["check", str(b.wheel)], tmp_path,
                                5.0, env={"COLUMNS": "1000"}, **kw)  # fmt: skip
    return ran, runner


WHEEL, SDIST = "pkg-1.0-py3-none-any.whl", "pkg-1.0.tar.gz"


def test_the_tool_runs_with_sdetkits_interpreter_on_the_wheel(tmp_path: Path) -> None:
    ran, runner = _run(tmp_path, [WHEEL, SDIST], ProcessResult(0, "ok", 0.1), sdist=True)
    assert isinstance(ran, tool_run.ToolRun) and ran.wheel.name == WHEEL and ran.res.exit_code == 0
    ((argv, cwd, env),) = runner.calls
    assert argv == [sys.executable, "-m", "twine", "check", str(tmp_path / "dist" / WHEEL)]
    assert cwd == tmp_path and env["COLUMNS"] == "1000"


@pytest.mark.parametrize(
    ("files", "sdist", "message"),
    [([], False, "no wheel was built"), ([WHEEL], True, "the build did not produce both an sdist and a wheel")],
)
def test_nothing_built_is_an_error_and_runs_nothing(
    tmp_path: Path, files: list[str], sdist: bool, message: str
) -> None:
    ran, runner = _run(tmp_path, files, ProcessResult(0, "", 0.0), sdist=sdist)
    assert isinstance(ran, StepResult) and (ran.status, ran.message) == (Status.ERROR, message)
    assert runner.calls == []


def test_a_tool_not_installed_beside_sdetkit_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    ran, runner = _run(tmp_path, [WHEEL], ProcessResult(0, "", 0.0))
    assert isinstance(ran, StepResult) and ran.status is Status.ERROR
    assert ran.message.startswith("twine is not installed beside sdetkit") and runner.calls == []


def _problems(tmp_path: Path, res: ProcessResult) -> list[str] | StepResult:
    log = Log(_context(tmp_path, ScriptedRunner(res), []), [])
    return tool_run.problems(SPEC, log, checks_package.TWINE, res, lambda out: [ln for ln in out.split() if ln])


def test_problems_are_read_only_from_a_failed_run(tmp_path: Path) -> None:
    passed = _problems(tmp_path / "a", ProcessResult(0, "fine", 0.1))
    assert isinstance(passed, StepResult) and passed.status is Status.PASSED
    assert _problems(tmp_path / "b", ProcessResult(1, "bad worse", 0.1)) == ["bad", "worse"]
    unread = _problems(tmp_path / "c", ProcessResult(1, "", 0.1))
    assert isinstance(unread, StepResult) and unread.message == "twine check --strict failed: no output"
    killed = _problems(tmp_path / "d", ProcessResult(None, "half", 0.1, timed_out=True))
    assert isinstance(killed, StepResult) and killed.status is Status.TIMED_OUT


def test_sbom_and_install_smoke_refuse_a_build_without_a_wheel(tmp_path: Path) -> None:
    runner = ScriptedRunner(ProcessResult(0, "", 0.0))
    ctx = _context(tmp_path, runner, [SDIST])
    for check in (checks_install.sbom, checks_install.install_smoke, checks_package.wheel_contents):
        result = check(SPEC, ctx, tmp_path)
        assert (result.status, result.message) == (Status.ERROR, "no wheel was built")
    assert runner.calls == []
