#!/usr/bin/env python3
"""The gate against the project's own CI: ``sdetkit gate fast --no-cache`` against the workflow's
``run:`` lines run one after another.

Usage::

    python benchmarks/bench_gate_vs_ci.py [--repeat N] [--quick] [--markdown] [--json FILE]
        [--python PYTHON] [--keep]

Run it with the interpreter of the environment that has sdetkit, ruff, mypy, pytest and coverage
installed (for this repository: ``.venv/bin/python``); that environment stands for the project's
virtual environment. Everything is generated in a temporary directory.

Two generated projects (a small and a larger typed package), each with a GitHub workflow whose
``run:`` lines are ``ruff check .``, ``ruff format --check .``, ``mypy src/benchpkg``, ``coverage run
-m pytest`` and ``coverage report --fail-under=80``. Side by side in one run, alternating which goes
first in each repetition:

- **CI line by line**: each ``run:`` line in order, as the CI job runs it (``bash -eo pipefail -c
  LINE``) and as a developer would in the activated virtual environment (its scripts first on
  ``PATH``, ``VIRTUAL_ENV`` set), in the project folder;
- **the gate**: ``sdetkit gate fast --no-cache``, which plans the same commands from the workflow
  and runs them.

Both start with cold tool caches and the project's bytecode gone, and with the environment's own
bytecode ready: ``git clean -fdx`` before every run removes what a previous run left in the project
(``.mypy_cache``, ``.ruff_cache``, ``.pytest_cache``, ``__pycache__``, ``.coverage``); the line-by-line
side reads the bytecode pip wrote at install. The gate keeps tool caches and bytecode in its cache
folder, one per project: a first, untimed run there links the environment's bytecode into it (shown
as "first run in a fresh cache folder"); before every timed run the tool caches and the project's
bytecode are removed from it. Outside the timing, every gate report is checked against the
workflow: each planned step must be one of its lines (less the flags the gate adds only to read its
output and keep the tools from writing) and every line must be planned, or the benchmark stops with
exit 2: it compares like with like or nothing. Reported times are medians.

No target is judged: the figures say what the gate costs or saves against the way the project
already checks itself.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from _common import BenchError, CpuMeter, Interpreter, Results, Table, log, median, ratio, s, spread
from _gate import Bench, GateRun, one_after_another, parser, run_benchmark
from _repos import CI_LINES, make_ci_repo

DEFAULT_REPEAT = 5
# (name, modules, parametrised fib cases) of the projects; --quick makes both smaller.
PROJECTS = (("small", 10, 8), ("larger", 120, 8))
QUICK_PROJECTS = (("small", 3, 4), ("larger", 12, 6))

# What the gate adds to a CI line. Each only changes how the tool reports (so the gate can read it),
# keeps the tool from writing into the project, or keeps ruff to Python sources as its pre-commit
# hook does; none changes what is checked in these projects. Arguments naming the gate's own
# folders (<cache>, <tmp>) or its JUnit report are dropped too.
GATE_FLAGS = frozenset(
    {"--no-fix", "--extend-exclude=pyproject.toml", "--output-format=concise", "--no-pretty", "--no-color-output"}
    | {"--color=no"}
)


def _plumbing(arg: str) -> bool:
    return "<cache>" in arg or "<tmp>" in arg or "junit" in arg


def as_ci_line(argv: Sequence[str]) -> tuple[str, ...]:
    """A gate step's argv as the CI line it should be: without the gate's own flags and
    ``python -m`` in front of the tool (the gate runs tools through the target interpreter)."""
    args = list(argv[2:] if list(argv[:2]) == ["python", "-m"] else argv)
    kept: list[str] = []
    while args:
        arg = args.pop(0)
        if arg == "-o" and args and _plumbing(args[0]):
            args.pop(0)
        elif not _plumbing(arg) and arg not in GATE_FLAGS:
            kept.append(arg)
    return tuple(kept)


def match_plan(run: GateRun, lines: Sequence[str]) -> dict[str, str]:
    """Step id -> the CI line it runs; BenchError unless every step is one of ``lines`` (same
    program, same arguments in any order) and every line is planned exactly once."""
    wanted = {line: shlex.split(line) for line in lines}
    found: dict[str, str] = {}
    planned = [(step["id"], as_ci_line(step["argv"])) for step in run.report["steps"]]
    for sid, argv in planned:
        for line, ci in wanted.items():
            if line not in found.values() and argv[:1] == tuple(ci[:1]) and Counter(argv) == Counter(ci):
                found[sid] = line
                break
    missing = [line for line in lines if line not in found.values()]
    extra = [f"{sid}: {' '.join(argv)}" for sid, argv in planned if sid not in found]
    if missing or extra:
        raise BenchError(
            "the gate did not plan the CI lines, so the two sides would not do the same work:\n"
            f"  CI lines not planned: {missing or 'none'}\n  steps that are no CI line: {extra or 'none'}"
        )
    return found


def venv_environ(interp: Interpreter) -> dict[str, str]:
    """The environment of a shell with the project's virtual environment activated: its scripts
    first on PATH, VIRTUAL_ENV set; bytecode written beside the sources as usual (the sandbox's
    PYTHONDONTWRITEBYTECODE and any prefix are dropped, the gate's steps write theirs too)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDETKIT_")}
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONHOME"):
        env.pop(name, None)
    env["PATH"] = os.pathsep.join([str(interp.scripts), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(interp.prefix)
    return env


def fresh_checkout(repo: Path) -> None:
    """Remove what a previous run left in the project (tool caches, bytecode, .coverage)."""
    subprocess.run(["git", "clean", "-fdxq"], cwd=repo, check=True, capture_output=True, timeout=120)


def cold_tool_caches(cache_dir: Path, repo: Path) -> None:
    """Empty the tool caches of a gate cache folder and the project's bytecode in its prefix; keep
    the environment's bytecode linked there (``tools/<key>/pycache`` mirrors absolute paths)."""
    for tools in (cache_dir / "tools").iterdir():
        for entry in tools.iterdir():
            if entry.name != "pycache":
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        shutil.rmtree(tools / "pycache" / repo.resolve().relative_to(repo.resolve().anchor), ignore_errors=True)


def ci_line_by_line(repo: Path, lines: Sequence[str], env: Mapping[str, str]) -> tuple[float, dict[str, float]]:
    """Run ``lines`` one after another as a GitHub job's ``run:`` steps; (total wall, per line)."""
    bash = shutil.which("bash")
    if bash is None:
        raise BenchError("bash is needed to run the CI lines as the CI job does")
    commands = [(line, [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", line]) for line in lines]
    return one_after_another(commands, repo, env, f"in {repo}, CI line")


def bench_project(bench: Bench, name: str, repo: Path, description: str, repeat: int, results: Results) -> None:
    """Alternate the CI lines and the gate on ``repo``; one table of medians."""
    env = venv_environ(bench.interp)
    meter = CpuMeter()
    gate_walls: list[float] = []
    gate_runs: list[float] = []
    gate_steps: list[dict[str, Any]] = []
    serial_walls: list[float] = []
    per_line: dict[str, list[float]] = {line: [] for line in CI_LINES}
    cache_dir = bench.fresh("gate-cache")
    fresh_checkout(repo)
    first = bench.gate(repo, cache_dir, no_cache=True)  # links the environment's bytecode
    step_of = match_plan(first, CI_LINES)
    for i in range(repeat):
        sides = ("gate", "ci") if i % 2 == 0 else ("ci", "gate")
        for side in sides:
            fresh_checkout(repo)
            if side == "gate":
                cold_tool_caches(cache_dir, repo)
                run = bench.gate(repo, cache_dir, no_cache=True)
                step_of = match_plan(run, CI_LINES)  # outside the timing: like with like, every run
                if any(v["cached"] for v in run.steps.values()):
                    raise BenchError(f"[{name}] a --no-cache run used the cache")
                gate_walls.append(run.wall)
                gate_runs.append(float(run.report["run"]["duration_s"]))
                gate_steps.append(run.steps)
            else:
                total, each = ci_line_by_line(repo, CI_LINES, env)
                serial_walls.append(total)
                for line, took in each.items():
                    per_line[line].append(took)
        log(f"[{name}] rep {i + 1}/{repeat}: gate {gate_walls[-1]:.2f}s; CI line by line {serial_walls[-1]:.2f}s")
    fresh_checkout(repo)

    serial, gate = median(serial_walls), median(gate_walls)
    outside = median([w - d for w, d in zip(gate_walls, gate_runs, strict=True)])
    title = f"{name}: {description}, {len(CI_LINES)} CI lines -> {len(step_of)} gate steps"
    t = Table(title, ["measurement", "median", "min-max", "ratio"])
    t.rows.append(["CI lines one after another (bash, project venv)", s(serial), spread(serial_walls), "1.00 x CI"])
    t.rows.append(["sdetkit gate fast --no-cache", s(gate), spread(gate_walls), ratio(gate, serial, "CI")])
    t.rows.append(["  of which outside the gate's run record (start-up, report)", s(outside), "", ""])
    t.rows.append(["gate, first run in a fresh cache folder (once, not in the medians)", s(first.wall), "", ""])
    line_of = {line: sid for sid, line in step_of.items()}
    for line, walls in per_line.items():
        sid = line_of[line]
        inside = median([g[sid]["duration_s"] for g in gate_steps])
        t.rows.append([f"`{line}` alone (step {sid} inside the gate: {inside:.3f} s)", s(median(walls)), "", ""])
    t.notes.append(meter.note())
    results.tables.append(t)
    results.raw[name] = {
        "ci_line_by_line": serial_walls,
        "gate": gate_walls,
        "gate_run_duration": gate_runs,
        "gate_first_run": first.wall,
        "per_line": per_line,
        "gate_per_step": gate_steps,
        "step_of": step_of,
    }


def main(argv: Sequence[str] | None = None) -> int:
    args = parser(__doc__, DEFAULT_REPEAT).parse_args(argv)

    def body(bench: Bench, repeat: int) -> Results:
        results = Results()
        summary = Table("Summary", ["project", "CI lines", "gate steps", "CI line by line", "gate", "gate / CI"])
        for name, modules, fib in QUICK_PROJECTS if args.quick else PROJECTS:
            log(f"[{name}] generating {modules} modules")
            repo = make_ci_repo(bench.work / "repos", name, modules, fib)
            tests = (modules + 1) // 2
            bench_project(bench, name, repo, f"{modules} modules, {tests} test files", repeat, results)
            raw = results.raw[name]
            serial, gate = median(raw["ci_line_by_line"]), median(raw["gate"])
            row = [name, str(len(CI_LINES)), str(len(raw["step_of"])), s(serial), s(gate), f"{gate / serial:.2f}"]
            summary.rows.append(row)
        results.tables.insert(0, summary)
        return results

    return run_benchmark(args, DEFAULT_REPEAT, body)


if __name__ == "__main__":
    sys.exit(main())
