"""Every triage rule, one at a time: it reads its own example line, and fires on a golden case."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sdetkit.triage import registry
from sdetkit.triage.readers import read
from sdetkit.triage.rules import RULES
from tests.triage.support import triage_text

CORPUS = Path(__file__).parent.parent / "data" / "triage"

# rule id -> (a log with one failure of that kind, the next command triage gives for it)
EXAMPLES: dict[str, tuple[str, str]] = {
    "c-compiler": (
        "src/ring.c:12:5: error: unknown type name 'size'\n",
        "re-run the build step that compiles src/ring.c",
    ),
    "c-fatal": (
        "cc1: fatal error: gen/table.c: No such file or directory\n",
        "re-run the build with its commands shown (make VERBOSE=1, pip install -v) to see the file",
    ),
    "cython": ("pkg/_fast.pyx:7:4: Cannot assign type 'double' to 'int *'\n", "cythonize -i pkg/_fast.pyx"),
    "rustc": ("error[E0308]: mismatched types\n  --> src/lib.rs:9:5\n", "cargo build"),
    "apt-unmet": (
        " libfoo-dev : Depends: libfoo1 (= 2.1-1) but it is not going to be installed\n",
        "apt-get install --simulate libfoo-dev",
    ),
    "apt-held": ("E: Unable to correct problems, you have held broken packages.\n", "apt-get install --simulate"),
    "apk-unsatisfiable": ("ERROR: unable to select packages:\n  zlib-1.3.1-r2:\n", "apk add --simulate"),
    "make-missing-tool": ("make: tox: No such file or directory\n", "python -m pip install tox"),
    "shell-killed": ("/bin/bash: line 2:  901 Killed                  ./train --epochs 3\n", "./train --epochs 3"),
    "pytest-progress-crash": (
        "tests/test_png.py ..FFatal Python error: Aborted\n",
        'python -m pytest -q "tests/test_png.py"',
    ),
    "xdist-crash": (
        "[gw0] worker 'gw0' crashed while running 'tests/test_io.py::test_mmap'\n",
        'python -m pytest -q -p no:xdist "tests/test_io.py::test_mmap"',
    ),
    "pytest-collect": (
        "ERROR tests/test_api.py - ImportError: cannot import name 'x'\n",
        'python -m pytest -q "tests/test_api.py"',
    ),
    "pytest-failed": (
        "FAILED tests/test_a.py::test_b - assert 1 == 2\n",
        'python -m pytest -q "tests/test_a.py::test_b"',
    ),
    "pytest-section": (
        "____________ test_total ____________\nE       assert 3 == 4\ntests/test_cart.py:12: AssertionError\n",
        'python -m pytest -q "tests/test_cart.py::test_total"',
    ),
    "pytest-pretty": (
        "\u2502 tests/test_api.py \u2502 test_timeout \u2502 14 \u2502 20 \u2502 TimeoutError \u2502\n",
        'python -m pytest -q "tests/test_api.py::test_timeout"',
    ),
    "pytest-verbose": (
        "tests/test_a.py::test_b FAILED                [ 50%]\n",
        'python -m pytest -q "tests/test_a.py::test_b"',
    ),
    "unittest": (
        "FAIL: test_sum (tests.test_calc.CalcTest.test_sum)\n",
        "python -m unittest tests.test_calc.CalcTest.test_sum",
    ),
    "mypy": ("src/pkg/a.py:3: error: Incompatible return value type  [return-value]\n", "python -m mypy src/pkg/a.py"),
    "pyright": ("  /w/src/pkg/a.py:3:5 - error: Type is not assignable\n", "pyright /w/src/pkg/a.py"),
    "lint-concise": ("src/a.py:1:8: F401 [*] `os` imported but unused\n", "ruff check --no-fix src/a.py"),
    "ruff-full": ("F401 `os` imported but unused\n --> src/a.py:1:8\n", "ruff check --no-fix src/a.py"),
    "ruff-format": ("Would reformat: src/a.py\n", "ruff format --diff src/a.py"),
    "black": ("would reformat src/a.py\n", "black --diff src/a.py"),
    "isort": ("ERROR: src/a.py Imports are incorrectly sorted and/or formatted.\n", "isort --diff src/a.py"),
    "missing-module": ("ModuleNotFoundError: No module named 'yaml'\n", "python -m pip install yaml"),
    "pip-no-version": ("ERROR: No matching distribution found for nope==1\n", 'python -m pip install "nope==1"'),
    "pip-no-version-detail": (
        "ERROR: Could not find a version that satisfies the requirement nope==1 (from versions: none)\n",
        'python -m pip install "nope==1"',
    ),
    "pip-conflict": (
        "ERROR: ResolutionImpossible: for help visit https://pip.pypa.io\n",
        "python -m pip install -r requirements.txt",
    ),
    "uv-resolve": ("  \u00d7 No solution found when resolving dependencies:\n", "uv pip install -r requirements.txt"),
    "command-not-found": ("/tmp/step.sh: line 1: tox: command not found\n", "python -m pip install tox"),
    "setuptools": ("error: package directory 'src/x' does not exist\n", "python -m build"),
    "build-backend": ("ERROR Backend subprocess exited when trying to invoke build_wheel\n", "python -m build"),
    "jest": ("FAIL src/sum.test.js\n  ● sum \u203a adds two numbers\n", 'npx jest -t "adds two numbers"'),
    "go-test": ("--- FAIL: TestAdd (0.00s)\n", "go test -run '^TestAdd$' ./..."),
    "network": ("curl: (6) Could not resolve host: example.invalid\n", "re-run the job (infrastructure)"),
    "pip-retry": (
        "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection"
        " broken by 'SSLError(SSLError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed'))': /x/\n",
        "re-run the job (infrastructure)",
    ),
    "config": (
        "ERROR: usage: pytest [options] [file_or_dir] [file_or_dir] [...]\n",
        "fix the configuration named above, then re-run",
    ),
    "timeout": (
        "Error: Timeout exceeded while waiting for the service\n",
        "re-run with a longer timeout after finding the slow step",
    ),
    "exception": ("KeyError: 'arch'\n", "re-run the failing command"),
    "error-line": ("error: the build script failed\n", "re-run the failing command"),
}


# Every variant of a kind of line seen in real logs: (line, the rule that must read it, its class)
VARIANTS: list[tuple[str, str, str]] = [
    (
        "pip._vendor.urllib3.exceptions.ReadTimeoutError: HTTPSConnectionPool(host='h', port=443): Read timed out.",
        "network",
        "infrastructure or network",
    ),
    ("socket.gaierror: [Errno -3] Temporary failure in name resolution", "network", "infrastructure or network"),
    (
        "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed",
        "network",
        "infrastructure or network",
    ),
    (
        "Could not fetch URL https://index.example/simple/x/: connection error: EOF occurred in violation of protocol",
        "network",
        "infrastructure or network",
    ),
    ("ERROR    HTTP Error 503: Service Unavailable", "network", "infrastructure or network"),
    ("ERROR: HTTP error 503 while getting https://files.example/x.whl", "network", "infrastructure or network"),
    (
        "requests.exceptions.HTTPError: 429 Too Many Requests for url: https://index.example/simple/",
        "network",
        "infrastructure or network",
    ),
    ("curl: (22) The requested URL returned error: 502 Bad Gateway", "network", "infrastructure or network"),
    ("ERROR: Job failed: execution took longer than 1h0m0s seconds", "timeout", "timeout"),
    ("The job exceeded the maximum time limit for jobs, and has been terminated.", "timeout", "timeout"),
    ("The job running on agent Hosted Agent ran longer than the maximum time of 60 minutes.", "timeout", "timeout"),
    (
        "The job running on runner GitHub Actions 14 has exceeded the maximum execution time of 30 minutes.",
        "timeout",
        "timeout",
    ),
    ("ERROR: file or directory not found: tests/unit", "config", "configuration"),
    ("ERROR: not found: /w/tests/test_a.py::test_gone", "config", "configuration"),
    ("ERROR: file not found: tests/unit", "config", "configuration"),
    ("\u00d7 Getting requirements to build wheel did not run successfully.", "build-backend", "build or packaging"),
    (
        "  Retrying (Retry(total=2, connect=None, read=None, redirect=None)) after connection broken by"
        " 'NewConnectionError(\"Failed to establish a new connection: [Errno -3] Temporary failure in name"
        " resolution\")': /simple/widgetlib/",
        "pip-retry",
        "infrastructure or network",
    ),
    ("ImportError: No module named 'yaml'", "missing-module", "missing tool or module"),
    ("ImportError: No module named yaml", "missing-module", "missing tool or module"),
    ("/w/.tox/py312/bin/python: No module named pytest", "missing-module", "missing tool or module"),
]
# Lines in failure words that are no failure by themselves: a traceback's source line, a retry pip went on after.
NOT_FAILURES = [
    "    raise ReadTimeoutError(self._pool, None, 'Read timed out.')",
    "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken"
    " by 'ReadTimeoutError(\"HTTPSConnectionPool(host='h', port=443): Read timed out. (read timeout=15)\")': /simple/x/"
    "\nCollecting widgetlib==2.0\n  Downloading widgetlib-2.0-py3-none-any.whl (10 kB)",
    # -rP's sections are passes; tox's summary title is no test
    "=== PASSES ===\n______ test_prints_report ______\n--- Captured stdout call ---\nE   rows: 3"
    "\ntests/test_r.py:9: in test_prints_report",
    "___________ summary ___________\n  py312: commands succeeded",
]


@pytest.mark.parametrize(("line", "rule_id", "classification"), VARIANTS)
def test_every_variant_of_a_line_is_read_by_its_rule(line: str, rule_id: str, classification: str) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    assert any(re.search(w, line.encode()) for w in rule.words)
    found = triage_text(line + "\n")
    assert [(f.rule, f.classification) for f in found][:1] == [(rule_id, classification)]


@pytest.mark.parametrize("line", NOT_FAILURES)
def test_a_retry_or_a_source_line_is_no_failure(line: str) -> None:
    assert triage_text(line + "\n") == []


def test_a_retry_pip_never_went_on_from_is_the_cause() -> None:
    retry = NOT_FAILURES[1].splitlines()[0]
    found = triage_text(f"mypy.....Failed\n{retry}\n")
    assert [(f.rule, f.classification, f.source) for f in found][:1] == [
        ("pip-retry", "infrastructure or network", "ci.log:2")
    ]


def test_every_rule_has_an_example() -> None:
    assert sorted(EXAMPLES) == sorted(r.id for r in RULES)


@pytest.mark.parametrize("rule_id", list(EXAMPLES))
def test_rule_reads_its_example(rule_id: str) -> None:
    """The rule's own words let its line through the prefilter, and the rule (not an earlier one) reads it."""
    log, next_command = EXAMPLES[rule_id]
    rule = next(r for r in RULES if r.id == rule_id)
    assert any(re.search(w, log.encode()) for w in rule.words)
    found = [f for f in triage_text(log) if f.rule == rule_id]
    assert found, triage_text(log)
    f = found[0]
    assert (f.classification, f.tool if rule_id != "lint-concise" else "ruff") == (rule.classification, rule.tool)
    assert (f.next_command, f.fix) == (next_command, rule.fix) and f.fix


