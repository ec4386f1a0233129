"""Whether removing surfaces now respects the register: each removed surface must be registered,
and its window (a version or a date) must have closed by the release or day being judged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sdetkit.governance.deprecations import Deprecation, show

SCHEMA_NAME = "sdetkit.governance.removals"
SCHEMA_VERSION = "1.0.0"
REMOVING = ("field removed", "field renamed")  # the schema-diff changes that take a surface away


def judge(
    removed: Iterable[str], register: list[Deprecation], release: tuple[int, int, int] | None, day: dt.date
) -> dict[str, Any]:
    """The result document: one entry per removed surface, ``ok`` only when every one may go."""
    by_surface = {d.surface: d for d in register}
    items = []
    for surface in dict.fromkeys(removed):
        d = by_surface.get(surface)
        if d is None:
            status, why = "blocked", "not in the deprecation register: it was never announced"
        elif isinstance(d.remove_after, tuple):
            if release is None:
                status, why = "blocked", f"its window closes at version {show(d.remove_after)}: pass --version"
            elif release < d.remove_after:
                status, why = "blocked", f"removal not before version {show(d.remove_after)}; this is {show(release)}"
            else:
                status, why = "allowed", f"window closed at version {show(d.remove_after)}"
        elif day < d.remove_after:
            status, why = "blocked", f"removal not before {d.remove_after}; it is {day}"
        else:
            status, why = "allowed", f"window closed on {d.remove_after}"
        items.append(
            {
                "surface": surface,
                "status": status,
                "reason": why,
                "replacement": d.replacement if d else None,
                "note": d.note if d else None,
            }
        )
    return {
        "schema_name": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "ok": all(i["status"] == "allowed" for i in items),
        "version": show(release) if release else None,
        "date": day.isoformat(),
        "removals": items,
    }


def text(doc: Mapping[str, Any]) -> str:
    """The text view: the verdict, then one line per removed surface."""
    blocked = [i for i in doc["removals"] if i["status"] == "blocked"]
    n = len(doc["removals"])
    head = f"check-removals: {n} surface(s) removed; " + (
        f"{len(blocked)} removed before the window closes: {', '.join(i['surface'] for i in blocked)}"
        if blocked
        else "every window has closed"
    )
    lines = [head] + [f"  {i['status']:<7}  {i['surface']}: {i['reason']}" for i in doc["removals"]]
    return "\n".join(lines) + "\n"
