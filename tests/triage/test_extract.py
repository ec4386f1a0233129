"""The extractor reads rules only through the registry: a new rule needs no other edit."""

from __future__ import annotations

import inspect

import pytest

from sdetkit.triage import extract, registry
from sdetkit.triage.rule import CAUSAL, WEAK, rule
from sdetkit.triage.rules import RULES
from sdetkit.triage.signals import SIGNALS
from tests.triage.support import triage_text

# A Rust test panic: none of the built-in rules' words is on this line.
PANIC = "thread 'tests::adds' panicked at src/lib.rs:10:5:\n"
CARGO = rule(
    "cargo-panic",
    "cargo test",
    "test failure",
    r"^thread '(?P<test>[^']+)' panicked at (?P<file>[^:\s]+\.rs):(?P<line>\d+)",
    "cargo test {test}",
    words=(rb"panicked at",),
    fix="make the failing assertion hold",
)


def test_a_registered_rule_fires_with_no_other_edit() -> None:
    assert triage_text(PANIC) == []
    with registry.registered(CARGO):
        assert rb"panicked at" in registry.prefilter().words
        (f,) = triage_text(PANIC)
    assert (f.rule, f.classification, f.tool, f.affected_file, f.line) == (
        "cargo-panic",
        "test failure",
        "cargo test",
        "src/lib.rs",
        10,
    )
    assert (f.next_command, f.fix) == ("cargo test tests::adds", "make the failing assertion hold")
    assert triage_text(PANIC) == [] and registry.all_rules() == RULES
    assert rb"panicked at" not in registry.prefilter().words


def test_registration_order_and_errors() -> None:
    weak = CARGO._replace(id="cargo-weak", tier=WEAK)
    with registry.registered(CARGO, weak):
        ids = [r.id for r in registry.all_rules()]
        # after the last rule of its tier (or a stronger one), before the weaker ones
        assert ids.index("cargo-panic") == max(i for i, r in enumerate(RULES) if r.tier == CAUSAL) + 1
        assert ids.index("cargo-weak") == max(i for i, r in enumerate(RULES) if r.tier <= WEAK) + 2
        with pytest.raises(ValueError, match="already exists"):
            registry.register(CARGO)
    with registry.registered(CARGO, before="mypy"):
        assert [r.id for r in registry.all_rules()].index("cargo-panic") == [r.id for r in RULES].index("mypy")
    with pytest.raises(ValueError, match="no triage rule"):
        registry.register(CARGO, before="nope")
    with pytest.raises(ValueError, match="no triage rule"):
        registry.unregister("nope")
    assert registry.all_rules() == RULES


def test_extractor_names_no_rule() -> None:
    source = inspect.getsource(extract)
    assert [r.id for r in RULES if f'"{r.id}"' in source or f"'{r.id}'" in source] == []


def test_prefilter_is_derived_from_the_rules_and_signals_words() -> None:
    words = {w for r in RULES for w in r.words} | {w for s in SIGNALS for w in s.words}
    assert set(registry.prefilter().words) == words
    assert len(registry.prefilter().words) == len(words)


def test_unittest_block_gives_the_line_and_the_message() -> None:
    log = (
        "FAIL: test_sum (tests.test_calc.CalcTest.test_sum)\n"
        "Traceback (most recent call last):\n"
        '  File "/w/tests/test_calc.py", line 9, in test_sum\n'
        "AssertionError: 3 != 4\n"
        '  File "/w/tests/test_calc.py", line 99, in later\n'
    )
    (f,) = triage_text(log)
    assert (f.test_id, f.line, f.message) == ("tests/test_calc.py::CalcTest::test_sum", 9, "AssertionError: 3 != 4")


def test_jest_header_and_frame() -> None:
    log = (
        "FAIL src/sum.test.js\n"
        "  ● sum \u203a adds\n"
        "    expect(received).toBe(expected)\n"
        "      at Object.<anonymous> (src/sum.test.js:7:17)\n"
    )
    (f,) = triage_text(log)
    assert (f.affected_file, f.line, f.message) == ("src/sum.test.js", 7, "expect(received).toBe(expected)")


def test_go_detail_line() -> None:
    (f,) = triage_text("--- FAIL: TestAdd (0.00s)\n    add_test.go:12: got 3, want 4\n")
    assert (f.affected_file, f.line, f.message) == ("add_test.go", 12, "got 3, want 4")


def test_uv_requirements_become_the_next_command() -> None:
    log = (
        "  \u00d7 No solution found when resolving dependencies:\n"
        "  ╰─▶ Because you require numpy>=2 and you require numpy<1.20, we can conclude that you require numpy>3.\n"
    )
    (f,) = triage_text(log)
    assert f.next_command == 'uv pip install "numpy>=2" "numpy<1.20"'


def test_collection_section_is_the_finding_and_its_summary_a_repeat() -> None:
    log = (
        "_________________ ERROR collecting tests/test_api.py _________________\n"
        "E   ModuleNotFoundError: No module named 'httpx'\n"
        "ERROR tests/test_api.py - ModuleNotFoundError: No module named 'httpx'\n"
    )
    (f,) = triage_text(log)
    assert (f.rule, f.test_id, f.message) == (
        "pytest-collect",
        "tests/test_api.py",
        "ModuleNotFoundError: No module named 'httpx'",
    )


def test_linter_from_the_message_when_the_log_names_none() -> None:
    """pycodestyle/pyflakes messages start lowercase, ruff's do not."""
    (f,) = triage_text("src/a.py:1:1: E302 expected 2 blank lines, found 1\n")
    assert (f.tool, f.next_command) == ("flake8", "flake8 src/a.py")
    (g,) = triage_text("src/a.py:1:8: F401 [*] `os` imported but unused\n")
    assert (g.tool, g.next_command) == ("ruff", "ruff check --no-fix src/a.py")


def test_ruff_format_diff_in_full_output() -> None:
    (f,) = triage_text("unformatted: File would be reformatted\n --> src/a.py:1:1\n")
    assert (f.classification, f.next_command) == ("format", "ruff format --diff src/a.py")
