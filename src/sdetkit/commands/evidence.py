"""``sdetkit evidence pack`` and ``sdetkit evidence verify``."""

from __future__ import annotations

import sys
from typing import Any

from sdetkit import __version__
from sdetkit.errors import EXIT_FAILED, EXIT_OK, InputError
from sdetkit.evidence import bundle
from sdetkit.evidence.atomic import check_writable, write_own
from sdetkit.evidence.load import load, read_json
from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver
from sdetkit.settings import OutputSettings, PackSettings, VerifySettings


def pack(settings: PackSettings) -> int:
    """Bundle the canonical artifacts found in ``settings.folder`` (or the ``files`` named)."""
    folder, out = settings.folder, settings.out
    check_writable(out)
    chosen = list(settings.files) or [folder / name for name in bundle.CANONICAL if (folder / name).is_file()]
    if not chosen:
        raise InputError(f"{folder}: no evidence artifacts ({', '.join(bundle.CANONICAL)})")
    payload: dict[str, bytes] = {}
    entries: list[dict[str, Any]] = []
    commits: set[str] = set()
    for path in chosen:
        name = path.name
        if name in payload:
            raise InputError(f"{path}: another file named {name} is already in the bundle")
        schema = bundle.CANONICAL.get(name, "missing")
        if schema == "missing":
            raise InputError(f"{path}: not a canonical artifact name ({', '.join(bundle.CANONICAL)})")
        doc = load(path, schema) if schema else read_json(path)
        data = path.read_bytes()
        payload[name] = data
        entries.append(bundle.manifest_entry(name, data, doc))
        if isinstance(doc, dict) and isinstance(doc.get("commit"), str):
            commits.add(doc["commit"])
    entries.sort(key=lambda e: str(e["name"]))
    manifest: dict[str, Any] = {
        "schema_name": bundle.MANIFEST_SCHEMA,
        "schema_version": bundle.MANIFEST_VERSION,
        "sdetkit_version": __version__,
        "commit": sorted(commits)[0] if len(commits) == 1 else None,
        "commits": sorted(commits),
        "files": entries,
    }
    write_own(out, bundle.pack(payload, manifest))
    sys.stdout.write(f"packed {len(payload)} artifacts into {out}\n")
    for e in entries:
        sys.stdout.write(f"  {e['name']}  sha256 {e['sha256'][:16]}…  {e['size']} bytes\n")
    return EXIT_OK


def verify(settings: VerifySettings) -> int:
    """Check a bundle's hashes and schemas against its manifest; the exit code says whether they held."""
    path = settings.bundle
    manifest, problems = bundle.verify(bundle.read(path))
    result: dict[str, Any] = {
        "bundle": str(path),
        "ok": not problems,
        "commit": manifest.get("commit") if manifest else None,
        "files": [e.get("name") for e in manifest.get("files", [])] if manifest else [],
        "problems": [{"file": p.file, "problem": p.problem} for p in problems],
    }
    deliver(DocumentReport("verify", result), OutputSettings(settings.format), sys.stdout)
    return EXIT_OK if not problems else EXIT_FAILED
