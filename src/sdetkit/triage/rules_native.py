"""Triage rules for native builds, system packages, missing tools, kills and worker crashes.

Compiler diagnostics (C and C++ from gcc and clang, Cython, rustc) are causes: the driver's and the
build tool's lines after them ("command 'gcc' failed", "Failed building wheel", make's ``***``) are
wrappers, in ``sdetkit.triage.signals``. A fix names the system package when the message makes it
clear (a missing header), and a missing tool is only sent to pip when it is a Python tool.
"""

from __future__ import annotations

import re

from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.rule import WEAK, Rule, Seen, rule

# A source file a compiler names: any extension but Python's (mypy and pyright read those), no
# spaces or colons, so "C:\x" style drive letters and prose do not match.
_SOURCE = r"(?P<file>[^\s:'\"()]+\.(?!pyi?:)[A-Za-z+]+)"
_HEADER = re.compile(r"(?P<header>[\w./+-]+\.h(?:h|pp|xx)?): No such file or directory")
_BUILD_FIX = "fix the code at the line the compiler names (the first error: later ones often follow from it)"
_PY_HEADERS = (
    "install the Python development headers: python3-dev on Debian/Ubuntu and Alpine, "
    "python3-devel on Fedora/RHEL/openSUSE (or use a Python build that ships them)"
)
# Executables that are Python tools, and the distribution that provides each (its own name or not).
PY_TOOLS = {
    "pytest": "pytest", "py.test": "pytest", "tox": "tox", "nox": "nox", "flake8": "flake8", "ruff": "ruff",
    "black": "black", "mypy": "mypy", "isort": "isort", "pre-commit": "pre-commit", "coverage": "coverage",
    "twine": "twine", "pylint": "pylint", "sphinx-build": "sphinx", "pyright": "pyright", "cython": "cython",
    "bandit": "bandit", "hatch": "hatch", "pdm": "pdm", "poetry": "poetry", "uv": "uv", "codespell": "codespell",
    "pip-compile": "pip-tools", "pip-sync": "pip-tools",
}  # fmt: skip
# Distributions' renamed executables ("pytest-3", "py.test-3"): the module runs under python3.
_DISTRO_SUFFIX = re.compile(r"^(?P<tool>[\w.]+)-3$")
_KILLED = {"Killed": "resource limit", "Terminated": "resource limit"}


