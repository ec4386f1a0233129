"""Git facts: work tree root, commit, branch, and what differs from the commit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sdetkit.errors import InputError
from sdetkit.run.process import query

# Outputs sdetkit itself writes into a repository; they never make a tree dirty or bust a cache.
OWN_OUTPUTS = frozenset(
    {
        "build/gate-fast.json",
        "build/release-preflight.json",
        "build/doctor.json",
        "build/decision.json",
    }
)


@dataclass(frozen=True)
class GitState:
    """The state of a work tree: enough to say what commit it is and whether it differs."""

    toplevel: Path
    commit: str | None
    branch: str | None
    tree: str | None
    changes: tuple[str, ...]  # paths (from the top level) that differ from HEAD or are untracked

    @property
    def dirty(self) -> bool:
        return bool(self.changes)


def _git(args: list[str], cwd: Path) -> str | None:
    res = query(["git", "--no-optional-locks", *args], cwd)
    if res.exit_code != 0:
        return None
    return res.stdout.decode("utf-8", "replace").strip()


def toplevel(path: Path) -> Path:
    """The work tree containing ``path``, or an InputError naming it."""
    res = query(["git", "--no-optional-locks", "rev-parse", "--show-toplevel"], path)
    if res.exit_code is None and "not found" in res.stderr:
        raise InputError("git is not installed; sdetkit needs git to read the repository state")
    if res.exit_code != 0:
        raise InputError(f"{path}: not a git repository (run `git init` or point at a repository)")
    return Path(res.stdout.decode().strip())


def state(path: Path, ignore: frozenset[str] = frozenset()) -> GitState:
    """Read HEAD, branch and the changed paths; ``ignore`` holds extra top-level-relative paths."""
    top = toplevel(path)
    commit = _git(["rev-parse", "--verify", "-q", "HEAD"], top) or None
    branch = _git(["symbolic-ref", "-q", "--short", "HEAD"], top) or None
    tree = _git(["rev-parse", "--verify", "-q", "HEAD^{tree}"], top) or None
    res = query(
        ["git", "--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all"],
        top,
    )
    if res.exit_code != 0:
        raise InputError(f"{top}: git status failed: {res.stderr.strip()}")
    skip = OWN_OUTPUTS | ignore
    changes: list[str] = []
    fields = res.stdout.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(fields):
        entry = fields[i]
        i += 1
        if len(entry) < 4:
            continue
        xy, rel = entry[:2], entry[3:]
        if "R" in xy or "C" in xy:
            i += 1  # the next field is the rename's source path
        if _covered(rel, skip):
            continue
        changes.append(rel)
    return GitState(top, commit, branch, tree, tuple(sorted(changes)))


def _covered(rel: str, skip: frozenset[str]) -> bool:
    return any(rel == s or rel.startswith(s.rstrip("/") + "/") for s in skip)


def content_fingerprint(st: GitState) -> str:
    """A hash of the work tree's contents: the commit's tree plus every changed file's bytes.

    git status already compares stat data and content against HEAD, so only changed files are read.
    """
    h = hashlib.sha256()
    h.update(f"tree:{st.tree}\n".encode())
    for rel in st.changes:
        p = st.toplevel / rel
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        try:
            if p.is_symlink():
                h.update(b"link:" + str(p.readlink()).encode("utf-8", "surrogateescape"))
            elif p.is_file():
                h.update(_file_hash(p))
            else:
                h.update(b"absent")
        except OSError as exc:
            h.update(f"unreadable:{exc.errno}".encode())
        h.update(b"\n")
    h.update(_ignored_files(st.toplevel).encode())
    return h.hexdigest()


def _file_hash(path: Path) -> bytes:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.digest()


def _ignored_files(top: Path) -> str:
    """Stat data of ignored loose files (generated modules, local settings) that tools may read.

    Ignored directories (virtual environments, build outputs) are collapsed by git and left out;
    the environment's own fingerprint covers installed packages.
    """
    res = query(
        [
            "git",
            "--no-optional-locks",
            "ls-files",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--directory",
            "-z",
        ],
        top,
    )
    if res.exit_code != 0:
        return "ignored:unknown"
    parts: list[str] = []
    for rel in sorted(res.stdout.decode("utf-8", "surrogateescape").split("\0")):
        if not rel or rel.endswith("/") or rel in OWN_OUTPUTS:
            continue
        try:
            st = (top / rel).stat()
        except OSError:
            continue
        parts.append(f"{rel}:{st.st_size}:{st.st_mtime_ns}")
    return "\n".join(parts)
