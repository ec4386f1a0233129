"""Signals as data: lines that prove a job failed (or passed) without saying why.

A rule explains a failure; a signal only proves there was one: a CI runner's non-zero exit,
make's ``***``, tox's and nox's verdicts, pytest's final count, a process killed by a signal. A
failure signal becomes a finding of class ``unknown`` at its line (tier WRAPPER: any rule's
finding comes first), so a log that shows a failure is never ``ok`` even when no rule explains
it. A success signal is only noted: it tells a clean result that positively shows success from
one that merely shows no failure signal.

Signals are read after the causal rules and before the weak ones (a known wrapper line is a
wrapper, not a generic "ERROR:" line); a signal that needs only a prefix's mark (``##[error]``)
is read after every rule, so a rule that explains the line wins. Patterns see the line as
``sdetkit.triage.prefixes`` leaves it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# A NOTICE is a line in failure words that a tool prints on success (pip's resolver notice after
# "Successfully installed"): it is read so that no weak rule takes it for an error, and then ignored.
FAILED, PASSED, NOTICE = "failed", "passed", "notice"


class Signal(NamedTuple):
    """One kind of line that proves the job's outcome; ``words`` reach it through the prefilter."""

    id: str
    tool: str
    outcome: str  # FAILED, PASSED or NOTICE
    pattern: re.Pattern[str]
    words: tuple[bytes, ...]
    # The reproduce command: a str.format template over the pattern's groups (a ``command4`` group
    # fills ``command`` too); the signal's tool when a group it names did not match.
    next: str = "re-run the failing step locally"
    fix: str = "the output above this line names the cause"
    mark: str = ""  # the prefix mark (``sdetkit.triage.prefixes``) the line must carry
    # What the line alone proves of the cause: a crash or a kill says what happened, an exit code does not.
    classification: str = "unknown"


def signal(
    signal_id: str,
    tool: str,
    pattern: str,
    *,
    words: tuple[bytes, ...],
    outcome: str = FAILED,
    nxt: str = "re-run the failing step locally",
    fix: str = "the output above this line names the cause",
    mark: str = "",
    classification: str = "unknown",
) -> Signal:
    """A signal from its pattern's source."""
    return Signal(signal_id, tool, outcome, re.compile(pattern), words, nxt, fix, mark, classification)


_CODE = r"(?P<code>[1-9]\d*)"
# An exit code above 128 is a signal's: it says what happened even when the line says nothing else.
_BY_CODE = {"137": "resource limit", "143": "resource limit", "139": "crash", "134": "crash"}


def classify(found: Signal, match: re.Match[str]) -> str:
    """The class a failure signal's line proves: its own, or the one its exit code (137, 139, ...) means."""
    code = match.groupdict().get("code")
    if found.classification == "unknown" and code in _BY_CODE:
        return _BY_CODE[code]
    return found.classification


# Prefilter words: every line a signal (or rule) reads contains one of its words, and a word is as rare
# on passing lines as its pattern allows, since each line holding one costs the extractor's Python: a
# loose "rror" is in every passing test named test_error_*. Tools colour their words (mypy's "error",
# pre-commit's "Failed", pytest's crash path), so a word allows the codes redact.ANSI strips where
# tools put them, and is derived from the pattern's own literal text around them.
ANSI_GAP = rb"(?:\x1b(?:\[[0-9;?]*[ -/]*[@-~]|[()][A-Za-z0-9]))*"  # CSI and charset codes, as redact.ANSI
ERROR_COLON = rb"(?:rror|RROR)" + ANSI_GAP + rb":" + ANSI_GAP + rb" "  # "error: ", "ValueError: ", "ERROR: "
_FAIL = rb"FAIL"
# pytest's last line: counts then the duration ("in 0.41s", older pytest "in 6.39 seconds"); "failed" and
# "error(s)" are the failing counts.
_PYTEST_COUNTS = r"^=*\s*(?:\d+ [a-z]+(?:, )?)+ in \d+(?:\.\d+)?(?:s| seconds)\b"
# The shell's report of a child killed by a signal: "Killed", or "line 3:  812 Killed  cmd".
_SHELL_SIGNAL = r"^(?:.*: )?(?: *\d+ +)?(?:{}){}(?: {{2,}}.*|\s*)$"
# A crash's words may follow anything on its line (a pytest -v test id, a progress mark) but must end
# it: "Segmentation fault" inside prose or a test name is not a crash.
_CRASH_SIGNAL = r"(?:^|\s|:)(?:{}){}\s*$"


