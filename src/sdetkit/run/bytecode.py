"""Where the steps' Python bytecode goes: out of the work tree, without recompiling the environment.

Python caches compiled modules in a ``__pycache__`` folder beside each source file. The gate must
leave the repository as it found it, so steps run with ``PYTHONPYCACHEPREFIX`` pointing into
sdetkit's per-project cache. That prefix applies to *every* module an interpreter imports, not only
the project's: the standard library and the installed packages are then looked up under the prefix
too, where their bytecode is not, so each of them is compiled from source again. ``import pytest``
alone compiles 233 modules (0.12 s becomes 0.52 s); a test suite that starts Python subprocesses
pays that in every subprocess. With PYTHONDONTWRITEBYTECODE set nothing is ever written to the
prefix, so the cost recurs on every run: 4x on such a suite (docs/performance.md has the numbers).

Two rules remove the cost and keep the tree clean:

- With PYTHONDONTWRITEBYTECODE set, no process writes bytecode anywhere, so there is nothing to keep
  out of the tree: the steps get no prefix of sdetkit's (see ``stepenv``) and read the
  environment's bytecode where it is, exactly as the same command run by hand does.
- Otherwise the prefix *mirrors* the environment's bytecode. For every ``D/__pycache__/M.TAG.pyc``
  below the interpreter's import folders (outside the work tree) a symbolic link ``PREFIX/D/M.TAG.pyc``
  points to it: that is the very path the interpreter reads under the prefix. Nothing is copied
  and nothing outside the prefix is ever written: when a linked file is stale, the interpreter
  compiles the module and replaces the *link* with a file of its own (``os.replace`` renames over
  the link, it does not write through it). The project's own modules have no link and are
  compiled into the prefix once, then reused, as a ``__pycache__`` would be.

Linking is done once per import folder and redone only when that folder changes (a package is
installed or removed), so a warm run pays one ``stat`` per folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from sdetkit.evidence.atomic import write_text

STAMPS = ".sdetkit-mirror"  # inside the prefix: which import folders are linked, as of when
_CACHE = "__pycache__"


def writes_bytecode(environ: Mapping[str, str]) -> bool:
    """Whether interpreters started with ``environ`` write bytecode (any non-empty value of
    PYTHONDONTWRITEBYTECODE turns it off, as in CPython)."""
    return not environ.get("PYTHONDONTWRITEBYTECODE")


class Wanted(NamedTuple):
    """Which bytecode files the steps' interpreters read, by name."""

    cache_tag: str  # ``cpython-311``
    optimized: bool  # PYTHONOPTIMIZE is set: ``.opt-1``/``.opt-2`` files are read too

    def __call__(self, name: str) -> bool:
        # ``M.cpython-311.pyc``, pytest's assertion-rewritten ``M.cpython-311-pytest-9.2.0.pyc``
        # (its plugins' modules, which a direct run leaves beside the environment's own), and the
        # optimised variants only when asked for: linking those always would triple the links.
        if not name.endswith(".pyc") or f".{self.cache_tag}" not in name:
            return False
        return self.optimized or ".opt-" not in name

    def stamp(self) -> str:
        return f"{self.cache_tag} optimized={self.optimized}"


def wanted(cache_tag: str, environ: Mapping[str, str]) -> Wanted:
    """The bytecode files interpreters started with ``environ`` read."""
    return Wanted(cache_tag, bool(environ.get("PYTHONOPTIMIZE")))


def _real(path: str | Path) -> str:
    return os.path.realpath(path)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def mirrored_roots(sys_path: Iterable[str], tree: Path, env_prefix: str) -> list[Path]:
    """The import folders whose bytecode is the environment's, not the project's.

    Left out: folders inside the work tree (the project's sources, whose bytecode the prefix exists
    for) unless they belong to the environment (a ``.venv`` inside the tree), and folders that
    contain the work tree (walking them would link the tree's own ``__pycache__`` folders).
    """
    top, env = _real(tree), _real(env_prefix)
    roots: list[Path] = []
    for entry in dict.fromkeys(sys_path):
        if not Path(entry).is_absolute():
            continue
        real = _real(entry)
        if _inside(top, real):
            continue
        if _inside(real, top) and not _inside(real, env):
            continue
        roots.append(Path(entry))
    return roots


def mirror(prefix: Path, roots: Iterable[Path], want: Wanted) -> int:
    """Link the bytecode below ``roots`` into ``prefix``; return how many links were made.

    Only POSIX: elsewhere creating symbolic links needs a privilege, and the prefix then simply
    fills up by compiling, as before. Every failure here costs speed, never correctness, so it is
    swallowed.
    """
    if os.name != "posix":
        return 0
    made = 0
    for root in roots:
        try:
            st = root.stat()
        except OSError:
            continue
        stamp_file = prefix / STAMPS / hashlib.sha256(os.fsencode(root)).hexdigest()[:16]
        # The folder's own mtime changes whenever an entry is added or removed in it, which is what
        # installing, upgrading or removing a package does.
        stamp = f"{root}\n{st.st_ino}:{st.st_mtime_ns}\n{want.stamp()}\n"
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if stamp_file.read_text("utf-8") == stamp:
                continue
        made += _link_tree(prefix, root, want)
        with contextlib.suppress(OSError):
            write_text(stamp_file, stamp)
    return made


def _link_tree(prefix: Path, root: Path, want: Wanted) -> int:
    """Walk ``root``'s importable folders and link each ``__pycache__``'s files."""
    made = 0
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            if entry.name == _CACHE:
                made += _link_folder(prefix, folder, Path(entry.path), want)
            # Only names an import can reach: this skips site-packages below the standard library,
            # *.dist-info, data folders and the like, which no module is ever imported from. Linked
            # folders are not followed (a loop would never end).
            elif entry.name.isidentifier() and entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
    return made


def _link_folder(prefix: Path, folder: Path, cache: Path, want: Wanted) -> int:
    try:
        names = [p.name for p in cache.iterdir() if want(p.name)]
    except OSError:
        return 0
    if not names:
        return 0
    # The interpreter's own rule (importlib's cache_from_source): the prefix, then the source's
    # absolute folder without its anchor, then the file name.
    target = prefix.joinpath(*folder.parts[1:])
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError:
        return 0
    made = 0
    for name in names:
        try:
            (target / name).symlink_to(cache / name)
        except FileExistsError:
            continue  # linked before, or compiled there by a step: the interpreter checks either
        except OSError:
            return made
        made += 1
    return made
