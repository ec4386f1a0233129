"""Cached tool environments: one virtual environment per (tool, version, extra packages, Python).

An environment is created with the target interpreter's ``python -m venv`` and ``pip install``,
in a temporary folder that is renamed into place once complete, so a half-made environment is
never used; a marker file written last says it is complete. Two gates creating the same one at
once take a lock: the second finds the first's and reuses it. The project's own environment is
never touched.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from sdetkit.run.process import ProcessRunner

MARKER = ".sdetkit-complete"
INSTALL_TIMEOUT = 600.0
_SCRIPTS = "Scripts" if os.name == "nt" else "bin"
# Variables that would point the new environment's pip at another environment.
_DROPPED = ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "PIP_USER", "PIP_TARGET", "PIP_PREFIX")


# An environment of an unpinned tool is resolved again once it is older than this: CI installs
# the newest version each run, so a week-old newest is no longer what CI runs.
FRESH_SECONDS = 24 * 3600


class ToolEnvSpec(NamedTuple):
    """What a tool environment holds: ``package==version`` plus ``deps``, for a Python version.

    An unpinned tool (``spec``, the requirement as the project writes it: ``mypy``) has no
    ``version``: it gets the newest the index offers, and ``stamp`` (seconds since the epoch, when
    it was or will be created) tells its environments apart, one per resolution."""

    package: str
    version: str
    deps: tuple[str, ...]
    python_version: str
    spec: str = ""
    stamp: int = 0

    @property
    def key(self) -> str:
        """sha256 of everything that makes two environments differ (the stamp is not: it only says when)."""
        payload: list[object] = [self.package, self.version, sorted(self.deps), self.python_version]
        if self.spec:
            payload.append(self.spec)
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()

    @property
    def requirement(self) -> str:
        """The requirement pip installs: the pin, or the unpinned spec as written."""
        return self.spec or f"{self.package}=={self.version}"


def env_dir(cache_root: Path, spec: ToolEnvSpec) -> Path:
    """Where the environment for ``spec`` lives under the cache directory."""
    if spec.spec:
        return cache_root / "toolenvs" / f"{spec.package}-newest-{spec.key[:16]}-{spec.stamp}"
    return cache_root / "toolenvs" / f"{spec.package}-{spec.version}-{spec.key[:16]}"


def resolution(cache_root: Path, spec: ToolEnvSpec, now: float) -> ToolEnvSpec:
    """An unpinned ``spec`` stamped with its newest complete environment younger than
    :data:`FRESH_SECONDS`, else with ``now`` (a new resolution: the newest version today)."""
    if not spec.spec:
        return spec
    stamps = []
    for found in (cache_root / "toolenvs").glob(f"{spec.package}-newest-{spec.key[:16]}-*"):
        stamp = found.name.rsplit("-", 1)[-1]
        if stamp.isdigit() and is_complete(found) and now - int(stamp) < FRESH_SECONDS:
            stamps.append(int(stamp))
    return spec._replace(stamp=max(stamps, default=int(now)))


def installed_version(env: Path) -> str | None:
    """The tool version a complete environment holds, as recorded when it was created."""
    try:
        recorded = json.loads((env / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    version = recorded.get("installed") if isinstance(recorded, dict) else None
    return version if isinstance(version, str) else None


def scripts_dir(env: Path) -> Path:
    """The environment's scripts folder (its interpreter and the tool's programs)."""
    return env / _SCRIPTS


def interpreter(env: Path) -> Path:
    """The environment's Python."""
    return scripts_dir(env) / ("python.exe" if os.name == "nt" else "python")


def is_complete(env: Path) -> bool:
    """Whether the environment was created to the end (its marker is written last)."""
    return (env / MARKER).is_file()


class ToolEnvFailure(NamedTuple):
    """Why an environment could not be created, as one line."""

    message: str


