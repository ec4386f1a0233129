"""``sdetkit governance ...``: schema compatibility, the deprecation register, monthly reviews."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sdetkit.errors import EXIT_FAILED, EXIT_OK, InputError, UsageError
from sdetkit.evidence.atomic import check_writable, emit
from sdetkit.settings import (
    CheckRemovalsSettings,
    DeprecateSettings,
    GovernanceReviewSettings,
    GovernanceStatusSettings,
    OutputSettings,
    SchemaDiffSettings,
)


def _deliver(doc: Mapping[str, Any], output: OutputSettings, text: Callable[[Mapping[str, Any]], str]) -> None:
    """Print ``doc`` as JSON or text, or write it to ``--out`` (then the text view's first line)."""
    rendered = json.dumps(doc, indent=2, sort_keys=True) + "\n" if output.format == "json" else text(doc)
    summary = text(doc).splitlines()[0] + "\n" if output.out else ""
    emit(rendered, summary, output.target, output.out, sys.stdout)


def schema_diff(settings: SchemaDiffSettings) -> int:
    """Classify every change between two schemas; exit 1 when the declared bump is too small."""
    from sdetkit.governance import schema_report, shapes

    if settings.output.target is not None:
        check_writable(settings.output.target)
    old, new = shapes.load(settings.old), shapes.load(settings.new)
    doc = schema_report.diff(old, new, settings.declared)
    _deliver(doc, settings.output, schema_report.text)
    return EXIT_OK if doc["ok"] else EXIT_FAILED


def deprecate(settings: DeprecateSettings) -> int:
    """Append one validated entry to the register, atomically; refuse a duplicate surface."""
    from sdetkit.evidence.atomic import write_output
    from sdetkit.governance import deprecations as reg

    root = _program_root(settings.program)
    announced = reg.version(settings.announced)
    if announced is None:
        raise UsageError(f"--announced {settings.announced}: expected a MAJOR.MINOR.PATCH version")
    after = reg.window_end(settings.remove_after)
    if after is None:
        raise UsageError(f"--remove-after {settings.remove_after}: expected a MAJOR.MINOR.PATCH version or a date")
    raw = {
        "surface": settings.surface,
        "announced": settings.announced,
        "remove_after": settings.remove_after,
        "replacement": settings.replacement,
        "note": settings.note,
    }
    try:
        item = reg.entry("governance deprecate", raw)
    except InputError as exc:  # the flags were wrong, not a file: a usage error naming the flag's key
        raise UsageError(str(exc)) from exc
    text = reg.added(root, item)
    path = root / reg.REGISTER
    check_writable(path, "governance deprecate:")
    write_output(path, text, "governance deprecate:")
    sys.stdout.write(f"registered {item.surface!r}: removal not before {item.window()}\nwrote {path}\n")
    return EXIT_OK


def check_removals(settings: CheckRemovalsSettings) -> int:
    """Judge the removed surfaces against the register; exit 1 when one goes before its window closes."""
    from sdetkit.governance import deprecations as reg
    from sdetkit.governance import removals, schema_diff, shapes
    from sdetkit.portfolio.dates import now, parse_date

    if (settings.old_schema is None) != (settings.new_schema is None):
        raise UsageError("--old-schema and --new-schema go together: the removed fields are what they differ by")
    release = reg.version(settings.version) if settings.version else None
    if settings.version and release is None:
        raise UsageError(f"--version {settings.version}: expected a MAJOR.MINOR.PATCH version")
    day = parse_date("--date", settings.date) if settings.date else now().date()
    if settings.output.target is not None:
        check_writable(settings.output.target)
    _, register = reg.load(_program_root(settings.program))
    removed = list(settings.removed)
    if settings.old_schema is not None and settings.new_schema is not None:
        changes = schema_diff.compare(shapes.load(settings.old_schema), shapes.load(settings.new_schema))
        removed += [c.path for c in changes if c.change in removals.REMOVING]
    doc = removals.judge(removed, register, release, day)
    _deliver(doc, settings.output, removals.text)
    return EXIT_OK if doc["ok"] else EXIT_FAILED


def _program_root(program: Path) -> Path:
    root = program.absolute().parent
    if not root.is_dir():
        raise UsageError(f"{program}: its folder (the program repository) does not exist")
    return root


def review(settings: GovernanceReviewSettings) -> int:
    """Record one review (its notes hashed); the same kind, day and notes again is not stored twice."""
    import hashlib

    from sdetkit.evidence.load import read_text
    from sdetkit.governance.reviews import GovernanceReview
    from sdetkit.portfolio.dates import now, parse_date
    from sdetkit.portfolio.store import open_store

    today = now()
    on = parse_date("--on", settings.on) if settings.on else today.date()
    if on > today.date():
        raise UsageError(f"--on {on} is after today ({today.date()}): a review is recorded once it was held")
    if any(not d for d in settings.decisions):
        raise UsageError("--decision: a decision cannot be empty")
    notes = read_text(settings.notes)  # exists, not empty, UTF-8: else one line naming it, exit 2
    sha = hashlib.sha256(notes.encode("utf-8")).hexdigest()
    rid = hashlib.sha256(f"{settings.kind}\n{on}\n{sha}".encode()).hexdigest()[:16]
    record = GovernanceReview(
        rid,
        settings.kind,
        on.isoformat(),
        settings.reviewers,
        settings.decisions,
        sha,
        str(settings.notes),
        today.isoformat().replace("+00:00", "Z"),
    )
    with open_store(settings.store.db) as store:
        new = store.add_review(record)
        where = store.name
    said = "recorded" if new else "already recorded"
    sys.stdout.write(f"{said}: {settings.kind} review on {on} (notes sha256 {sha[:12]}) in {where}\n")
    return EXIT_OK


def status(settings: GovernanceStatusSettings) -> int:
    """List each month's reviews; exit 1 when a month that has ended lacks one."""
    from sdetkit.governance import reviews
    from sdetkit.portfolio.dates import now, parse_date
    from sdetkit.portfolio.store import open_store

    today = now().date()
    since = parse_date("--since", settings.since) if settings.since else None
    if since is not None and since > today:
        raise UsageError(f"--since {since} is after today ({today})")
    if settings.output.target is not None:
        check_writable(settings.output.target)
    with open_store(settings.store.db, create=False) as store:
        held = store.reviews(today.isoformat())
    first = since or (dt.date.fromisoformat(held[0].reviewed_on) if held else today)
    doc = reviews.status_document(reviews.by_month(held, first, today), today)
    _deliver(doc, settings.output, reviews.status_text)
    return EXIT_OK if doc["ok"] else EXIT_FAILED
