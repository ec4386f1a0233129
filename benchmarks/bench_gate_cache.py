#!/usr/bin/env python3
"""The result cache: ``sdetkit gate fast`` re-run on an unchanged tree against a cold run.

Usage::

    python benchmarks/bench_gate_cache.py [--repeat N] [--quick] [--markdown] [--json FILE]
        [--only sleep|cpu|real] [--python PYTHON] [--keep]

Run it with the interpreter of the environment that has sdetkit, ruff, mypy and pytest installed
(for this repository: ``.venv/bin/python``). Everything is generated in a temporary directory.

For each scenario of ``bench_gate_parallel.py`` (4 sleeping steps, 4 CPU-bound steps, the real tools
on a generated package), side by side in one run, interleaved (cold, cached, cold, cached, ...):

- **cold**: ``--no-cache`` and a fresh ``SDETKIT_CACHE_DIR`` per repetition (no cached results, empty
  tool caches);
- **cached**: the same tree with the cache, after one priming run that stored every step's pass;
  every step must come from the cache.

Target 3: the cached re-run <= 0.1 x the cold wall time (medians).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from _common import BenchError, Check, CpuMeter, Results, Table, log, median, ratio, s, spread
from _gate import Bench, parser, run_benchmark
from _repos import SCENARIOS, Scenario, gate_scenarios

CACHED_RATIO = 0.1  # 3. cached re-run <= 0.1 x cold
DEFAULT_REPEAT = 5


def bench_cache(bench: Bench, sc: Scenario, repeat: int, results: Results) -> None:
    """Cold runs and cached re-runs of the default ``--jobs``, interleaved."""
    log(f"[{sc.name}] priming the cache")
    meter = CpuMeter()
    cache_dir = bench.fresh("cached")
    bench.gate(sc.repo, cache_dir, no_cache=False)  # stores every step's pass
    cold: list[float] = []
    cached: list[float] = []
    for i in range(repeat):
        run = bench.gate(sc.repo, bench.fresh("cold"), no_cache=True)
        if any(v["cached"] for v in run.steps.values()):
            raise BenchError(f"[{sc.name}] a cold run used the cache")
        cold.append(run.wall)
        run = bench.gate(sc.repo, cache_dir, no_cache=False)
        if not all(v["cached"] for v in run.steps.values()):
            raise BenchError(f"[{sc.name}] a re-run on an unchanged tree missed the cache")
        cached.append(run.wall)
        log(f"[{sc.name}] rep {i + 1}/{repeat}: cold {cold[-1]:.2f}s; cached {cached[-1]:.3f}s")
    t = Table(f"{sc.name}: {sc.description}", ["measurement", "median", "min-max", "ratio"])
    t.rows.append(["gate cold, default --jobs", s(median(cold)), spread(cold), "1.000 x cold"])
    t.rows.append(
        [
            "gate re-run, cache (unchanged tree)",
            s(median(cached)),
            spread(cached),
            ratio(median(cached), median(cold), "cold", 3),
        ]
    )
    t.notes.append(meter.note())
    results.tables.append(t)
    r3 = median(cached) / median(cold)
    results.checks.append(
        Check(
            f"3. {sc.name} cached re-run vs cold",
            f"{r3:.3f} x ({median(cached):.3f} s)",
            "<= 0.10 x",
            r3 <= CACHED_RATIO,
        )
    )
    results.raw[sc.name] = {"gate_cold": cold, "cached": cached}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__, DEFAULT_REPEAT, SCENARIOS).parse_args(argv)

    def body(bench: Bench, repeat: int) -> Results:
        results = Results()
        for sc in gate_scenarios(bench.work / "repos", args.quick, set(args.only) or set(SCENARIOS)):
            bench_cache(bench, sc, repeat, results)
        return results

    return run_benchmark(args, DEFAULT_REPEAT, body)


if __name__ == "__main__":
    sys.exit(main())
