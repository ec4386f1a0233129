"""Pure reduction of step results to a verdict. No I/O, no clock."""

from __future__ import annotations

from collections.abc import Iterable

from sdetkit.model import Status, StepResult, Verdict

BLOCKING = frozenset({Status.FAILED, Status.ERROR, Status.TIMED_OUT})


def reduce(results: Iterable[StepResult]) -> Verdict:
    """Return ``ok`` only when at least one step ran and every step that ran passed.

    A plan with no steps, or whose steps were all skipped, is never a pass: nothing was proven.
    """
    results = list(results)
    failed = tuple(sorted(r.spec.id for r in results if r.status in BLOCKING))
    ran = [r for r in results if r.status is not Status.SKIPPED]
    if not results:
        return Verdict(False, failed, "empty plan: no steps were discovered")
    if not ran:
        return Verdict(False, failed, "empty plan: every step was skipped")
    if failed:
        detail = ", ".join(
            f"{r.spec.id} ({r.status.value})" for r in sorted(results, key=lambda r: r.spec.id) if r.status in BLOCKING
        )
        return Verdict(False, failed, f"{len(failed)} of {len(results)} steps did not pass: {detail}")
    skipped = len(results) - len(ran)
    tail = f", {skipped} skipped" if skipped else ""
    return Verdict(True, (), f"{len(ran)} of {len(results)} steps passed{tail}")