@pytest.mark.parametrize("rule_id", list(EXAMPLES))
def test_rule_has_words_and_a_fix(rule_id: str) -> None:
    rule = next(r for r in RULES if r.id == rule_id)
    assert rule.words and rule.fix and rule.next


def fired_on_golden_cases() -> dict[str, list[str]]:
    """rule id -> the golden cases where it produced at least one finding (not only the first)."""
    fired: dict[str, list[str]] = {r.id: [] for r in registry.all_rules()}
    for case in sorted(p for p in CORPUS.iterdir() if (p / "expected.json").is_file()):
        source = next(p for p in case.iterdir() if p.name.startswith("input."))
        for rule_id in dict.fromkeys(f.rule for f in read(source)):
            fired.setdefault(rule_id, []).append(case.name)
    return fired


def test_every_rule_fires_on_a_golden_case() -> None:
    """A rule no golden case exercises is dead or untested: add a case modeled on a real log, or remove it."""
    never = [rule_id for rule_id, cases in fired_on_golden_cases().items() if not cases]
    assert not never, f"rules that fire on no golden case in {CORPUS}: {never}"


RETRY = (
    "WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection"
    " broken by 'NewConnectionError(\"Failed to establish a new connection: [Errno -3] Temporary failure in"
    " name resolution\")': /simple/widgetlib/\n"
)
NO_VERSION = "ERROR: No matching distribution found for widgetlib==9.9\n"


def test_no_version_after_retries_that_never_got_through_is_the_networks_wrapper() -> None:
    found = triage_text(RETRY + NO_VERSION)
    assert [(f.rule, f.classification, f.tier) for f in found] == [
        ("pip-retry", "infrastructure or network", 2),
        ("pip-no-version", "infrastructure or network", 3),
    ]
    assert found[1].fix == found[0].fix  # re-run, not "loosen the pin"


def test_no_version_after_retries_that_got_through_is_a_pin_problem() -> None:
    log = RETRY + "Collecting widgetlib==2.0\n  Downloading widgetlib-2.0-py3-none-any.whl (10 kB)\n" + NO_VERSION
    (f,) = triage_text(log)
    assert (f.rule, f.classification, f.tier) == ("pip-no-version", "dependency resolution", 1)
