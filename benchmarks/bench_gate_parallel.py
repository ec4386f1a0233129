#!/usr/bin/env python3
"""Parallel steps: ``sdetkit gate fast`` cold against the same steps run one after another.

Usage::

    python benchmarks/bench_gate_parallel.py [--repeat N] [--quick] [--markdown] [--json FILE]
        [--only sleep|cpu|real] [--python PYTHON] [--keep]

Run it with the interpreter of the environment that has sdetkit, ruff, mypy and pytest installed
(for this repository: ``.venv/bin/python``). Everything is generated in a temporary directory:
the repositories (``git init`` + one commit), sdetkit's cache (``SDETKIT_CACHE_DIR``) and the
tools' caches.

For each scenario (4 sleeping steps, 4 CPU-bound steps, the real tools on a generated package),
side by side in one run: the gate, and a sequential baseline that runs the very argv the gate runs
(taken from the gate's own JSON report, ``<cache>`` and ``<tmp>`` filled in as sdetkit fills them),
one after another, in the environment sdetkit's own ``step_environ`` gives its steps. Repetitions
are interleaved (gate, baseline, gate, baseline, ...) so slow drift of the machine hits both sides
alike. Reported times are medians.

"Cold" means a fresh ``SDETKIT_CACHE_DIR`` per repetition *and* ``--no-cache``: no cached results
and empty tool caches (mypy, ruff, pytest, bytecode) for both the gate and the baseline.

Targets:

1. cold wall time <= 0.6 x the sequential baseline (steps of similar duration);
2. cold wall time <= 1.1 x the slowest step measured standalone + 0.1 s.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from _common import BenchError, Check, CpuMeter, Results, Table, log, median, ratio, s, spread
from _gate import Bench, parser, run_benchmark
from _repos import SCENARIOS, Scenario, gate_scenarios

PARALLEL_RATIO = 0.6  # 1. cold wall <= 0.6 x sequential
SLOWEST_FACTOR, SLOWEST_SLACK = 1.1, 0.1  # 2. wall <= 1.1 x slowest step + 0.1 s
DEFAULT_REPEAT = 5


def jobs_label(jobs: int | None) -> str:
    return f"--jobs {jobs}" if jobs else "default --jobs"


def bench_parallel(bench: Bench, sc: Scenario, repeat: int, results: Results, warm_up: bool) -> None:
    """Cold gate runs (each ``--jobs`` value) and the sequential baseline, interleaved."""
    log(f"[{sc.name}] planning")
    meter = CpuMeter()
    steps = bench.plan(sc.repo)  # also warms the OS file cache for the gate
    if warm_up:  # and for the baseline (--quick judges nothing, so it saves the time)
        bench.sequential(sc.repo, steps, bench.fresh("warmup") / "tools")
    gate_walls: dict[int | None, list[float]] = {j: [] for j in sc.jobs}
    gate_steps: list[dict[str, Any]] = []
    seq_walls: list[float] = []
    per_step: dict[str, list[float]] = {sid: [] for sid, _ in steps}
    for i in range(repeat):
        for jobs in sc.jobs:
            run = bench.gate(sc.repo, bench.fresh("cold"), no_cache=True, jobs=jobs)
            if any(v["cached"] for v in run.steps.values()):
                raise BenchError(f"[{sc.name}] a cold run used the cache")
            gate_walls[jobs].append(run.wall)
            if jobs is None:
                gate_steps.append(run.steps)
        total, each = bench.sequential(sc.repo, steps, bench.fresh("seq") / "tools")
        seq_walls.append(total)
        for sid, d in each.items():
            per_step[sid].append(d)
        shown = ", ".join(f"jobs={j or 'default'} {gate_walls[j][-1]:.2f}s" for j in sc.jobs)
        log(f"[{sc.name}] rep {i + 1}/{repeat}: gate {shown}; sequential {total:.2f}s")

    seq = median(seq_walls)
    step_medians = {sid: median(v) for sid, v in per_step.items()}
    slow_id = max(step_medians, key=lambda k: step_medians[k])
    slowest = step_medians[slow_id]
    t = Table(f"{sc.name}: {sc.description}", ["measurement", "median", "min-max", "ratio"])
    t.rows.append(["sequential baseline (same argv, one after another)", s(seq), spread(seq_walls), "1.00 x baseline"])
    for jobs, walls in gate_walls.items():
        label = f"gate cold, --jobs {jobs}" if jobs else "gate cold, default --jobs"
        t.rows.append([label, s(median(walls)), spread(walls), ratio(median(walls), seq)])
    for sid, v in step_medians.items():
        gate_d = median([g[sid]["duration_s"] for g in gate_steps]) if gate_steps else float("nan")
        t.rows.append([f"step {sid} standalone (inside gate: {gate_d:.3f} s)", s(v), spread(per_step[sid]), ""])
    t.notes.append(meter.note())
    results.tables.append(t)

    for jobs, walls in gate_walls.items():
        r = median(walls) / seq
        if sc.similar:
            results.checks.append(
                Check(
                    f"1. {sc.name} cold vs sequential ({jobs_label(jobs)})",
                    f"{r:.2f} x (floor slowest/sum: {slowest / seq:.2f} x)",
                    "<= 0.60 x",
                    r <= PARALLEL_RATIO,
                )
            )
    limit = SLOWEST_FACTOR * slowest + SLOWEST_SLACK
    for jobs, walls in gate_walls.items():
        results.checks.append(
            Check(
                f"2. {sc.name} cold vs slowest step {slow_id} ({jobs_label(jobs)})",
                f"{median(walls):.3f} s vs {slowest:.3f} s",
                f"<= {limit:.3f} s (1.1 x slowest + 0.1 s)",
                median(walls) <= limit,
            )
        )
    results.raw[sc.name] = {
        "gate_cold": {str(j): w for j, w in gate_walls.items()},
        "sequential": seq_walls,
        "per_step_standalone": per_step,
        "gate_per_step": gate_steps,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__, DEFAULT_REPEAT, SCENARIOS).parse_args(argv)

    def body(bench: Bench, repeat: int) -> Results:
        results = Results()
        root = bench.work / "repos"
        for sc in gate_scenarios(root, args.quick, set(args.only) or set(SCENARIOS)):
            bench_parallel(bench, sc, repeat, results, warm_up=not args.quick)
        return results

    return run_benchmark(args, DEFAULT_REPEAT, body)


if __name__ == "__main__":
    sys.exit(main())
