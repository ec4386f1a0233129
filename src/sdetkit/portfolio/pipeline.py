"""Bulk ingest of a records file as batches of store rows, read in a second process when it is big.

Reading, validating and hashing a record is pure Python (about 35 us a record here) and storing it
costs the database about as much again; one process pays both in turn. For a big file a reader
process builds the rows while this one stores them, so the two halves overlap on two cores (see
docs/performance.md; threads do not: the reader would hold the interpreter lock the writer needs
for every row). Batches go through a pipe that holds at most about one batch, so memory stays
bounded whatever the file's size. A small file is read in this process: starting another costs
more than it saves.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import signal
from collections import Counter
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NamedTuple

from sdetkit.errors import InputError
from sdetkit.portfolio.inventory import Expected
from sdetkit.portfolio.record_rules import Context

Row = tuple[Any, ...]
PARALLEL_FROM = 8 * 2**20  # bytes: below this one process is quicker (measured, docs/performance.md)


class Job(NamedTuple):
    """A records file to turn into store rows: the rules' context, the inventory and the ingest time."""

    path: Path
    context: Context
    expected: Mapping[str, Expected]
    stamp: dt.datetime
    batch: int = 5000


@dataclass
class Tally:
    """What the rows were: runs per repository, and the records whose team or lane the inventory
    overruled (how many, and the first)."""

    repos: Counter[str] = field(default_factory=Counter)
    overruled: int = 0
    first: str = ""


def batches(job: Job, tally: Tally, parallel: bool | None = None) -> Generator[list[Row], None, None]:
    """The rows of ``job``'s records in batches (:func:`sdetkit.portfolio.rows.to_row` form); an
    invalid record raises InputError (first problem, and how many more) after the batches before it.
    ``parallel`` (default: by the file's size) reads in a second process."""
    if parallel is None:
        try:
            parallel = job.path.stat().st_size >= PARALLEL_FROM
        except OSError:
            parallel = False  # the reader says what is wrong with the file
    return _from_reader(job, tally) if parallel else _read(job, tally)


def _read(job: Job, tally: Tally) -> Generator[list[Row], None, None]:
    from sdetkit.portfolio.store import chunked

    yield from chunked(_rows(job, tally), job.batch)


def _rows(job: Job, tally: Tally) -> Iterator[Row]:
    from sdetkit.portfolio import records
    from sdetkit.portfolio.ingest import assign, from_record
    from sdetkit.portfolio.rows import Owner, to_row

    for r in records.stream(job.path, job.context):
        tally.repos[r.repo_id] += 1
        run = from_record(r, job.stamp)
        listed = job.expected.get(r.repo_id)
        if listed is not None and (listed.team, listed.lane) != (r.team, r.lane):
            # The inventory wins over a record's team and lane, as it does for artifacts.
            tally.overruled += 1
            tally.first = tally.first or (f"{r.repo_id}: team {r.team}, lane {r.lane}; inventory: team "
                                          f"{listed.team}, lane {listed.lane}")  # fmt: skip
            run = assign(run, Owner(listed.team, listed.lane))
        yield to_row(run)


def _reader(job: Job, out: Connection) -> None:
    """The reader process: batches, then its tally, or the refusal, sent to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the parent's SIGTERM handler is not ours
    tally = Tally()
    try:
        for chunk in _read(job, tally):
            out.send(("rows", chunk))
        out.send(("done", tally))
    except InputError as exc:
        out.send(("refused", str(exc)))
    except (BrokenPipeError, EOFError):
        pass  # the parent is gone (failed, interrupted or killed): nothing to tell
    except BaseException:
        import traceback

        out.send(("bug", traceback.format_exc()))
    finally:
        out.close()


def _from_reader(job: Job, tally: Tally) -> Generator[list[Row], None, None]:
    # fork where there is one: the reader starts at once (no interpreter to start and modules to
    # import), and nothing it inherits is shared (the store is opened after it started).
    methods = multiprocessing.get_all_start_methods()
    ctx: Any = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    inbox, outbox = ctx.Pipe(duplex=False)
    reader = ctx.Process(target=_reader, args=(job, outbox), name="sdetkit-records-reader", daemon=True)
    reader.start()
    outbox.close()  # ours closed: the pipe ends when the reader's end does
    finished = False
    try:
        while True:
            try:
                kind, value = inbox.recv()
            except EOFError:
                raise RuntimeError(f"the process reading {job.path} ended without a result") from None
            if kind == "rows":
                yield value
            elif kind == "done":
                tally.repos.update(value.repos)
                tally.overruled, tally.first = value.overruled, value.first
                finished = True
                return
            elif kind == "refused":
                raise InputError(value)
            else:
                raise RuntimeError(f"the process reading {job.path} failed:\n{value}")
    finally:
        inbox.close()
        reader.join(timeout=0 if reader.exitcode is None and not finished else 10)
        if reader.is_alive():
            reader.terminate()  # interrupted, or a store error: stop reading
        reader.join()
