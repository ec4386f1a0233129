"""Triage rules as data: one entry per kind of failure line.

A new kind of failure is one entry here plus a golden case in tests/data/triage/: everything the
extractor needs is in the entry (see ``sdetkit.triage.rule.Rule``); ``registry.register`` adds one
at run time. Tiers decide who wins: a CAUSAL finding always beats a WEAK one (a bare traceback, a
generic "error:"), which beats a WRAPPER line (the exit code of the job, make, tox, nox, coverage
thresholds: those are signals, in ``sdetkit.triage.signals``): wrapper noise never wins while a
cause exists. Within a tier the earliest line wins. Within the list, the first rule whose pattern
matches a line reads it.
"""

from __future__ import annotations

import re

from sdetkit.triage import merges
from sdetkit.triage.rule import WEAK, Rule, SectionTitle, rule
from sdetkit.triage.rules_native import NATIVE_RULES, tool_fix, xdist_node_down
from sdetkit.triage.signals import ANSI_GAP, ERROR_COLON

LOC = r"(?P<file>[^\s:'\"()]+?\.(?:py|pyi))"
# Resolver, socket, TLS, index and runner-capacity errors as Python, pip, curl and CI services word
# them. `decide` classifies a failed step's message with the same pattern.
NETWORK = (
    r"(?i)(Could not resolve host|Temporary failure in name resolution|Connection (?:timed out|refused|reset)"
    r"|Name or service not known|nodename nor servname|Network is unreachable|No route to host|getaddrinfo failed"
    r"|No space left on device|ReadTimeoutError|Read timed out|CERTIFICATE_VERIFY_FAILED"
    r"|EOF occurred in violation of protocol|\bHTTP(?: Error| error|/[\d.]+|Error:?)? (?:429|50[0234])\b"
    r"|429 Too Many Requests|50[0234] (?:Service Unavailable|Bad Gateway|Gateway Time-?out|Internal Server Error))"
)
# A retry that pip or a traceback's source line reports is not the failure: only the error it ends in.
_NOT_A_RETRY = r"^(?!\s*(?:WARNING: Retrying \(|raise |Retrying \())"
TEST_ID = r"(?P<test>[^\s:]+\.py::[^\s]+?)"

_SECTION_WORDS = (rb"_____ ", rb"rootdir: ", rb": in <module>")  # pytest's section titles, root, crash lines
_TEST_FIX = "make the failing assertion hold: fix the code under test, or the test if its expectation is wrong"
_TYPE_FIX = "make the types agree at the line shown (the code, or the annotation if it is the one that is wrong)"
# An exception line ("ValueError: x", "RuntimeException: y"), its name coloured or not
_EXCEPTION_WORDS = (ERROR_COLON, rb"xception" + ANSI_GAP + rb": ")
_PIN_FIX = "loosen the pin to a version published for this Python and platform (or fix the package name)"


def _pytest_test(rule_id: str, pattern: str) -> Rule:
    """pytest's summary line and its -v progress line name a failed test the same way."""
    return rule(
        rule_id,
        "pytest",
        "test failure",
        pattern,
        'python -m pytest -q "{test}"',
        words=(rb"FAILED", rb"ERROR", *_SECTION_WORDS),
        fix=_TEST_FIX,
        refine=xdist_node_down,
    )


