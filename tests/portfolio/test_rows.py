"""Stored rows: a run becomes the table's values and comes back the same."""

from __future__ import annotations

from sdetkit.portfolio.rows import COLUMNS, StoredRun, from_row, to_row

RUN = StoredRun(
    "r1", "api", "payments", "scale", "abc", "main", None, "2026-11-04T09:50:00Z", None, "2026-11-04T10:00:00Z",
    "2026-11-04", True, False, None, True, False, ("build", "audit"), 2, "0.1.0", "{}", "2026-11-04T10:01:00Z",
    "passed",
)  # fmt: skip


def test_a_run_is_stored_as_portable_values_in_column_order() -> None:
    row = dict(zip(COLUMNS, to_row(RUN), strict=True))
    assert (row["gate_fast_ok"], row["gate_release_ok"], row["doctor_ok"]) == (1, 0, None)
    assert row["failed_steps"] == '["build", "audit"]'
    assert list(row) == list(StoredRun._fields)


def test_a_row_reads_back_as_the_same_run() -> None:
    assert from_row(to_row(RUN)) == RUN
    assert from_row(to_row(RUN._replace(failed_steps=(), gate_fast_ok=None))).gate_fast_ok is None
