"""Triage rules as data: a tool, a pattern, a classification, and how to build the next command.

A new tool is one entry here plus golden cases in tests/data/triage/. Tiers decide who wins:
a CAUSAL finding always beats a WEAK one (a bare traceback, a generic "error:"), which beats a
WRAPPER line (the exit code of the job, make, tox, nox, coverage thresholds): wrapper noise never
wins while a cause exists. Within a tier the earliest line wins.
"""

from __future__ import annotations

import re
from typing import NamedTuple

CAUSAL, WEAK, WRAPPER = 1, 2, 3


class Rule(NamedTuple):
    id: str
    tool: str
    classification: str
    pattern: re.Pattern[str]
    next: str  # str.format template over the pattern's named groups
    tier: int = CAUSAL


def r(rule_id: str, tool: str, classification: str, pattern: str, nxt: str, tier: int = CAUSAL) -> Rule:
    return Rule(rule_id, tool, classification, re.compile(pattern), nxt, tier)


LOC = r"(?P<file>[^\s:'\"()]+?\.(?:py|pyi))"
# Resolver, socket and runner-capacity errors as Python, curl and CI services word them. `decide`
# classifies a failed step's message with the same pattern.
NETWORK = (
    r"(?i)(Could not resolve host|Temporary failure in name resolution|Connection (?:timed out|refused|reset)"
    r"|Name or service not known|nodename nor servname|Network is unreachable|No route to host|getaddrinfo failed"
    r"|No space left on device|503 Service Unavailable)"
)
TEST_ID = r"(?P<test>[^\s:]+\.py::[^\s]+?)"

