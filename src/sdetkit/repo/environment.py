"""The target repository's Python environment: which interpreter, which tools it has.

The gate must run the repository's own tools, never sdetkit's by accident, so the interpreter is
chosen explicitly and the choice is recorded with its source.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError, UsageError
from sdetkit.evidence.atomic import write_text
from sdetkit.run.process import query

# Run inside the target interpreter: its real executable, where its scripts and packages live,
# which tool modules it can import, and the folders on its sys.path (to validate a cached answer).
_PROBE = r"""
import importlib.util, json, os, sys, sysconfig
# `python -c` puts the working directory first on sys.path, where a `build/` output folder would
# pass for the `build` package (a namespace package). Only installed modules count.
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
paths = sysconfig.get_paths()
print(json.dumps({
    "executable": sys.executable,
    "version": "%d.%d.%d" % sys.version_info[:3],
    "prefix": sys.prefix,
    "scripts": paths["scripts"],
    "site": sorted({paths["purelib"], paths["platlib"]}),
    "sys_path": [p for p in sys.path if p and os.path.isdir(p)],
    "cache_tag": sys.implementation.cache_tag,
    "modules": [m for m in sys.argv[1:] if getattr(importlib.util.find_spec(m), "origin", None)],
}))
"""
# Variables that change what an interpreter imports; a cached probe is valid only under the same.
_PROBE_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONNOUSERSITE", "PYTHONSAFEPATH", "PYTHONUSERBASE")
_DIST_SUFFIXES = (".dist-info", ".egg-info", ".pth", ".egg-link")


class Environment(NamedTuple):
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
    # Folders the interpreter imports from, and the tag of its bytecode files (``cpython-311``;
    # None when the implementation writes none): where the environment's own bytecode lives.
    sys_path: tuple[str, ...] = ()
    cache_tag: str | None = None

    def tool_version(self, name: str) -> str | None:
        return self.dists.get(name)

    def find_program(self, name: str, path_env: str | None) -> str | None:
        """An executable from the environment's scripts folder first, then PATH."""
        for candidate in (name, name + ".exe"):
            p = Path(self.scripts) / candidate
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


def _mtime(path: str) -> int:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError:
        return -1


def _probe_key(python: Path, cwd: Path, environ: Mapping[str, str], modules: Sequence[str]) -> str | None:
    """Key for a cached probe, or None for an interpreter that is a script (a pyenv or asdf shim
    picks its interpreter at run time, so its answer cannot be reused)."""
    try:
        st = python.stat()
        with python.open("rb") as f:
            if f.read(2) == b"#!":
                return None
    except OSError:
        return None
    parts = ["probe-v4", str(python), str(st.st_ino), str(st.st_size), str(st.st_mtime_ns), str(cwd)]
    parts += [f"{k}={environ.get(k, '')}" for k in _PROBE_ENV]
    parts += modules  # a newly registered tool's module must be looked for, not read from an old answer
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _cached(cache: Path, key: str) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads((cache / f"{key}.json").read_text("utf-8"))
        stamps = data["stamps"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    # Installing or removing a package changes its folder's mtime: then the answer is stale.
    if any(_mtime(p) != m for p, m in stamps):
        return None
    return data


def _distributions(site: list[str]) -> tuple[dict[str, str], str]:
    """Installed distributions (name -> version) and a fingerprint that changes on any install."""
    dists: dict[str, str] = {}
    h = hashlib.sha256()
    for d in site:
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError:
            continue
        for e in entries:
            if e.name.endswith(_DIST_SUFFIXES):
                try:
                    m = e.stat().st_mtime_ns
                except OSError:
                    m = 0
                h.update(f"{d}/{e.name}:{m}\n".encode("utf-8", "surrogateescape"))
            if e.name.endswith(".dist-info"):
                name, _, ver = e.name[: -len(".dist-info")].partition("-")
                dists[name.lower().replace("_", "-")] = ver
    return dists, h.hexdigest()


def probe(
    python: Path,
    source: str,
    cwd: Path,
    environ: Mapping[str, str],
    cache: Path | None = None,
    modules: Sequence[str] | None = None,
) -> Environment:
    """Ask the interpreter about itself (one short subprocess), or reuse a still-valid answer.

    ``modules`` are the ones to look for; by default every module a step provider's tool or a gate
    profile's checks need (:func:`sdetkit.gate.profiles.probed_modules`)."""
    if modules is None:
        # Imported here: the registry sits above this adapter, which only runs the probe it asks for.
        from sdetkit.gate.profiles import probed_modules

        modules = probed_modules()
    key = _probe_key(python, cwd, environ, modules) if cache is not None else None
    data = _cached(cache, key) if cache is not None and key is not None else None
    if data is None:
        res = query([str(python), "-c", _PROBE, *modules], cwd, env=environ, timeout=60)
        if res.exit_code != 0:
            detail = res.stderr.strip().splitlines()[-1:] or ["no output"]
            raise InputError(f"{python}: cannot run this interpreter ({detail[0]})")
        try:
            data = json.loads(res.stdout)
        except ValueError as exc:
            raise InputError(f"{python}: unexpected answer from the interpreter probe") from exc
        data["stamps"] = [(p, _mtime(p)) for p in sorted({*data["site"], *data["sys_path"]})]
        if cache is not None and key is not None:
            with contextlib.suppress(OSError):
                write_text(cache / f"{key}.json", json.dumps(data))
    dists, fingerprint = _distributions(list(data["site"]))
    prefix = str(data["prefix"])
    # Run tools with the interpreter's real executable: a shim re-decides which Python to use (and
    # costs a shell start) on every call.
    executable = str(data["executable"]) if data.get("executable") else str(python)
    return Environment(
        python=executable if Path(executable).is_file() else str(python),
        source=source,
        version=str(data["version"]),
        prefix=prefix,
        scripts=str(data["scripts"]),
        modules=frozenset(data["modules"]),
        dists=dists,
        fingerprint=fingerprint,
        is_venv=_venv_python(Path(prefix)) is not None,
        sys_path=tuple(str(p) for p in data["sys_path"]),
        cache_tag=str(data["cache_tag"]) if data.get("cache_tag") else None,
    )
