#!/usr/bin/env python3
"""sdetkit's own cost: ``sdetkit gate fast`` on no-op steps against the same steps run directly,
where that fixed cost goes, and which imports are slowest.

Usage::

    python benchmarks/bench_gate_overhead.py [--repeat N] [--quick] [--markdown] [--json FILE]
        [--python PYTHON] [--keep]

Run it with the interpreter of the environment that has sdetkit installed (for this repository:
``.venv/bin/python``). Everything is generated in a temporary directory.

Side by side in one run, interleaved, for two bytecode settings (bytecode cached under a temporary
prefix, and PYTHONDONTWRITEBYTECODE=1): the gate with 1 and with 8 ``true`` steps (``--no-cache``)
against ``true`` run directly once and 8 times, ``sdetkit --version`` and ``python -m sdetkit
--version`` against ``python -c pass``. Overhead = gate median - direct median. Then one no-op gate
run timed inside the process (imports, each short subprocess query, the rest), and the slowest
imports of a real ``sdetkit gate fast`` run (``python -X importtime``).

Targets: 4a. gate overhead < 0.1 s; 4b. ``sdetkit --version`` < 0.15 s.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import Check, CpuMeter, Results, Table, median, ms, s, spread
from _gate import Bench, base_environ, parser, run_benchmark
from _repos import make_custom_repo

OVERHEAD_LIMIT = 0.1  # 4a. seconds of sdetkit's own time per gate run
VERSION_LIMIT = 0.15  # 4b. seconds for `sdetkit --version`
DEFAULT_REPEAT = 5


def bench_overhead(bench: Bench, noop1: Path, noop8: Path, reps: int, results: Results) -> None:
    """Target 4: what sdetkit costs beyond the processes it runs."""
    meter = CpuMeter()
    py = str(bench.interp.python)
    true_prog = shutil.which("true") or "true"
    t = Table("overhead: sdetkit's own time beyond the steps it runs", ["measurement", "median", "min-max", "overhead"])
    for label, bytecode in (("bytecode cached", True), ("PYTHONDONTWRITEBYTECODE=1 (no .pyc)", False)):
        env = base_environ(bench.work, bytecode)
        cache = bench.fresh("overhead")
        bench.gate(noop1, cache, no_cache=True, env=env)  # warm-up (and bytecode compile)
        bench.wall(["true"], env)
        w: dict[str, list[float]] = {k: [] for k in ("gate1", "true", "gate8", "true8", "version", "mversion", "pass")}
        for _ in range(reps):
            w["gate1"].append(bench.gate(noop1, cache, no_cache=True, env=env).wall)
            w["true"].append(bench.wall([true_prog], env))
            w["gate8"].append(bench.gate(noop8, cache, no_cache=True, env=env).wall)
            w["true8"].append(sum(bench.wall([true_prog], env) for _ in range(8)))
            w["version"].append(bench.wall([*bench.interp.sdetkit, "--version"], env))
            w["mversion"].append(bench.wall([py, "-m", "sdetkit", "--version"], env))
            w["pass"].append(bench.wall([py, "-c", "pass"], env))
        m = {k: median(v) for k, v in w.items()}
        o1, o8 = m["gate1"] - m["true"], m["gate8"] - m["true8"]
        for key, what, extra in (
            ("true", "`true` run directly", ""),
            ("gate1", "gate, 1 step `true` (--no-cache)", ms(o1)),
            ("true8", "8 x `true` one after another", ""),
            ("gate8", "gate, 8 steps `true` (--no-cache)", ms(o8)),
            ("pass", f"`{py} -c pass` (reference)", ""),
            ("version", "`sdetkit --version`", f"{ms(m['version'] - m['pass'])} over python -c pass"),
            ("mversion", "`python -m sdetkit --version`", f"{ms(m['mversion'] - m['pass'])} over python"),
        ):
            t.rows.append([f"[{label}] {what}", s(m[key]), spread(w[key]), extra])
        for what, value, limit, ok in (
            ("4a. gate overhead, 1 no-op step", o1, "< 100 ms", o1 < OVERHEAD_LIMIT),
            ("4a. gate overhead, 8 no-op steps", o8, "< 100 ms", o8 < OVERHEAD_LIMIT),
            ("4b. sdetkit --version", m["version"], "< 150 ms", m["version"] < VERSION_LIMIT),
        ):
            results.checks.append(Check(f"{what} [{label}]", ms(value), limit, ok))
        results.raw[f"overhead[{label}]"] = {
            "gate1": w["gate1"],
            "true": w["true"],
            "gate8": w["gate8"],
            "true8": w["true8"],
            "version": w["version"],
            "python_m_version": w["mversion"],
            "python_pass": w["pass"],
        }
    t.notes.append(f"{reps} repetitions each, interleaved; overhead = gate median - direct median.")
    t.notes.append(meter.note())
    results.tables.append(t)


# Run inside the measured interpreter: one gate run through the CLI, with the time spent importing
# (outermost imports of the main thread, whatever modules the command lives in) and every short
# query (subprocess.run: git, interpreter probe) timed; steps use Popen.
INSTRUMENT = r"""
import builtins, json, subprocess, sys, threading, time
spent = [0.0, 0]
_import = builtins.__import__
def _timed_import(*args, **kwargs):
    if spent[1] or threading.current_thread() is not threading.main_thread():
        return _import(*args, **kwargs)
    spent[1] = 1
    start = time.perf_counter()
    try:
        return _import(*args, **kwargs)
    finally:
        spent[0] += time.perf_counter() - start
        spent[1] = 0
builtins.__import__ = _timed_import
calls = []
_run = subprocess.run
def _timed(*args, **kwargs):
    start = time.perf_counter()
    try:
        return _run(*args, **kwargs)
    finally:
        argv = [str(a) for a in (args[0] if args else kwargs["args"])]
        calls.append([argv, time.perf_counter() - start])
