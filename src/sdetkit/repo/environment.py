"""The target repository's Python environment: which interpreter, which tools it has.

The gate must run the repository's own tools, never sdetkit's by accident, so the interpreter is
chosen explicitly and the choice is recorded with its source.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sdetkit.errors import InputError, UsageError
from sdetkit.run.process import query

# Run inside the target interpreter: where its scripts live, which tool modules it can import,
# and a fingerprint of its installed distributions (names, versions and install times).
_PROBE = r"""
import hashlib, importlib.util, json, os, sys, sysconfig
paths = sysconfig.get_paths()
dists, h = {}, hashlib.sha256()
for d in sorted({paths["purelib"], paths["platlib"]}):
    try:
        names = sorted(os.listdir(d))
    except OSError:
        continue
    for n in names:
        if n.endswith((".dist-info", ".egg-info", ".pth", ".egg-link")):
            try:
                m = os.stat(os.path.join(d, n)).st_mtime_ns
            except OSError:
                m = 0
            h.update(f"{d}/{n}:{m}\n".encode())
        if n.endswith(".dist-info"):
            name, _, ver = n[: -len(".dist-info")].partition("-")
            dists[name.lower().replace("_", "-")] = ver
print(json.dumps({
    "executable": sys.executable,
    "version": "%d.%d.%d" % sys.version_info[:3],
    "prefix": sys.prefix,
    "scripts": paths["scripts"],
    "modules": [m for m in sys.argv[1:] if importlib.util.find_spec(m) is not None],
    "dists": dists,
    "fingerprint": h.hexdigest(),
}))
"""

TOOL_MODULES = ("ruff", "mypy", "pytest", "pyright")


@dataclass(frozen=True)
class Environment:
    """A probed interpreter. ``source`` says why it was chosen."""

    python: str
    source: str
    version: str
    prefix: str
    scripts: str
    modules: frozenset[str]
    dists: Mapping[str, str]
    fingerprint: str
    is_venv: bool

    def tool_version(self, name: str) -> str | None:
        return self.dists.get(name)

    def find_program(self, name: str, path_env: str | None) -> str | None:
        """An executable from the environment's scripts folder first, then PATH."""
        for folder in (self.scripts,):
            for candidate in (name, name + ".exe"):
                p = Path(folder) / candidate
                if p.is_file() and os.access(p, os.X_OK):
                    return str(p)
        return shutil.which(name, path=path_env)


def _venv_python(folder: Path) -> Path | None:
    if not (folder / "pyvenv.cfg").is_file() and not (folder / "conda-meta").is_dir():
        return None
    for rel in ("bin/python", "bin/python3", "Scripts/python.exe"):
        if (folder / rel).exists():
            return folder / rel
    return None


def choose_interpreter(
    project: Path, toplevel: Path, explicit: str | None, environ: Mapping[str, str]
) -> tuple[Path, str]:
    """Pick the interpreter whose tools the gate runs, and say why.

    Order: ``--python``; the active virtual environment (VIRTUAL_ENV, CONDA_PREFIX); a ``.venv`` or
    ``venv`` in the project or at the top of its work tree; the ``python3`` on PATH.
    """
    if explicit:
        given = Path(explicit).expanduser()
        if given.is_dir():
            found = _venv_python(given)
            if found is None:
                raise UsageError(f"--python {explicit}: not a virtual environment (no pyvenv.cfg)")
            return found.absolute(), "--python"
        if not given.exists():
            resolved = shutil.which(explicit, path=environ.get("PATH"))
            if resolved is None:
                raise UsageError(f"--python {explicit}: no such interpreter")
            given = Path(resolved)
        # Never resolve symlinks: a venv's python is a link to the base interpreter, and following
        # it would silently leave the environment.
        return given.absolute(), "--python"
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        if environ.get(var):
            found = _venv_python(Path(environ[var]))
            if found is not None:
                return found.absolute(), f"active environment (${var})"
    for base in dict.fromkeys((project, toplevel)):
        for name in (".venv", "venv"):
            found = _venv_python(base / name)
            if found is not None:
                where = name if base == project else f"{name} at the work tree's top"
                return found, where
    for name in ("python3", "python"):
        on_path = shutil.which(name, path=environ.get("PATH"))
        if on_path:
            return Path(on_path), f"{name} on PATH"
    return Path(sys.executable), "sdetkit's own interpreter (no other Python was found)"


def probe(python: Path, source: str, cwd: Path) -> Environment:
    """Ask the interpreter about itself. One short subprocess."""
    res = query([str(python), "-c", _PROBE, *TOOL_MODULES], cwd, timeout=60)
    if res.exit_code != 0:
        detail = res.stderr.strip().splitlines()[-1:] or ["no output"]
        raise InputError(f"{python}: cannot run this interpreter ({detail[0]})")
    try:
        data = json.loads(res.stdout)
    except ValueError as exc:
        raise InputError(f"{python}: unexpected answer from the interpreter probe") from exc
    prefix = str(data["prefix"])
    return Environment(
        python=str(python),
        source=source,
        version=str(data["version"]),
        prefix=prefix,
        scripts=str(data["scripts"]),
        modules=frozenset(data["modules"]),
        dists={str(k): str(v) for k, v in data["dists"].items()},
        fingerprint=str(data["fingerprint"]),
        is_venv=_venv_python(Path(prefix)) is not None,
    )
