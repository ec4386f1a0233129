"""Git facts: work tree root, commit, branch, and what differs from the commit."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import NamedTuple

from sdetkit.errors import InputError
from sdetkit.evidence import ledger
from sdetkit.hashing import file_sha256
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


class GitState(NamedTuple):
    """The state of a work tree: enough to say what commit it is and whether it differs."""

    toplevel: Path
    commit: str | None
    branch: str | None
    changes: tuple[str, ...]  # paths (from the top level) that differ from HEAD or are untracked
    ignored: tuple[str, ...] = ()  # ignored loose files (ignored folders are left out)

    @property
    def dirty(self) -> bool:
        return bool(self.changes)


def toplevel(path: Path) -> Path:
    """The work tree containing ``path``, or an InputError naming it.

    Found by looking for ``.git`` upwards, as git does (no subprocess on the hot path); git itself
    is asked when its location is overridden by GIT_DIR or GIT_WORK_TREE.
    """
    if not (os.environ.get("GIT_DIR") or os.environ.get("GIT_WORK_TREE")):
        for folder in (path, *path.parents):
            if (folder / ".git").exists():
                return folder
    res = query(["git", "--no-optional-locks", "rev-parse", "--show-toplevel"], path)
    if res.exit_code is None and "not found" in res.stderr:
        raise InputError("git is not installed; sdetkit needs git to read the repository state")
    if res.exit_code != 0:
        raise InputError(f"{path}: not a git repository (run `git init` or point at a repository)")
    return Path(res.stdout.decode().strip())


def state(top: Path, ignore_files: frozenset[str] = frozenset(), ignore_dirs: frozenset[str] = frozenset()) -> GitState:
    """HEAD, branch and changed paths in one ``git status``.

    ``ignore_files`` and ``ignore_dirs`` are top-level-relative paths that are not the project's
    content: sdetkit's own outputs, and the environment it runs the tools from when that lives,
    unignored, inside the work tree (git is told to skip those folders, so it does not list them).
    """
    argv = ["git", "--no-optional-locks", "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all"]
    # "matching" lists an ignored folder once (build/, .venv/) instead of every file inside it.
    argv.append("--ignored=matching")
    argv += ["--", ".", *(f":(top,exclude){d}" for d in sorted(ignore_dirs))]
    res = query(argv, top)
    if res.exit_code != 0:
        raise InputError(f"{top}: git status failed: {res.stderr.strip()}")
    skip = OWN_OUTPUTS | ignore_files
    commit = branch = None
    changes: list[str] = []
    untracked: list[str] = []
    ignored: list[str] = []
    fields = iter(res.stdout.decode("utf-8", "surrogateescape").split("\0"))
    for entry in fields:
        kind = entry[:1]
        if entry.startswith("# branch.oid "):
            oid = entry.split(" ", 2)[2]
            commit = None if oid == "(initial)" else oid
        elif entry.startswith("# branch.head "):
            head = entry.split(" ", 2)[2]
            branch = None if head == "(detached)" else head
        elif kind in ("1", "2", "u", "?"):
            # Ordinary (8 fields before the path), renamed (9, then the source path in the
            # next NUL field), unmerged (10), untracked (path only).
            parts = {"1": 8, "2": 9, "u": 10, "?": 1}[kind]
            rel = entry.split(" ", parts)[parts]
            if kind == "2":
                next(fields, None)
            if not _covered(rel, skip) and not (kind == "?" and _own_artifact(top / rel)):
                changes.append(rel)
                untracked += [rel] if kind == "?" else []
        elif kind == "!" and not entry.endswith("/") and not _covered(entry[2:], skip):
            ignored.append(entry[2:])
    # Whatever sdetkit wrote into the tree (an SBOM, a bundle, an artifact under any name) and is
    # unchanged since is its own output, not the project's change.
    mine = ledger.own(top, untracked)
    changes = [c for c in changes if c not in mine]
    return GitState(top, commit, branch, tuple(sorted(changes)), tuple(sorted(ignored)))


# Files test runs write (coverage data, test reports, logs): outputs of a step, not inputs, so a
# run that rewrites them must not make the next run miss the cache.
_REPORTS = re.compile(
    r"(^|/)(\.coverage(\..*)?|coverage\.(xml|json|lcov)|lcov\.info|junit[^/]*\.xml|nosetests\.xml|[^/]*\.log)$"
)


def _is_report(rel: str) -> bool:
    return _REPORTS.search(rel) is not None


def _covered(rel: str, skip: frozenset[str]) -> bool:
    return any(rel == s or rel.startswith(s.rstrip("/") + "/") for s in skip)


_OWN_SCHEMA = re.compile(rb'"schema_name":\s*"sdetkit\.[a-z]+(\.[a-z]+)*"')


def _own_artifact(path: Path) -> bool:
    """An untracked evidence file sdetkit wrote under another name (``--out build/gf-7.json``): not
    the project's content, so it neither dirties the tree nor busts the cache."""
    if path.suffix != ".json":
        return False
    try:
        with path.open("rb") as f:
            head = f.read(1 << 20)
    except OSError:
        return False
    return _OWN_SCHEMA.search(head) is not None


def content_fingerprint(st: GitState) -> str:
    """A hash of the work tree's contents: the commit plus every changed file's bytes.

    git status already compares stat data and content against HEAD, so only changed files are read.
    """
    h = hashlib.sha256()
    h.update(f"commit:{st.commit}\n".encode())
    for rel in st.changes:
        p = st.toplevel / rel
        h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
        try:
            if p.is_symlink():
                h.update(b"link:" + str(p.readlink()).encode("utf-8", "surrogateescape"))
            elif p.is_file():
                h.update(file_sha256(p).encode())
            else:
                h.update(b"absent")
        except OSError as exc:
            h.update(f"unreadable:{exc.errno}".encode())
        h.update(b"\n")
    # Ignored loose files (generated modules, local settings) that tools may read: by stat data.
    # Ignored folders (virtual environments, build outputs) are left out; the environment's own
    # fingerprint covers installed packages.
    for rel in st.ignored:
        if _is_report(rel):
            continue
        try:
            s = (st.toplevel / rel).stat()
        except OSError:
            continue
        h.update(f"ignored:{rel}:{s.st_size}:{s.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()
