"""Triage throughput and memory on a large log, side by side with ``grep -c -E`` over the same words.

Generates a GitHub-Actions-style log of ``--size-mb`` megabytes that does not flatter triage:
timestamped pytest -v progress lines with ANSI colours (some with "error", "timeout", "exit" in
their test names), one line in ten with non-ASCII marks (check marks, dashes), and one in ten
(``--word-lines``: 20 in 200, the highest share measured on real logs) holding words the prefilter
looks for without being a failure ("Found 0 errors"; pip's "Retrying ... Read timed out" and the
"Successfully installed" that recovers it; a warning's location; a test id whose parameter is an
exception's text; a passing count; a logged traceback's frame; Azure's "Exit code 0"), then one
real failure at the end. Then runs, interleaved
``--repeat`` times, ``sdetkit triage LOG --format json`` and ``LC_ALL=C grep -c -E PATTERN LOG``,
where PATTERN is derived from the rules' and signals' words (``registry.words()`` converted by
``sdetkit.triage.prefilter.posix_ere``), never kept by hand. Reports medians, the ratio, throughput
and triage's peak resident memory. A full run exits 1 on a missed target.

Usage: python benchmarks/bench_triage.py [--size-mb 1024] [--repeat 3] [--word-lines 20] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import machine_header, markdown_table, median
from sdetkit.triage import registry
from sdetkit.triage.prefilter import posix_ere

TARGET_RATIO = 3.0
TARGET_RSS_MIB = 200.0
PLANTED = "tests/test_bad.py::test_bad"


def grep_pattern() -> bytes:
    """Every word triage's prefilter looks for, as one POSIX extended regex."""
    return b"|".join(b"(" + posix_ere(w) + b")" for w in registry.words())


WORD_LINES = 20  # lines in 200 holding a prefilter word: 10%, the highest share real logs showed (performance.md)
_WORD_KINDS = (24, 25, 26, 27, 28, 29, 30, 31)  # the kinds of noise line that hold a prefilter word


def _noise_line(i: int, word_lines: int = WORD_LINES) -> str:
    ts = f"2026-11-20T10:{i // 60 % 60:02d}:{i % 60:02d}.{i * 7919 % 10_000_000:07d}Z "
    k = i % 200
    if 40 <= k < 40 + word_lines - len(_WORD_KINDS):  # more lines holding words, in place of passing tests
        k = _WORD_KINDS[(k - 40) % len(_WORD_KINDS)]
    elif k in _WORD_KINDS[word_lines:]:  # fewer than eight: passing tests in place of the rest
        k = 40
    progress = f"\x1b[32mPASSED\x1b[0m{' ' * 20}[ {i % 100:2d}%]"
    if k < 4:  # passing tests whose names hold scary words (no prefilter word: words need a pattern's text)
        name = ("error_message", "timeout_retry", "failed_upload", "exit_code")[k]
        return f"{ts}tests/test_{name}.py::test_{name}_{i} {progress}"
    if k < 24:
        return f"{ts}  \u2713 step {i} finished in {i % 9}.{i % 7}s \u2014 cache hit"
    if k == 24:
        return f"{ts}src/pkg/mod_{i % 13}.py:{i % 300}: DeprecationWarning: old_api() is deprecated"
    if k == 25:
        return f"{ts}Found 0 errors in {i % 50 + 1} files (checked {i % 90 + 10} source files)"
    if k == 26:
        return (
            f"{ts}WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after "
            f"connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='pypi.org', port=443): Read timed "
            f"out. (read timeout=15)\")': /simple/pkg-{i % 40}/"
        )
    if k == 27:
        return f"{ts}Successfully installed pkg-{i % 40}-1.{i % 9}.0"
    if k == 28:  # a parametrised test whose id holds the exception text it checks
        return f"{ts}tests/test_parse.py::test_rejects[ValueError: bad value {i % 50}] {progress}"
    if k == 29:
        return f"{ts}\x1b[32m======= {i % 400 + 1} passed, {i % 5} warnings in {i % 60}.{i % 10}s =======\x1b[0m"
    if k == 30:  # a handled exception a test logged on purpose
        return f'{ts}  File "/usr/lib/python3.12/logging/__init__.py", line {1100 + i % 99}, in emit'
    if k == 31:
        return f"{ts}##[debug]Exit code 0 received from tool '/usr/bin/bash'"
    if k < 40:
        return f"{ts}\x1b[36m[build]\x1b[0m compiling module {i % 300} of 300"
    return f"{ts}tests/test_module_{i % 97}.py::test_case_{i} {progress}"


