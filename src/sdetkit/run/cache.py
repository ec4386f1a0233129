"""Result cache: a step whose every input is unchanged since it passed is reported from here.

The key covers the work tree's contents (commit tree plus every changed, untracked or loose ignored
file), the environment (interpreter, installed distributions), the step's argv and program, the
environment variables, and sdetkit's version. Only passes are stored: a failure always re-runs.
Entries live under the user cache directory, never inside the repository.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from sdetkit import __version__
from sdetkit.evidence.atomic import write_text
from sdetkit.model import ExternalProgram, InternalCheck, Status, StepResult, StepSpec

FORMAT = 1
# Variables that change between shells without changing what a tool does.
VOLATILE_ENV = frozenset(
    {
        "_",
        "PWD",
        "OLDPWD",
        "SHLVL",
        "TERM",
        "COLUMNS",
        "LINES",
        "TMUX",
        "TMUX_PANE",
        "WINDOWID",
        "DISPLAY",
        "SSH_AUTH_SOCK",
        "SSH_CLIENT",
        "SSH_CONNECTION",
        "SSH_TTY",
        "XDG_SESSION_ID",
        "PS1",
        "HISTFILE",
        "COLORTERM",
        "TERM_PROGRAM",
        "TERM_PROGRAM_VERSION",
        "TERM_SESSION_ID",
        "WT_SESSION",
        "STARSHIP_SESSION_KEY",
        "PYTEST_CURRENT_TEST",
    }
)


def cache_root(environ: Mapping[str, str]) -> Path:
    """``$SDETKIT_CACHE_DIR``, else the platform's user cache directory."""
    if environ.get("SDETKIT_CACHE_DIR"):
        return Path(environ["SDETKIT_CACHE_DIR"])
    import platformdirs

    return Path(platformdirs.user_cache_dir("sdetkit", appauthor=False))


class StepCache:
    """Lookup and store of passing step results under one base key."""

    def __init__(
        self, root: Path | None, base_key: str, read: bool = True, fresh: frozenset[str] = frozenset()
    ) -> None:
        self.root = root
        self.base_key = base_key
        # False: every step runs for real (the release gate, unless --allow-cache); passes are
        # still stored, so the next fast gate on the same tree can use them.
        self.read = read
        # Steps that run for real even when a result is stored: a later step reads files they write.
        self.fresh = fresh

    def applies(self, spec: StepSpec) -> bool:
        return self.root is not None and not spec.modifies and not isinstance(spec.program, InternalCheck)

    @staticmethod
    def base(content: str, env_fingerprint: str, python: str, environ: Mapping[str, str]) -> str:
        """The part of every key shared by a run's steps."""
        h = hashlib.sha256()
        for part in (f"v{FORMAT}", __version__, content, env_fingerprint, python):
            h.update(part.encode() + b"\0")
        for k in sorted(environ):
            if k not in VOLATILE_ENV:
                h.update(f"{k}={environ[k]}".encode("utf-8", "surrogateescape") + b"\0")
        return h.hexdigest()

    def key(self, spec: StepSpec) -> str:
        h = hashlib.sha256(self.base_key.encode())
        program = spec.program.path if isinstance(spec.program, ExternalProgram) else ""
        try:
            st = Path(program).stat()
            stamp = f"{st.st_size}:{st.st_mtime_ns}"
        except OSError:
            stamp = "?"
        payload = [
            spec.id,
            spec.kind,
            list(spec.command),
            list(spec.extra),
            program,
            stamp,
            spec.timeout,
            list(spec.env),
            spec.tool_version,
            *([list(spec.before)] if spec.before else []),  # keys of steps without one stay as they were
        ]
        h.update(json.dumps(payload, sort_keys=True).encode())
        return h.hexdigest()

    @staticmethod
    def _path(root: Path, key: str) -> Path:
        return root / "steps" / key[:2] / f"{key}.json"

    def get(self, spec: StepSpec) -> StepResult | None:
        if self.root is None or not self.read or spec.id in self.fresh or not self.applies(spec):
            return None
        try:
            data = json.loads(self._path(self.root, self.key(spec)).read_text("utf-8"))
            if data.get("status") != Status.PASSED.value:
                return None
            return StepResult(
                spec=spec,
                status=Status.PASSED,
                exit_code=int(data["exit_code"]),
                cached=True,
                message=str(data.get("message", "")),
                log_tail=str(data.get("log_tail", "")),
                tool_version=data.get("tool_version"),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged entry: run the step

    def put(self, result: StepResult) -> None:
        if self.root is None or result.status is not Status.PASSED or not self.applies(result.spec):
            return
        entry = {
            "status": result.status.value,
            "exit_code": result.exit_code,
            "message": result.message,
            "log_tail": result.log_tail,
            "tool_version": result.tool_version,
            "duration": round(result.duration, 3),
        }
        # A cache that cannot be written only costs speed.
        with contextlib.suppress(OSError):
            write_text(self._path(self.root, self.key(result.spec)), json.dumps(entry, sort_keys=True))


def tool_dir(root: Path, project: Path) -> Path:
    """Per-project folder for tools' own caches (mypy, ruff, pytest, bytecode)."""
    digest = hashlib.sha256(os.fsencode(project)).hexdigest()[:16]
    return root / "tools" / digest
