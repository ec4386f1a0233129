#!/usr/bin/env python3
"""Reproducible benchmarks for ``sdetkit gate fast``.

Usage::

    python benchmarks/bench_gate_fast.py [--repeat N] [--quick] [--markdown] [--json FILE]

Run it with the interpreter of the environment that has sdetkit, ruff, mypy and pytest installed
(for this repository: ``.venv/bin/python``). Everything is generated in a temporary directory:
the target repositories (``git init`` + one commit), sdetkit's cache (``SDETKIT_CACHE_DIR``) and
the tools' caches. Nothing outside that directory is written.

Each scenario is measured side by side in the same process: the gate, and a sequential baseline
that runs the very argv the gate runs (taken from the gate's own JSON report, with ``<cache>`` and
``<tmp>`` filled in exactly as sdetkit fills them), one after another, with the environment sdetkit
gives its steps. Repetitions are interleaved (gate, baseline, gate, baseline, ...) so slow drift of
the machine hits both sides alike. Reported times are medians.

"Cold" means a fresh ``SDETKIT_CACHE_DIR`` per repetition *and* ``--no-cache``: no cached results
and empty tool caches (mypy, ruff, pytest, bytecode) for both the gate and the baseline.

Targets checked:

1. cold wall time <= 0.6 x the sequential baseline (steps of similar duration);
2. cold wall time <= 1.1 x the slowest step measured standalone + 0.1 s;
3. re-run on an unchanged tree with the cache <= 0.1 x the cold wall time;
4. sdetkit's own overhead (gate wall minus the wall of the steps it runs) < 0.1 s, and
   ``sdetkit --version`` < 0.15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NOISY_ENV = ("FORCE_COLOR", "PY_COLORS", "CLICOLOR_FORCE", "MYPY_FORCE_COLOR")
# Targets from the issue.
PARALLEL_RATIO = 0.6  # 1. cold wall <= 0.6 x sequential
SLOWEST_FACTOR, SLOWEST_SLACK = 1.1, 0.1  # 2. wall <= 1.1 x slowest step + 0.1 s
CACHED_RATIO = 0.1  # 3. cached re-run <= 0.1 x cold
OVERHEAD_LIMIT = 0.1  # 4a. seconds of sdetkit's own time per gate run
VERSION_LIMIT = 0.15  # 4b. seconds for `sdetkit --version`
DEFAULT_REPEAT = 5
GIT_ID = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]


class BenchError(RuntimeError):
    """A measurement could not be taken (a step failed, a tool is missing...)."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


class CpuMeter:
    """CPU time other processes used while we measured (Linux: /proc/stat minus our own
    children and ourselves). Benchmarks on a shared machine are only as good as this is small."""

    def __init__(self) -> None:
        self.start = self._sample()

    @staticmethod
    def _machine_busy() -> float | None:
        try:
            fields = Path("/proc/stat").read_text("utf-8").splitlines()[0].split()
        except (OSError, IndexError):
            return None
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _ours() -> float:
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    def _sample(self) -> tuple[float | None, float, float]:
        return self._machine_busy(), self._ours(), time.monotonic()

    def note(self) -> str:
        busy, ours, now = self._sample()
        if busy is None or self.start[0] is None:
            return "CPU used by other processes during this scenario: unknown (no /proc/stat)"
        foreign = max(0.0, (busy - self.start[0]) - (ours - self.start[1]))
        elapsed = max(1e-9, now - self.start[2])
        return (
            f"CPU used by other processes during this scenario: {foreign:.2f} CPU-s over "
            f"{elapsed:.0f} s ({foreign / elapsed:.0%} of one core); near 0 means undisturbed."
        )


# --------------------------------------------------------------------------------------------
# Environment of the measured interpreter


@dataclass(frozen=True)
class Interpreter:
    """The Python whose sdetkit and tools are benchmarked."""

    python: Path
    sdetkit: tuple[str, ...]
    scripts: Path
    prefix: Path
    version: str

    @property
    def is_venv(self) -> bool:
        return (self.prefix / "pyvenv.cfg").is_file()

    def program(self, name: str, path_env: str) -> str:
        """Resolve argv[0] as sdetkit does: ``python`` is the interpreter, names come from the
        environment's scripts folder first, then PATH."""
        if name == "python":
            return str(self.python)
        candidate = self.scripts / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
        found = shutil.which(name, path=path_env)
        if found is None:
            raise BenchError(f"program not found: {name}")
        return found