subprocess.run = _timed
t0 = time.perf_counter()
from sdetkit.cli import main
rc = main(sys.argv[2:])
t_all = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    json.dump({"import": spent[0], "main": t_all - spent[0], "rc": rc, "calls": calls}, f)
"""


def query_label(argv: Sequence[str]) -> str:
    """A short name for a query: git's subcommand and flags, or ``<python> -c <probe>``."""
    if Path(argv[0]).name == "git":
        words = [a for a in argv[1:] if a != "--no-optional-locks"]
        return "git " + " ".join(words)[:60]
    if argv[1:2] == ["-c"]:
        return f"{Path(argv[0]).name} -c <interpreter probe> {' '.join(argv[3:])}"[:70]
    return " ".join(argv)[:70]


def overhead_breakdown(bench: Bench, repo: Path, reps: int) -> Table:
    """Where a no-op gate run's fixed cost goes, measured inside the process (bytecode cached)."""
    py = str(bench.interp.python)
    cache = bench.fresh("breakdown")
    gate_args = ["gate", "fast", str(repo), "--python", py, "--no-cache", "--format", "json"]
    env = dict(bench.env)
    env["SDETKIT_CACHE_DIR"] = str(cache)
    samples: list[dict[str, Any]] = []
    for i in range(reps + 1):
        out = cache / f"breakdown-{i}.json"
        argv = [py, "-c", INSTRUMENT, str(out), *gate_args, "--out", str(cache / f"report-{i}.json")]
        subprocess.run(argv, env=env, capture_output=True, check=True, timeout=120)
        if i:  # the first run warms caches (bytecode, probe cache)
            samples.append(json.loads(out.read_text("utf-8")))
    bare = [bench.wall([py, "-c", "pass"]) for _ in range(reps)]
    t = Table(
        "overhead breakdown: one no-op gate run, timed inside the process", ["part", "median", "min-max", "share"]
    )
    imports = [float(x["import"]) for x in samples]
    mains = [float(x["main"]) for x in samples]
    per_query: dict[str, list[float]] = {}
    for x in samples:
        seen: dict[str, float] = {}
        for argv, d in x["calls"]:
            seen[query_label(argv)] = seen.get(query_label(argv), 0.0) + float(d)
        for key, d in seen.items():
            per_query.setdefault(key, []).append(d)
    queries = [sum(float(d) for _, d in x["calls"]) for x in samples]
    total = median(bare) + median(imports) + median(mains)
    rows: list[tuple[str, list[float]]] = [
        ("interpreter start (`python -c pass`)", bare),
        ("imports: sdetkit.cli and what the gate command imports", imports),
        ("cli.main() for the gate run, imports excluded (everything below)", mains),
    ]
    rows += [(f"  query, one after another: {k}", v) for k, v in per_query.items()]
    rows.append(("  all queries together", queries))
    rest = [m - q for m, q in zip(mains, queries, strict=True)]
    rows.append(("  rest: config, plan, thread pool, the `true` step, report", rest))
    for label, values in rows:
        t.rows.append([label, ms(median(values)), spread(values), f"{median(values) / total:.0%}"])
    counts = sorted({len(x["calls"]) for x in samples})
    t.notes.append(
        f"{reps} runs; the gate made {'/'.join(map(str, counts))} short subprocess queries per run "
        f"before its steps. Shares are of {ms(total)} (start + imports + main)."
    )
    return t


def import_offenders(bench: Bench, repo: Path, runs: int, top: int = 12) -> Table:
    """``python -X importtime -m sdetkit gate fast`` on a no-op repository: biggest self times."""
    py = str(bench.interp.python)
    cache = bench.fresh("importtime")
    argv = [py, "-X", "importtime", "-m", "sdetkit", "gate", "fast", str(repo), "--python", py, "--no-cache"]
    argv += ["--format", "json", "--out", str(cache / "report.json")]
    env = {**bench.env, "SDETKIT_CACHE_DIR": str(cache)}
    samples: dict[str, list[tuple[float, float]]] = {}
    for _ in range(runs):
        res = subprocess.run(argv, env=env, capture_output=True, text=True, check=True)
        for line in res.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cum_us, name = line[len("import time:") :].split("|")
            samples.setdefault(name.strip(), []).append((float(self_us), float(cum_us)))
    ranked = sorted(samples.items(), key=lambda kv: -median([s for s, _ in kv[1]]))[:top]
    t = Table(
        f"slowest imports of `sdetkit gate fast` (python -X importtime, median of {runs} runs)",
        ["module", "self", "cumulative", ""],
    )
    for name, vals in ranked:
        t.rows.append([name, ms(median([s for s, _ in vals]) / 1e6), ms(median([c for _, c in vals]) / 1e6), ""])
    return t


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__, DEFAULT_REPEAT).parse_args(argv)

    def body(bench: Bench, repeat: int) -> Results:
        root = bench.work / "repos"
        noop1 = make_custom_repo(root, "noop-1", {"noop": ["true"]})
        noop8 = make_custom_repo(root, "noop-8", {f"noop{i}": ["true"] for i in range(8)})
        # Many short runs: a 100 ms target is judged on differences of a few ms.
        reps = 5 if args.quick else max(repeat * 4, 20)
        results = Results()
        bench_overhead(bench, noop1, noop8, reps, results)
        results.tables.append(overhead_breakdown(bench, noop1, reps))
        results.tables.append(import_offenders(bench, noop1, 3 if args.quick else 6))
        return results

    return run_benchmark(args, DEFAULT_REPEAT, body)


if __name__ == "__main__":
    sys.exit(main())
