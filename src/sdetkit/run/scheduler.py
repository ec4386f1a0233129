"""A dependency-aware parallel scheduler for steps.

Steps start in the order given (the caller puts the longest first), as soon as their ``needs`` have
finished and a worker is free. A step whose need did not pass is skipped, never run. Steps that
modify files run alone, before everything else, so no reader sees a half-fixed tree.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sdetkit.model import Status, StepResult, StepSpec


@dataclass(frozen=True)
class Event:
    """A progress event: ``kind`` is ``start``, ``finish`` or ``tick``."""

    kind: str
    spec: StepSpec | None = None
    result: StepResult | None = None


def schedule(
    specs: Sequence[StepSpec],
    execute: Callable[[StepSpec], StepResult],
    jobs: int,
    on_event: Callable[[Event], None] = lambda _e: None,
    on_interrupt: Callable[[], None] = lambda: None,
) -> list[StepResult]:
    """Run every spec once and return the results in the order of ``specs``.

    ``on_interrupt`` is called when the wait is interrupted (Ctrl-C) so the caller can kill the
    running process groups before the exception propagates.
    """
    jobs = max(1, jobs)
    pending = list(specs)
    done: dict[str, StepResult] = {}
    running: dict[cf.Future[StepResult], StepSpec] = {}

    def finish(result: StepResult) -> None:
        done[result.spec.id] = result
        on_event(Event("finish", result.spec, result))

    with cf.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="sdetkit-step") as pool:
        try:
            while pending or running:
                progressed = True
                while progressed:
                    progressed = False
                    for spec in list(pending):
                        blocked = [n for n in spec.needs if n in done and done[n].status is not Status.PASSED]
                        if blocked:
                            pending.remove(spec)
                            reasons = ", ".join(f"{n} {done[n].status.value}" for n in blocked)
                            finish(StepResult(spec, Status.SKIPPED, message=f"not run: needs {reasons}"))
                            progressed = True
                            continue
                        if any(n not in done for n in spec.needs):
                            continue
                        if not _may_start(spec, pending, running, done, jobs):
                            continue
                        pending.remove(spec)
                        on_event(Event("start", spec))
                        running[pool.submit(execute, spec)] = spec
                        progressed = True
                if not running:
                    if pending:  # only reachable with a dependency cycle, which config rejects
                        raise RuntimeError(f"unschedulable steps: {[s.id for s in pending]}")
                    break
                finished, _ = cf.wait(running, timeout=0.1, return_when=cf.FIRST_COMPLETED)
                on_event(Event("tick"))
                for fut in finished:
                    running.pop(fut)
                    finish(fut.result())
        except BaseException:
            on_interrupt()
            for fut in running:
                fut.cancel()
            raise
    return [done[s.id] for s in specs]


def _may_start(
    spec: StepSpec,
    pending: list[StepSpec],
    running: dict[cf.Future[StepResult], StepSpec],
    done: dict[str, StepResult],
    jobs: int,
) -> bool:
    if len(running) >= jobs:
        return False
    if any(s.modifies for s in running.values()):
        return False
    if spec.modifies:
        return not running
    # While a modifying step is ready, nothing else starts: fixes land before anything reads the tree.
    return not any(s.modifies and all(n in done for n in s.needs) for s in pending)
