"""Native-build, system-package, tool and kill rules: what their fixes and commands say for each variant."""

from __future__ import annotations

import pytest

from tests.triage.support import triage_text


@pytest.mark.parametrize(
    ("line", "fix"),
    [
        ("src/io.c:4:10: fatal error: Python.h: No such file or directory\n", "python3-dev on Debian/Ubuntu"),
        ("  ext/zip.c:2:10: fatal error: zlib.h: No such file or directory\n", "package that provides zlib.h"),
        ("fatal error: openssl/ssl.h: No such file or directory\n", "package that provides openssl/ssl.h"),
        ("src/io.c:9:3: error: expected ';' before 'return'\n", "fix the code at the line the compiler names"),
    ],
)
def test_a_missing_header_names_its_system_package(line: str, fix: str) -> None:
    found = triage_text(line)
    assert found[0].classification == "build or packaging" and fix in found[0].fix


@pytest.mark.parametrize(
    ("line", "next_command", "fix"),
    [
        ("/bin/sh: 1: pytest-3: not found\n", "python3 -m pytest", "python3-pytest"),
        ("make: py.test-3: No such file or directory\n", "python3 -m pytest", "python3 -m pytest"),
        ("make: py.test: No such file or directory\n", "python -m pip install pytest", "install the tool"),
        ("bash: line 1: sphinx-build: command not found\n", "python -m pip install sphinx", "install the tool"),
        ("/bin/sh: 1: jq: not found\n", "command -v jq", "install jq in the job"),
    ],
)
def test_only_a_python_tool_is_sent_to_pip(line: str, next_command: str, fix: str) -> None:
    found = triage_text(line)
    assert found[0].classification == "missing tool or module"
    assert found[0].next_command == next_command and fix in found[0].fix


@pytest.mark.parametrize(
    ("line", "classification", "command"),
    [
        ("/bin/bash: line 1:  2048 Killed                  ./etl --full\n", "resource limit", "./etl --full"),
        ("job.sh: line 9:  77 Segmentation fault      (core dumped) ./solver in.dat\n", "crash", "./solver in.dat"),
        ("line 4:  310 Aborted                 (core dumped) python -m pytest\n", "crash", "python -m pytest"),
    ],
)
def test_the_shell_report_of_a_kill_names_the_command(line: str, classification: str, command: str) -> None:
    found = triage_text(line)
    assert (found[0].rule, found[0].classification, found[0].next_command) == ("shell-killed", classification, command)


def test_a_compiler_warning_and_a_cython_warning_are_not_errors() -> None:
    log = (
        "src/a.c:3:5: warning: unused variable 'n' [-Wunused-variable]\n"
        "warning: pkg/m.pyx:4:8: Unused entry 'x'\n"
        "/usr/lib/python3/site-packages/Cython/Compiler/Main.py:369: FutureWarning: language_level not set\n"
    )
    assert triage_text(log) == []


def test_a_wrapper_before_the_compiler_error_does_not_win() -> None:
    log = (
        "error: command '/usr/bin/gcc' failed with exit code 1\n"
        "ERROR: Failed building wheel for fastx\n"
        "fastx/_x.c:1:10: fatal error: zlib.h: No such file or directory\n"
    )
    found = triage_text(log)
    assert [(f.rule, f.source) for f in found] == [
        ("c-compiler", "ci.log:3"),
        ("compiler-driver", "ci.log:1"),
        ("pip-wheel", "ci.log:2"),
    ]
    assert (found[0].affected_file, found[0].line) == ("fastx/_x.c", 1)


def test_rustc_takes_its_location_from_the_arrow_line() -> None:
    found = triage_text("error[E0599]: no method named `len` found\n   --> crates/core/src/buf.rs:77:14\n")
    assert (found[0].affected_file, found[0].line, found[0].message) == (
        "crates/core/src/buf.rs",
        77,
        "no method named `len` found",
    )
