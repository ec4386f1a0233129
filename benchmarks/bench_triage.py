"""Triage throughput and memory on a large log, side by side with ``grep -c``.

Generates a GitHub-Actions-style log of ``--size-mb`` megabytes (timestamped pytest -v progress
lines, a few warnings, one real failure near the end), then runs, interleaved ``--repeat`` times:
``sdetkit triage LOG --format json`` and ``grep -c -E PATTERN LOG`` with the words triage's
prefilter looks for. Reports medians, the ratio, and triage's peak resident memory.

Usage: python benchmarks/bench_triage.py [--size-mb 1024] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine_header, markdown_table, median

GREP_PATTERN = "FAIL|ERROR|[Ee]rror|Failed|failed|Exception|Timeout|timed out|not found"


def make_log(path: Path, size: int) -> int:
    noise = "".join(
        f"2026-11-20T10:00:{i % 60:02d}.1234567Z tests/test_module_{i % 97}.py::test_case_{i} PASSED"
        f"                          [ {i % 100:2d}%]\n"
        for i in range(2000)
    ).encode()
    tail = (
        b"2026-11-20T10:05:00.0000000Z ________________________________ test_bad ________________________________\n"
        b"2026-11-20T10:05:00.0000000Z E       AssertionError: assert 1 == 2\n"
        b"2026-11-20T10:05:00.0000000Z tests/test_bad.py:7: AssertionError\n"
        b"2026-11-20T10:05:00.0000000Z FAILED tests/test_bad.py::test_bad - AssertionError: assert 1 == 2\n"
        b"2026-11-20T10:05:01.0000000Z ##[error]Process completed with exit code 1.\n"
    )
    written = 0
    with path.open("wb") as f:
        while written < size:
            f.write(noise)
            written += len(noise)
        f.write(tail)
    return written + len(tail)


def timed(argv: list[str]) -> tuple[float, float, bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False)
    took = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return took, max(peak_kib, before) / 1024, proc.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="a 16 MiB log, one run (CI runs this so it cannot rot)")
    args = ap.parse_args()
    if args.quick:
        args.size_mb, args.repeat = 16, 1
    with tempfile.TemporaryDirectory(prefix="sdetkit-bench-triage-") as tmp:
        log = Path(tmp) / "big.log"
        size = make_log(log, args.size_mb << 20)
        triage_t: list[float] = []
        grep_t: list[float] = []
        peak = 0.0
        for _ in range(args.repeat):
            took, rss, out = timed([sys.executable, "-m", "sdetkit", "triage", str(log), "--format", "json"])
            first = json.loads(out)["first"]
            if first is None or first["test_id"] != "tests/test_bad.py::test_bad":
                print("triage did not find the planted failure", file=sys.stderr)
                return 1
            triage_t.append(took)
            peak = max(peak, rss)
            grep_t.append(timed(["grep", "-c", "-E", GREP_PATTERN, str(log)])[0])
    t, g = median(triage_t), median(grep_t)
    mb = size / (1 << 20)
    print("\n".join(machine_header(Path(sys.executable), args.repeat, args.quick)))
    print(f"log {mb:.0f} MiB; {args.repeat} runs, medians")
    rows = [
        [f"`grep -c -E '{GREP_PATTERN}'`", f"{g:.2f} s", f"{mb / g:.0f} MiB/s"],
        ["`sdetkit triage`", f"{t:.2f} s", f"{mb / t:.0f} MiB/s"],
        ["ratio triage / grep", f"{t / g:.2f} x", "target: within 5 x"],
        ["triage peak resident memory", f"{peak:.0f} MiB", "target: under 200 MiB"],
    ]
    sys.stdout.write(markdown_table(["measurement", "median", "throughput"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
