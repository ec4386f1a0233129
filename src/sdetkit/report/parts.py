"""The report's parts read beside the runs: incidents and support, governance and release
checklists. Each part's module computes its dataset keys; this one gathers them for
:func:`sdetkit.report.dataset.build`, from the program file they read their settings from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sdetkit.portfolio.inventory import Expected
    from sdetkit.portfolio.program import Program
    from sdetkit.portfolio.store import Store


def build(
    store: Store,
    kind: str,
    start: dt.date,
    end: dt.date,
    today: dt.date | None,
    expected: Mapping[str, Expected],
    program: Program | None,
) -> dict[str, Any]:
    """The dataset keys of every part for the ``kind`` ("weekly" or "monthly") period ``[start, end]``."""
    from sdetkit.report import checklists, governance, incidents

    return {
        **incidents.part(store, start, end, today, program.support if program else None, expected),
        **governance.part(store, kind, start, end, today, program),
        **checklists.part(store, start, end, expected),
    }
