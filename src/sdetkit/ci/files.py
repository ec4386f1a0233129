"""The files a pre-commit hook is given: the tracked files its ``files``/``exclude`` regexes and
``types``/``types_or`` tags select, as pre-commit selects them (tags by ``identify``)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sdetkit.ci.model import HookSelection
from sdetkit.errors import ConfigError


def tracked(root: Path) -> tuple[str, ...]:
    """``git ls-files`` under ``root``, relative to it (empty outside a git work tree)."""
    return listed(root) or ()


def listed(root: Path, untracked: bool = False) -> tuple[str, ...] | None:
    """The files git lists under ``root``, relative to it: tracked ones, and with ``untracked`` the
    untracked ones git does not ignore too (what a runner finds, never a venv or ``.tox``). None
    outside a git work tree."""
    more = ("--others", "--exclude-standard") if untracked else ()
    out = _git(root, "ls-files", "-z", "--cached", *more)
    return None if out is None else tuple(sorted({p for p in out.split("\0") if p}))


def not_checked_out(root: Path) -> tuple[str, ...]:
    """Folders under ``root`` a CI checkout never has: the ones git ignores, and untracked virtual
    environments (a ``pyvenv.cfg`` inside). A tool that walks the tree (flake8 has no ``.gitignore``
    support) would check them here and not in CI. Empty outside a git work tree."""
    ignored = _git(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--directory")
    found = [d for d in (ignored or "").split("\0") if d.endswith("/")]
    found += [d for d in (untracked or "").split("\0") if d.endswith("/") and (root / d / "pyvenv.cfg").is_file()]
    folders = sorted({d.rstrip("/") for d in found})
    # A folder inside another one listed goes with it (the ignored caches inside a venv).
    return tuple(d for d in folders if not any(d.startswith(f"{o}/") for o in folders))


def git_prefix(root: Path) -> str:
    """``root``'s path inside its git work tree (``sub/dir/``; empty at the top or outside git)."""
    return (_git(root, "rev-parse", "--show-prefix") or "").strip()


def _git(root: Path, *args: str) -> str | None:
    """git's output in ``root``, or None when git fails (outside a work tree, no git)."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, stdin=subprocess.DEVNULL, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.decode("utf-8", "surrogateescape") if done.returncode == 0 else None


def _pattern(hook: HookSelection, key: str) -> re.Pattern[str] | None:
    """The hook's ``files``/``exclude`` compiled as pre-commit compiles it (Python ``re``; inline
    flags such as ``(?x)`` apply); a pattern that does not compile is the configuration's error."""
    text: str = getattr(hook, key)
    try:
        return re.compile(text) if text else None
    except re.error as exc:
        problem = f"{key} is not a regular expression: {exc}"
        raise ConfigError(f".pre-commit-config.yaml: hook {hook.hook_id}: {problem}") from exc


def selected(root: Path, hook: HookSelection, paths: tuple[str, ...]) -> tuple[str, ...]:
    """The ``paths`` (relative to ``root``) the hook would be given, in order. pre-commit matches
    ``files``/``exclude`` against paths from the top of the git work tree, so a project in a
    subfolder is matched with that folder's prefix (``^sub/src/`` selects its ``src/``)."""
    from identify.identify import tags_from_path

    include, exclude = _pattern(hook, "files"), _pattern(hook, "exclude")
    prefix = git_prefix(root) if include is not None or exclude is not None else ""
    out = []
    for path in paths:
        full = prefix + path
        if (include is not None and not include.search(full)) or (exclude is not None and exclude.search(full)):
            continue
        try:
            tags = tags_from_path(str(root / path))
        except ValueError:  # a tracked file deleted from the work tree
            continue
        if set(hook.types) <= tags and (not hook.types_or or tags & set(hook.types_or)):
            out.append(path)
    return tuple(out)