def _killed_by(
    name: str, words: str, code: int, *, core: bool = False, anywhere: bool = False, word: bytes = b""
) -> Signal:
    dumped = r"(?: \(core dumped\))?" if core else ""
    return signal(
        f"killed-{name}",
        "runner",
        (_CRASH_SIGNAL if anywhere else _SHELL_SIGNAL).format(words, dumped),
        words=(word or words.encode(),),
        classification="resource limit" if code in (137, 143) else "crash",
        fix=f"the process got {name.upper()} (exit {code}): "
        + (
            "out of memory or a time limit; find what grew"
            if code == 137
            else "a crash in native code or a test that kills its own process"
        ),
    )


SIGNALS: tuple[Signal, ...] = (
    # CI runners: the step's or the job's non-zero exit
    signal(
        "gha-exit",
        "github-actions",
        rf"^(?:Error: )?Process completed with exit code {_CODE}\.?$",
        words=(rb"exit code",),
        fix="the step's own output above this line names the cause",
    ),
    signal(
        "gha-canceled",
        "github-actions",
        r"^The operation was canceled\.$",
        words=(rb"was canceled",),
        nxt="re-run the job",
        classification="cancelled",
        fix="the job was cancelled (a time limit, a newer run, or a person): see why it stopped",
    ),
    signal(
        "azure-exit",
        "azure-pipelines",
        # the task's verdict, or the agent's debug line when the step's script exits non-zero
        rf"^(?:(?:Bash|PowerShell|Cmd(?:\.exe)?|Script) exited with code '"
        rf"|Exit code (?=\d+ received from tool)){_CODE}",
        words=(rb"exited with code", rb"Exit code"),
    ),
    signal("gitlab-job-failed", "gitlab-ci", r"^ERROR: Job failed: (?P<message>.+)$", words=(rb"Job failed: ",)),
    signal("travis-exit", "travis-ci", rf'^The command ".+" exited with {_CODE}\.$', words=(rb"exited with ",)),
    signal(
        "jenkins-exit",
        "jenkins",
        rf"^(?:ERROR: |\S*AbortException: )?script returned exit code {_CODE}$",
        words=(rb"exit code",),
    ),
    signal("jenkins-finished", "jenkins", r"^Finished: (?:FAILURE|UNSTABLE|ABORTED)$", words=(rb"Finished: ",)),
    signal(
        "buildkite-exit",
        "buildkite",
        rf"^(?:\S+ )?Error: The command exited with status {_CODE}",
        words=(rb"exited with status",),
    ),
    signal(
        "compose-exit",
        "docker-compose",
        rf"^[\w.-]+ exited with code {_CODE}$",
        words=(rb"exited with code",),
        nxt="docker compose up",
        fix="the service's own output above this line names the cause",
    ),
    signal("circleci-exit", "circleci", rf"^Exited with (?:code )?(?:exit status )?{_CODE}$", words=(rb"Exited",)),
    signal(
        "docker-build-step",
        "docker",
        rf"(?:did not complete successfully: exit code: |returned a non-zero code: ){_CODE}",
        words=(rb"exit code: ", rb"non-zero code"),
    ),
    # build wrappers: a compiler driver, pip, make, a configure script, scons, snakemake report that a
    # step failed; the compiler's or the tool's own line before (or after) them is the cause
    signal(
        "compiler-driver",
        "setuptools",
        rf"^error: command '(?P<cmd>[^']+)' failed with exit (?:status|code) {_CODE}",
        words=(rb"' failed with exit ",),
        nxt="python -m pip install -v .",
        fix="the compiler's own error above this line names the cause (a missing header: its system package)",
    ),
    signal(
        "compiler-error-count",
        "cc",
        r"^\d+ errors? generated\.$",
        words=(rb"generated",),
        fix="the compiler's errors above this count name the cause",
    ),
    signal(
        "pip-wheel",
        "pip",
        r"^(?:ERROR: |\u00d7 )?(?:Failed building wheel for \S+|Failed to build \S+|Could not build wheels for .+"
        rf'|Command ".+" failed with error code {_CODE}|.*subprocess-exited-with-error)',
        words=(
            rb"Failed building wheel",
            rb"Failed to build ",
            rb"build wheels",
            rb"failed with error code",
            rb"subprocess-exited",
        ),
        nxt="python -m pip install -v .",
        fix="the build's own error above this line (a compiler or backend message) names the cause",
    ),
    signal(
        "make-recipe",
        "make",
        r"^\S+:\d+: recipe for target .+ failed$",
        words=(rb"recipe for target ",),
        nxt="make",
        fix="the recipe's own output above this line names the cause",
    ),
    signal(
        "configure",
        "configure",
        r"^(?:configure: error: |Error: (?:Test )?(?:compile|link)(?: test)? failed|Error: Check the output below)",
        words=(ERROR_COLON,),
        nxt="./configure",
        fix="the compiler's output after this line (or config.log) names why the check failed",
    ),
    signal(
        "scons",
        "scons",
        rf"^scons: \*\*\* (?:\[[^\]]*\] )?(?:Error {_CODE}|.+)$",
        words=(rb"\*\*\*",),
        nxt="scons",
        fix="the builder's own output above this line names the cause",
    ),
    signal(
        "snakemake-rule",
        "snakemake",
        r"^Error in rule [\w.-]+:",
        words=(rb"Error in rule ",),
        nxt="snakemake",
        fix="the rule's command output above this line names the cause",
    ),
    signal(
        "called-process",
        "python",
        rf"(?:CalledProcessError: )?Command .+ returned non-zero exit status {_CODE}\.?$",
        words=(rb"non-zero exit status",),
        fix="the command's own output above this line names the cause",
    ),
    signal(
        "cython-compile",
        "cython",
        r"^(?:Cython\.Compiler\.Errors\.)?CompileError: ",
        words=(ERROR_COLON,),
        nxt="cythonize -i",
        fix="the Cython error block above this line names the file, line and cause",
    ),
    signal(
        "cargo-could-not-compile",
        "cargo",
        r"^error: could not compile `[^`]+`",
        words=(rb"could not compile",),
        nxt="cargo build",
        fix="rustc's errors above this line name the cause",
    ),
    # build tools and test runners' own verdicts
    signal(
        "make",
        "make",
        r"^make(?:\[\d+\])?: \*\*\* (?P<message>.+)$",
        words=(rb"\*\*\*",),
        nxt="make",
        fix="the recipe's own output above this line names the cause",
    ),
    signal(
        "tox",
        "tox",
        # tox 4 names the environment before its verdict ("lint: FAIL code 1 (", "docs: exit 2 (0.41
        # seconds)"); the normaliser strips only py-style names, so any name is read here.
        # The command that failed, where tox names it, is what reproduces the failure (tox 3's
        # "InvocationError for command X (exited with code 1)", tox 2's "InvocationError: 'X'",
        # tox 4's "exit 1 (0.4 seconds) /cwd> X pid=1").
        rf"^(?:ERROR: +\S+: (?:commands failed|InvocationError)"
        r"|ERROR: InvocationError(?:(?: for command |: ')(?P<command>.+?)'?(?: \(exited with code \d+\))?$)?"
        rf"|(?:[\w.-]+: )?FAIL code {_CODE} \("
        r"|(?:[\w.-]+: )?exit [1-9]\d* \(\d+(?:\.\d+)? seconds\)(?: \S+> (?P<command4>.+?)(?: pid=\d+)?$)?"
        r"|evaluation failed :\()",
        words=(rb"commands failed", rb"InvocationError", _FAIL, rb"exit [1-9]\d* \(", rb"evaluation failed"),
        nxt="{command}",
        fix="the environment's command output above this line names the cause",
    ),
    signal(
        "nox",
        "nox",
        r"^Session (?P<session>\S+?)\.? (?:failed|aborted)",
        words=(rb"Session \S+ (?:failed|aborted)",),
        nxt="nox -s {session}",
        fix="the session's command output above this line names the cause",
    ),
    signal(
        "pre-commit",
        "pre-commit",
        r"^[^\n]+?\.{3,}Failed\s*$",
        words=(rb"\.\.\." + ANSI_GAP + rb"Failed",),
        nxt="pre-commit run --all-files",
        fix="the hook's output below its name says what to change (or what it changed)",
    ),
    signal(
        "coverage",
        "coverage",
        r"(?:FAIL Required test coverage of|Coverage failure: total of)",
        words=(_FAIL, rb"Coverage failure"),
        nxt="python -m pytest --cov",
        fix="test the lines the coverage report lists as missing (or fix the failing tests that left them unrun)",
    ),
    signal(
        "pytest-summary",
        "pytest",
        rf"(?={_PYTEST_COUNTS})^=*\s*(?:\d+ [a-z]+, )*\d+ (?:failed|errors?)\b",
        words=(rb"\d (?:failed|error)",),
        nxt="python -m pytest -q",
        fix="the failures pytest lists above its summary",
    ),
    signal(
        # exit 5: nothing was collected, or everything was deselected (only warnings or deselections counted)
        "pytest-no-tests",
        "pytest",
        rf"^=*\s*no tests ran\b|(?={_PYTEST_COUNTS})^=*\s*(?:\d+ (?:warnings?|deselected)(?:, )?)+ in ",
        words=(rb"no tests ran", rb"\d warning", rb"\d deselected"),
        nxt="python -m pytest -q",
        classification="configuration",
        fix="pytest collected no test: check the paths it was given, testpaths, python_files and -k/-m",
    ),
    signal(
        "pytest-interrupted",
        "pytest",
        r"^(?:!+ )?Interrupted: \d+ errors? during collection",
        words=(rb"Interrupted: ",),
        nxt="python -m pytest -q",
        fix="the collection errors pytest lists above",
    ),
    signal(
        "unittest-summary",
        "unittest",
        r"^FAILED \((?:failures|errors)=\d+",
        words=(_FAIL,),
        nxt="python -m unittest",
        fix="the failures unittest lists above its summary",
    ),
    signal(
        "xdist-worker-crashed",
        "pytest",
        r"(?:worker '?gw\d+'? crashed while running|\[gw\d+\] node down)",
        words=(rb"crashed", rb"node down"),
        classification="crash",
        fix="a test worker died: the test it was running crashed the interpreter or exhausted memory",
    ),
    # processes killed by a signal (out of memory, a crash, a time limit); Python's own report first
    signal(
        "fatal-python-error",
        "python",
        r"^Fatal Python error: ",
        words=(rb"Fatal Python error",),
        classification="crash",
        fix="the interpreter crashed: the thread dump below this line shows where",
    ),
    _killed_by("kill", "Killed", 137),
    _killed_by("segv", "Segmentation fault", 139, core=True, anywhere=True),
    _killed_by("abrt", "Aborted", 134, core=True, word=rb"borted"),
    _killed_by("term", "Terminated", 143),
    signal(
        "signal-exit-kill",
        "runner",
        r"\bexit (?:code|status)[: ]+(?P<code>13[7]|143)\b",
        words=(rb"exit (?:code|status)",),
        classification="resource limit",
        fix="killed by a signal (137 KILL: usually out of memory; 143 TERM: a time limit): see what grew",
    ),
    signal(
        "signal-exit-crash",
        "runner",
        r"\bexit (?:code|status)[: ]+(?P<code>139|134)\b",
        words=(rb"exit (?:code|status)",),
        classification="crash",
        fix="the process crashed (139 SEGV, 134 ABRT): a crash in native code or a test that aborts",
    ),
    # an error annotation the runner printed that nothing else explains
    signal("error-annotation", "ci", r"^(?P<message>\S.*)$", words=(rb"##\[error\]|::error",), mark="error"),
    # lines in failure words that a tool prints when all went well
    signal(
        "pip-resolver-notice",
        "pip",
        r"^ERROR: pip's dependency resolver does not currently take into account all the packages",
        words=(rb"dependency resolver",),
        outcome=NOTICE,
    ),
    # success: the log positively shows it passed
    signal(
        "pytest-passed",
        "pytest",
        rf"(?={_PYTEST_COUNTS})^=*\s*\d+ passed\b(?!.*\b(?:failed|errors?)\b)",
        words=(rb"\d passed",),
        outcome=PASSED,
    ),
    signal(
        "job-succeeded",
        "ci",
        r"^(?:Job succeeded|Finished: SUCCESS)$",
        words=(rb"Job succeeded", rb"Finished: "),
        outcome=PASSED,
    ),
    signal("pip-installed", "pip", r"^Successfully installed \S", words=(rb"Successfully installed",), outcome=PASSED),
    signal(
        "tox-nox-ok",
        "tox",
        r"^(?:congratulations :\)|Session \S+ was successful)",
        words=(rb"congratulations", rb"was successful"),
        outcome=PASSED,
    ),
)
