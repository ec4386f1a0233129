"""Every signal reads its own example line through the prefilter; a failure signal makes the log not ok."""

from __future__ import annotations

import io

import pytest

from sdetkit.triage import registry
from sdetkit.triage.lines import candidate_lines
from sdetkit.triage.rule import WRAPPER
from sdetkit.triage.signals import FAILED, NOTICE, PASSED, SIGNALS
from tests.triage.support import triage_text
from tests.triage.test_rules import EXAMPLES as RULE_EXAMPLES

# signal id -> a log line (with the prefixes CI services put in front of it) that it reads
EXAMPLES: dict[str, str] = {
    "gha-exit": "2025-03-04T10:11:12.3456789Z ##[error]Process completed with exit code 2.\n",
    "gha-canceled": "##[error]The operation was canceled.\n",
    "azure-exit": "##[error]Bash exited with code '1'.\n",
    "gitlab-job-failed": "2025-03-04T10:11:12.345678Z 01E ERROR: Job failed: exit code 1\n",
    "travis-exit": 'The command "make check" exited with 2.\n',
    "jenkins-exit": "[Pipeline] }\nERROR: script returned exit code 1\n",
    "jenkins-finished": "Finished: FAILURE\n",
    "buildkite-exit": "\x1b_bk;t=1741083072000\x07\U0001f6a8 Error: The command exited with status 1\n",
    "compose-exit": "app_web_1 exited with code 2\n",
    "circleci-exit": "Exited with code exit status 1\n",
    "docker-build-step": (
        'ERROR: failed to solve: process "/bin/sh -c make test" did not complete successfully: exit code: 2\n'
    ),
    "compiler-driver": "error: command '/usr/bin/gcc' failed with exit code 1\n",
    "compiler-error-count": "2 errors generated.\n",
    "pip-wheel": "  ERROR: Failed building wheel for fastparse\n",
    "make-recipe": "src/Makefile:40: recipe for target 'lib/core.o' failed\n",
    "configure": "configure: error: C compiler cannot create executables\n",
    "scons": "scons: *** [out/model.bin] Error 2\n",
    "snakemake-rule": "Error in rule align_reads:\n",
    "called-process": "subprocess.CalledProcessError: Command '['ninja']' returned non-zero exit status 1.\n",
    "cython-compile": "Cython.Compiler.Errors.CompileError: src/fast.pyx\n",
    "cargo-could-not-compile": "error: could not compile `tinyparse` (lib) due to 1 previous error\n",
    "make": "make: *** [Makefile:3: test] Error 1\n",
    "tox": "  py312: FAIL code 1 (2.31 seconds)\n",
    "nox": "nox > Session tests-3.12 failed.\n",
    "pre-commit": "ruff.....................................................................Failed\n",
    "coverage": "FAIL Required test coverage of 90% not reached. Total coverage: 50.00%\n",
    "pytest-summary": "========= 2 failed, 40 passed, 1 warning in 3.21s =========\n",
    "pytest-no-tests": "============================ no tests ran in 0.02s =============================\n",
    "pytest-interrupted": "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n",
    "unittest-summary": "FAILED (failures=1, errors=1)\n",
    "xdist-worker-crashed": "[gw1] node down: Not properly terminated\n",
    "killed-kill": "Killed\n",
    "killed-segv": "Segmentation fault (core dumped)\n",
    "killed-abrt": "Aborted (core dumped)\n",
    "killed-term": "Terminated\n",
    "fatal-python-error": "Fatal Python error: Segmentation fault\n",
    "signal-exit-kill": "web-1  | service exited: exit status 137\n",
    "signal-exit-crash": "worker exited: exit code 139\n",
    "error-annotation": "##[error]The self-hosted runner lost communication with the server.\n",
    "pip-resolver-notice": (
        "ERROR: pip's dependency resolver does not currently take into account all the packages that are installed.\n"
    ),
    "pip-installed": "Successfully installed widgetlib-2.0 tinyhttp-1.4\n",
    "pytest-passed": "============ 41 passed, 2 xfailed, 3 warnings in 4.02s ============\n",
    "job-succeeded": "Job succeeded\n",
    "tox-nox-ok": "  congratulations :) (12.40 seconds)\n",
}


def test_every_signal_has_an_example() -> None:
    assert sorted(EXAMPLES) == sorted(s.id for s in SIGNALS)


@pytest.mark.parametrize("signal_id", list(EXAMPLES))
def test_signal_reads_its_example(signal_id: str) -> None:
    """The signal (not an earlier one, not a rule) reads its line; a failure one is an unknown finding."""
    signal = next(s for s in SIGNALS if s.id == signal_id)
    found = triage_text(EXAMPLES[signal_id])
    if signal.outcome in (PASSED, NOTICE):
        assert found == []
        return
    assert signal.outcome == FAILED
    assert [(f.rule, f.classification, f.tool, f.tier) for f in found][-1:] == [
        (signal_id, signal.classification, signal.tool, WRAPPER)
    ]
    last = EXAMPLES[signal_id].count("\n")
    assert found[-1].source == f"ci.log:{last}" and found[-1].fix and found[-1].next_command


