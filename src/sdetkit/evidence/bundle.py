"""Evidence bundles: a zip of the canonical artifacts with a manifest of their hashes.

Packing is deterministic (sorted members, fixed times and modes). Reading is defensive: a bundle
is untrusted input, so it is never extracted; member names, types, sizes and compression ratios
are checked before a byte is read, and reads are bounded whatever the headers claim.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from sdetkit.errors import InputError
from sdetkit.evidence.load import open_input

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "sdetkit.evidence.manifest"
MANIFEST_VERSION = "1.0.0"
# Canonical artifacts: file name -> shipped schema (None: CycloneDX, checked as JSON only).
CANONICAL: dict[str, str | None] = {
    "gate-fast.json": "gate-fast",
    "release-preflight.json": "gate-release",
    "doctor.json": "doctor",
    "decision.json": "decision",
    "triage.json": "triage",
    "sbom.cdx.json": None,
}
MAX_MEMBERS = 64
MAX_MEMBER = 64 << 20
MAX_TOTAL = 256 << 20
MAX_RATIO = 200  # uncompressed / compressed; JSON compresses well, bombs compress absurdly
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class Problem(NamedTuple):
    file: str
    problem: str


def pack(files: dict[str, bytes], manifest: dict[str, Any]) -> bytes:
    """Zip ``files`` (name -> bytes) plus the manifest, byte-for-byte reproducibly."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in [*sorted(files), MANIFEST]:
            data = files[name] if name != MANIFEST else (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            zf.writestr(info, data)
    return buf.getvalue()


def manifest_entry(name: str, data: bytes, doc: Any) -> dict[str, Any]:
    return {
        "name": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "schema_name": doc.get("schema_name") if isinstance(doc, dict) else None,
        "schema_version": doc.get("schema_version") if isinstance(doc, dict) else None,
    }


def _unsafe(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    mode = info.external_attr >> 16
    if "\\" in name or name.startswith("/") or PurePosixPath(name).is_absolute() or ":" in name.split("/", 1)[0]:
        return "absolute or non-POSIX path"
    if any(part in ("..", "") for part in PurePosixPath(name).parts) or name.endswith("/"):
        return "path traversal or a directory entry"
    if "/" in name:
        return "nested path (bundles hold top-level files only)"
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if info.file_size > MAX_MEMBER:
        return f"{info.file_size} bytes uncompressed, over the {MAX_MEMBER} byte limit"
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        return f"compression ratio {info.file_size // info.compress_size}:1, a decompression bomb"
    return None


class Contents(NamedTuple):
    """What could be read of a bundle: intact members, and damaged ones with what is wrong."""

    members: dict[str, bytes]
    damaged: dict[str, str]


# What zipfile raises for a member whose bytes are damaged: a CRC mismatch or a bad local header
# (BadZipFile), corrupt deflate data (zlib.error), a stream cut short (EOFError), a flipped flag
# bit that claims encryption (RuntimeError) or an unknown compression method (NotImplementedError).
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError, ValueError, OSError)


def read(bundle: Path) -> Contents:
    """Every member of a bundle, after the safety checks; InputError names the first unsafe thing
    (or says the file is no zip archive). A member whose bytes are damaged is reported in
    ``damaged``, not raised: the other members can still be verified."""
    raw = open_input(bundle, "an evidence bundle")
    try:
        zf = zipfile.ZipFile(raw)
    except _DAMAGE as exc:
        raw.close()
        raise InputError(f"{bundle}: not a zip archive, or its directory is damaged ({exc})") from exc
    with raw, zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise InputError(f"{bundle}: {len(infos)} members, more than an evidence bundle has ({MAX_MEMBERS})")
        if sum(i.file_size for i in infos) > MAX_TOTAL:
            raise InputError(f"{bundle}: members add up to more than {MAX_TOTAL} bytes uncompressed")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise InputError(f"{bundle}: the same member name appears twice")
        out = Contents({}, {})
        for info in infos:
            why = _unsafe(info)
            if why:
                raise InputError(f"{bundle}: member {info.filename!r} refused: {why}")
            try:
                with zf.open(info) as f:
                    data = f.read(MAX_MEMBER + 1)  # bounded even if the header lies
            except _DAMAGE as exc:
                out.damaged[info.filename] = f"damaged: cannot be read ({type(exc).__name__}: {exc})"
                continue
            if len(data) > MAX_MEMBER or len(data) != info.file_size:
                out.damaged[info.filename] = "damaged: not the size its header says"
                continue
            out.members[info.filename] = data
    return out


def verify(contents: Contents) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Check the manifest against the members: presence, sha256, each artifact's schema and its
    agreement with itself. Damaged members are problems, named."""
    from sdetkit.evidence.load import check

    members, damaged = contents
    problems = [Problem(name, why) for name, why in sorted(damaged.items())]
    raw = members.get(MANIFEST)
    if raw is None:
        return None, problems or [Problem(MANIFEST, "missing")]
    try:
        manifest = json.loads(raw)
    except ValueError:
        manifest = None
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or not isinstance(files, list) or not all(isinstance(e, dict) for e in files):
        return None, [*problems, Problem(MANIFEST, "not a valid manifest (JSON object with a files list)")]
    if manifest.get("schema_name") != MANIFEST_SCHEMA:
        problems.append(Problem(MANIFEST, f"schema_name is {manifest.get('schema_name')!r}, not {MANIFEST_SCHEMA!r}"))
    listed = set()
    for entry in files:
        name = str(entry.get("name"))
        listed.add(name)
        if name in damaged:
            continue
        data = members.get(name)
        if data is None:
            problems.append(Problem(name, "listed in the manifest but missing from the bundle"))
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest != entry.get("sha256"):
            problems.append(Problem(name, f"sha256 {digest} differs from the manifest's {entry.get('sha256')}"))
        try:
            doc = json.loads(data)
        except ValueError:
            problems.append(Problem(name, "not valid JSON"))
            continue
        schema = CANONICAL.get(name)
        if schema is not None:
            try:
                check(doc, Path(name), schema)
            except InputError as exc:
                problems.append(Problem(name, str(exc).removeprefix(f"{name}: ")))
    for name in sorted(set(members) - listed - {MANIFEST}):
        problems.append(Problem(name, "in the bundle but not in the manifest"))
    return manifest, problems
