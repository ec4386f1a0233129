"""Shell lines as commands: split on ``&&``/``;``/``|``, wrappers dropped, the tool named.

Shared by every reader of CI text (workflows, tox commands, make recipes). Plain text only.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
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
# `python tests.py`, `coverage run tests.py`: a project's own test script, run as a program.
TEST_SCRIPT = "test-script"
# Test runs the gate runs as CI writes them, judged by their exit code (sdetkit.steps.runners).
RUN_AS_WRITTEN = frozenset({*OTHER_TEST_RUNNERS, TEST_MODULE, TEST_SCRIPT})
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
# Wrapper options followed by a value (`uvx --with tox-uv tox`, `uv run -p 3.12 pytest`, `uv run --group lint ruff`).
_WRAPPER_VALUE = frozenset(
    {"--with", "-w", "--with-requirements", "--with-editable", "--from", "--python", "-p", "--group", "--only-group"}
    | {"--extra", "--package", "--directory", "--project", "--env-file", "--index", "--spec"}
    | {"-u", "--unset", "-C", "--chdir"}
)
_PYTHON = re.compile(r"^(?:python(?:\d(?:\.\d+)?)?|\{envpython\}|\$\{?PYTHON\}?|py|.*/python\d?(?:\.\d+)?)$")
_ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")
_SEPARATORS = frozenset({"&&", "||", ";", "|", "&", ";;"})
_GH_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_ASSIGN = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*[:?]?=\s*(.*?)\s*$")
_VAR = re.compile(r"\$\{(\w+)\}|\$\((\w+)\)|\$(\w+)")
# A shell variable: `$NAME`, `${NAME}`, `${NAME:-default}` (not `${{ expression }}`: the CI's own).
_SHELL_VAR = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")
# What a command substitution is written as once read (see :func:`commands`).
UNKNOWN_OUTPUT = "$(...)"
# How a command using a variable the gate cannot know ends its why_not.
UNKNOWN_VALUE = ", whose value is not known here"


def _substitutions(line: str) -> str:
    """``line`` with each command substitution (``$(...)``, backticks) written ``$(...)``: its output
    is not known here, and its inner ``|``/``;`` must not split the command around it."""
    out: list[str] = []
    i = 0
    while i < len(line):
        if line[i] == "`":
            end = line.find("`", i + 1)
            i = len(line) if end < 0 else end + 1
        elif line.startswith("$(", i):
            depth, i = 0, i + 1
            while i < len(line):
                depth += {"(": 1, ")": -1}.get(line[i], 0)
                i += 1
                if depth == 0:
                    break
        else:
            out.append(line[i])
            i += 1
            continue
        out.append(UNKNOWN_OUTPUT)
    return "".join(out)


def commands(line: str) -> Iterator[list[str]]:
    """Each simple command of a shell line, as words (redirections dropped)."""
    text = _GH_EXPR.sub(lambda m: "${{" + m[1].replace(" ", "") + "}}", _substitutions(line))
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
                i += 2 if words[i] in _WRAPPER_VALUE else 1
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
        if name == "coverage" and (run := _coverage_run(rest[2:])) is not None:
            return run
        if name in TOOLS:
            return TOOLS[name], ("python", "-m", *rest[2:]), 3
        return (TEST_MODULE, ("python", "-m", *rest[2:]), 3) if is_test_module(name) else None
    if _PYTHON.match(rest[0]) and len(rest) > 1 and is_test_script(rest[1]):
        return TEST_SCRIPT, ("python", *rest[1:]), 2
    name = PurePosixPath(rest[0]).name
    if name in DRIVERS:
        return name, tuple(rest), 1
    if name == "coverage" and (run := _coverage_run(rest)) is not None:
        return run
    return (TOOLS[name], tuple(rest), 1) if name in TOOLS else None


# `coverage run` options whose value is the next word.
_COVERAGE_VALUES = frozenset(
    {"--source", "--rcfile", "--include", "--omit", "--context", "--data-file", "--concurrency"}
)


def _coverage_run(words: list[str]) -> tuple[str, tuple[str, ...], int] | None:
    """`coverage run -m unittest discover`, `coverage run --source=pkg tests.py`: the command runs
    the tests and coverage only measures them (a coverage step reads its threshold from `coverage
    report`), so the tool is the runner or the test script; None for anything else."""
    if words[1:2] != ["run"]:
        return None
    i = 2
    while i < len(words) and words[i].startswith("-") and words[i] != "-m":
        i += 2 if words[i] in _COVERAGE_VALUES else 1
    if i + 1 < len(words) and words[i] == "-m" and words[i + 1] in TOOLS:
        return TOOLS[words[i + 1]], ("python", "-m", *words[i + 1 :]), 3
    if i < len(words) and is_test_script(words[i]):
        return TEST_SCRIPT, ("python", *words[i:]), 2
    return None


def is_test_script(path: str) -> bool:
    """Whether ``python PATH`` runs tests by its name: a ``.py`` file named for tests
    (``tests.py``, ``runtests.py``, ``test_all.py``) or inside a ``tests``/``test`` folder."""
    p = PurePosixPath(path)
    return p.suffix == ".py" and (bool(_TESTISH.match(p.stem)) or bool({"tests", "test"} & set(p.parts[:-1])))


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


def shell_expand(line: str, known: Mapping[str, str]) -> str:
    """Shell variables in ``line`` replaced by their ``known`` value (or their ``${NAME:-x}`` default)."""

    def value(m: re.Match[str]) -> str:
        name = m[1] or m[3]
        if name in known:
            return known[name]
        return m[2] if m[2] is not None else m[0]

    return _SHELL_VAR.sub(value, line)


def environment(values: Mapping[str, str], known: Mapping[str, str] | None = None) -> dict[str, str]:
    """``known`` with the variables a CI file sets (``env:``, ``variables:``) added, each expanded by
    the ones before it; a value the gate cannot know (a CI expression, a secret) leaves its name out."""
    out = dict(known or {})
    for name, value in values.items():
        assign(f"{name}={shlex.quote(value)}", out)
    return out


def assign(line: str, known: dict[str, str]) -> bool:
    """Record in ``known`` the plain assignments a shell line makes (``NAME=value``,
    ``export NAME=value``); whether the line is only that. A value the gate cannot know (a command's
    output, an unknown variable, a CI expression) makes its name unknown, so that no later use of it
    counts as empty."""
    try:
        words = shlex.split(_substitutions(line), comments=True)
    except ValueError:
        return False
    if words[:1] == ["export"]:
        words = words[1:]
    if not words or not all(_ASSIGNMENT.match(w) for w in words):
        return False
    for word in words:
        name, _, raw = word.partition("=")
        text = shell_expand(raw, known)
        if "$" in text or "`" in text:
            known.pop(name, None)
        else:
            known[name] = text
    return True


def unknown_variable(words: Sequence[str]) -> str:
    """The first variable or command output among ``words`` whose value is not known ("" if none)."""
    for word in words:
        if UNKNOWN_OUTPUT in word:
            return UNKNOWN_OUTPUT
        if (m := _SHELL_VAR.search(word)) is not None:
            return "$" + (m[1] or m[3])
    return ""


# Tools that run the tests: the ones a job's service containers are there for.
TEST_TOOLS = frozenset({"pytest", "coverage", "unittest", *RUN_AS_WRITTEN})


def job_commands(
    line: str,
    origin: Origin,
    context: str,
    default: bool,
    why: str,
    services: str,
    known: dict[str, str] | None = None,
    via: str = "",
) -> list[CiCommand]:
    """The tool commands of one CI job line: ``why`` none of them runs here (empty: they can), and
    ``services`` why its test commands cannot (the job's service containers). ``known``: the shell
    variables set before this line (its own assignments are added), expanded before the line is split;
    a tool command that uses one whose value is not known is not run here (its scope is unknown).
    ``via``: the lock tool the job installed its environment with (a line's own ``uv run`` says so too)."""
    if known is not None:
        if assign(line, known):
            return []
        line = shell_expand(line, known)
    out = []
    for words in commands(line):
        found = tool_of(words)
        if found is not None:
            tool, argv, at = found
            reason = why or (services if tool in TEST_TOOLS else "")
            if not reason and tool not in DRIVERS and (name := unknown_variable(argv[at - 1 :])):
                reason = f"uses {name}{UNKNOWN_VALUE}"
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
