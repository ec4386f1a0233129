"""``version``: the built version agrees with its source of truth and the tag at HEAD;
``changelog``: the changelog has an entry for it; ``clean-tree``: nothing uncommitted."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sdetkit.model import FirstFailure, Status, StepResult, StepSpec
from sdetkit.release import dists
from sdetkit.release.context import Log, ReleaseContext
from sdetkit.run.process import query

CHANGELOG_NAMES = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS", "RELEASE_NOTES", "RELEASES")
CHANGELOG_SUFFIXES = (".md", ".rst", ".txt", "")
_VERSION_ASSIGN = re.compile(r"""^\s*__version__\s*(?::\s*str\s*)?=\s*["']([^"']+)["']""", re.M)
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


def source_of_truth(root: Path, pyproject: Mapping[str, Any]) -> tuple[str, str | None]:
    """(where, version) of the version's declared source; version None when it is derived (VCS)."""
    project = pyproject.get("project", {})
    tool = pyproject.get("tool", {})
    if isinstance(project.get("version"), str):
        return "pyproject.toml [project] version", project["version"]
    poetry = tool.get("poetry", {})
    if isinstance(poetry.get("version"), str) and poetry["version"] not in ("0.0.0", "0"):
        return "pyproject.toml [tool.poetry] version", poetry["version"]
    candidates: list[tuple[str, str]] = []
    hatch_path = tool.get("hatch", {}).get("version", {}).get("path")
    if isinstance(hatch_path, str):
        candidates.append(("[tool.hatch.version] path", hatch_path))
    pdm_version = tool.get("pdm", {}).get("version", {})
    if pdm_version.get("source") == "file" and isinstance(pdm_version.get("path"), str):
        candidates.append(("[tool.pdm.version] path", pdm_version["path"]))
    attr = tool.get("setuptools", {}).get("dynamic", {}).get("version", {}).get("attr") or _setup_cfg_attr(root)
    if isinstance(attr, str):
        module = attr.rsplit(".", 1)[0].replace(".", "/")
        candidates += [
            ("[tool.setuptools.dynamic] attr", f"{base}{module}{suffix}")
            for base in ("", "src/")
            for suffix in (".py", "/__init__.py")
        ]
    if "flit" in str(pyproject.get("build-system", {}).get("build-backend", "")):
        module = str(tool.get("flit", {}).get("module", {}).get("name") or project.get("name", "")).replace("-", "_")
        candidates += [
            ("flit module", f"{base}{module}{suffix}") for base in ("", "src/") for suffix in ("/__init__.py", ".py")
        ]
    for where, rel in candidates:
        path = root / rel
        if path.is_file():
            m = _VERSION_ASSIGN.search(path.read_text("utf-8", errors="replace"))
            if m:
                return f"{rel} __version__ ({where})", m[1]
    return "version control (dynamic version)", None


def release_epoch(top: Path) -> str | None:
    """The commit time, for SOURCE_DATE_EPOCH (reproducible sdists and wheels)."""
    res = query(["git", "show", "-s", "--format=%ct", "HEAD"], top)
    text = res.stdout.decode().strip()
    return text if res.exit_code == 0 and text.isdigit() else None


def _setup_cfg_attr(root: Path) -> str | None:
    """``version = attr: pkg.__version__`` in setup.cfg's [metadata]."""
    path = root / "setup.cfg"
    if not path.is_file():
        return None
    m = re.search(r"(?m)^version\s*=\s*attr:\s*([\w.]+)\s*$", path.read_text("utf-8", errors="replace"))
    return m[1] if m else None


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
    where, declared = source_of_truth(ctx.root, ctx.facts.pyproject)
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
        return log.result(spec, Status.FAILED, text, FirstFailure(text, rule=rule))
    return log.result(spec, Status.PASSED)


def find_changelog(root: Path) -> Path | None:
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


def _towncrier(ctx: ReleaseContext) -> tuple[str, Path] | None:
    table = ctx.facts.tool("towncrier")
    if table is None:
        return None
    folder = table.get("directory")
    if not isinstance(folder, str):
        package, pdir = table.get("package"), table.get("package_dir", ".")
        folder = f"{pdir}/{package}/newsfragments" if isinstance(package, str) else "newsfragments"
    return "pyproject.toml [tool.towncrier]", ctx.root / folder


def _fragments(folder: Path) -> list[Path]:
    """News fragments (``123.feature.md``), not the folder's README or templates."""
    if not folder.is_dir():
        return []
    return [
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and "template" not in p.name.lower()
        and not p.name.lower().startswith("readme")
        and p.suffix not in {".jinja", ".j2"}
    ]


def changelog(spec: StepSpec, ctx: ReleaseContext, tmp: Path) -> StepResult:
    """The changelog file has an entry for the built version. Pending towncrier fragments are
    not an entry: towncrier writes the entry when the release is cut."""
    log = Log(ctx, [])
    built = built_version(ctx)
    if built is None:
        return log.result(spec, Status.ERROR, "no built version to look up (the build did not produce a wheel)")
    path = find_changelog(ctx.root)
    towncrier = _towncrier(ctx)
    pending = _fragments(towncrier[1]) if towncrier else []
    hint = f"; {len(pending)} towncrier fragments are pending (run towncrier build)" if pending else ""
    if path is None:
        msg = "no changelog (CHANGELOG, CHANGES, HISTORY or NEWS as .md, .rst or .txt)" + hint
        return log.result(spec, Status.FAILED, msg, FirstFailure(msg, rule="changelog-missing"))
    text = path.read_text("utf-8", errors="replace")
    rel = path.relative_to(ctx.root).as_posix()
    pattern = re.compile(rf"(?<![\w.])v?{re.escape(built)}(?![\w]|\.\d)")
    if pattern.search(text):
        log.note(f"{rel} mentions {built}")
        return log.result(spec, Status.PASSED)
    msg = f"{rel} has no entry for {built}{hint}"
    first = FirstFailure(f"no entry for {built}{hint}", file=rel, rule="changelog-entry")
    return log.result(spec, Status.FAILED, msg, first)


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
