"""Pure reduction of step results to a verdict. No I/O, no clock.

The same function judges a run as it happens and re-checks a written artifact: an artifact whose
``ok``, ``failed_steps`` or ``reason`` differ from what its own steps give contradicts itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from sdetkit.model import Status, StepResult, Verdict

BLOCKING = frozenset({Status.FAILED, Status.ERROR, Status.TIMED_OUT})
DRY_RUN_REASON = "dry run: the plan was printed, nothing was run"


def reduce(results: Iterable[StepResult]) -> Verdict:
    """Return ``ok`` only when at least one step ran and every step that ran passed.

    A plan with no steps, or whose steps were all skipped, is never a pass: nothing was proven.
    """
    return summarize((r.spec.id, r.status) for r in results)


def summarize(outcomes: Iterable[tuple[str, Status]]) -> Verdict:
    """The verdict of ``(step id, status)`` pairs; see :func:`reduce`."""
    outcomes = list(outcomes)
    failed = tuple(sorted(sid for sid, status in outcomes if status in BLOCKING))
    ran = [sid for sid, status in outcomes if status is not Status.SKIPPED]
    if not outcomes:
        return Verdict(False, failed, "empty plan: no steps were discovered")
    if not ran:
        return Verdict(False, failed, "empty plan: every step was skipped")
    if failed:
        detail = ", ".join(f"{sid} ({status.value})" for sid, status in sorted(outcomes) if status in BLOCKING)
        return Verdict(False, failed, f"{len(failed)} of {len(outcomes)} steps did not pass: {detail}")
    skipped = len(outcomes) - len(ran)
    tail = f", {skipped} skipped" if skipped else ""
    return Verdict(True, (), f"{len(ran)} of {len(outcomes)} steps passed{tail}")
