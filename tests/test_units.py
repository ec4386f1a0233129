"""Pure pieces: verdict, scheduler, parsers, canonical artifact (redaction: test_evidence_redact.py)."""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.evidence import gate as artifact
from sdetkit.evidence.redact import stabilise
from sdetkit.model import ExternalProgram, FirstFailure, GateReport, RepoFacts, Status, StepResult, StepSpec
from sdetkit.run.process import ProcessRunner
from sdetkit.run.scheduler import schedule
from sdetkit.steps.mypy import Mypy
from sdetkit.steps.pyright import Pyright
from sdetkit.steps.ruff import RuffFormat, RuffLint
from sdetkit.verdict import reduce
from tests.conftest import validate


def spec(sid: str, needs: tuple[str, ...] = (), modifies: bool = False) -> StepSpec:
    return StepSpec(
        id=sid,
        kind="custom",
        tool="t",
        command=("t", sid),
        reason="r",
        program=ExternalProgram("/bin/t"),
        needs=needs,
        modifies=modifies,
    )


def result(sid: str, status: Status) -> StepResult:
    return StepResult(spec(sid), status, exit_code=0 if status is Status.PASSED else 1)


class TestVerdict:
    def test_empty_plan_fails(self) -> None:
        v = reduce([])
        assert (v.ok, v.reason) == (False, "empty plan: no steps were discovered")

    def test_all_skipped_fails(self) -> None:
        v = reduce([result("a", Status.SKIPPED)])
        assert not v.ok and v.reason == "empty plan: every step was skipped"

    def test_failures_are_sorted_and_skips_never_pass(self) -> None:
        v = reduce([result("z", Status.TIMED_OUT), result("a", Status.ERROR), result("m", Status.SKIPPED)])
        assert not v.ok
        assert v.failed_steps == ("a", "z")
        assert v.reason == "2 of 3 steps did not pass: a (error), z (timed_out)"

    def test_pass_with_skip(self) -> None:
        v = reduce([result("a", Status.PASSED), result("b", Status.SKIPPED)])
        assert v.ok and v.reason == "1 of 2 steps passed, 1 skipped"


class TestScheduler:
    def test_runs_in_parallel_up_to_jobs(self) -> None:
        live = 0
        peak = 0
        lock = threading.Lock()

        def execute(s: StepSpec) -> StepResult:
            nonlocal live, peak
            with lock:
                live += 1
                peak = max(peak, live)
            time.sleep(0.05)
            with lock:
                live -= 1
            return StepResult(s, Status.PASSED)

        results = schedule([spec(str(i)) for i in range(6)], execute, jobs=3)
        assert [r.spec.id for r in results] == [str(i) for i in range(6)]
        assert peak == 3

    def test_needs_wait_and_failed_needs_skip(self) -> None:
        order: list[str] = []

        def execute(s: StepSpec) -> StepResult:
            order.append(s.id)
            return StepResult(s, Status.FAILED if s.id == "build" else Status.PASSED)

        specs = [spec("deploy", needs=("package",)), spec("package", needs=("build",)), spec("build"), spec("lint")]
        res = {r.spec.id: r for r in schedule(specs, execute, jobs=4)}
        assert res["package"].status is Status.SKIPPED
        assert res["package"].message == "not run: needs build failed"
        assert res["deploy"].status is Status.SKIPPED
        assert res["deploy"].message == "not run: needs package skipped"
        assert sorted(order) == ["build", "lint"]

    def test_modifying_steps_run_alone_and_first(self) -> None:
        events: list[tuple[str, str]] = []
        lock = threading.Lock()

        def execute(s: StepSpec) -> StepResult:
            with lock:
                events.append(("start", s.id))
            time.sleep(0.03)
            with lock:
                events.append(("end", s.id))
            return StepResult(s, Status.PASSED)

        specs = [spec("read1"), spec("fix1", modifies=True), spec("read2"), spec("fix2", modifies=True)]
        schedule(specs, execute, jobs=4)
        assert events[:4] == [("start", "fix1"), ("end", "fix1"), ("start", "fix2"), ("end", "fix2")]

    def test_interrupt_calls_back_and_propagates(self) -> None:
        called = []

        def execute(s: StepSpec) -> StepResult:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            schedule([spec("a")], execute, jobs=1, on_interrupt=lambda: called.append(True))
        assert called == [True]


