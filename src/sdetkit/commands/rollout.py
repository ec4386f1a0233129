"""``sdetkit rollout status``: every criterion of the rollout guide judged from evidence."""

from __future__ import annotations

import sys

from sdetkit.errors import EXIT_FAILED, EXIT_OK, UsageError
from sdetkit.evidence.atomic import check_writable
from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver
from sdetkit.settings import RolloutStatusSettings


def status(settings: RolloutStatusSettings) -> int:
    """Judge the program as of a day; exit 0 only when the judged stage's exit criteria are all met."""
    from sdetkit.portfolio.dates import now, parse_date
    from sdetkit.rollout import evidence, render
    from sdetkit.rollout import status as rollout

    today = now().date()
    as_of = parse_date("--as-of", settings.as_of) if settings.as_of else today
    if as_of > today:
        raise UsageError(f"--as-of {as_of} is after today ({today}): no evidence can exist for it yet")
    if settings.output.out is not None:
        check_writable(settings.output.out.absolute())
    found, store = evidence.load(settings.program, settings.db, today)
    if as_of < found.program.start:
        raise UsageError(f"--as-of {as_of} is before the program's start ({found.program.start})")
    judged = rollout.evaluate(found, as_of, settings.stage)
    doc = rollout.document(judged, store)
    summary = render.headline(doc) + "\n" if settings.output.out else None
    deliver(DocumentReport("rollout", doc), settings.output, sys.stdout, summary)
    return EXIT_OK if judged.ok else EXIT_FAILED
