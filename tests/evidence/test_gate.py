"""The canonical gate artifact: stable mode does not depend on finish order, durations or noise."""

from __future__ import annotations

import json
import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.evidence import gate as artifact
from sdetkit.evidence.redact import stabilise
from sdetkit.model import GateReport, RepoFacts, Status, StepResult, StepSpec
from sdetkit.run.scheduler import schedule
from sdetkit.verdict import reduce
from tests.conftest import validate
from tests.specs import spec

statuses = st.sampled_from(list(Status))


@settings(max_examples=40, deadline=None)
@given(
    outcomes=st.lists(statuses, min_size=1, max_size=6),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_stable_artifact_does_not_depend_on_finish_order_or_durations(outcomes: list[Status], seed: int) -> None:
    specs = [spec(f"s{i}") for i in range(len(outcomes))]
    rng = random.Random(seed)  # noqa: S311 - test timing jitter, not cryptography

    def run_once(delays: list[float]) -> str:
        by_id = dict(zip([s.id for s in specs], zip(outcomes, delays, strict=True), strict=True))

        def execute(s: StepSpec) -> StepResult:
            status, delay = by_id[s.id]
            time.sleep(delay)
            return StepResult(
                s, status, exit_code=0, duration=delay, log_tail=f"done in {delay:.3f}s", cached=delay > 0.002
            )

        results = schedule(specs, execute, jobs=len(specs))
        report = GateReport("fast", RepoFacts("/r", "a" * 40, "main", False), tuple(results), reduce(results))
        doc = artifact.document(report, stable=True)
        validate(json.loads(artifact.dumps(doc)))
        return artifact.dumps(doc)

    first = run_once([rng.uniform(0, 0.004) for _ in specs])
    second = run_once([rng.uniform(0, 0.004) for _ in specs])
    assert first == second


def test_stable_tail_of_a_passing_step_is_its_summary_line() -> None:
    res = StepResult(spec("t"), Status.PASSED, 0, log_tail="Using --randomly-seed=1234\n..s..\n5 passed in 0.31s\n")
    report = GateReport("fast", RepoFacts("/r", "a" * 40, None, False), (res,), reduce([res]))
    assert artifact.document(report, stable=True)["steps"][0]["log_tail"] == "5 passed in <duration>"
    assert stabilise("Using --randomly-seed=1234") == "Using --randomly-seed=<seed>"
