"""The scheduler in process: parallelism up to jobs, needs, modifying steps, interrupts."""

from __future__ import annotations

import threading
import time

import pytest

from sdetkit.model import Status, StepResult, StepSpec
from sdetkit.run.scheduler import schedule
from tests.specs import spec


class TestScheduler:
    def test_runs_in_parallel_up_to_jobs(self) -> None:
        live = 0
        peak = 0
        lock = threading.Lock()

        def execute(s: StepSpec) -> StepResult:
            nonlocal live, peak
            with lock:
                live += 1
                peak = max(peak, live)
            time.sleep(0.05)
            with lock:
                live -= 1
            return StepResult(s, Status.PASSED)

        results = schedule([spec(str(i)) for i in range(6)], execute, jobs=3)
        assert [r.spec.id for r in results] == [str(i) for i in range(6)]
        assert peak == 3

    def test_needs_wait_and_failed_needs_skip(self) -> None:
        order: list[str] = []

        def execute(s: StepSpec) -> StepResult:
            order.append(s.id)
            return StepResult(s, Status.FAILED if s.id == "build" else Status.PASSED)

        specs = [spec("deploy", needs=("package",)), spec("package", needs=("build",)), spec("build"), spec("lint")]
        res = {r.spec.id: r for r in schedule(specs, execute, jobs=4)}
        assert res["package"].status is Status.SKIPPED
        assert res["package"].message == "not run: needs build failed"
        assert res["deploy"].status is Status.SKIPPED
        assert res["deploy"].message == "not run: needs package skipped"
        assert sorted(order) == ["build", "lint"]

    def test_modifying_steps_run_alone_and_first(self) -> None:
        events: list[tuple[str, str]] = []
        lock = threading.Lock()

        def execute(s: StepSpec) -> StepResult:
            with lock:
                events.append(("start", s.id))
            time.sleep(0.03)
            with lock:
                events.append(("end", s.id))
            return StepResult(s, Status.PASSED)

        specs = [spec("read1"), spec("fix1", modifies=True), spec("read2"), spec("fix2", modifies=True)]
        schedule(specs, execute, jobs=4)
        assert events[:4] == [("start", "fix1"), ("end", "fix1"), ("start", "fix2"), ("end", "fix2")]

    def test_interrupt_calls_back_and_propagates(self) -> None:
        called = []

        def execute(s: StepSpec) -> StepResult:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            schedule([spec("a")], execute, jobs=1, on_interrupt=lambda: called.append(True))
        assert called == [True]
