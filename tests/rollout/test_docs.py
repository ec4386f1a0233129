"""The program repository's evidence files and the day each counts from."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sdetkit.rollout.docs import scan, writing
from tests.rollout_support import commit_on, git_on

TODAY = dt.date(2026, 3, 2)


def test_a_file_counts_from_its_first_commit_never_later_than_today(tmp_path: Path) -> None:
    git_on(tmp_path, "2026-02-01", "init", "-q", "-b", "main")
    (tmp_path / "docs").mkdir()
    for name, day in (("kpi-weekly-2026-02-08.json", "2026-02-09"), ("kpi-weekly-2026-03-01.json", "2026-03-05")):
        (tmp_path / "docs" / name).write_text("{}")
        commit_on(tmp_path, day, f"docs/{name}")
    (tmp_path / "docs" / "kpi-weekly-2026-02-15.json").write_text("{}")  # not committed
    found = scan(tmp_path, TODAY)
    assert {rel: (f.available, f.committed) for rel, f in found.items()} == {
        "docs/kpi-weekly-2026-02-08.json": (dt.date(2026, 2, 9), True),
        # Committed with a date after today: it is in the work tree now, so it counts from today.
        "docs/kpi-weekly-2026-03-01.json": (TODAY, True),
        # Not committed: from the date in its name.
        "docs/kpi-weekly-2026-02-15.json": (dt.date(2026, 2, 15), False),
    }


def test_files_being_written_count_as_present(tmp_path: Path) -> None:
    report = tmp_path / "docs" / "executive-weekly-2026-03-01.md"
    elsewhere = tmp_path.parent / "elsewhere" / "executive-weekly-2026-03-01.md"
    added = writing({}, tmp_path, [report, elsewhere], TODAY)
    assert list(added) == ["docs/executive-weekly-2026-03-01.md"]
    assert added["docs/executive-weekly-2026-03-01.md"].available == dt.date(2026, 3, 1)
