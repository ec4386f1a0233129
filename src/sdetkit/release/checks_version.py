"""``version``: the built version agrees with its source of truth and the tag at HEAD;
``clean-tree``: nothing uncommitted. (``changelog`` is in ``checks_changelog``.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release import dists
from sdetkit.release.context import Log, ReleaseContext
from sdetkit.release.version_source import source_of_truth
from sdetkit.run.process import query

_TAG = re.compile(r"^v?\d+(\.\d+)*([._-]?(a|b|rc|alpha|beta|dev|post)\.?\d*)*$", re.I)


def built_version(ctx: ReleaseContext) -> str | None:
    wheel = dists.find(ctx.dist).wheel
    if wheel is None:
        return None
    try:
        return dists.wheel_metadata(wheel)[1].get("Version")
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def _parsed(v: str) -> Any:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(v)
    except InvalidVersion:
        return None


def _normal(v: str) -> str:
    from packaging.version import InvalidVersion, Version

    try:
        return str(Version(v))
    except InvalidVersion:
        return v.strip()


def release_epoch(top: Path) -> str | None:
    """The commit time, for SOURCE_DATE_EPOCH (reproducible sdists and wheels)."""
    res = query(["git", "show", "-s", "--format=%ct", "HEAD"], top)
    text = res.stdout.decode().strip()
    return text if res.exit_code == 0 and text.isdigit() else None


def tags_for(ctx: ReleaseContext, version_text: str) -> dict[str, str]:
    """Tags naming ``version_text`` (``v1.2.3`` or ``1.2.3``) and the commits they point at."""
    res = query(
        [
            "git",
            "tag",
            "--list",
            f"{version_text}",
            f"v{version_text}",
            "--format=%(refname:short) %(objectname) %(*objectname)",
        ],
        ctx.top,
    )
    found: dict[str, str] = {}
    for line in res.stdout.decode().splitlines() if res.exit_code == 0 else []:
        name, *ids = line.split()
        found[name] = ids[-1]  # an annotated tag's target commit comes last
    return found


def tags_at_head(ctx: ReleaseContext) -> list[str]:
    res = query(["git", "tag", "--points-at", "HEAD"], ctx.top)
    if res.exit_code != 0:
        return []
    return [t for t in res.stdout.decode().split() if _TAG.match(t.rsplit("/", 1)[-1])]


def version(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    log = Log(ctx, [])
    built = built_version(ctx)
    if built is None:
        return log.result(spec, Status.ERROR, "no built version to compare (the build did not produce a wheel)")
    problems: list[tuple[str, str]] = []  # (rule, message)
    source = source_of_truth(ctx.root, ctx.facts.pyproject)
    where, declared = source.where, source.version
    log.note(f"built version {built}; source of truth: {where}" + (f" = {declared}" if declared else ""))
    if declared is not None and _normal(declared) != _normal(built):
        problems.append(("version-mismatch", f"built version {built} differs from {where} = {declared}"))
    parsed = _parsed(built)
    if parsed is not None and (parsed.is_devrelease or parsed.local):
        kind = "a development" if parsed.is_devrelease else "a local"
        problems.append(
            (
                "not-a-release",
                f"built version {built} is {kind} version, not a release (tag the commit, e.g. "
                f"v{parsed.base_version}, or set a release version)",
            )
        )
    elsewhere = {t: c for t, c in tags_for(ctx, built).items() if c != ctx.state.commit}
    if elsewhere:
        tag, commit = sorted(elsewhere.items())[0]
        text = f"version {built} is already tagged ({tag}) on another commit ({commit[:12]}); bump the version"
        problems.append(("already-tagged", text))
    tags = tags_at_head(ctx)
    if tags:
        log.note(f"tags at HEAD: {', '.join(tags)}")
        wanted = {_normal(t.rsplit("/", 1)[-1].lstrip("vV")) for t in tags}
        if _normal(built) not in wanted:
            problems.append(
                ("tag-mismatch", f"built version {built} does not match the tag at HEAD ({', '.join(tags)})")
            )
    if problems:
        for _, text in problems:
            log.note(text)
        rule, text = problems[0]
        # Every version failure is fixed where the version is declared: point there (issue 9, 7a).
        if source.file is not None:
            log.note(f"the version is declared at {source.file}" + (f":{source.line}" if source.line else ""))
        first = FirstFailure(text, file=source.file, line=source.line, rule=rule)
        return log.result(spec, Status.FAILED, text, first)
    return log.result(spec, Status.PASSED)


def clean_tree(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    log = Log(ctx, [])
    changes = ctx.state.changes
    if not changes:
        log.note("no uncommitted changes")
        return log.result(spec, Status.PASSED)
    for rel in changes[:50]:
        log.note(rel)
    msg = f"{len(changes)} uncommitted change{'s' if len(changes) > 1 else ''} (this one first; see the log for all)"
    return log.result(spec, Status.FAILED, msg, FirstFailure(msg, file=changes[0], rule="dirty-tree"))