def make_log(path: Path, size: int, word_lines: int = WORD_LINES) -> int:
    """Write the log (about ``size`` bytes of passing noise, then the failure); its size in bytes.

    ``word_lines`` of each 200 lines hold words the prefilter looks for without being a failure
    (0 to 168; 0 is near CPython's own ``-v`` log, where 1 line in 6,232 holds one).
    """
    if not 0 <= word_lines <= 168:
        raise ValueError(f"word lines per 200: {word_lines} is not in 0..168")
    noise = "".join(_noise_line(i, word_lines) + "\n" for i in range(2000)).encode()
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


def timed(argv: list[str | bytes], env: dict[str, str] | None = None) -> tuple[float, float, bytes]:
    """Wall time, the peak resident memory of the children so far (MiB), and stdout."""
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, check=False, env=env)
    took = time.perf_counter() - start
    return took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, proc.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--word-lines", type=int, default=WORD_LINES, help="lines in 200 holding a prefilter word (0-168)")
    ap.add_argument("--quick", action="store_true", help="a 16 MiB log, one run (CI runs this so it cannot rot)")
    args = ap.parse_args()
    if args.quick:
        args.size_mb, args.repeat = 16, 1
    pattern = grep_pattern()
    grep_env = {**os.environ, "LC_ALL": "C"}  # bytes, as triage's prefilter reads them
    print("\n".join(machine_header(Path(sys.executable), args.repeat, args.quick)))
    with tempfile.TemporaryDirectory(prefix="sdetkit-bench-triage-") as tmp:
        log = Path(tmp) / "big.log"
        size = make_log(log, args.size_mb << 20, args.word_lines)
        with log.open("rb") as f:
            lines = sum(block.count(b"\n") for block in iter(lambda: f.read(8 << 20), b""))
        triage_t: list[float] = []
        grep_t: list[float] = []
        peak = 0.0
        hits = b""
        for _ in range(args.repeat):
            took, rss, out = timed([sys.executable, "-m", "sdetkit", "triage", str(log), "--format", "json"])
            first = json.loads(out)["first"]
            if first is None or first["test_id"] != PLANTED:
                print(f"triage did not find the planted failure first: {first}", file=sys.stderr)
                return 1
            triage_t.append(took)
            peak = max(peak, rss)  # grep's memory is far below triage's; the maximum is triage's
            took, _, hits = timed(["grep", "-c", "-E", "-e", pattern, str(log)], grep_env)
            grep_t.append(took)
    t, g = median(triage_t), median(grep_t)
    mb = size / (1 << 20)
    print(f"log {mb:.0f} MiB, {lines} lines, {int(hits or 0) / lines:.1%} of them holding a prefilter word")
    print(f"grep pattern: {len(registry.words())} words from the registry ({len(pattern)} bytes as POSIX ERE)")
    rows = [
        ["`LC_ALL=C grep -c -E` (the same words)", f"{g:.2f} s", f"{mb / g:.0f} MiB/s"],
        ["`sdetkit triage --format json`", f"{t:.2f} s", f"{mb / t:.0f} MiB/s"],
        ["ratio triage / grep", f"{t / g:.2f} x", f"target: within {TARGET_RATIO:.0f} x"],
        ["triage peak resident memory", f"{peak:.0f} MiB", f"target: under {TARGET_RSS_MIB:.0f} MiB"],
    ]
    sys.stdout.write(markdown_table(["measurement", "median", "throughput"], rows))
    missed = t / g > TARGET_RATIO or peak >= TARGET_RSS_MIB
    return 1 if missed and not args.quick else 0


if __name__ == "__main__":
    raise SystemExit(main())
