"""Repository checks: a HEAD commit, no huge untracked files, ignore rules for outputs."""

from __future__ import annotations

from sdetkit.doctor.base import DoctorContext, DoctorFinding, fail, ok, skip, warn
from sdetkit.run.process import query

LARGE = 10 << 20
SHOULD_IGNORE = {
    "build/x": "build/",
    "dist/x": "dist/",
    "pkg.egg-info/PKG-INFO": "*.egg-info/",
    "__pycache__/x.pyc": "__pycache__/",
    ".pytest_cache/x": ".pytest_cache/",
    ".mypy_cache/x": ".mypy_cache/",
    ".venv/x": ".venv/",
}


def head(ctx: DoctorContext) -> DoctorFinding:
    if ctx.state is None:
        return fail("not a git repository", "git init && git add -A && git commit -m 'initial commit'")
    if ctx.state.commit is None:
        return fail("the repository has no commit yet", "git add -A && git commit -m 'initial commit'")
    return ok(f"HEAD is {ctx.state.commit[:12]}" + (f" on {ctx.state.branch}" if ctx.state.branch else " (detached)"))


def large_untracked(ctx: DoctorContext) -> DoctorFinding:
    if ctx.state is None:
        return skip("not a git repository")
    big = []
    for rel in ctx.state.changes:
        try:
            size = (ctx.state.toplevel / rel).stat().st_size
        except OSError:
            continue
        if size > LARGE:
            big.append(f"{rel} ({size >> 20} MiB)")
    if big:
        return warn(
            f"very large uncommitted files: {', '.join(big[:5])}", "ignore them in .gitignore or store them elsewhere"
        )
    return ok("no uncommitted file is over 10 MiB")


def ignore_rules(ctx: DoctorContext) -> DoctorFinding:
    if ctx.state is None:
        return skip("not a git repository")
    paths = "\n".join(SHOULD_IGNORE) + "\n"
    res = _check_ignore(ctx, paths)
    if res is None:
        return skip("git check-ignore did not answer")
    ignored = set(res.split("\n"))
    missing = [pattern for path, pattern in SHOULD_IGNORE.items() if path not in ignored]
    if missing:
        return warn(f".gitignore does not cover {', '.join(missing)}", "add to .gitignore:\n" + "\n".join(missing))
    return ok(".gitignore covers build outputs and caches")


def _check_ignore(ctx: DoctorContext, paths: str) -> str | None:
    res = query(["git", "check-ignore", "--no-index", "--stdin"], ctx.root, timeout=30, data=paths.encode())
    return res.stdout.decode().strip() if res.exit_code in (0, 1) else None
