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
