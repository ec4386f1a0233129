#!/usr/bin/env python3
"""The cost of a pinned tool environment: created (the first gate after a pin changes) against
reused (every gate after it).

Usage::

    python benchmarks/bench_tool_envs.py [--repeat N] [--quick] [--markdown] [--keep]

Run it with the interpreter of the environment that has sdetkit installed (for this repository:
``.venv/bin/python``). Each repetition creates ``ruff==0.6.9`` (a single wheel) in a fresh cache
folder with a real ``python -m venv`` and ``pip install`` (pip's own download cache stays warm after
the first, as on a developer's machine), then asks for the same environment again. Medians.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

from _common import (
    Results,
    Table,
    log,
    machine_header,
    median,
    render_markdown,
    render_text,
    s,
    spread,
    workdir,
)
from sdetkit.run.process import ProcessRunner
from sdetkit.toolenv import envs

TOOL, VERSION = "ruff", "0.6.9"
DEFAULT_REPEAT = 5
REUSES = 20  # reuse is a few file checks: take the median of many


def bench(work: Path, repeat: int) -> Results:
    spec = envs.ToolEnvSpec(TOOL, VERSION, (), platform.python_version())
    runner = ProcessRunner()
    created: list[float] = []
    reused: list[float] = []
    for i in range(repeat):
        cache = work / f"cache-{i}"
        began = time.perf_counter()
        made = envs.ensure(cache, spec, sys.executable, "benchmark", runner, os.environ)
        created.append(time.perf_counter() - began)
        if not isinstance(made, Path):
            raise SystemExit(f"bench_tool_envs: {made.message}")
        for _ in range(REUSES):
            began = time.perf_counter()
            envs.ensure(cache, spec, sys.executable, "benchmark", runner, os.environ)
            reused.append(time.perf_counter() - began)
        log(f"rep {i + 1}/{repeat}: created {created[-1]:.2f}s; reused {median(reused[-REUSES:]) * 1000:.2f}ms")
    first, again = median(created), median(reused)
    t = Table(f"{TOOL}=={VERSION} tool environment", ["measurement", "median", "min-max", "ratio"])
    t.rows.append(["created (venv + pip install)", s(first), f"{spread(created)} s", "1.00 x created"])
    micro = f"{min(reused) * 1e6:.0f}-{max(reused) * 1e6:.0f} us"
    reuse = f"reused ({REUSES} look-ups a repetition)"
    t.rows.append([reuse, f"{again * 1e6:.0f} us", micro, f"1/{first / again:,.0f} of created"])
    t.notes.append("pip's download cache is warm after the first repetition, as it is on a developer's machine")
    return Results(tables=[t], raw={"created_s": created, "reused_s": reused})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=DEFAULT_REPEAT)
    ap.add_argument("--quick", action="store_true", help="1 repetition (CI)")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args()
    repeat = 1 if a.quick else a.repeat
    header = machine_header(Path(sys.executable), repeat, a.quick)
    with workdir(a.keep) as work:
        results = bench(work, repeat)
    sys.stdout.write((render_markdown if a.markdown else render_text)(results, header))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
