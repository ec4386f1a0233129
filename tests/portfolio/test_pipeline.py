"""Bulk records as batches of store rows, in this process or a reader process: the same rows and
tally either way, the same refusal, all or nothing in the store, and no reader left behind."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from sdetkit.errors import InputError
from sdetkit.portfolio import pipeline
from sdetkit.portfolio.inventory import Expected
from sdetkit.portfolio.pipeline import Job, Tally, batches
from sdetkit.portfolio.record_rules import Context
from sdetkit.portfolio.store import open_store
from tests.portfolio_support import jsonl, record

NOW = dt.datetime(2026, 11, 29, 12, tzinfo=dt.timezone.utc)


def _file(tmp_path: Path, count: int, bad_at: int | None = None) -> Path:
    rows: list[dict[str, Any]] = [
        record(f"repo-{i % 37}", f"2026-10-{1 + i % 28:02d}", team="web" if i % 5 else "api")
        | {"source_timestamp": f"2026-10-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i // 3600 % 60:02d}Z"}
        for i in range(count)
    ]
    if bad_at is not None:
        rows[bad_at - 1]["doctor_ok"] = "yes"
    return jsonl(tmp_path / "records.jsonl", rows)


def _job(path: Path, batch: int = 100) -> Job:
    expected = {"repo-1": Expected("repo-1", "platform", "scale")}
    return Job(path, Context(NOW, None, None), expected, NOW, batch)


def _run(job: Job, parallel: bool) -> tuple[list[list[tuple[Any, ...]]], Tally]:
    tally = Tally()
    return list(batches(job, tally, parallel=parallel)), tally


def test_the_reader_process_gives_the_same_rows_and_tally_as_this_one(tmp_path: Path) -> None:
    job = _job(_file(tmp_path, 1234))
    inline, inline_tally = _run(job, parallel=False)
    apart, apart_tally = _run(job, parallel=True)
    assert apart == inline and [len(b) for b in inline] == [100] * 12 + [34]
    assert apart_tally == inline_tally and inline_tally.repos.total() == 1234 and len(inline_tally.repos) == 37
    assert inline_tally.overruled == 34 and inline_tally.first.startswith("repo-1: team ")  # the inventory wins
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("parallel", [False, True])
def test_an_invalid_record_after_the_first_batches_is_refused_by_line_and_count(tmp_path: Path, parallel: bool) -> None:
    path = _file(tmp_path, 700, bad_at=650)
    seen: list[int] = []
    with pytest.raises(InputError) as caught:
        for b in batches(_job(path), Tally(), parallel=parallel):
            seen.append(len(b))
    assert str(caught.value) == f"{path}:650: doctor_ok must be true or false, not 'yes'"
    assert seen == [100] * 6  # the batches before it came, and nothing after it
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("parallel", [False, True])
def test_the_store_gets_every_batch_or_none(db: str, tmp_path: Path, parallel: bool) -> None:
    bad = _file(tmp_path, 700, bad_at=650)
    with open_store(db) as store, pytest.raises(InputError):
        store.add_rows(batches(_job(bad), Tally(), parallel=parallel))
    with open_store(db) as store:
        assert store.run_count() == 0
        assert store.add_rows(batches(_job(_file(tmp_path, 700)), Tally(), parallel=parallel)) == 700
        assert store.add_rows(batches(_job(_file(tmp_path, 700)), Tally(), parallel=parallel)) == 0  # once


def test_a_consumer_that_stops_early_leaves_no_reader_behind(tmp_path: Path) -> None:
    rows = batches(_job(_file(tmp_path, 2000), batch=10), Tally(), parallel=True)
    assert len(next(rows)) == 10
    rows.close()  # what an interrupt or a store error does to the generator
    assert multiprocessing.active_children() == []


def test_a_bug_in_the_reader_is_raised_here_not_hidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(job: Job, tally: Tally) -> Any:
        raise ZeroDivisionError("a bug")
        yield  # a generator, as the real one

    monkeypatch.setattr(pipeline, "_read", broken)  # the forked reader inherits it
    with pytest.raises(RuntimeError, match="ZeroDivisionError: a bug"):
        list(batches(_job(_file(tmp_path, 10)), Tally(), parallel=True))
    assert multiprocessing.active_children() == []


def test_the_size_of_the_file_decides_where_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, 5)
    used: list[str] = []

    def where(name: str) -> Any:
        def read(job: Job, tally: Tally) -> Any:
            used.append(name)
            yield from ()

        return read

    monkeypatch.setattr(pipeline, "_from_reader", where("reader"))
    monkeypatch.setattr(pipeline, "_read", where("inline"))
    list(batches(_job(path), Tally()))
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)
    list(batches(_job(path), Tally()))
    assert used == ["inline", "reader"]
