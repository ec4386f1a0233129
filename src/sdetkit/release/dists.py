"""Read built distributions: which files, their metadata, their top-level import names.

Archives are read defensively (size bounds, no extraction): a broken build must become a clear
failed check, never a crash or a write outside sdetkit's folders.
"""

from __future__ import annotations

import tarfile
import zipfile
from email.message import Message
from email.parser import HeaderParser
from pathlib import Path
from typing import NamedTuple

MEMBER_LIMIT = 64 << 20  # metadata files are small; refuse absurd ones


class Built(NamedTuple):
    """The sdist and wheel a build produced (either may be missing)."""

    sdist: Path | None
    wheel: Path | None

    @property
    def files(self) -> list[Path]:
        return [p for p in (self.sdist, self.wheel) if p is not None]


def find(dist: Path) -> Built:
    sdists = sorted(dist.glob("*.tar.gz"))
    wheels = sorted(dist.glob("*.whl"))
    return Built(sdists[0] if sdists else None, wheels[0] if wheels else None)


def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def wheel_metadata(wheel: Path) -> tuple[str, Message]:
    """The raw METADATA text of a wheel and its parsed headers."""
    with zipfile.ZipFile(wheel) as zf:
        name = next((n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")), None)
        if name is None:
            raise ValueError(f"{wheel.name}: no .dist-info/METADATA")
        info = zf.getinfo(name)
        if info.file_size > MEMBER_LIMIT:
            raise ValueError(f"{wheel.name}: METADATA is {info.file_size} bytes")
        text = zf.read(name).decode("utf-8")
    return text, HeaderParser().parsestr(text)


def sdist_metadata(sdist: Path) -> Message:
    """The parsed PKG-INFO at the top of an sdist."""
    with tarfile.open(sdist, "r:gz") as tf:
        member = next((m for m in tf.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")), None)
        if member is None or not member.isfile():
            raise ValueError(f"{sdist.name}: no PKG-INFO")
        if member.size > MEMBER_LIMIT:
            raise ValueError(f"{sdist.name}: PKG-INFO is {member.size} bytes")
        stream = tf.extractfile(member)
        if stream is None:
            raise ValueError(f"{sdist.name}: PKG-INFO cannot be read")
        text = stream.read().decode("utf-8")
    return HeaderParser().parsestr(text)


def long_description(dist: Path) -> str:
    """The long description a wheel or sdist carries, as twine hands it to the renderer."""
    headers = dist_metadata(dist)
    body = headers.get_payload()
    if isinstance(body, str) and body.strip():
        return body
    # Metadata before 2.1 keeps it in a folded Description header: continuation lines are
    # indented by eight spaces, or by seven and a bar.
    lines = str(headers.get("Description", "")).split("\n")
    return "\n".join([lines[0], *(ln[8:] if ln.startswith(("        ", "       |")) else ln for ln in lines[1:])])


def dist_metadata(dist: Path) -> Message:
    """Parsed core metadata of a wheel or an sdist."""
    return wheel_metadata(dist)[1] if dist.name.endswith(".whl") else sdist_metadata(dist)


def top_level(names: list[str]) -> list[str]:
    """Top-level import names a wheel ships: packages (folders with .py files) and modules."""
    found: set[str] = set()
    for name in names:
        first, _, rest = name.partition("/")
        if first.endswith((".dist-info", ".data")):
            continue
        if not rest and first.endswith(".py"):
            found.add(first[:-3])
        elif rest and (rest.endswith(".py") or ".so" in rest or rest.endswith(".pyd")) and first.isidentifier():
            found.add(first)
        elif not rest and (first.endswith((".so", ".pyd"))):
            found.add(first.split(".", 1)[0])
    return sorted(found)