def header_fix(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """A missing header names its system package: Python.h is the Python headers, another the -dev one."""
    missing = _HEADER.search(groups.get("message", ""))
    if missing is None:
        return rule
    header = missing["header"]
    if header.rsplit("/", 1)[-1] == "Python.h":
        return rule._replace(fix=_PY_HEADERS)
    return rule._replace(
        fix=f"install the -dev/-devel system package that provides {header} (or point the build at its include path)"
    )


def tool_fix(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """pip only for a Python tool; a distribution's renamed executable runs as a module; others are system tools."""
    name = groups.get("module", "")
    distro = _DISTRO_SUFFIX.match(name)
    if distro and distro["tool"] in PY_TOOLS:
        module = PY_TOOLS[distro["tool"]]
        return rule._replace(
            next=f"python3 -m {module}",
            fix=f"run it as python3 -m {module} (or install the distribution's python3-{module} package)",
        )
    if name in PY_TOOLS:
        groups["module"] = PY_TOOLS[name]
        return rule
    return rule._replace(
        next="command -v {module}",
        fix=f"install {name} in the job (its system package or its own installer), or fix the name that calls it",
    )


def rust_location(finding: TriageFinding, text: str) -> tuple[TriageFinding, bool] | None:
    """rustc prints the location on the line after the error: `` --> src/lib.rs:48:6``."""
    m = re.match(r"^\s*--> (?P<file>[^\s:]+):(?P<line>\d+):\d+\s*$", text)
    if m is None or finding.line is not None:
        return None
    return finding._replace(affected_file=m["file"], line=int(m["line"])), False


def xdist_node_down(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """xdist reports the test a dead worker was running as failed, just after "[gw2] node down": a crash."""
    worker = groups.get("gw")
    down = next((b for b in reversed(seen.before) if worker and b.startswith(f"[{worker}] node down")), None)
    if down is None:
        return rule
    groups["message"] = f"{down} (the worker crashed while running this test)"
    return rule._replace(
        classification="crash",
        fix="the test crashed its worker (a native crash or memory exhaustion): run it alone to see how it dies",
    )


def faulthandler_test(finding: TriageFinding, text: str) -> tuple[TriageFinding, bool] | None:
    """faulthandler's thread dump after a crash: the frame in the test file names the test and its line."""
    m = re.match(r'^File "(?P<path>[^"]+)", line (?P<line>\d+) in (?P<name>test\w*)$', text)
    if m is None or not finding.affected_file or not m["path"].endswith(finding.affected_file):
        return None
    test = f"{finding.affected_file}::{m['name']}"
    return finding._replace(line=int(m["line"]), test_id=test, next_command=f'python -m pytest -q "{test}"'), False


def killed_class(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """A KILL or TERM is a resource limit (memory, time); a SEGV or ABRT is a crash."""
    return rule._replace(classification=_KILLED.get(groups.get("sig", ""), "crash"))


def apk_conflict(finding: TriageFinding, text: str) -> tuple[TriageFinding, bool] | None:
    """apk lists each package it cannot select (``curl-8.11.0-r1:``) and what it breaks under it."""
    pkg = re.match(r"^\s*(?P<pkg>[\w.+-]+-r\d+):$", text)
    if pkg:
        return finding._replace(message=f"{finding.message} {pkg['pkg']}"), True
    breaks = re.match(r"^\s*breaks: (?P<what>.+)$", text)
    if breaks:
        return finding._replace(message=f"{finding.message} breaks: {breaks['what']}"), True
    return None


NATIVE_RULES: tuple[Rule, ...] = (
    # C and C++ compilers: "src/x.c:9:10: fatal error: Python.h: No such file or directory" (gcc,
    # clang; indented under pip's subprocess output). clang may put the message on the next line.
    rule(
        "c-compiler",
        "cc",
        "build or packaging",
        rf"^\s*{_SOURCE}:(?P<line>\d+):(?:(?P<col>\d+):)? (?:fatal )?error:(?: (?P<message>.+))?$",
        "re-run the build step that compiles {file}",
        words=(rb"error:",),
        fix=_BUILD_FIX,
        refine=header_fix,
    ),
    # The same with no file in front (a driver or a build tool that drops it)
    rule(
        "c-fatal",
        "cc",
        "build or packaging",
        r"^\s*(?:[\w.+-]+: )?fatal error: (?P<message>.+)$",
        "re-run the build with its commands shown (make VERBOSE=1, pip install -v) to see the file",
        words=(rb"fatal error: ",),
        fix=_BUILD_FIX,
        refine=header_fix,
    ),
    # Cython: "Error compiling Cython file:", the code, then "pkg/mod.pyx:84:15: message"
    rule(
        "cython",
        "cython",
        "build or packaging",
        r"^\s*(?P<file>[^\s:'\"()]+\.(?:pyx|pxd|pxi)):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$",
        "cythonize -i {file}",
        words=(rb"\.p(?:yx|xd|xi):\d",),
        fix="fix the Cython source at the line named (a missing .pxd: put its directory on the include path)",
    ),
    # rustc: "error[E0425]: cannot find value ..." then " --> src/lib.rs:48:6"
    rule(
        "rustc",
        "rustc",
        "build or packaging",
        r"^\s*error\[(?P<code>E\d{4})\]: (?P<message>.+)$",
        "cargo build",
        words=(rb"error\[E",),
        fix="fix the code rustc names (in a dependency's source: pin a version of it that builds with this one)",
        follow=rust_location,
    ),
    # system packages
    rule(
        "apt-unmet",
        "apt",
        "dependency resolution",
        r"^\s*(?P<message>(?P<pkg>[\w.+-]+) : Depends: (?P<dep>.+?) but (?:.+? is to be installed|it is not "
        r"(?:going to be installed|installable)))\s*$",
        "apt-get install --simulate {pkg}",
        words=(rb" : Depends: ",),
        fix="make both sides agree: install the version the dependency asks for (or the package's version that "
        "matches what is installed), or refresh stale package lists with apt-get update",
    ),
    rule(
        "apt-held",
        "apt",
        "dependency resolution",
        r"^E: (?P<message>Unable to correct problems, you have held broken packages\.)",
        "apt-get install --simulate",
        WEAK,
        words=(rb"E: Unable to correct",),
        fix="read the unmet dependencies apt lists above this line: they name both sides of the conflict",
    ),
    rule(
        "apk-unsatisfiable",
        "apk",
        "dependency resolution",
        r"^ERROR: (?P<message>unable to select packages:)\s*$",
        "apk add --simulate",
        words=(rb"unable to select packages", rb"-r\d+:", rb"breaks: "),
        fix="make the pinned version (world[...]) agree with the version the repository has: change the pin, "
        "or use the Alpine release whose repository has it",
        follow=apk_conflict,
    ),
    # missing tools run by make: "make: py.test: No such file or directory" (then make's Error 1)
    rule(
        "make-missing-tool",
        "make",
        "missing tool or module",
        r"^make(?:\[\d+\])?: (?P<module>[\w.+-]+): (?:No such file or directory|Command not found)\s*$",
        "python -m pip install {module}",
        words=(rb": No such file or directory", rb": Command not found"),
        fix="install the tool in the job before it runs (or call it through the environment that has it)",
        refine=tool_fix,
    ),
    # a process the shell reports killed, with its command: "line 1:  2048 Killed    cmd args"
    rule(
        "shell-killed",
        "runner",
        "resource limit",
        r"^(?:.*: )?line \d+: +\d+ (?P<sig>Killed|Terminated|Segmentation fault|Aborted) +(?:\(core dumped\) +)?"
        r"(?P<cmd>\S.*?)\s*$",
        "{cmd}",
        words=(rb"Killed", rb"Terminated", rb"Segmentation fault", rb"borted"),
        fix="the command was killed (KILL: usually out of memory; SEGV/ABRT: a crash): run it alone and watch "
        "its memory, or find the crash",
        refine=killed_class,
    ),
    # a crash glued to pytest's progress marks ("tests/test_x.py .FFatal Python error: ..."): the file
    # being run; faulthandler's dump after it may name the test
    rule(
        "pytest-progress-crash",
        "pytest",
        "crash",
        r"^(?P<file>[^\s:]+\.py) [.FEsxX]*(?P<message>Fatal Python error: .+|Segmentation fault(?: \(core dumped\))?"
        r"|Aborted(?: \(core dumped\))?)\s*$",
        'python -m pytest -q "{file}"',
        words=(rb"Fatal Python error", rb"Segmentation fault", rb"borted"),
        fix="the interpreter crashed while running this file's tests: the thread dump after it shows where",
        follow=faulthandler_test,
    ),
    # a pytest-xdist worker that died names the test it was running
    rule(
        "xdist-crash",
        "pytest",
        "crash",
        r"worker '?gw\d+'? crashed while running '(?P<test>[^']+)'",
        'python -m pytest -q -p no:xdist "{test}"',
        words=(rb"crashed",),
        fix="the test crashed its worker (a native crash or memory exhaustion): run it alone to see how it dies",
    ),
)
