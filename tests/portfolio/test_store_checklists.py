"""Checklist results in an embedded store: recorded once by the hash of their JSON, read back in
the order they were checked, up to a day."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdetkit.portfolio.store import open_store
from sdetkit.portfolio.store_checklists import StoredChecklist

FIRST = StoredChecklist("a" * 64, "train", "1.0.0", "2026-03-02", "2026-03-08", "2026-03-09T10:00:00Z", False,
                        (("api", "c" * 40), ("web", None)), ("signoff:qa-governance",))  # fmt: skip
SECOND = FIRST._replace(result_sha256="b" * 64, checked_at="2026-03-10T09:00:00Z", ok=True, failing=())


def test_results_are_recorded_once_and_read_back_up_to_a_day(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        for result, new in ((SECOND, True), (FIRST, True), (FIRST, False)):
            with store.recording_checklist(result) as recorded:
                assert recorded is new
        assert store.checklists("2026-03-10") == [FIRST, SECOND]
        assert store.checklists("2026-03-09") == [FIRST]
        assert store.checklists("2026-03-08") == []


def test_a_failed_body_records_nothing(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        with pytest.raises(OSError), store.recording_checklist(FIRST):
            raise OSError("disk full")
        assert store.checklists("2099-01-01") == []
