"""Benchmarks for ``sdetkit gate release`` and ``sdetkit doctor``.

gate release: the same plan run with the default ``--jobs`` and with ``--jobs 1`` (every step one
after another), interleaved, medians of ``--repeat`` runs. The generated package has a test suite
whose duration is similar to the build's, so the two can overlap.

doctor: the median wall time of a full run (test collection included) against the 3 s target, next
to ``pytest --collect-only`` alone.

Usage: python benchmarks/bench_release_doctor.py [--repeat N] [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from _common import machine_header, markdown_table, median

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}
N_TESTS = 300


def make_package(root: Path) -> Path:
    repo = root / "benchpkg"
    (repo / "src" / "benchpkg").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [build-system]
            requires = ["hatchling>=1.21"]
            build-backend = "hatchling.build"

            [project]
            name = "benchpkg"
            version = "1.0.0"
            description = "benchmark package"
            readme = "README.md"
            requires-python = ">=3.10"

            [tool.ruff]

            [tool.pytest.ini_options]
            testpaths = ["tests"]
            pythonpath = ["src"]
            """
        )
    )
    (repo / "README.md").write_text("# benchpkg\n")
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## 1.0.0\n")
    (repo / ".gitignore").write_text("build/\n")
    (repo / "src" / "benchpkg" / "__init__.py").write_text("def f(n: int) -> int:\n    return sum(range(n))\n")
    body = "\n".join(
        f"def test_{i}() -> None:\n    assert f({i} * 2000) == sum(range({i} * 2000))\n" for i in range(N_TESTS)
    )
    (repo / "tests" / "test_many.py").write_text("from benchpkg import f\n\n\n" + body)
    env = {**os.environ, **GIT_ENV}
    for argv in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "bench"]):
        subprocess.run(argv, cwd=repo, env=env, check=True)
    return repo


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    return time.perf_counter() - start, proc.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="one repetition (CI runs this so the script cannot rot)")
    args = ap.parse_args()
    if args.quick:
        args.repeat = 1
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="sdetkit-bench-release-") as tmp:
        work = Path(tmp)
        repo = make_package(work)
        env = {**os.environ, "SDETKIT_CACHE_DIR": str(work / "cache")}
        release = [python, "-m", "sdetkit", "gate", "release", "--python", python, "--skip", "audit", "--no-cache"]
        parallel: list[float] = []
        serial: list[float] = []
        for i in range(args.repeat):
            for argv, bucket in ((release, parallel), ([*release, "--jobs", "1"], serial)):
                took, code = timed(argv, repo, env)
                if code != 0:
                    print(f"gate release exited {code}; the benchmark needs a passing package", file=sys.stderr)
                    return 1
                bucket.append(took)
            print(f"rep {i + 1}: default jobs {parallel[-1]:.2f}s, --jobs 1 {serial[-1]:.2f}s", file=sys.stderr)
        doctor = [timed([python, "-m", "sdetkit", "doctor", "--python", python], repo, env)[0] for _ in range(5)]
        collect = [
            timed([python, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"], repo, env)[0]
            for _ in range(5)
        ]
    p, s = median(parallel), median(serial)
    d, c = median(doctor), median(collect)
    print("\n".join(machine_header(Path(python), args.repeat, args.quick)))
    rows = [
        ["gate release, --jobs 1 (every step one after another)", f"{s:.2f} s", "1.00"],
        ["gate release, default --jobs", f"{p:.2f} s", f"{p / s:.2f}"],
        ["doctor, full run (5 runs)", f"{d:.2f} s", f"target < 3 s: {'met' if d < 3 else 'NOT met'}"],
        ["pytest --collect-only alone (5 runs)", f"{c:.2f} s", ""],
    ]
    sys.stdout.write(markdown_table(["measurement", "median", "ratio"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