def ensure(
    cache_root: Path,
    spec: ToolEnvSpec,
    python: str,
    source: str,
    runner: ProcessRunner,
    environ: Mapping[str, str],
) -> Path | ToolEnvFailure:
    """The complete environment for ``spec``: reused when present, else created with ``python``.
    ``source`` (where the pin is) is named in the failure message."""
    final = env_dir(cache_root, spec)

    def make(tmp: Path) -> dict[str, object] | ToolEnvFailure:
        failure = _create(tmp, spec, python, runner, environ)
        if failure is not None:
            where = f"in {source}" if spec.spec else f"pinned in {source}"
            return ToolEnvFailure(f"cannot install {spec.requirement} ({where}): {failure}")
        _relocate(tmp, final)
        return {**spec._asdict(), "installed": _version_in(tmp, spec.package, runner, environ)}

    return made_once(final, make)


def made_once(final: Path, make: Callable[[Path], dict[str, object] | ToolEnvFailure]) -> Path | ToolEnvFailure:
    """``final`` when complete; else ``make`` fills a temporary folder beside it, whose record is
    written last as its marker, and the folder is renamed into place: a half-made one is never
    used. Two gates making the same one take a lock; the second reuses the first's."""
    if is_complete(final):
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    with locked(final.with_name(final.name + ".lock")):
        if is_complete(final):  # another gate made it while this one waited
            return final
        tmp = Path(tempfile.mkdtemp(prefix=final.name + ".tmp-", dir=final.parent))
        try:
            record = make(tmp)
            if isinstance(record, ToolEnvFailure):
                return record
            (tmp / MARKER).write_text(json.dumps(record, sort_keys=True), "utf-8")
            if final.exists():  # an incomplete leftover of an interrupted run
                shutil.rmtree(final)
            tmp.replace(final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def _create(tmp: Path, spec: ToolEnvSpec, python: str, runner: ProcessRunner, environ: Mapping[str, str]) -> str | None:
    """Create the environment in ``tmp``; the reason it failed, or None."""
    env = clean_environ(environ)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    made = runner.run([python, "-m", "venv", str(tmp)], tmp.parent, env, INSTALL_TIMEOUT)
    if made.exit_code != 0:
        return made.start_error or _last_line(made.output) or f"python -m venv exited with {made.exit_code}"
    install = [str(interpreter(tmp)), "-m", "pip", "install", "-q", spec.requirement, *spec.deps]
    done = runner.run(install, tmp.parent, env, INSTALL_TIMEOUT)
    if done.timed_out:
        return f"pip install timed out after {INSTALL_TIMEOUT:g}s"
    if done.exit_code != 0:
        return done.start_error or _last_line(done.output) or f"pip install exited with {done.exit_code}"
    return None


def clean_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without the variables that would point a new environment at another one."""
    return {k: v for k, v in environ.items() if k not in _DROPPED}


def _version_in(env: Path, package: str, runner: ProcessRunner, environ: Mapping[str, str]) -> str:
    """The version of ``package`` pip installed in ``env`` (what an unpinned spec resolved to)."""
    code = f"import importlib.metadata as m; print(m.version({package!r}))"
    clean = clean_environ(environ)
    done = runner.run([str(interpreter(env)), "-c", code], env.parent, clean, INSTALL_TIMEOUT)
    return done.output.strip().splitlines()[-1] if done.exit_code == 0 and done.output.strip() else ""


def _last_line(output: str) -> str:
    """pip's own reason: its last ``ERROR:`` line, else its last line."""
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("ERROR:")]
    return (errors or lines or [""])[-1][:300]


def _relocate(tmp: Path, final: Path) -> None:
    """Point the scripts pip wrote (their ``#!`` line names the interpreter by its full path) at
    the folder the environment is renamed to."""
    old, new = os.fsencode(tmp), os.fsencode(final)
    for script in scripts_dir(tmp).iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        with script.open("rb") as fh:
            head = fh.read(2)
        if head != b"#!":
            continue
        data = script.read_bytes()
        if old in data:
            script.write_bytes(data.replace(old, new))


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path`` for the duration of the block (waits for another holder)."""
    with path.open("a+b") as fh:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                fh.seek(0)
                msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
