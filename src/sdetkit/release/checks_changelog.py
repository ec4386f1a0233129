"""``changelog``: the changelog's newest entry is the built version's, and it is released.

The reading and the rules are pure (``changelog``, ``changelog_rules``); this module finds the
file, reports pending towncrier fragments, and turns the judgement into a step result.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release import changelog as parser
from sdetkit.release import changelog_rules, dists, towncrier
from sdetkit.release.checks_version import built_version
from sdetkit.release.context import Log, ReleaseContext

CHANGELOG_NAMES = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS", "RELEASE_NOTES", "RELEASES")
CHANGELOG_SUFFIXES = (".md", ".rst", ".txt", "")
READ_LIMIT = 8 << 20  # a changelog is text a person reads; refuse to load absurd files whole


def find_changelog(root: Path, named: str | None = None) -> Path | None:
    """The file towncrier writes (when configured and present), else the first of CHANGELOG,
    CHANGES, HISTORY, NEWS, ... (``.md``, ``.rst``, ``.txt`` or none) at the root or in docs/."""
    if named and (root / named).is_file():
        return root / named
    for folder in (root, root / "docs"):
        if not folder.is_dir():
            continue
        names = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
        for base in CHANGELOG_NAMES:
            for suffix in CHANGELOG_SUFFIXES:
                hit = names.get((base + suffix).lower())
                if hit is not None:
                    return hit
    return None


def _project_names(ctx: ReleaseContext) -> list[str]:
    """Names a heading may start with (``towncrier 24.8.0``): the distribution's and the package's."""
    names: list[str] = []
    wheel = dists.find(ctx.dist).wheel
    if wheel is not None:
        with contextlib.suppress(OSError, ValueError, UnicodeDecodeError):
            names.append(dists.wheel_metadata(wheel)[1].get("Name") or "")
    pyproject = ctx.facts.pyproject
    names.append(str(pyproject.get("project", {}).get("name", "")))
    table = ctx.facts.tool("towncrier") or {}
    names += [str(table.get("name", "")), str(table.get("package", ""))]
    return [n for n in names if n]


def changelog(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    """The changelog's newest entry is the built version's and is not marked unreleased.
    Pending towncrier fragments are reported, never taken for the entry: towncrier writes the
    entry when the release is cut."""
    log = Log(ctx, [])
    built = built_version(ctx)
    if built is None:
        return log.result(spec, Status.ERROR, "no built version to look up (the build did not produce a wheel)")
    config = towncrier.find(ctx.root, ctx.facts.pyproject)
    hint = ""
    if config is not None:
        log.note(f"towncrier: {config.config}; fragments in {', '.join(config.folders)}: {len(config.fragments)}")
        shown = config.fragments[:50]
        more = len(config.fragments) - len(shown)
        log.note("\n".join([*(f"  {f}" for f in shown), *([f"  ... and {more} more"] if more else [])]))
        if config.fragments:
            hint = f"; {config.pending()} (not in any entry until towncrier build)"
    path = find_changelog(ctx.root, config.filename if config else None)
    if path is None:
        msg = "no changelog (CHANGELOG, CHANGES, HISTORY or NEWS as .md, .rst or .txt)" + hint
        return log.result(spec, Status.FAILED, msg, FirstFailure(msg, rule="changelog-missing"))
    rel = path.relative_to(ctx.root).as_posix()
    if path.stat().st_size > READ_LIMIT:
        msg = f"{rel} is larger than {READ_LIMIT >> 20} MiB; not read"
        return log.result(spec, Status.ERROR, msg, FirstFailure(msg, file=rel, rule="changelog-unparsed"))
    entries = parser.parse(path.read_text("utf-8", errors="replace"), _project_names(ctx))
    log.note(f"{rel}: {len(entries)} entries" + (f"; the first is {_describe(entries[0])}" if entries else ""))
    verdict = changelog_rules.judge(entries, built, rel)
    log.note(verdict.message)
    if verdict.ok:
        return log.result(spec, Status.PASSED, verdict.message + hint)
    first = FirstFailure(verdict.summary + hint, file=rel, line=verdict.line, rule=verdict.rule)
    return log.result(spec, Status.FAILED, verdict.message + hint, first)


def _describe(entry: parser.Entry) -> str:
    state = ", marked unreleased" if entry.unreleased else ""
    empty = ", empty" if not entry.has_body else ""
    return f"{entry.heading!r} at line {entry.line}{state}{empty}"
