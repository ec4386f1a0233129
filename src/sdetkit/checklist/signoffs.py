"""Release sign-offs: who signed a version of a release train off, in which role, and when.

They live in the program repository's ``release-signoffs.toml``, beside the program file, not in
the evidence store: a sign-off is a person's statement, so it belongs where people review and
commit the program's other statements (the program file's owners and stage sign-offs). Git
history then dates it, a reviewer can see it in a pull request, and a later checklist run (on
any machine, with any store) sees it::

    [[signoff]]
    train = "Release confidence rollout"
    version = "2.4.0"
    role = "release-owner"
    name = "Bo Chen"
    at = 2026-03-30T10:00:00Z

:func:`load` reports every problem of the file at once, one line each with the file and line.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.enums import StrEnum, values
from sdetkit.errors import InputError, UsageError
from sdetkit.portfolio.tomllines import key_lines, line_of
from sdetkit.text import one_line_problem

FILE_NAME = "release-signoffs.toml"


class SignoffRole(StrEnum):
    """The roles whose sign-off the release package needs."""

    RELEASE_OWNER = "release-owner"
    PLATFORM_OWNER = "platform-owner"
    QA_GOVERNANCE = "qa-governance"


class ReleaseSignoff(NamedTuple):
    """One person's sign-off of one version of a release train, in one role."""

    train: str
    version: str
    role: SignoffRole
    name: str
    at: dt.datetime

    def document(self) -> dict[str, str]:
        """The JSON form (``signoffs[]`` of the checklist result)."""
        return {"role": self.role.value, "name": self.name, "at": _iso(self.at)}


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_flag(text: str) -> tuple[SignoffRole, str]:
    """``--sign-off ROLE=NAME``."""
    role, sep, name = text.partition("=")
    known = ", ".join(values(SignoffRole))
    if not sep or not name.strip():
        raise UsageError(f"--sign-off {text!r}: expected ROLE=NAME, ROLE one of {known}")
    key = role.strip().casefold().replace("_", "-")
    if key not in values(SignoffRole):
        raise UsageError(f"--sign-off {text!r}: unknown role {role.strip()!r} (known: {known})")
    return SignoffRole(key), name.strip()


def parse_flags(texts: list[str]) -> list[tuple[SignoffRole, str]]:
    """Every ``--sign-off`` of one run. One role signed by two people at once is refused: which of
    them signed would depend on the flags' order."""
    given = list(dict.fromkeys(parse_flag(t) for t in texts))
    for role in SignoffRole:
        names = [name for r, name in given if r is role]
        if len(names) > 1:
            raise UsageError(
                f"--sign-off {role.value} is given for {' and '.join(map(repr, names))}: one person signs a role"
            )
    return given


def load(path: Path) -> tuple[ReleaseSignoff, ...]:
    """The sign-offs recorded in ``path`` (none when it does not exist)."""
    from sdetkit.repo.config import load_toml

    if not path.is_file():
        return ()
    data = load_toml(path, str(path))
    lines = key_lines(path.read_text(encoding="utf-8"))
    problems: list[tuple[int, str]] = []
    raw = data.get("signoff", [])
    for key in sorted(set(data) - {"signoff"}):
        problems.append((line_of(lines, (key,)), f"{key}: unknown key (a sign-off is a [[signoff]] table)"))
    if not isinstance(raw, list):
        raw = []
        problems.append((line_of(lines, ("signoff",)), "signoff must be [[signoff]] tables"))
    found: list[ReleaseSignoff] = []
    for i, item in enumerate(raw):
        entry, wrong = _entry(item, i)
        problems += [(line_of(lines, ("signoff", i, key)), message) for key, message in wrong]
        if entry is not None:
            found.append(entry)
    if problems:
        first = sorted(problems)[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise InputError(f"{path}:{first[0]}: {first[1]}{more}")
    return tuple(found)


def _entry(item: Any, i: int) -> tuple[ReleaseSignoff | None, list[tuple[str, str]]]:
    where = f"signoff[{i}]"
    if not isinstance(item, dict):
        return None, [("", f"{where} must be a table with train, version, role, name and at")]
    wrong = [(k, f"{where}.{k}: unknown key") for k in sorted(set(item) - set(ReleaseSignoff._fields))]
    for key in ("train", "version", "name"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            wrong.append((key, f"{where}.{key} must be a non-empty string"))
        elif problem := one_line_problem(item[key]):
            wrong.append((key, f"{where}.{key} {problem}"))
    if item.get("role") not in values(SignoffRole):
        wrong.append(("role", f"{where}.role = {item.get('role')!r} is not one of {', '.join(values(SignoffRole))}"))
    at = item.get("at")
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        wrong.append(("at", f"{where}.at = {at!r} is not a time with its zone (2026-03-30T10:00:00Z)"))
    if wrong or not isinstance(at, dt.datetime):
        return None, wrong
    entry = ReleaseSignoff(item["train"].strip(), item["version"].strip(), SignoffRole(item["role"]),
                           item["name"].strip(), at)  # fmt: skip
    return entry, []


def record(
    existing: tuple[ReleaseSignoff, ...],
    train: str,
    version: str,
    given: list[tuple[SignoffRole, str]],
    at: dt.datetime,
) -> tuple[ReleaseSignoff, ...]:
    """``existing`` plus the sign-offs ``given`` now. Signing again in the same role by the same
    person keeps the first time (re-running the checklist does not move it)."""
    out = list(existing)
    for role, name in given:
        if not any((s.train, s.version, s.role, s.name) == (train, version, role, name) for s in out):
            out.append(ReleaseSignoff(train, version, role, name, at))
    return tuple(out)


def of(signoffs: tuple[ReleaseSignoff, ...], train: str, version: str) -> dict[SignoffRole, ReleaseSignoff]:
    """The sign-off that counts for each role of this train's version: the latest one."""
    found: dict[SignoffRole, ReleaseSignoff] = {}
    for s in sorted(signoffs, key=lambda s: s.at):
        if (s.train, s.version) == (train, version):
            found[s.role] = s
    return found


def dump(signoffs: tuple[ReleaseSignoff, ...]) -> str:
    """The file's text (strings as JSON strings, which TOML basic strings read the same)."""
    out = ["# Release sign-offs, recorded by `sdetkit release checklist --sign-off ROLE=NAME` (or by hand).\n"]
    for s in signoffs:
        out.append("\n[[signoff]]\n")
        for key in ("train", "version"):
            out.append(f"{key} = {json.dumps(getattr(s, key))}\n")
        out.append(f"role = {json.dumps(s.role.value)}\nname = {json.dumps(s.name)}\nat = {_iso(s.at)}\n")
    return "".join(out)
