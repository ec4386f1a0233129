"""Read built distributions: which files, their metadata, their top-level import names.

Archives are read defensively (size bounds, no extraction): a broken build must become a clear
failed check, never a crash or a write outside sdetkit's folders.
"""

from __future__ import annotations

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
