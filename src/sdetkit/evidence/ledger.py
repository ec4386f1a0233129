"""What sdetkit wrote into a work tree, so its own outputs never count as the project's changes.

Every output sdetkit writes (gate, doctor, decision, triage artifacts, SBOMs, bundles, reports),
wherever ``--out`` puts it, is noted here with the hash of its bytes. ``git status`` then lists
those files as untracked, but a file whose bytes are still what sdetkit wrote is not a change: it
neither makes the tree dirty nor fails ``clean-tree`` nor busts the step cache. A file the user
edited afterwards no longer matches, and counts again.

One small file per output under sdetkit's cache folder (no shared index to lock, so concurrent
writers cannot lose each other's entries). A cache that cannot be written costs only this
convenience: the file then counts as a change, which is the safe side.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from sdetkit.hashing import file_sha256

MAX_ENTRIES = 2000  # per work tree: outputs reuse a few names, so this bound is never near


def _folder(top: Path) -> Path:
    from sdetkit.run.cache import cache_root

    key = hashlib.sha256(str(top.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return cache_root(os.environ) / "outputs" / key


def _worktree(path: Path) -> Path | None:
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    return None


def record(path: Path, data: bytes) -> None:
    """Note that sdetkit wrote ``data`` to ``path`` (nothing happens outside a git work tree)."""
    path = path.absolute()
    top = _worktree(path)
    if top is None or not path.is_file():
        return
    rel = path.relative_to(top).as_posix()
    entry = _folder(top) / (hashlib.sha256(rel.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".txt")
    with contextlib.suppress(OSError):
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(f"{rel}\n{hashlib.sha256(data).hexdigest()}\n", "utf-8", errors="surrogateescape")
        tmp.replace(entry)


def own(top: Path, candidates: list[str]) -> frozenset[str]:
    """Those of ``candidates`` (paths from ``top``) whose bytes are what sdetkit last wrote there."""
    if not candidates:
        return frozenset()
    noted: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for entry in sorted(_folder(top).glob("*.txt"))[:MAX_ENTRIES]:
            with contextlib.suppress(OSError, ValueError):
                rel, digest = entry.read_text("utf-8", errors="surrogateescape").split("\n")[:2]
                noted[rel] = digest
    mine = set()
    for rel in candidates:
        if rel in noted:
            with contextlib.suppress(OSError):
                if file_sha256(top / rel) == noted[rel]:
                    mine.add(rel)
    return frozenset(mine)
