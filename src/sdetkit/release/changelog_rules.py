"""Does the changelog describe the built version? Pure: parsed entries and a version in, a
judgement out, naming the file and line a person has to change.

Rules (issue 9):
- a release build passes only when the newest released entry is the built version's
  (``packaging`` equality, so ``v1.2.0`` is ``1.2``);
- its entry must not be marked unreleased;
- changes still under an Unreleased section (or under a newer version marked unreleased) are
  not in any released entry, so they fail a release; an empty one is fine;
- a development build (``1.3.0.dev2``) passes when its base version has an entry, released or
  not, or when an Unreleased section is waiting for it: the ``version`` check already fails it
  as not a release, so this check only says where its notes are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from packaging.version import Version

from sdetkit.release.changelog import Entry, as_version

_ZERO = Version("0")


class Judgement(NamedTuple):
    """The check's outcome: ``message`` is the full sentence, ``summary`` the same without the
    location that ``line`` (in the changelog) already gives."""

    ok: bool
    message: str
    summary: str
    line: int | None = None
    rule: str | None = None


def _target(built: str) -> tuple[Version | None, bool]:
    """The version whose entry a build needs, and whether the build is a development build."""
    v = as_version(built)
    if v is None:
        return None, False
    public = Version(v.public)  # a +local suffix is build metadata, not another release
    if public.is_devrelease:
        return Version(re.sub(r"\.dev\d+$", "", str(public))), True
    return public, False


def _same(entry: Entry, target: Version | None, built: str) -> bool:
    if entry.version is None:
        return False
    parsed = entry.parsed()
    if target is None or parsed is None:
        return entry.version.lstrip("vV") == built.lstrip("vV")
    return parsed == target


def judge(entries: Sequence[Entry], built: str, rel: str) -> Judgement:
    """Judge ``entries`` (from ``changelog.parse`` of the file ``rel``) for the built version."""
    if not entries:
        text = (
            "no version entries found (no heading such as '## 1.2.3', '## [Unreleased]' or an underlined"
            " '1.2.3 (2024-01-01)')"
        )
        return Judgement(False, f"{rel}: {text}", text, None, "changelog-unparsed")
    target, dev = _target(built)
    mine = next((e for e in entries if _same(e, target, built)), None)
    released = [e for e in entries if e.version is not None and not e.unreleased and e.parsed() is not None]
    newest = max(released, key=lambda e: e.parsed() or _ZERO, default=None)
    if newest is not None:
        top = newest.parsed()
        newest = next(e for e in released if e.parsed() == top)  # the first of equal versions, in file order
    waiting = [e for e in entries if e.unreleased and (e.version is None or _newer(e, target))]
    pending = next((e for e in waiting if e.has_body), None)
    at = f"{rel}:"

    if dev:
        if mine is not None:
            state = " (marked unreleased)" if mine.unreleased else ""
            text = f"development build {built}: entry for {mine.version} at {at}{mine.line}{state}"
            return Judgement(True, text, text, mine.line)
        if waiting:
            text = f"development build {built}: its notes are under {waiting[0].heading} at {at}{waiting[0].line}"
            return Judgement(True, text, text, waiting[0].line)
    elif mine is not None and mine.unreleased:
        text = f"the entry for {built} is marked unreleased ({mine.heading}); date it before releasing"
        return Judgement(False, f"{text} ({at}{mine.line})", text, mine.line, "changelog-unreleased")

    if mine is None:
        return _missing(f"{target}" if dev else built, built if dev else None, rel, pending, newest, waiting)
    if newest is not None and mine is not newest and (newest.parsed() or _ZERO) > (mine.parsed() or _ZERO):
        text = f"the newest entry is {newest.version}, not the built {built} (its entry is at line {mine.line})"
        full = f"the newest entry in {rel} is {newest.version} at {at}{newest.line}, not the built {built}"
        full += f" (its entry is at {at}{mine.line})"
        return Judgement(False, full, text, newest.line, "changelog-not-newest")
    if pending is not None:
        text = f"changes under {pending.heading} at {at}{pending.line} are not in any released entry"
        summary = f"changes under {pending.heading} are not in any released entry"
        return Judgement(False, text, summary, pending.line, "changelog-unreleased-changes")
    text = f"entry for {built} at {at}{mine.line}"
    return Judgement(True, text, text, mine.line)


def _missing(
    wanted: str,
    dev_build: str | None,
    rel: str,
    pending: Entry | None,
    newest: Entry | None,
    waiting: Sequence[Entry],
) -> Judgement:
    """No entry for the wanted version: say where the notes are instead, and point at that line
    (the filled Unreleased section to rename, else the newest entry)."""
    head = f"no entry for {wanted}" + (f" (development build {dev_build})" if dev_build else "")
    full, short, line = [head], [head], None
    if pending is not None:
        full.append(f"changes under {pending.heading} at {rel}:{pending.line} are not in any released entry")
        short.append(f"changes under {pending.heading} are not in any released entry")
        line = pending.line
    if newest is not None:
        full.append(f"the newest entry is {newest.version} at {rel}:{newest.line}")
        short.append(f"the newest entry is {newest.version}" + (f" (line {newest.line})" if line else ""))
        line = line or newest.line
    elif waiting and pending is None:
        full.append(f"only an empty {waiting[0].heading} section at {rel}:{waiting[0].line}")
        short.append(f"only an empty {waiting[0].heading} section")
        line = waiting[0].line
    return Judgement(False, f"{rel} has " + "; ".join(full), "; ".join(short), line, "changelog-entry")


def _newer(entry: Entry, target: Version | None) -> bool:
    """A versioned section marked unreleased counts as pending only when it is for a later version."""
    parsed = entry.parsed()
    return target is not None and parsed is not None and parsed > target