RULES: tuple[Rule, ...] = (
    # pytest (-q and -v styles, xdist worker prefixes, short summary lines)
    r(
        "pytest-collect",
        "pytest",
        "test collection/import error",
        rf"^(?:ERROR collecting |ERROR ){LOC}(?: - (?P<message>.+))?\s*$",
        'python -m pytest -q "{file}"',
    ),
    r(
        "pytest-failed",
        "pytest",
        "test failure",
        rf"^(?:\[gw\d+\] (?:\[\s*\d+%\] )?)?(?:FAILED|ERROR) {TEST_ID}(?: - (?P<message>.+))?\s*$",
        'python -m pytest -q "{test}"',
    ),
    r(
        "pytest-verbose",
        "pytest",
        "test failure",
        rf"^(?:\[gw\d+\] (?:\[\s*\d+%\] )?)?{TEST_ID} (?:FAILED|ERROR)\b",
        'python -m pytest -q "{test}"',
    ),
    r("pytest-timeout", "pytest", "timeout", r"^E?\s*Failed: Timeout >(?P<message>[\d.]+s)", "python -m pytest -q"),
    # unittest: "FAIL: test_x (tests.test_mod.TestCase.test_x)" (3.11+) or "(tests.test_mod.TestCase)"
    r(
        "unittest",
        "unittest",
        "test failure",
        r"^(?:FAIL|ERROR): (?P<name>\w+) \((?P<cls>[\w.]+?)(?:\.(?P=name))?\)",
        "python -m unittest {cls}.{name}",
    ),
    # type checkers
    r(
        "mypy",
        "mypy",
        "type",
        rf"^{LOC}:(?P<line>\d+):(?:(?P<col>\d+):)? error: (?P<message>.+?)(?:  \[(?P<rule>[\w-]+)\])?\s*$",
        "python -m mypy {file}",
    ),
    r(
        "pyright",
        "pyright",
        "type",
        rf"^\s*{LOC}:(?P<line>\d+):(?P<col>\d+) - error: (?P<message>.+)$",
        "pyright {file}",
    ),
    # linters (ruff concise / flake8 share a shape; the tool seen in the log decides the name)
    r(
        "lint-concise",
        "ruff",
        "lint",
        rf"^{LOC}:(?P<line>\d+):(?P<col>\d+): (?P<rule>[A-Z]+\d+) (?:\[\*\] )?(?P<message>.+)$",
        "{linter} {file}",
    ),
    r("ruff-full", "ruff", "lint", rf"^\s*--> {LOC}:(?P<line>\d+):(?P<col>\d+)\s*$", "ruff check --no-fix {file}"),
    # formatters
    r("ruff-format", "ruff", "format", rf"^Would reformat: {LOC}\s*$", "ruff format --diff {file}"),
    r("black", "black", "format", rf"^would reformat {LOC}\s*$", "black --diff {file}"),
    r("isort", "isort", "format", rf"^ERROR: {LOC} Imports are incorrectly sorted", "isort --diff {file}"),
    # dependencies, modules and tools
    r(
        "missing-module",
        "python",
        "missing tool or module",
        r"ModuleNotFoundError: No module named '(?P<module>[\w]+)[\w.]*'",
        "python -m pip install {module}",
    ),
    r(
        "pip-no-version",
        "pip",
        "dependency resolution",
        r"^ERROR: No matching distribution found for (?P<req>\S+)",
        'python -m pip install "{req}"',
    ),
    r(
        "pip-no-version-detail",
        "pip",
        "dependency resolution",
        r"^ERROR: Could not find a version that satisfies the requirement (?P<req>\S+)",
        'python -m pip install "{req}"',
        WEAK,
    ),
    r(
        "pip-conflict",
        "pip",
        "dependency resolution",
        r"^ERROR: (?:ResolutionImpossible|Cannot install .* because these package versions have conflicting dependencies)",
        "python -m pip install -r requirements.txt",
    ),
    r(
        "uv-resolve",
        "uv",
        "dependency resolution",
        r"^\s*(?:×|error:) No solution found when resolving dependencies",
        "uv pip install -r requirements.txt",
    ),
    r(
        "command-not-found",
        "shell",
        "missing tool or module",
        r"(?:^|: )(?P<module>[\w.+-]+): (?:command )?not found\s*$",
        "python -m pip install {module}",
    ),
    # builds
    r(
        "setuptools",
        "setuptools",
        "build or packaging",
        r"^error: (?:package directory '[^']+' does not exist|invalid command .*|Multiple top-level packages discovered.*)$",
        "python -m build",
    ),
    r(
        "build-backend",
        "build",
        "build or packaging",
        r"^(?:ERROR Backend subprocess exited|× Getting requirements to build wheel did not run successfully|ERROR Missing dependencies|ERROR .*Backend '.*' is not available)",
        "python -m build",
    ),
    # JavaScript and Go basics
    r(
        "jest",
        "jest",
        "test failure",
        r"^\s*● (?P<test>(?!Console)(?:[^›\n]+ › )*(?P<name>[^›\n]+?))\s*$",
        'npx jest -t "{name}"',
    ),
    r("go-test", "go test", "test failure", r"^\s*--- FAIL: (?P<test>\S+)", "go test -run '^{test}$' ./..."),
    # infrastructure and configuration
    r("network", "network", "infrastructure or network", NETWORK, "re-run the job (infrastructure)"),
    r(
        "config",
        "config",
        "configuration",
        r"(?:^ERROR: usage:|error: unrecognized arguments|invalid TOML|TOMLDecodeError|ERROR: .*: error: argument)",
        "fix the configuration named above, then re-run",
    ),
    r(
        "timeout",
        "runner",
        "timeout",
        r"(?i)(?:timed out after \d+|The job running on runner .* has exceeded the maximum execution time|Timeout exceeded)",
        "re-run with a longer timeout after finding the slow step",
    ),
    # weak signals
    r(
        "exception",
        "python",
        "unknown",
        r"^(?P<message>(?:[\w.]+\.)?\w*(?:Error|Exception): .+)$",
        "re-run the failing command",
        WEAK,
    ),
    r(
        "error-line",
        "unknown",
        "unknown",
        r"^(?:error|ERROR|Error)(?:\[[^\]]*\])?: (?P<message>.+)$",
        "re-run the failing command",
        WEAK,
    ),
    # wrappers: never the cause while a cause exists
    r(
        "gha-exit",
        "github-actions",
        "unknown",
        r"(?:##\[error\])?(?:Error: )?Process completed with exit code (?P<message>\d+)",
        "re-run the failing step locally",
        WRAPPER,
    ),
    r(
        "gitlab-exit",
        "gitlab",
        "unknown",
        r"^ERROR: Job failed: (?P<message>.+)$",
        "re-run the failing job locally",
        WRAPPER,
    ),
    r("make", "make", "unknown", r"^make(?:\[\d+\])?: \*\*\* (?P<message>.+)$", "make", WRAPPER),
    r(
        "tox",
        "tox",
        "unknown",
        r"^(?:ERROR: +\S+: (?:commands failed|InvocationError)|\s*\S+: (?:FAIL code \d+|commands\[\d+\].* exit \d+)|ERROR: InvocationError)(?P<message>.*)$",
        "tox",
        WRAPPER,
    ),
    r("nox", "nox", "unknown", r"^nox > Session (?P<message>\S+ failed.*)$", "nox", WRAPPER),
    r(
        "pre-commit",
        "pre-commit",
        "unknown",
        r"^(?P<message>[^\n]+?)\.{3,}Failed\s*$",
        "pre-commit run --all-files",
        WRAPPER,
    ),
    r(
        "coverage",
        "coverage",
        "unknown",
        r"(?:FAIL Required test coverage of|Coverage failure: total of)(?P<message>.*)$",
        "python -m pytest --cov",
        WRAPPER,
    ),
    r(
        "subprocess-exited",
        "pip",
        "unknown",
        r"^error: subprocess-exited-with-error",
        "re-run the failing command",
        WRAPPER,
    ),
)

# Literals (and one location shape) that every rule's line contains, searched over the raw bytes.
# Each is a separate pattern with a literal prefix: CPython searches those at memory speed, where
# one big alternation would try every alternative at every position (measured: 180 MiB/s against
# about 4 GiB/s per literal). Every rule above must be reachable through one of these.
PREFILTERS: tuple[re.Pattern[bytes], ...] = tuple(
    re.compile(p)
    for p in (
        rb"FAIL", rb"ERROR", rb"rror", rb"ailed", rb"eformat", rb"--> ", "\u25cf".encode(), rb"not found",
        rb"imeout", rb"Could not", rb"\*\*\*", rb"_____ ", rb'File "', rb"rootdir: ", rb"you require",
        rb"No solution found", rb":\d+:\d+: [A-Z]{1,3}\d", rb": in <module>", rb"_test\.go:", rb"\.test\.", rb"\.spec\.", rb"expect\(",
    )
)  # fmt: skip