class TestParsers:
    def test_ruff_concise(self) -> None:
        out = "src/a.py:3:8: F401 [*] `os` imported but unused\nFound 1 error.\n"
        f = RuffLint().first_failure(out, Path(), Path())
        assert f == FirstFailure("`os` imported but unused", "src/a.py", 3, 8, "F401")

    @pytest.mark.parametrize(
        "out",
        [
            "Would reformat: src/a.py\nWould reformat: b.py\n2 files would be reformatted\n",
            "unformatted: File would be reformatted\n --> src/a.py:1:1\n  |\nunformatted: x\n --> b.py:1:1\n",
        ],
    )
    def test_ruff_format_old_and_new_output(self, out: str) -> None:
        f = RuffFormat().first_failure(out, Path(), Path())
        assert f is not None and f.file == "src/a.py" and f.message == "would reformat src/a.py (and 1 more)"

    def test_mypy_with_and_without_columns(self) -> None:
        out = "src/a.py:1: note: x\nsrc/a.py:7:5: error: Incompatible return value type  [return-value]\n"
        assert Mypy().first_failure(out, Path(), Path()) == FirstFailure(
            "Incompatible return value type", "src/a.py", 7, 5, "return-value"
        )
        f = Mypy().first_failure("a.py:2: error: Name 'x' is not defined  [name-defined]\n", Path(), Path())
        assert f is not None and (f.line, f.column, f.rule) == (2, None, "name-defined")

    def test_pyright_absolute_paths_become_relative(self) -> None:
        out = '/r/p/src/a.py\n  /r/p/src/a.py:4:12 - error: Type "int" is not assignable (reportAssignmentType)\n'
        f = Pyright().first_failure(out, Path("/r/p"), Path())
        assert f == FirstFailure('Type "int" is not assignable', "src/a.py", 4, 12, "reportAssignmentType")


statuses = st.sampled_from(list(Status))


