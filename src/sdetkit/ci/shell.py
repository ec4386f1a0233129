"""Shell lines as commands: split on ``&&``/``;``/``|``, wrappers dropped, the tool named.

Shared by every reader of CI text (workflows, tox commands, make recipes). Plain text only.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath

from sdetkit.ci.model import CiCommand, Origin

# Tools the gate has steps for, by every name they are run as.
TOOLS = {
    "ruff": "ruff",
    "mypy": "mypy",
    "dmypy": "mypy",
    "pyright": "pyright",
    "basedpyright": "pyright",
    "pytest": "pytest",
    "py.test": "pytest",
    "coverage": "coverage",
    "unittest": "unittest",
    "flake8": "flake8",
    "black": "black",
    "isort": "isort",
    "sdetkit": "sdetkit",  # `sdetkit gate fast` in CI runs the checks the gate plans
}
# Other test runners: the tests step runs them as the project declares them (sdetkit.steps.unittest).
OTHER_TEST_RUNNERS = ("nose2", "green", "trial", "stestr", "zope-testrunner", "ward")
TOOLS.update((name, name) for name in OTHER_TEST_RUNNERS)
# `python -m pkg.tests.runner`: a project's own test-running module (the tool CI commands name it by).
TEST_MODULE = "test-module"
# A dotted module part that names tests: `tests`, `test_all`, `unit_tests`, `runtests`.
_TESTISH = re.compile(r"^(?:tests?|testing|run_?tests?|tests?_\w+|\w+_tests?)$")
# Commands that run other commands: a CI line `make lint` runs the target's recipe.
DRIVERS = frozenset({"make", "just", "tox", "nox"})
# Commands that run the next word: `uv run mypy`, `poetry run pytest`, `env X=1 ruff`.
_WRAPPERS = {
    ("uv", "run"): 2,
    ("poetry", "run"): 2,
    ("pdm", "run"): 2,
    ("hatch", "run"): 2,
    ("pipx", "run"): 2,
    ("pipenv", "run"): 2,
    ("rye", "run"): 2,
    ("uvx",): 1,
    ("env",): 1,
    ("time",): 1,
    ("exec",): 1,
    ("xvfb-run",): 1,
}
# Wrapper options followed by a value (`uvx --with tox-uv tox`, `uv run --group lint ruff`).
_WRAPPER_VALUED = frozenset(
    {"--with", "-w", "--with-requirements", "--with-editable", "--from", "--python", "-p", "--group", "--only-group"}
    | {"--extra", "--package", "--directory", "--project", "--env-file", "--index", "--spec"}
)
_PYTHON = re.compile(r"^(?:python(?:\d(?:\.\d+)?)?|\{envpython\}|\$\{?PYTHON\}?|py|.*/python\d?(?:\.\d+)?)$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;"})
_GH_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_ASSIGN = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*[:?]?=\s*(.*?)\s*$")
_VAR = re.compile(r"\$\{(\w+)\}|\$\((\w+)\)|\$(\w+)")


def commands(line: str) -> Iterator[list[str]]:
    """Each simple command of a shell line, as words (redirections dropped)."""
    text = _GH_EXPR.sub(lambda m: "${{" + m[1].replace(" ", "") + "}}", line)
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.commenters = "#"
    lexer.whitespace_split = True
    try:
        words = list(lexer)
    except ValueError:
        return
    current: list[str] = []
    for w in words:
        if w in _SEPARATORS:
            if current:
                yield current
            current = []
        elif not (w.startswith((">", "2>", "1>", "<")) or w in {"\\", "2>&1"}):
            current.append(w)
    if current:
        yield current


def tool_of(words: list[str]) -> tuple[str, tuple[str, ...], int] | None:
    """(tool, argv from the tool on, index of its first argument) of a command that runs a tool the
    gate knows (or a driver such as ``make``), else None. ``python -m TOOL`` keeps its ``python -m`` prefix."""
    i = 0
    while i < len(words):
        w = words[i]
        step = next((n for key, n in _WRAPPERS.items() if tuple(words[i : i + len(key)]) == key), 0)
        if step:
            i += step
            while i < len(words) and words[i].startswith("-"):  # the wrapper's own options
                i += 2 if words[i] in _WRAPPER_VALUED else 1
            continue
        if _ASSIGNMENT.match(w):
            i += 1
            continue
        break
    rest = words[i:]
    if not rest:
        return None
    if _PYTHON.match(rest[0]) and len(rest) > 2 and rest[1] == "-m":
        name = rest[2]
        if name in TOOLS:
            return TOOLS[name], ("python", "-m", *rest[2:]), 3
        return (TEST_MODULE, ("python", "-m", *rest[2:]), 3) if is_test_module(name) else None
    name = PurePosixPath(rest[0]).name
    if name in DRIVERS:
        return name, tuple(rest), 1
    if name == "coverage" and rest[1:2] == ["run"] and "-m" in rest[2:]:
        # `coverage run -m unittest discover`: the command runs the tests; coverage only measures
        # them (a coverage step reads its threshold from `coverage report`).
        module = rest.index("-m", 2) + 1
        if module < len(rest) and rest[module] in TOOLS:
            return TOOLS[rest[module]], ("python", "-m", *rest[module:]), 3
    return (TOOLS[name], tuple(rest), 1) if name in TOOLS else None


def is_test_module(name: str) -> bool:
    """Whether ``python -m NAME`` runs tests by its name: a part of the dotted name says tests."""
    return any(_TESTISH.match(part) for part in name.split("."))


def variables(text: str) -> dict[str, str]:
    """Simple ``NAME = value`` assignments of a Makefile or script (computed ones left out)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        m = _ASSIGN.match(line)
        if m and "$(shell" not in m[2]:
            found[m[1]] = m[2].strip("\"'")
    return found


