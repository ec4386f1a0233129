"""What the project's own automation runs: one command, where it is written, and whether it runs here.

Values only; the readers (one module per source) build them from text and never import or run
project code.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
# Where a command came from, in the order the gate trusts them (the first is the most trusted).
KINDS = ("sdetkit", "pre-commit", "tox", "nox", "github", "gitlab", "make", "just", "script", "config")


class Origin(NamedTuple):
    """The file and line a command is written on, and which kind of source that file is."""

    file: str
    line: int
    kind: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file  # a parsed table has no line
        return f"{where} ({self.kind})"

    @property
    def trust(self) -> int:
        """The source's rank: lower is more trusted."""
        return KINDS.index(self.kind)


class HookSelection(NamedTuple):
    """What a pre-commit hook pins and which files it passes to its command."""

    hook_id: str
    rev: str = ""
    files: str = ""  # regex over repo-relative paths; empty selects every file
    exclude: str = ""  # regex; empty excludes nothing
    types: tuple[str, ...] = ("file",)  # every tag must match
    types_or: tuple[str, ...] = ()  # at least one must match (when given)
    additional_dependencies: tuple[str, ...] = ()
    pass_filenames: bool = True
    repo: str = ""  # the hook repository's URL
    rev_line: int = 0  # the line of its `rev:`
    frozen: str = ""  # the version a `# frozen: vX` comment gives a commit rev

    @property
    def version(self) -> str:
        """The tool version the hook runs (see :func:`rev_version`)."""
        return rev_version(self.rev, self.frozen)


def rev_version(rev: str, frozen: str = "") -> str:
    """The version a hook repository's ``rev`` pins: a ``# frozen:`` comment's, else the rev without
    its ``v`` (empty when the rev is a bare commit, which names no version)."""
    if frozen:
        return frozen.removeprefix("v")
    return "" if _COMMIT.match(rev) else rev.removeprefix("v")


class HookRepo(NamedTuple):
    """One ``repos:`` entry of a pre-commit configuration: its URL, its rev (and the line and the
    version it gives), and the ``additional_dependencies`` its hooks list."""

    url: str
    rev: str
    rev_line: int
    frozen: str
    deps: tuple[str, ...]

    @property
    def name(self) -> str:
        """The repository's name (``ruff-pre-commit``), as tool providers list it."""
        return self.url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]

    @property
    def version(self) -> str:
        """The version its rev pins (see :func:`rev_version`)."""
        return rev_version(self.rev, self.frozen)


class CiCommand(NamedTuple):
    """One command the project's automation runs, normalised to the tool it runs.

    ``argv`` starts at the tool (``mypy src``, ``python -m pytest -n auto``); ``args`` are the
    arguments after the tool's name. ``why_not`` is empty when the command can run on this machine,
    else why it cannot (a secret, a service container, another operating system, docker). ``off``
    says why a command that does not run by default does not (empty: the generic reason); ``env``
    is what its source sets for it (tox ``set_env``, nox ``session.env``); ``via`` is the lock tool
    (uv, poetry, pdm) whose locked environment runs it, empty when none does.
    """

    tool: str
    argv: tuple[str, ...]
    origin: Origin
    context: str = ""  # tox env, nox session, CI job or make target
    default: bool = True  # runs when the automation runs with no selection
    why_not: str = ""
    hook: HookSelection | None = None
    at: int = 1  # index in argv of the first argument after the tool's name
    off: str = ""
    env: tuple[tuple[str, str], ...] = ()
    via: str = ""  # the lock tool whose environment runs it: `uv run X`, or a job that ran `uv sync`

    @property
    def args(self) -> tuple[str, ...]:
        """The arguments after the tool's name (and after ``python -m TOOL``)."""
        return self.argv[self.at :]

    @property
    def runnable(self) -> bool:
        """Whether the command can run on this machine."""
        return not self.why_not

    def describe(self) -> str:
        """``origin [context]: command``, for listings."""
        where = f"{self.origin}" + (f" [{self.context}]" if self.context else "")
        return f"{where}: {' '.join(self.argv)}"