RULES: tuple[Rule, ...] = (
    # native builds, system packages, missing tools run by make, kills, crashed workers (rules_native)
    *NATIVE_RULES,
    # pytest (-q and -v styles, xdist worker prefixes, short summary lines)
    rule(
        "pytest-collect",
        "pytest",
        "test collection/import error",
        rf"^(?:ERROR collecting |ERROR ){LOC}(?: - (?P<message>.+))?\s*$",
        'python -m pytest -q "{file}"',
        words=(rb"ERROR", *_SECTION_WORDS),
        fix="make the test module importable: install what it imports, or fix the import error shown",
        section=SectionTitle(re.compile(r"^ERROR collecting (?P<file>.*)$"), "error collecting {file}"),
        same_failure="file",  # the summary line of a collection error already read from its section
    ),
    _pytest_test(
        "pytest-failed",
        rf"^(?:\[(?P<gw>gw\d+)\] (?:\[\s*\d+%\] )?)?(?:FAILED|ERROR) {TEST_ID}(?: - (?P<message>.+))?\s*$",
    ),
    rule(
        # A failed test's section ("____ test_x ____", "____ Class.test_y[1] ____", "____ ERROR at setup of
        # test_z ____") is the failure by itself: a truncated paste, -rN, --no-summary or a plugin's table has
        # no FAILED line. Its E lines give the message, its traceback's location the file and line; a summary
        # line read later completes the same finding. (The extractor reads the titles; see ``section``.)
        "pytest-section",
        "pytest",
        "test failure",
        r"^_{3,} \S.* _{3,}$",
        'python -m pytest -q "{test}"',
        words=(*_SECTION_WORDS, rb"E   ", rb"\.py" + ANSI_GAP + rb":\d+: ", rb"\[XPASS", rb"= PASSES"),
        fix=_TEST_FIX,
        section=SectionTitle(
            re.compile(r"^(?:ERROR at (?:setup|teardown) of )?(?P<test>(?=\S*?(?i:test))[\w.]+(?:\[.*\])?)$"),
            "{test} failed",
        ),
    ),
    rule(
        # pytest-pretty's (rich's) table of failures: file, test, its line, the error's line, the error
        "pytest-pretty",
        "pytest",
        "test failure",
        r"^\u2502\s*(?P<file>[^\s\u2502]+\.py)\s*\u2502\s*(?P<name>[^\s\u2502]+)\s*\u2502\s*(?P<line>\d+)\s*"
        r"\u2502\s*\d+\s*\u2502\s*(?P<message>[^\u2502]*?)\s*\u2502\s*$",
        'python -m pytest -q "{test}"',
        words=("\u2502".encode(),),
        fix=_TEST_FIX,
        refine=merges.table_test_id,
    ),
    _pytest_test("pytest-verbose", rf"^(?:\[(?P<gw>gw\d+)\] (?:\[\s*\d+%\] )?)?{TEST_ID} (?:FAILED|ERROR)\b"),
    # unittest: "FAIL: test_x (tests.test_mod.TestCase.test_x)" (3.11+) or "(tests.test_mod.TestCase)"
    rule(
        "unittest",
        "unittest",
        "test failure",
        r"^(?:FAIL|ERROR): (?P<name>\w+) \((?P<cls>[\w.]+?)(?:\.(?P=name))?\)",
        "python -m unittest {cls}.{name}",
        words=(rb"FAIL" + ANSI_GAP + rb":", rb"ERROR" + ANSI_GAP + rb":", rb'File "', *_EXCEPTION_WORDS),
        fix=_TEST_FIX,
        refine=merges.unittest_test_id,
        follow=merges.unittest_block,
    ),
    # type checkers
    rule(
        "mypy",
        "mypy",
        "type",
        rf"^{LOC}:(?P<line>\d+):(?:(?P<col>\d+):)? error: (?P<message>.+?)(?:  \[(?P<rule>[\w-]+)\])?\s*$",
        "python -m mypy {file}",
        words=(ERROR_COLON,),
        fix=_TYPE_FIX,
    ),
    rule(
        "pyright",
        "pyright",
        "type",
        rf"^\s*{LOC}:(?P<line>\d+):(?P<col>\d+) - error: (?P<message>.+)$",
        "pyright {file}",
        words=(ERROR_COLON,),
        fix=_TYPE_FIX,
    ),
    # linters (ruff concise / flake8 share a shape; the tool seen in the log decides the name)
    rule(
        "lint-concise",
        "ruff",
        "lint",
        rf"^{LOC}:(?P<line>\d+):(?P<col>\d+): (?P<rule>[A-Z]+\d+) (?:\[\*\] )?(?P<message>.+)$",
        "{linter} {file}",
        words=(rb":\d+:\d+: [A-Z]{1,3}\d",),
        fix="fix the code the lint rule names, or the rule's configuration if it does not apply",
        refine=merges.concise_linter,
        log_names=("flake8", "ruff"),
    ),
    rule(
        "ruff-full",
        "ruff",
        "lint",
        rf"^\s*--> {LOC}:(?P<line>\d+):(?P<col>\d+)\s*$",
        "ruff check --no-fix {file}",
        words=(rb"--> ",),
        fix="fix the code the lint rule names (or run the formatter when the diff is a formatting one)",
        refine=merges.ruff_unformatted,
    ),
    # formatters
    rule(
        "ruff-format",
        "ruff",
        "format",
        rf"^Would reformat: {LOC}\s*$",
        "ruff format --diff {file}",
        words=(rb"ould reformat",),
        fix="run ruff format on the file and commit the result",
    ),
    rule(
        "black",
        "black",
        "format",
        rf"^would reformat {LOC}\s*$",
        "black --diff {file}",
        words=(rb"ould reformat",),
        fix="run black on the file and commit the result",
    ),
    rule(
        "isort",
        "isort",
        "format",
        rf"^ERROR: {LOC} Imports are incorrectly sorted",
        "isort --diff {file}",
        words=(ERROR_COLON,),
        fix="run isort on the file and commit the result",
    ),
    # dependencies, modules and tools
    rule(
        "missing-module",
        "python",
        "missing tool or module",
        # Python 3 and 2 exceptions, and ``python -m x`` run by an interpreter without x (a tox venv)
        r"(?:(?:ModuleNotFoundError|ImportError): |^\S*python[\d.]*(?:\.exe)?: )No module named '?(?P<module>\w+)[\w.]*'?",
        "python -m pip install {module}",
        words=(rb"No module named",),
        fix="declare the module's distribution in the project's dependencies (or fix the import's name)",
    ),
    rule(
        "pip-no-version",
        "pip",
        "dependency resolution",
        # older pip words it without "ERROR: "
        r"^(?:ERROR: )?No matching distribution found for (?P<req>\S+)",
        'python -m pip install "{req}"',
        words=(rb"No matching distribution",),
        fix=_PIN_FIX,
        consequence_of=("pip-retry",),  # no version found because the index could not be reached
    ),
    rule(
        "pip-no-version-detail",
        "pip",
        "dependency resolution",
        r"^(?:ERROR: )?Could not find a version that satisfies the requirement (?P<req>\S+)",
        'python -m pip install "{req}"',
        WEAK,
        words=(rb"Could not find a version",),
        fix=_PIN_FIX,
        consequence_of=("pip-retry",),
    ),
    rule(
        "pip-conflict",
        "pip",
        "dependency resolution",
        r"^ERROR: (?:ResolutionImpossible|Cannot install (?P<first>.+?) and (?P<second>.+?) because these package "
        r"versions have conflicting dependencies)",
        "python -m pip install -r requirements.txt",
        words=(ERROR_COLON, rb"depends on", rb"user requested", rb"conflict is caused"),
        fix="relax one of the conflicting pins named under 'The conflict is caused by'",
        refine=merges.pip_conflict_pair,
        follow=merges.pip_conflict_causes,
    ),
    rule(
        "uv-resolve",
        "uv",
        "dependency resolution",
        r"^\s*(?:×|error:) No solution found when resolving dependencies",
        "uv pip install -r requirements.txt",
        words=(rb"No solution found", rb"you require"),
        fix="relax one of the requirements uv names after 'you require'",
        follow=merges.uv_requirements,
    ),
    rule(
        "command-not-found",
        "shell",
        "missing tool or module",
        r"(?:^|: )(?P<module>[\w.+-]+): (?:command )?not found\s*$",
        "python -m pip install {module}",
        words=(rb": (?:command )?not found",),
        fix="install the tool in the job before it runs (or call it through the environment that has it)",
        refine=tool_fix,
    ),
    # builds
    rule(
        "setuptools",
        "setuptools",
        "build or packaging",
        r"^error: (?:package directory '[^']+' does not exist|invalid command .*|Multiple top-level packages discovered.*)$",
        "python -m build",
        words=(ERROR_COLON,),
        fix="make the packaging configuration name the package directories that exist",
    ),
    rule(
        "build-backend",
        "build",
        "build or packaging",
        r"^(?:ERROR Backend subprocess exited|× Getting requirements to build wheel did not run successfully|ERROR Missing dependencies|ERROR .*Backend '.*' is not available)",
        "python -m build",
        words=(rb"ERROR", rb"to build wheel did not run"),  # every wording above holds one
        fix="fix the build backend's error shown above (its requirements or its configuration)",
    ),
    # JavaScript and Go basics
    rule(
        "jest",
        "jest",
        "test failure",
        r"^\s*● (?P<test>(?!Console)(?:[^›\n]+ › )*(?P<name>[^›\n]+?))\s*$",
        'npx jest -t "{name}"',
        words=("\u25cf".encode(), rb"\.test\.", rb"\.spec\.", rb"expect\("),
        fix="make the failing expectation hold: fix the code under test, or the test if it is wrong",
        follow=merges.jest_detail,
        header=re.compile(r"^FAIL\s+(?:\./)?(?P<file>\S+\.(?:test|spec)\.[cm]?[jt]sx?)\b"),
    ),
    rule(
        "go-test",
        "go test",
        "test failure",
        r"^\s*--- FAIL: (?P<test>\S+)",
        "go test -run '^{test}$' ./...",
        words=(rb"FAIL", rb"_test\.go:"),
        fix="make the failing check hold: fix the code under test, or the test if its expectation is wrong",
        follow=merges.go_detail,
    ),
    # infrastructure and configuration
    rule(
        "network",
        "network",
        "infrastructure or network",
        _NOT_A_RETRY + r".*?" + NETWORK.replace("(?i)", "(?i:", 1) + ")",
        "re-run the job (infrastructure)",
        words=(NETWORK.encode(),),  # the pattern itself: every wording it knows reaches it
        fix="nothing in the code: re-run; if it persists, check the runner's network and disk, and the service",
    ),
    rule(
        # pip retries a request that broke; the retry is the cause only if pip does not go on afterwards
        "pip-retry",
        "pip",
        "infrastructure or network",
        # pip 10 and later say "WARNING: Retrying", older pip only "Retrying"
        r"^(?:WARNING: )?Retrying \(Retry\(total=\d+.*\) after connection broken by (?P<message>.+)$",
        "re-run the job (infrastructure)",
        WEAK,
        words=(rb"Retrying \(", rb"Downloading ", rb"Using cached ", rb"Successfully installed"),
        fix="nothing in the code: re-run; if it persists, check the runner's network and the package index",
        undone_by=r"^(?:Downloading |Using cached |Successfully installed |Requirement already satisfied)",
    ),
    rule(
        "config",
        "config",
        "configuration",
        # pytest's usage errors: "file or directory not found" (pytest 5+), "file not found" (older)
        r"(?:^ERROR: usage:|^ERROR: (?:file (?:or directory )?)?not found: |error: unrecognized arguments|invalid TOML"
        r"|TOMLDecodeError|ERROR: .*: error: argument)",
        "fix the configuration named above, then re-run",
        words=(ERROR_COLON, rb"invalid TOML", rb"TOMLDecodeError"),
        fix="fix the option or file named (an option of a plugin that is not installed: install the plugin)",
    ),
    rule(
        "timeout",
        "runner",
        "timeout",
        # GitHub's, GitLab's, Azure's and Travis's own words for a job stopped by its time limit
        r"(?i)(?:timed out after \d+|The job running on runner .* has exceeded the maximum execution time"
        r"|Timeout exceeded|Job failed: execution took longer than|ran longer than the maximum time"
        r"|exceeded the maximum time limit for jobs)",
        "re-run with a longer timeout after finding the slow step",
        words=(rb"(?i:timed out after \d|timeout exceeded|took longer than|maximum (?:execution )?time)",),
        fix="find the slow or hanging step; raise the job's time limit only if the work grew for a reason",
    ),
    # weak signals
    rule(
        "exception",
        "python",
        "unknown",
        r"^(?P<message>(?:[\w.]+\.)?(?:\w+Error|\w*Exception): .+)$",  # a bare "Error:" is no exception class
        "re-run the failing command",
        WEAK,
        words=_EXCEPTION_WORDS,
        fix="read the traceback above the exception: its last frame in the project's code is where to fix",
        refine=merges.exception_frame,
    ),
    rule(
        "error-line",
        "unknown",
        "unknown",
        r"^(?:error|ERROR|Error)(?:\[[^\]]*\])?: (?P<message>.+)$",
        "re-run the failing command",
        WEAK,
        words=(ERROR_COLON, rb"(?:rror|RROR)\["),  # "error: x", "error[E0425]: y"
        fix="read the lines before the error: the tool that printed it names the cause",
    ),
)