def expand(line: str, known: Mapping[str, str]) -> str:
    """``$(NAME)``, ``${NAME}`` and ``$NAME`` replaced where ``known`` has them."""
    return _VAR.sub(lambda m: known.get(m[1] or m[2] or m[3], m[0]), line)


# Tools that run the tests: the ones a job's service containers are there for.
TEST_TOOLS = frozenset({"pytest", "coverage", "unittest", TEST_MODULE, *OTHER_TEST_RUNNERS})


def job_commands(
    line: str, origin: Origin, context: str, default: bool, why: str, services: str, via: str = ""
) -> list[CiCommand]:
    """The tool commands of one CI job line: ``why`` none of them runs here (empty: they can),
    ``services`` why its test commands cannot (the job's service containers), ``via`` the lock
    tool the job installed its environment with (a line's own ``uv run`` says so too)."""
    out = []
    for words in commands(line):
        found = tool_of(words)
        if found is not None:
            tool, argv, at = found
            reason = why or (services if tool in TEST_TOOLS else "")
            out.append(CiCommand(tool, argv, origin, context, default, reason, at=at, via=lock_runner(words) or via))
    return out


# A lock tool running a command in its locked environment, and a lock tool installing it.
_LOCK_RUN = re.compile(r"^(?:[A-Za-z_]\w*=\S*\s+)*(?P<tool>uv|poetry|pdm)\s+run\b")
_LOCK_INSTALL = re.compile(
    r"(?:^|[;&|(]\s*|\s)(?P<tool>uv)\s+sync\b|\b(?P<other>poetry\s+install|pdm\s+(?:install|sync))\b"
)


def lock_runner(words: list[str]) -> str:
    """The lock tool (uv, poetry, pdm) a command runs through (``uv run mypy``), else empty."""
    found = _LOCK_RUN.match(" ".join(words))
    return found["tool"] if found else ""


def lock_installer(text: str) -> str:
    """The lock tool a job's commands install its environment with (``uv sync``, ``poetry
    install``, ``pdm install``/``pdm sync``), else empty."""
    found = _LOCK_INSTALL.search(text)
    if found is None:
        return ""
    return found["tool"] or found["other"].split()[0]