def _reached(log: str) -> list[int]:
    return [c.lineno for c in candidate_lines(io.BytesIO(log.encode()), "ci.log")]


def test_every_rule_and_signal_is_reachable_through_the_prefilter() -> None:
    """A rule or signal whose line the prefilter drops would never fire: each example line gets through."""
    logs = {**{f"rule {k}": v[0] for k, v in RULE_EXAMPLES.items()}, **{f"signal {k}": v for k, v in EXAMPLES.items()}}
    assert len(logs) == len(registry.all_rules()) + len(registry.all_signals())
    dropped = [name for name, log in logs.items() if log.count("\n") not in _reached(log)]
    assert dropped == []


@pytest.mark.parametrize(
    "summary",
    ["============ 1 warning in 0.03s ============", "=== 7 deselected in 0.05s ===", "no tests ran in 0.01s"],
)
def test_a_run_that_collected_no_test_is_a_failure(summary: str) -> None:
    (f,) = triage_text(summary + "\n")
    assert (f.rule, f.classification) == ("pytest-no-tests", "configuration")


def test_success_is_noted_and_a_later_failure_still_wins() -> None:
    log = "5 passed in 0.20s\nKilled\n"
    (f,) = triage_text(log)
    assert (f.rule, f.position) == ("killed-kill", 2)


@pytest.mark.parametrize(
    "line",
    [
        "Killed 2 stale workers before the run",
        "tests/test_jobs.py::test_job_killed_on_timeout PASSED                [ 40%]",
        "=========== 12 passed, 1 xfailed, 2 xpassed in 0.80s ===========",
        "Process completed with exit code 0.",
        "make: [Makefile:12: clean] Error 1 (ignored)",
        "Warning: Attempt 1 failed. Retrying in 10 seconds",
        "nox > Session lint was successful in 3 seconds.",
        "  py311: OK (4.02=setup[1.10]+cmd[2.92] seconds)",
        "tests/test_native.py::test_reports_segmentation_fault_to_the_user PASSED [ 60%]",
        "The handler turns a Segmentation fault into a clear message instead of a crash.",
        "  lint: OK (1.20=setup[0.90]+cmd[0.30] seconds)",
        "==================== 4 skipped in 0.10s ====================",
        "=================== 812 passed, 9 xfailed, 3 xpassed in 10.88 seconds ===================",
        "============ 3 passed, 1 deselected, 2 warnings in 0.31s ============",
    ],
)
def test_scary_but_passing_lines_are_no_signal(line: str) -> None:
    assert triage_text(line + "\n") == []


def test_a_rule_that_explains_the_line_beats_its_error_annotation() -> None:
    (f,) = triage_text("##[error]src/pkg/a.py:3: error: Incompatible return value type  [return-value]\n")
    assert (f.rule, f.line) == ("mypy", 3)


def test_a_known_wrapper_line_is_a_signal_not_a_generic_error() -> None:
    (f,) = triage_text("Error: Process completed with exit code 1.\n")
    assert f.rule == "gha-exit"
    (g,) = triage_text("ERROR:   py311: commands failed\n")
    assert g.rule == "tox"


@pytest.mark.parametrize(
    "line",
    [
        "  lint: FAIL code 1 (2.31=setup[1.50]+cmd[0.81] seconds)",
        "type-check: exit 2 (0.41 seconds) /w/proj> mypy src pid=4410",
        "docs: FAIL code 1 (3.02 seconds)",
    ],
)
def test_tox_verdicts_of_any_environment_name_are_read(line: str) -> None:
    """tox 4 prints the environment's name before its verdict, and not every name looks like py311."""
    (f,) = triage_text(line + "\n")
    assert (f.rule, f.classification) == ("tox", "unknown")


def test_a_crash_ends_its_line() -> None:
    """A crash glued after progress output is read; the same words in the middle of a sentence are not."""
    (f,) = triage_text("tests/test_io.py ..F Fatal Python error: Segmentation fault\n")
    assert f.rule == "killed-segv"
    assert triage_text("handled Segmentation fault (core dumped) gracefully in 3 cases\n") == []


@pytest.mark.parametrize(
    ("line", "classification"),
    [
        ("Exited with code exit status 137", "resource limit"),
        ("##[error]Process completed with exit code 139.", "crash"),
        ('The command "pytest" exited with 134.', "crash"),
        ("ERROR: Job failed: exit code 1", "unknown"),
    ],
)
def test_an_exit_code_of_a_signal_names_what_happened(line: str, classification: str) -> None:
    (f,) = triage_text(line + "\n")
    assert f.classification == classification
