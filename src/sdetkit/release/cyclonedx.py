"""The two things sdetkit changes in cyclonedx-py's SBOM of the install-smoke environment.

Both are facts about sdetkit's scratch environment, not about the package:

- The built wheel was installed from a file in a scratch folder, so cyclonedx-py records that
  folder's absolute, random path (pip's PEP 610 ``direct_url.json``) as the package's distribution
  URL. It becomes the wheel's file name; the release artifact's ``dists`` lists the same file with
  the same sha256, which cyclonedx-py keeps beside the URL.
- ``python -m venv`` seeds the environment with the installers it needs (pip, and setuptools before
  Python 3.12). They are left out unless the package needs them, which is read from the SBOM's own
  dependency graph: a seed reachable from the built package stays.
"""

from __future__ import annotations

from typing import Any

SEEDS = frozenset({"pip", "setuptools", "wheel"})


def _canonical(name: object) -> str:
    from packaging.utils import canonicalize_name

    return str(canonicalize_name(str(name)))


def _reachable(start: str, graph: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        ref = todo.pop()
        if ref not in seen:
            seen.add(ref)
            todo += graph.get(ref, [])
    return seen


def tidy(doc: dict[str, Any], wheel_name: str) -> list[str]:
    """Rewrite ``doc`` in place as described above; return the left-out seeds as ``name version``."""
    project = _canonical(wheel_name.split("-", 1)[0])
    components = [c for c in doc.get("components", []) if isinstance(c, dict)]
    built = next((c for c in components if _canonical(c.get("name", "")) == project), None)
    if built is None:
        return []
    for ref in built.get("externalReferences", []):
        url = ref.get("url") if isinstance(ref, dict) else None
        if isinstance(url, str) and url.startswith("file:") and url.rsplit("/", 1)[-1] == wheel_name:
            ref["url"] = wheel_name
    entries = [d for d in doc.get("dependencies", []) if isinstance(d, dict) and isinstance(d.get("ref"), str)]
    graph = {d["ref"]: [str(r) for r in d.get("dependsOn", [])] for d in entries}
    needed = _reachable(str(built.get("bom-ref")), graph)
    dropped = [c for c in components if _canonical(c.get("name", "")) in SEEDS and c.get("bom-ref") not in needed]
    if not dropped:
        return []
    gone = {c.get("bom-ref") for c in dropped}
    doc["components"] = [c for c in doc.get("components", []) if not (isinstance(c, dict) and c.get("bom-ref") in gone)]
    kept = [d for d in doc.get("dependencies", []) if not (isinstance(d, dict) and d.get("ref") in gone)]
    for d in kept:
        if isinstance(d, dict) and "dependsOn" in d:
            d["dependsOn"] = [r for r in d["dependsOn"] if r not in gone]
    doc["dependencies"] = kept
    return [f"{c.get('name')} {c.get('version')}" for c in dropped]