def probe_interpreter(python: Path) -> Interpreter:
    code = (
        "import json, sys, sysconfig; print(json.dumps([sysconfig.get_paths()['scripts'], "
        "sys.prefix, '%d.%d.%d' % sys.version_info[:3]]))"
    )
    res = subprocess.run(
        [str(python), "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    scripts, prefix, version = json.loads(res.stdout)
    sibling = python.parent / "sdetkit"
    sdetkit = (str(sibling),) if sibling.is_file() else (str(python), "-m", "sdetkit")
    return Interpreter(python, sdetkit, Path(scripts), Path(prefix), version)


def base_environ(work: Path, bytecode: bool) -> dict[str, str]:
    """The environment sdetkit (and the baseline) start from.

    With ``bytecode`` the interpreter may cache compiled modules (under ``work``, never in the
    source tree): the normal situation on a developer machine. Without it,
    PYTHONDONTWRITEBYTECODE=1 makes every start compile sdetkit from source.
    """
    env = dict(os.environ)
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache-sdetkit")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    env.pop("SDETKIT_DEBUG", None)
    return env


def step_environ(base: Mapping[str, str], interp: Interpreter, tools: Path) -> dict[str, str]:
    """What sdetkit gives its steps (see ``run/stepenv.py::step_environ``)."""
    env = dict(base)
    env["PATH"] = os.pathsep.join([str(interp.scripts), env.get("PATH", "")])
    if interp.is_venv:
        env["VIRTUAL_ENV"] = str(interp.prefix)
    # As sdetkit does: a bytecode prefix only where bytecode is written (run/bytecode.py). The gate
    # also links the environment's own bytecode into it; this baseline does not, so on a cold run
    # its Python steps compile the standard library once, which the gate's do not.
    if not env.get("PYTHONDONTWRITEBYTECODE"):
        env["PYTHONPYCACHEPREFIX"] = str(tools / "pycache")
    env["NO_COLOR"] = "1"
    for noisy in NOISY_ENV:
        env.pop(noisy, None)
    return env


# --------------------------------------------------------------------------------------------
# Generated repositories


def toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string for this content


def custom_steps_toml(steps: Mapping[str, Sequence[str]]) -> str:
    out = []
    for sid, argv in steps.items():
        out.append(f"[tool.sdetkit.gate.fast.steps.{sid}]")
        out.append("argv = [" + ", ".join(toml_str(a) for a in argv) + "]")
        out.append("")
    return "\n".join(out)


def git_commit(repo: Path) -> None:
    for args in (["init", "-q"], ["add", "-A"], [*GIT_ID, "commit", "-q", "-m", "bench"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=120)


def make_custom_repo(root: Path, name: str, steps: Mapping[str, Sequence[str]]) -> Path:
    repo = root / name
    repo.mkdir(parents=True)
    head = f'[project]\nname = "{name}"\nversion = "0"\n\n'
    (repo / "pyproject.toml").write_text(head + custom_steps_toml(steps), "utf-8")
    git_commit(repo)
    return repo


SLEEP_CODE = "import time; time.sleep({d})"
CPU_CODE = "\n".join(
    [
        "import time",
        "end = time.process_time() + {d}",
        "while time.process_time() < end:",
        "    pass",
    ],
)

MODULE = '''"""Generated module {i}."""

from __future__ import annotations

from dataclasses import dataclass, field

{imports}

@dataclass(frozen=True)
class Item{i}:
    """A weighted item."""

    name: str
    weight: int
    tags: tuple[str, ...] = field(default_factory=tuple)

    def scaled(self, factor: int) -> Item{i}:
        return Item{i}(self.name, self.weight * factor, self.tags)

    def tagged(self, tag: str) -> Item{i}:
        return Item{i}(self.name, self.weight, (*self.tags, tag))


def total_{i}(items: list[Item{i}]) -> int:
    return sum(item.weight for item in items)


def by_tag_{i}(items: list[Item{i}]) -> dict[str, list[Item{i}]]:
    out: dict[str, list[Item{i}]] = {{}}
    for item in items:
        for tag in item.tags:
            out.setdefault(tag, []).append(item)
    return out


def fib_{i}(n: int) -> int:
    return n if n < 2 else fib_{i}(n - 1) + fib_{i}(n - 2)


def combined_{i}(n: int) -> int:
    return fib_{i}(n) + {prev_call}
'''

TEST = '''"""Tests of generated module {i}."""

from __future__ import annotations

import pytest

from benchpkg.mod_{i} import Item{i}, by_tag_{i}, combined_{i}, fib_{i}, total_{i}


@pytest.mark.parametrize("n", list(range({params})))
def test_fib_{i}(n: int) -> None:
    assert fib_{i}(n) >= 0


@pytest.mark.parametrize("factor", [1, 2, 3, 4, 5])
def test_scaled_{i}(factor: int) -> None:
    items = [Item{i}(f"x{{k}}", k).scaled(factor) for k in range(50)]
    assert total_{i}(items) == factor * sum(range(50))


def test_by_tag_{i}() -> None:
    items = [Item{i}(f"x{{k}}", k).tagged("even" if k % 2 == 0 else "odd") for k in range(10)]
    assert len(by_tag_{i}(items)["even"]) == 5


def test_combined_{i}() -> None:
    assert combined_{i}(10) >= 55
'''

REAL_PYPROJECT = """[project]
name = "benchpkg"
version = "0"

[tool.ruff]
line-length = 100
src = ["src", "tests"]

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP"]

[tool.ruff.format]

[tool.mypy]
strict = true
files = ["src", "tests"]
mypy_path = "src"

[[tool.mypy.overrides]]
module = ["pytest.*", "_pytest.*"]
follow_imports = "silent"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["src"]
"""


def make_real_repo(root: Path, modules: int, fib_params: int) -> Path:
    """A package of ``modules`` typed modules (each importing the previous one) and a test file
    for every other module (so mypy and pytest take similar time), configured for ruff lint +
    format, strict mypy and pytest."""
    repo = root / "real-tools"
    pkg = repo / "src" / "benchpkg"
    tests = repo / "tests"
    pkg.mkdir(parents=True)
    tests.mkdir()
    (repo / "pyproject.toml").write_text(REAL_PYPROJECT, "utf-8")
    (pkg / "__init__.py").write_text('"""Generated package."""\n', "utf-8")
    (pkg / "py.typed").write_text("", "utf-8")
    for i in range(modules):
        if i == 0:
            imports, prev = "", "0"
        else:
            imports = f"from benchpkg.mod_{i - 1} import combined_{i - 1}\n"
            prev = f"combined_{i - 1}(3)"
        text = MODULE.format(i=i, imports=imports, prev_call=prev).replace("\n\n\n\n", "\n\n\n")
        (pkg / f"mod_{i}.py").write_text(text, "utf-8")
        if i % 2 == 0:
            (tests / f"test_mod_{i}.py").write_text(TEST.format(i=i, params=fib_params), "utf-8")
    git_commit(repo)
    return repo


# --------------------------------------------------------------------------------------------
# Runs


@dataclass
class GateRun:
    wall: float
    report: dict[str, Any]

    @property
    def steps(self) -> dict[str, Any]:
        steps: dict[str, Any] = self.report["run"]["steps"]
        return steps


class Bench:
    """Runs the gate and the baselines; owns the temporary work directory."""

    def __init__(self, interp: Interpreter, work: Path, bytecode: bool = True) -> None:
        self.interp = interp
        self.work = work
        self.env = base_environ(work, bytecode)
        self.counter = 0

    def fresh(self, label: str) -> Path:
        self.counter += 1
        path = self.work / "runs" / f"{self.counter:04d}-{label}"
        path.mkdir(parents=True)
        return path

    def gate(
        self,
        repo: Path,
        cache_dir: Path,
        *,
        no_cache: bool,
        jobs: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> GateRun:
        out = self.fresh("report") / "gate.json"
        argv = [*self.interp.sdetkit, "gate", "fast", str(repo), "--python"]
        argv += [str(self.interp.python), "--format", "json", "--out", str(out)]
        if no_cache:
            argv.append("--no-cache")
        if jobs is not None:
            argv += ["--jobs", str(jobs)]
        run_env = dict(env if env is not None else self.env)
        run_env["SDETKIT_CACHE_DIR"] = str(cache_dir)
        start = time.perf_counter()
        proc = subprocess.run(
            argv,
            env=run_env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        wall = time.perf_counter() - start
        if proc.returncode != 0:
            tail = (proc.stdout + proc.stderr).decode("utf-8", "replace")[-3000:]
            raise BenchError(f"gate failed on {repo} (exit {proc.returncode}):\n{tail}")
        report: dict[str, Any] = json.loads(out.read_text("utf-8"))
        return GateRun(wall, report)

    def plan(self, repo: Path) -> list[tuple[str, list[str]]]:
        """(step id, argv with placeholders) of every step, from one gate run's JSON report."""
        run = self.gate(repo, self.fresh("plan"), no_cache=True)
        return [(s["id"], list(s["argv"])) for s in run.report["steps"]]

    def sequential(
        self, repo: Path, steps: Sequence[tuple[str, Sequence[str]]], tools: Path
    ) -> tuple[float, dict[str, float]]:
        """Run every step's argv one after another; (total wall, per-step wall)."""
        env = step_environ(self.env, self.interp, tools)
        scratch = self.fresh("scratch")
        prepared: list[tuple[str, list[str]]] = []
        for sid, argv in steps:
            tmp = scratch / sid
            tmp.mkdir()
            filled = [a.replace("<tmp>", str(tmp)).replace("<cache>", str(tools)) for a in argv]
            prepared.append((sid, [self.interp.program(filled[0], env["PATH"]), *filled[1:]]))
        per_step: dict[str, float] = {}
        start = time.perf_counter()
        for sid, argv in prepared:
            t0 = time.perf_counter()
            proc = subprocess.run(
                argv,
                cwd=repo,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                check=False,
            )
            per_step[sid] = time.perf_counter() - t0
            if proc.returncode != 0:
                tail = proc.stdout.decode("utf-8", "replace")[-3000:]
                raise BenchError(f"baseline step {sid} failed ({proc.returncode}):\n{tail}")
        return time.perf_counter() - start, per_step

    def wall(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> float:
        start = time.perf_counter()
        proc = subprocess.run(
            list(argv),
            env=dict(env if env is not None else self.env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            raise BenchError(f"{argv[0]} failed: {proc.stderr.decode('utf-8', 'replace')}")
        return elapsed


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Check:
    target: str
    measured: str
    limit: str
    ok: bool
    applies: bool = True  # False: shown for information, the target's premise does not hold

    @property
    def met(self) -> str:
        if not self.applies:
            return "n/a"
        return "yes" if self.ok else "NO"


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Results:
    tables: list[Table] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def s(value: float) -> str:
    return f"{value:.3f} s"


def ms(value: float) -> str:
    return f"{value * 1000:.1f} ms"


def spread(values: Sequence[float]) -> str:
    return f"{min(values):.3f}-{max(values):.3f}"


# --------------------------------------------------------------------------------------------
# Scenarios


@dataclass(frozen=True)
class Parallel:
    """A parallel-run scenario: one repository, gate variants (by --jobs) and a baseline."""

    name: str
    description: str
    repo: Path
    jobs: tuple[int | None, ...] = (None,)
    similar: bool = True  # steps of similar duration: target 1 applies


def measure_cached(bench: Bench, sc: Parallel, repeat: int) -> list[float]:
    """Target 3: re-runs on the unchanged tree with the cache (one priming run stores passes)."""
    cache_dir = bench.fresh("cached")
    bench.gate(sc.repo, cache_dir, no_cache=False)
    cached: list[float] = []
    for _ in range(repeat):
        run = bench.gate(sc.repo, cache_dir, no_cache=False)
        if not all(v["cached"] for v in run.steps.values()):
            raise BenchError(f"[{sc.name}] a re-run on an unchanged tree missed the cache")
        cached.append(run.wall)
    return cached


def bench_parallel(bench: Bench, sc: Parallel, repeat: int, results: Results) -> None:
    log(f"[{sc.name}] planning")
    meter = CpuMeter()
    steps = bench.plan(sc.repo)  # also warms the OS file cache for the gate
    bench.sequential(sc.repo, steps, bench.fresh("warmup") / "tools")  # and for the baseline
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

    cached = measure_cached(bench, sc, repeat)
    log(f"[{sc.name}] cached re-run median {median(cached):.3f}s")

    seq = median(seq_walls)
    step_medians = {sid: median(v) for sid, v in per_step.items()}
    slow_id = max(step_medians, key=lambda k: step_medians[k])
    slowest = step_medians[slow_id]
    cold = median(gate_walls[None]) if None in gate_walls else median(gate_walls[sc.jobs[0]])

    t = Table(
        f"{sc.name}: {sc.description}",
        ["measurement", "median", "min-max", "ratio"],
    )
    t.rows.append(
        [
            "sequential baseline (same argv, one after another)",
            s(seq),
            spread(seq_walls),
            "1.00 x baseline",
        ]
    )
    for jobs, walls in gate_walls.items():
        label = f"gate cold, --jobs {jobs}" if jobs else "gate cold, default --jobs"
        t.rows.append(
            [label, s(median(walls)), spread(walls), f"{median(walls) / seq:.2f} x baseline"],
        )
    for sid, v in step_medians.items():
        gate_d = median([g[sid]["duration_s"] for g in gate_steps]) if gate_steps else float("nan")
        t.rows.append(
            [
                f"step {sid} standalone (inside gate: {gate_d:.3f} s)",
                s(v),
                spread(per_step[sid]),
                "",
            ]
        )
    t.rows.append(
        [
            "gate re-run, cache (unchanged tree)",
            s(median(cached)),
            spread(cached),
            f"{median(cached) / cold:.3f} x cold",
        ]
    )
    t.notes.append(meter.note())
    results.tables.append(t)

    if sc.similar:
        for jobs, walls in gate_walls.items():
            r = median(walls) / seq
            label = f"--jobs {jobs}" if jobs else "default --jobs"
            results.checks.append(
                Check(
                    f"1. {sc.name} cold vs sequential ({label})",
                    f"{r:.2f} x (floor slowest/sum: {slowest / seq:.2f} x)",
                    "<= 0.60 x",
                    r <= PARALLEL_RATIO,
                )
            )
    for jobs, walls in gate_walls.items():
        limit = SLOWEST_FACTOR * slowest + SLOWEST_SLACK
        label = f"--jobs {jobs}" if jobs else "default --jobs"
        results.checks.append(
            Check(
                f"2. {sc.name} cold vs slowest step {slow_id} ({label})",
                f"{median(walls):.3f} s vs {slowest:.3f} s",
                f"<= {limit:.3f} s (1.1 x slowest + 0.1 s)",
                median(walls) <= limit,
            )
        )
    r3 = median(cached) / cold
    results.checks.append(
        Check(
            f"3. {sc.name} cached re-run vs cold",
            f"{r3:.3f} x ({median(cached):.3f} s)",
            "<= 0.10 x",
            r3 <= CACHED_RATIO,
        )
    )
    results.raw[sc.name] = {
        "gate_cold": {str(j): w for j, w in gate_walls.items()},
        "sequential": seq_walls,
        "per_step_standalone": per_step,
        "gate_per_step": gate_steps,
        "cached": cached,
    }


def bench_warm_tools(bench: Bench, repo: Path, repeat: int, results: Results) -> None:
    """Real tools with their own caches warm (mypy, ruff, pytest, bytecode) but no result cache:
    the everyday ``--no-cache`` re-run. Gate and baseline each keep their own warm tool caches."""
    meter = CpuMeter()
    steps = bench.plan(repo)
    gate_cache = bench.fresh("warm-gate")
    seq_tools = bench.fresh("warm-seq") / "tools"
    bench.gate(repo, gate_cache, no_cache=True)
    bench.sequential(repo, steps, seq_tools)
    gate_walls: list[float] = []
    seq_walls: list[float] = []
    per_step: dict[str, list[float]] = {sid: [] for sid, _ in steps}
    for _ in range(repeat):
        gate_walls.append(bench.gate(repo, gate_cache, no_cache=True).wall)
        total, each = bench.sequential(repo, steps, seq_tools)
        seq_walls.append(total)
        for sid, d in each.items():
            per_step[sid].append(d)
    log(f"[real-tools warm] gate {median(gate_walls):.2f}s; sequential {median(seq_walls):.2f}s")
    seq, gate = median(seq_walls), median(gate_walls)
    step_medians = {sid: median(v) for sid, v in per_step.items()}
    slow_id = max(step_medians, key=lambda k: step_medians[k])
    slowest = step_medians[slow_id]
    t = Table(
        "real-tools, warm tool caches (--no-cache; mypy/ruff/pytest caches kept)",
        ["measurement", "median", "min-max", "ratio"],
    )
    t.rows.append(["sequential baseline", s(seq), spread(seq_walls), "1.00 x baseline"])
    t.rows.append(
        [
            "gate --no-cache, default --jobs",
            s(gate),
            spread(gate_walls),
            f"{gate / seq:.2f} x baseline",
        ]
    )
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
    results.raw["real-tools-warm"] = {
        "gate": gate_walls,
        "sequential": seq_walls,
        "per_step_standalone": per_step,
    }


def bench_overhead(bench: Bench, root: Path, repeat: int, results: Results) -> None:
    """Target 4: what sdetkit costs beyond the processes it runs."""
    meter = CpuMeter()
    interp = bench.interp
    py = str(interp.python)
    noop1 = make_custom_repo(root, "noop-1", {"noop": ["true"]})
    noop8 = make_custom_repo(root, "noop-8", {f"noop{i}": ["true"] for i in range(8)})
    true_prog = shutil.which("true") or "true"
    reps = max(repeat * 4, 20)

    t = Table(
        "overhead: sdetkit's own time beyond the steps it runs",
        ["measurement", "median", "min-max", "overhead"],
    )
    for label, bytecode in (
        ("bytecode cached", True),
        ("PYTHONDONTWRITEBYTECODE=1 (no .pyc)", False),
    ):
        env = base_environ(bench.work, bytecode)
        cache = bench.fresh("overhead")
        bench.gate(noop1, cache, no_cache=True, env=env)  # warm-up (and bytecode compile)
        bench.wall(["true"], env)
        g1: list[float] = []
        g8: list[float] = []
        direct: list[float] = []
        direct8: list[float] = []
        version: list[float] = []
        mversion: list[float] = []
        bare: list[float] = []
        for _ in range(reps):
            g1.append(bench.gate(noop1, cache, no_cache=True, env=env).wall)
            direct.append(bench.wall([true_prog], env))
            g8.append(bench.gate(noop8, cache, no_cache=True, env=env).wall)
            direct8.append(sum(bench.wall([true_prog], env) for _ in range(8)))
            version.append(bench.wall([*interp.sdetkit, "--version"], env))
            mversion.append(bench.wall([py, "-m", "sdetkit", "--version"], env))
            bare.append(bench.wall([py, "-c", "pass"], env))
        o1 = median(g1) - median(direct)
        o8 = median(g8) - median(direct8)
        t.rows.append([f"[{label}] `true` run directly", s(median(direct)), spread(direct), ""])
        t.rows.append(
            [f"[{label}] gate, 1 step `true` (--no-cache)", s(median(g1)), spread(g1), ms(o1)],
        )
        t.rows.append(
            [f"[{label}] 8 x `true` one after another", s(median(direct8)), spread(direct8), ""],
        )
        t.rows.append(
            [f"[{label}] gate, 8 steps `true` (--no-cache)", s(median(g8)), spread(g8), ms(o8)],
        )
        t.rows.append([f"[{label}] `{py} -c pass` (reference)", s(median(bare)), spread(bare), ""])
        t.rows.append(
            [
                f"[{label}] `sdetkit --version`",
                s(median(version)),
                spread(version),
                f"{ms(median(version) - median(bare))} over python -c pass",
            ]
        )
        t.rows.append(
            [
                f"[{label}] `python -m sdetkit --version`",
                s(median(mversion)),
                spread(mversion),
                f"{ms(median(mversion) - median(bare))} over python",
            ]
        )
        results.checks.append(
            Check(
                f"4a. gate overhead, 1 no-op step [{label}]",
                ms(o1),
                "< 100 ms",
                o1 < OVERHEAD_LIMIT,
            )
        )
        results.checks.append(
            Check(
                f"4a. gate overhead, 8 no-op steps [{label}]",
                ms(o8),
                "< 100 ms",
                o8 < OVERHEAD_LIMIT,
            )
        )
        results.checks.append(
            Check(
                f"4b. sdetkit --version [{label}]",
                ms(median(version)),
                "< 150 ms",
                median(version) < VERSION_LIMIT,
            )
        )
        results.raw[f"overhead[{label}]"] = {
            "gate1": g1,
            "true": direct,
            "gate8": g8,
            "true8": direct8,
            "version": version,
            "python_m_version": mversion,
            "python_pass": bare,
        }
    t.notes.append(f"{reps} repetitions each, interleaved; overhead = gate median - direct median.")
    t.notes.append(meter.note())
    results.tables.append(t)
    results.tables.append(overhead_breakdown(bench, noop1, reps))
    results.tables.append(import_offenders(bench))


# Run inside the measured interpreter: time the import of the gate command, then one gate run
# with every short query (subprocess.run: git, interpreter probe) timed; steps use Popen.
INSTRUMENT = r"""
import json, subprocess, sys, time
t0 = time.perf_counter()
import sdetkit.commands.gate
t_import = time.perf_counter() - t0
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
from sdetkit.cli import main
t1 = time.perf_counter()
rc = main(sys.argv[2:])
t_main = time.perf_counter() - t1
with open(sys.argv[1], "w") as f:
    json.dump({"import": t_import, "main": t_main, "rc": rc, "calls": calls}, f)
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
        report = cache / f"report-{i}.json"
        argv = [py, "-c", INSTRUMENT, str(out), *gate_args, "--out", str(report)]
        subprocess.run(argv, env=env, capture_output=True, check=True, timeout=120)
        if i:  # the first run warms caches (bytecode, probe cache)
            samples.append(json.loads(out.read_text("utf-8")))
    bare = [bench.wall([py, "-c", "pass"]) for _ in range(reps)]
    t = Table(
        "overhead breakdown: one no-op gate run, timed inside the process",
        ["part", "median", "min-max", "share"],
    )
    imports = [float(x["import"]) for x in samples]
    mains = [float(x["main"]) for x in samples]
    per_query: dict[str, list[float]] = {}
    for x in samples:
        seen: dict[str, float] = {}
        for argv, d in x["calls"]:
            key = query_label(argv)
            seen[key] = seen.get(key, 0.0) + float(d)
        for key, d in seen.items():
            per_query.setdefault(key, []).append(d)
    queries = [sum(float(d) for _, d in x["calls"]) for x in samples]
    total = median(bare) + median(imports) + median(mains)
    rows: list[tuple[str, list[float]]] = [
        ("interpreter start (`python -c pass`)", bare),
        ("import sdetkit.commands.gate (and what it imports)", imports),
        ("cli.main() for the gate run (everything below)", mains),
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
        f"before its steps. Shares are of {ms(total)} (start + import + main)."
    )
    return t


def import_offenders(bench: Bench, top: int = 12) -> Table:
    """``python -X importtime -c 'import sdetkit.commands.gate'``: biggest self times."""
    py = str(bench.interp.python)
    argv = [py, "-X", "importtime", "-c", "import sdetkit.commands.gate"]
    runs: dict[str, list[tuple[float, float]]] = {}
    for _ in range(6):
        res = subprocess.run(argv, env=bench.env, capture_output=True, text=True, check=True)
        for line in res.stderr.splitlines():
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, cum_us, name = line[len("import time:") :].split("|")
            runs.setdefault(name.strip(), []).append((float(self_us), float(cum_us)))
    ranked = sorted(runs.items(), key=lambda kv: -median([s for s, _ in kv[1]]))[:top]
    t = Table(
        "slowest imports of `sdetkit gate fast` (python -X importtime, median of 6 runs)",
        ["module", "self", "cumulative", ""],
    )
    for name, vals in ranked:
        t.rows.append(
            [
                name,
                ms(median([s for s, _ in vals]) / 1e6),
                ms(median([c for _, c in vals]) / 1e6),
                "",
            ]
        )
    return t


# --------------------------------------------------------------------------------------------
# Output


def render_text(results: Results, header: Sequence[str]) -> str:
    out = [*header, ""]
    for t in results.tables:
        widths = [max(len(r[i]) for r in [t.headers, *t.rows]) for i in range(len(t.headers))]
        out.append(t.title)
        out.append("  " + "  ".join(h.ljust(w) for h, w in zip(t.headers, widths, strict=True)))
        for r in t.rows:
            out.append("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
        out.extend(f"  note: {n}" for n in t.notes)
        out.append("")
    out.append("Targets")
    rows = [["target", "measured", "limit", "met"]]
    rows += [[c.target, c.measured, c.limit, c.met] for c in results.checks]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    out.extend("  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows)
    return "\n".join(out) + "\n"


def render_markdown(results: Results, header: Sequence[str]) -> str:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|")

    out = [f"- {h}" for h in header] + [""]
    for t in results.tables:
        out.append(f"#### {t.title}")
        out.append("")
        out.append("| " + " | ".join(t.headers) + " |")
        out.append("|" + "---|" * len(t.headers))
        out.extend("| " + " | ".join(esc(c) for c in r) + " |" for r in t.rows)
        out.extend(f"\n{n}" for n in t.notes)
        out.append("")
    out.append("#### Targets")
    out.append("")
    out.append("| target | measured | limit | met |")
    out.append("|---|---|---|---|")
    for c in results.checks:
        out.append(f"| {esc(c.target)} | {esc(c.measured)} | {esc(c.limit)} | {c.met} |")
    return "\n".join(out) + "\n"


def machine_header(interp: Interpreter, repeat: int, quick: bool) -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text("utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    git = subprocess.run(["git", "--version"], capture_output=True, text=True, check=False)
    where = subprocess.run(
        [str(interp.python), "-c", "import os, sdetkit; print(os.path.dirname(sdetkit.__file__))"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    source = "unknown revision"
    if where:
        rev = subprocess.run(
            ["git", "-C", where, "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", where, "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if rev:
            source = f"source {where} at {rev}" + (" + uncommitted changes" if dirty else "")
    return [
        f"machine: {platform.system()} {platform.release()}, {cpu}, nproc={os.cpu_count()}",
        f"python: {interp.version} ({interp.python})",
        f"sdetkit: {' '.join(interp.sdetkit)} ({source}); {git.stdout.strip()}",
        f"repetitions: {repeat} (medians reported){' (--quick)' if quick else ''}",
    ]


def tool_versions(bench: Bench) -> str:
    parts = []
    for name in ("ruff", "mypy", "pytest"):
        prog = bench.interp.scripts / name
        if prog.is_file():
            res = subprocess.run(
                [str(prog), "--version"],
                capture_output=True,
                text=True,
                check=False,
                env=bench.env,
            )
            parts.append(res.stdout.strip().splitlines()[0] if res.stdout.strip() else name)
    return "tools: " + "; ".join(parts)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument(
        "--repeat",
        type=int,
        default=DEFAULT_REPEAT,
        help="repetitions per measurement",
    )
    ap.add_argument(
        "--quick", action="store_true", help="shorter steps, smaller repo, 1 rep; exits 0 whatever the targets (CI)"
    )
    ap.add_argument("--markdown", action="store_true", help="print the results as Markdown")
    ap.add_argument("--json", type=Path, metavar="FILE", help="also write raw timings to FILE")
    ap.add_argument(
        "--python",
        type=Path,
        default=Path(sys.executable),
        help="interpreter with sdetkit and the tools (default: this one)",
    )
    ap.add_argument(
        "--only",
        action="append",
        default=[],
        choices=["sleep", "cpu", "real", "overhead"],
        help="run only these scenarios",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return ap.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)

    repeat = 1 if args.quick and args.repeat == DEFAULT_REPEAT else args.repeat
    step_s = 0.3 if args.quick else 0.5
    modules, fib_params = (40, 8) if args.quick else (120, 8)
    only = set(args.only) or {"sleep", "cpu", "real", "overhead"}

    # Do not resolve symlinks: a venv's python is a link to the base interpreter.
    interp = probe_interpreter(args.python.absolute())
    load_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="sdetkit-bench-"))
    results = Results()
    try:
        bench = Bench(interp, work)
        repos = work / "repos"
        repos.mkdir()
        custom = (
            ("sleep", SLEEP_CODE, f"4 custom steps, each `time.sleep({step_s})` (waiting, no CPU)"),
            ("cpu", CPU_CODE, f"4 custom steps, each a {step_s} s CPU-bound busy loop"),
        )
        for kind, template, description in custom:
            if kind not in only:
                continue
            code = template.format(d=step_s)
            name = f"{kind}-4"
            repo = make_custom_repo(repos, name, {f"{kind}{i}": ["python", "-c", code] for i in range(4)})
            bench_parallel(bench, Parallel(name, description, repo, jobs=(None, 4)), repeat, results)
        if "real" in only:
            repo = make_real_repo(repos, modules, fib_params)
            bench_parallel(
                bench,
                Parallel(
                    "real-tools",
                    f"ruff check + ruff format --check + mypy --strict + pytest on a generated "
                    f"package ({modules} modules, {(modules + 1) // 2} test files)",
                    repo,
                ),
                repeat,
                results,
            )
            bench_warm_tools(bench, repo, repeat, results)
        if "overhead" in only:
            bench_overhead(bench, repos, repeat, results)
        load_end = os.getloadavg()
        header = [
            *machine_header(interp, repeat, args.quick),
            tool_versions(bench),
            "load average (1/5/15 min) at start: "
            + "/".join(f"{x:.2f}" for x in load_start)
            + ", at end: "
            + "/".join(f"{x:.2f}" for x in load_end),
        ]
    except BenchError as exc:
        log(f"benchmark error: {exc}")
        return 2
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    render = render_markdown if args.markdown else render_text
    sys.stdout.write(render(results, header))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "header": header,
            "raw": results.raw,
            "checks": [c.__dict__ for c in results.checks],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    # --quick proves the benchmark still runs end to end (CI runs it); one noisy repetition on a
    # shared machine says nothing about the targets, so only a full run fails on them.
    return 0 if args.quick or all(c.ok for c in results.checks if c.applies) else 1


if __name__ == "__main__":
    raise SystemExit(main())
