#!/usr/bin/env python3
"""The everyday re-run: ``sdetkit gate fast --no-cache`` with the tools' own caches warm, against
the same steps run one after another with their caches warm too.

Usage::

    python benchmarks/bench_gate_warm_tools.py [--repeat N] [--quick] [--markdown] [--json FILE]
        [--python PYTHON] [--keep]

Run it with the interpreter of the environment that has sdetkit, ruff, mypy and pytest installed
(for this repository: ``.venv/bin/python``). Everything is generated in a temporary directory.

The real-tools package of ``bench_gate_parallel.py`` (ruff check, ruff format --check, mypy
--strict, pytest). No result cache (``--no-cache``), but mypy, ruff, pytest and bytecode caches kept:
the gate and the sequential baseline each keep their own, warmed by one unmeasured run. Repetitions
are interleaved (gate, baseline, ...); medians.

Target 2: the gate's wall time <= 1.1 x the slowest step standalone + 0.1 s. Target 1 (<= 0.6 x the
sequential baseline) is shown for information only: warm, the steps are not of similar duration.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from _common import Check, CpuMeter, Results, Table, log, median, ratio, s, spread
from _gate import Bench, parser, run_benchmark
from _repos import gate_scenarios

PARALLEL_RATIO = 0.6
SLOWEST_FACTOR, SLOWEST_SLACK = 1.1, 0.1
DEFAULT_REPEAT = 5


def bench_warm_tools(bench: Bench, quick: bool, repeat: int) -> Results:
    """Gate ``--no-cache`` and the sequential baseline, each with its tool caches warm."""
    (sc,) = gate_scenarios(bench.work / "repos", quick, {"real"})
    meter = CpuMeter()
    gate_cache = bench.fresh("warm-gate")
    seq_tools = bench.fresh("warm-seq") / "tools"
    steps = bench.plan(sc.repo, gate_cache)  # the gate's unmeasured warm-up run
    bench.sequential(sc.repo, steps, seq_tools)  # the baseline's
    gate_walls: list[float] = []
    seq_walls: list[float] = []
    per_step: dict[str, list[float]] = {sid: [] for sid, _ in steps}
    for i in range(repeat):
        gate_walls.append(bench.gate(sc.repo, gate_cache, no_cache=True).wall)
        total, each = bench.sequential(sc.repo, steps, seq_tools)
        seq_walls.append(total)
        for sid, d in each.items():
            per_step[sid].append(d)
        log(f"[real-tools warm] rep {i + 1}/{repeat}: gate {gate_walls[-1]:.2f}s; sequential {total:.2f}s")
    seq, gate = median(seq_walls), median(gate_walls)
    step_medians = {sid: median(v) for sid, v in per_step.items()}
    slow_id = max(step_medians, key=lambda k: step_medians[k])
    slowest = step_medians[slow_id]
    results = Results()
    t = Table(
        f"real-tools, warm tool caches (--no-cache; mypy/ruff/pytest caches kept): {sc.description}",
        ["measurement", "median", "min-max", "ratio"],
    )
    t.rows.append(["sequential baseline", s(seq), spread(seq_walls), "1.00 x baseline"])
    t.rows.append(["gate --no-cache, default --jobs", s(gate), spread(gate_walls), ratio(gate, seq)])
    for sid, v in step_medians.items():
        t.rows.append([f"step {sid} standalone", s(v), spread(per_step[sid]), ""])
    t.notes.append(meter.note())
    results.tables.append(t)
    results.checks.append(
        Check(
            "1. real-tools warm tool caches vs sequential (steps not similar)",
            f"{gate / seq:.2f} x (floor slowest/sum: {slowest / seq:.2f} x)",
            "<= 0.60 x",
            gate / seq <= PARALLEL_RATIO,
            applies=False,
        )
    )
    limit = SLOWEST_FACTOR * slowest + SLOWEST_SLACK
    results.checks.append(
        Check(
            f"2. real-tools warm vs slowest step {slow_id}",
            f"{gate:.3f} s vs {slowest:.3f} s",
            f"<= {limit:.3f} s",
            gate <= limit,
        )
    )
    results.raw["real-tools-warm"] = {"gate": gate_walls, "sequential": seq_walls, "per_step_standalone": per_step}
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__, DEFAULT_REPEAT).parse_args(argv)
    return run_benchmark(args, DEFAULT_REPEAT, lambda bench, repeat: bench_warm_tools(bench, args.quick, repeat))


if __name__ == "__main__":
    sys.exit(main())
