"""Where a project declares its version, down to the file and line a release owner edits.

A failed ``version`` check points there (issue 9, item 7a): the ``version =`` line of
``pyproject.toml``, the ``__version__`` line of the file hatch, pdm, flit or setuptools read, or,
for a version derived from git tags, the ``pyproject.toml`` line that hands it to the VCS plugin
(or declares it dynamic).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

_VERSION_ASSIGN = re.compile(r"""^[ \t]*__version__[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*["']([^"']+)["']""", re.M)
_HEADER = re.compile(r"""^\s*\[\[?\s*([\w.\s"'-]+?)\s*\]\]?\s*(?:#.*)?$""")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
# Tables or keys that make a version come from git tags, in the order they are looked for.
VCS_MARKERS = (
    ("tool.hatch.version.source", "vcs"),
    ("tool.pdm.version.source", "scm"),
    ("tool.setuptools_scm", None),
    ("tool.poetry-dynamic-versioning", None),
    ("tool.versioningit", None),
    ("tool.setuptools-git-versioning", None),
)


class Source(NamedTuple):
    """The version's source of truth: what it is, its value (None when derived from git) and
    where it is written (root-relative file and 1-based line, when known)."""

    where: str
    version: str | None
    file: str | None = None
    line: int | None = None


def _dotted(text: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in re.split(r"\s*\.\s*", text.strip()))


def toml_line(text: str, path: str) -> int | None:
    """The 1-based line of the dotted key or table ``path`` in TOML ``text`` (a line scanner:
    enough for the keys and tables pyproject.toml uses, without a TOML parser that keeps lines)."""
    table = ""
    for number, raw in enumerate(text.splitlines(), 1):
        header = _HEADER.match(raw)
        if header:
            table = _dotted(header[1])
            if table == path:
                return number
            continue
        key = _KEY.match(raw)
        if key and ".".join(p for p in (table, _dotted(key[1])) if p) == path:
            return number
    return None


def _pyproject_text(root: Path) -> str:
    path = root / "pyproject.toml"
    return path.read_text("utf-8", errors="replace") if path.is_file() else ""


def _setup_cfg_attr(root: Path) -> str | None:
    """``version = attr: pkg.__version__`` in setup.cfg's [metadata]."""
    path = root / "setup.cfg"
    if not path.is_file():
        return None
    m = re.search(r"(?m)^version\s*=\s*attr:\s*([\w.]+)\s*$", path.read_text("utf-8", errors="replace"))
    return m[1] if m else None


def _candidates(root: Path, pyproject: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(what reads it, root-relative file) for each file that may hold ``__version__``."""
    project = pyproject.get("project", {})
    tool = pyproject.get("tool", {})
    found: list[tuple[str, str]] = []
    hatch_path = tool.get("hatch", {}).get("version", {}).get("path")
    if isinstance(hatch_path, str):
        found.append(("[tool.hatch.version] path", hatch_path))
    pdm_version = tool.get("pdm", {}).get("version", {})
    if pdm_version.get("source") == "file" and isinstance(pdm_version.get("path"), str):
        found.append(("[tool.pdm.version] path", pdm_version["path"]))
    attr = tool.get("setuptools", {}).get("dynamic", {}).get("version", {}).get("attr") or _setup_cfg_attr(root)
    if isinstance(attr, str):
        module = attr.rsplit(".", 1)[0].replace(".", "/")
        found += [
            ("[tool.setuptools.dynamic] attr", f"{base}{module}{suffix}")
            for base in ("", "src/")
            for suffix in (".py", "/__init__.py")
        ]
    if "flit" in str(pyproject.get("build-system", {}).get("build-backend", "")):
        module = str(tool.get("flit", {}).get("module", {}).get("name") or project.get("name", "")).replace("-", "_")
        found += [
            ("flit module", f"{base}{module}{suffix}") for base in ("", "src/") for suffix in ("/__init__.py", ".py")
        ]
    return found


def source_of_truth(root: Path, pyproject: Mapping[str, Any]) -> Source:
    """The version's declared source; ``version`` is None when it is derived from version control."""
    project = pyproject.get("project", {})
    tool = pyproject.get("tool", {})
    text = _pyproject_text(root)
    if isinstance(project.get("version"), str):
        line = toml_line(text, "project.version")
        return Source("pyproject.toml [project] version", project["version"], "pyproject.toml", line)
    poetry = tool.get("poetry", {})
    if isinstance(poetry.get("version"), str) and poetry["version"] not in ("0.0.0", "0"):
        line = toml_line(text, "tool.poetry.version")
        return Source("pyproject.toml [tool.poetry] version", poetry["version"], "pyproject.toml", line)
    for where, rel in _candidates(root, pyproject):
        path = root / rel
        if path.is_file():
            body = path.read_text("utf-8", errors="replace")
            m = _VERSION_ASSIGN.search(body)
            if m:
                return Source(f"{rel} __version__ ({where})", m[1], rel, body.count("\n", 0, m.start(1)) + 1)
    return _vcs(text)


def _vcs(text: str) -> Source:
    """A version from git tags: point at the plugin's configuration, else at ``dynamic``."""
    for path, value in VCS_MARKERS:
        line = toml_line(text, path)
        if line is not None and (value is None or value in text.splitlines()[line - 1]):
            return Source(f"version control (dynamic version; {path})", None, "pyproject.toml", line)
    line = toml_line(text, "project.dynamic")
    return Source("version control (dynamic version)", None, "pyproject.toml" if line else None, line)