@settings(max_examples=40, deadline=None)
@given(
    outcomes=st.lists(statuses, min_size=1, max_size=6),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_stable_artifact_does_not_depend_on_finish_order_or_durations(outcomes: list[Status], seed: int) -> None:
    specs = [spec(f"s{i}") for i in range(len(outcomes))]
    rng = random.Random(seed)  # noqa: S311 - test timing jitter, not cryptography

    def run_once(delays: list[float]) -> str:
        by_id = dict(zip([s.id for s in specs], zip(outcomes, delays, strict=True), strict=True))

        def execute(s: StepSpec) -> StepResult:
            status, delay = by_id[s.id]
            time.sleep(delay)
            return StepResult(
                s, status, exit_code=0, duration=delay, log_tail=f"done in {delay:.3f}s", cached=delay > 0.002
            )

        results = schedule(specs, execute, jobs=len(specs))
        report = GateReport("fast", RepoFacts("/r", "a" * 40, "main", False), tuple(results), reduce(results))
        doc = artifact.document(report, stable=True)
        validate(json.loads(artifact.dumps(doc)))
        return artifact.dumps(doc)

    first = run_once([rng.uniform(0, 0.004) for _ in specs])
    second = run_once([rng.uniform(0, 0.004) for _ in specs])
    assert first == second


def test_ruff_named_settings_diagnostic_is_read() -> None:
    out = "pyproject.toml:123:4: rule-codes-in-selectors: [*] Rule code used instead of name in lint.ignore\n"
    f = RuffLint().first_failure(out, Path(), Path())
    assert f == FirstFailure(
        "Rule code used instead of name in lint.ignore", "pyproject.toml", 123, 4, "rule-codes-in-selectors"
    )


def test_pyright_rule_on_a_continuation_line() -> None:
    out = (
        "/r/src/a.py\n"
        '  /r/src/a.py:278:9 - error: Method "translate" overrides class "str" in an incompatible manner\n'
        '    Parameter 2 name mismatch: base parameter is named "table", override parameter is named "x"\n'
        "    (reportIncompatibleMethodOverride)\n"
        "  /r/src/a.py:300:1 - error: other (reportGeneralTypeIssues)\n"
    )
    f = Pyright().first_failure(out, Path("/r"), Path())
    assert f is not None and (f.file, f.line, f.rule) == ("src/a.py", 278, "reportIncompatibleMethodOverride")


def test_stable_tail_of_a_passing_step_is_its_summary_line() -> None:
    res = StepResult(spec("t"), Status.PASSED, 0, log_tail="Using --randomly-seed=1234\n..s..\n5 passed in 0.31s\n")
    report = GateReport("fast", RepoFacts("/r", "a" * 40, None, False), (res,), reduce([res]))
    assert artifact.document(report, stable=True)["steps"][0]["log_tail"] == "5 passed in <duration>"
    assert stabilise("Using --randomly-seed=1234") == "Using --randomly-seed=<seed>"


def test_automation_invocations_are_found_in_trust_order() -> None:
    from sdetkit.steps.invocations import invocations

    evidence = {
        ".github/workflows/ci.yml": "  - run: pip install mypy==1.15\n  - run: uv run mypy src tests --strict\n",
        "tox.ini": "[testenv:t]\ndeps = mypy\ncommands =\n  mypy typing_tests {posargs}\n  mypy src/a.pyi\n",
        "noxfile.py": 'session.install("mypy")\nsession.run("mypy", "pkg", "--strict")\n',
        "Makefile": "typecheck:\n\tmypy --config-file ci.ini src && echo done\n",
    }
    assert invocations(evidence, "mypy") == [
        ("tox.ini", ["typing_tests", "{posargs}"]),
        ("tox.ini", ["src/a.pyi"]),
        ("noxfile.py", ["pkg", "--strict"]),
        ("Makefile", ["--config-file", "ci.ini", "src"]),
        (".github/workflows/ci.yml", ["src", "tests", "--strict"]),
    ]


def test_test_reports_do_not_enter_the_content_key() -> None:
    from sdetkit.repo.git import _is_report

    assert all(
        _is_report(p) for p in (".coverage", ".coverage.host.123", "coverage.xml", "junit-py3.xml", "a/b/run.log")
    )
    assert not any(_is_report(p) for p in (".env", "src/pkg/_version.py", "coverage.py", "settings.local.toml"))


def test_internal_errors_are_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sdetkit import cli

    def boom(args: object) -> int:
        raise RuntimeError("unexpected state")

    monkeypatch.setattr(cli, "_dispatch", boom)
    monkeypatch.delenv("SDETKIT_DEBUG", raising=False)
    assert cli.main(["schema", "show"]) == 3
    err = capsys.readouterr().err
    assert err == "sdetkit: internal error: RuntimeError: unexpected state (SDETKIT_DEBUG=1 shows the traceback)\n"


def test_doctor_reads_frozen_pins_and_poetry_python() -> None:
    from sdetkit.doctor.checks_env import _PRECOMMIT_PIN, _poetry_to_pep440

    sha = "76e47323a83cd9795e4ff9a1de1c0d2eef610f17"
    text = f"- repo: https://github.com/astral-sh/ruff-pre-commit\n  rev: {sha}  # frozen: v0.11.11\n"
    m = _PRECOMMIT_PIN.search(text)
    assert m is not None and m["frozen"] == "0.11.11"
    assert _poetry_to_pep440("^3.9") == ">=3.9,<4"
    assert _poetry_to_pep440("~3.9") == ">=3.9,<3.10"
    assert _poetry_to_pep440(">=3.8,<4.0") == ">=3.8,<4.0"


def test_doctor_score_weights_failures_fully_and_warnings_half() -> None:
    from sdetkit.doctor.base import Check, CheckResult, Finding, Severity, score
    from sdetkit.doctor.base import CheckStatus as CS

    def result(sev: Severity, status: CS) -> CheckResult:
        return CheckResult(Check("x", "c", sev, "t", lambda _ctx: Finding(status, "")), Finding(status, ""))

    results = [result(Severity.HIGH, CS.PASS), result(Severity.MEDIUM, CS.FAIL), result(Severity.LOW, CS.WARN)]
    assert score(results) == round(100 * (1 - 3.5 / 11))
    assert score([result(Severity.HIGH, CS.SKIP)]) == 0


def test_outputs_to_a_special_file_are_written_in_place(tmp_path: Path) -> None:
    """`--out /dev/null` must not replace the device with a regular file; a named pipe stands in."""
    import os
    import stat
    import threading

    from sdetkit.evidence import atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    atomic.write_text(fifo, "evidence\n")
    reader.join(10)
    assert got == [b"evidence\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]  # no temporary sibling left behind


@pytest.mark.skipif(not hasattr(signal, "SIGTTIN"), reason="POSIX job control")
def test_steps_run_in_their_own_group_and_cannot_stop_on_terminal_reads(tmp_path: Path) -> None:
    # Own process group: a timeout kills everything a step started. SIGTTIN ignored: a step that
    # reads the terminal fails at once instead of being stopped as a background job.
    code = "import os, signal; print(os.getpgid(0) == os.getpid(), signal.getsignal(signal.SIGTTIN) == signal.SIG_IGN)"
    res = ProcessRunner().run([sys.executable, "-c", code], tmp_path, os.environ, 60)
    assert res.output.split() == ["True", "True"]


def test_a_step_that_ends_before_its_timeout_leaves_no_timer_behind(tmp_path: Path) -> None:
    """The timeout is a timer beside a blocking wait (a polling wait noticed exits up to 50 ms
    late); a step that finishes cancels it, and a step that does not is stopped and says so."""
    import threading

    runner = ProcessRunner()
    before = threading.active_count()
    res = runner.run([sys.executable, "-c", "print('done')"], tmp_path, os.environ, 3600)
    assert (res.exit_code, res.timed_out, res.output.strip()) == (0, False, "done")
    assert threading.active_count() == before
    slow = runner.run([sys.executable, "-c", "import time; time.sleep(60)"], tmp_path, os.environ, 0.5)
    assert slow.timed_out and slow.exit_code is None
