"""A dependency-aware parallel scheduler for steps.

Steps start in the order given (the caller puts the longest first), as soon as their ``needs`` have
finished and a worker is free. A step whose need did not pass is skipped, never run. Steps that
modify files run alone, before everything else, so no reader sees a half-fixed tree.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from typing import NamedTuple

from sdetkit.model import Status, StepResult, StepSpec


class Event(NamedTuple):
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

    Each started step runs in its own daemon thread (at most ``jobs`` at once) and reports back
    through a queue; the main thread only schedules, so Ctrl-C lands here. ``on_interrupt`` is
    called then, so the caller can kill the running process groups before the exception
    propagates.
    """
    jobs = max(1, jobs)
    pending = list(specs)
    done: dict[str, StepResult] = {}
    running: dict[str, StepSpec] = {}
    finished: queue.Queue[tuple[StepSpec, StepResult | BaseException]] = queue.Queue()

    def work(spec: StepSpec) -> None:
        try:
            finished.put((spec, execute(spec)))
        except BaseException as exc:  # re-raised in the main thread
            finished.put((spec, exc))

    def finish(result: StepResult) -> None:
        done[result.spec.id] = result
        on_event(Event("finish", result.spec, result))

    def start(spec: StepSpec) -> None:
        running[spec.id] = spec
        on_event(Event("start", spec))
        threading.Thread(target=work, args=(spec,), name=f"sdetkit-{spec.id}", daemon=True).start()

    try:
        while pending or running:
            _start_ready(pending, running, done, jobs, finish, start)
            if not running:
                if pending:  # only reachable with a dependency cycle, which config rejects
                    raise RuntimeError(f"unschedulable steps: {[s.id for s in pending]}")
                break
            try:
                spec, outcome = finished.get(timeout=0.1)
            except queue.Empty:
                on_event(Event("tick"))
                continue
            del running[spec.id]
            if isinstance(outcome, BaseException):
                raise outcome
            finish(outcome)
    except BaseException:
        on_interrupt()
        raise
    return [done[s.id] for s in specs]


def _start_ready(
    pending: list[StepSpec],
    running: dict[str, StepSpec],
    done: dict[str, StepResult],
    jobs: int,
    finish: Callable[[StepResult], None],
    start: Callable[[StepSpec], None],
) -> None:
    """Skip every pending step whose needs did not pass, start every step that may start."""
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
            elif all(n in done for n in spec.needs) and _may_start(spec, pending, running, done, jobs):
                pending.remove(spec)
                start(spec)
                progressed = True


def _may_start(
    spec: StepSpec,
    pending: list[StepSpec],
    running: dict[str, StepSpec],
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
