"""Checklist compliance from a real SQLite store: SHIP decisions of Regulated-lane repositories
whose checklist fell due in the period (a week after their evidence), covered by a passing checklist
result checked by the period's end; the period's own decisions not covered yet are awaiting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sdetkit.portfolio.compliance import checklist_compliance
from sdetkit.portfolio.rows import StoredRun
from sdetkit.portfolio.store import Store, open_store
from sdetkit.portfolio.store_checklists import StoredChecklist

START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 8)


def run(repo: str, day: str, commit: str | None, *, lane: str = "regulated", ship: bool | None = True) -> StoredRun:
    return StoredRun(
        f"{repo}-{day}-{commit}", repo, "team", lane, commit, None, None, None, None, f"{day}T10:00:00Z", day, True,
        True, True, ship, True, (), 0, None, "{}", f"{day}T10:00:00Z", None,
    )  # fmt: skip


def checklist(sha: str, checked: str, ok: bool, *repos: tuple[str, str | None]) -> StoredChecklist:
    return StoredChecklist(sha * 64, "main", "1.2.0", "2026-11-02", "2026-11-08", checked, ok, tuple(repos),
                           () if ok else ("bundles",))  # fmt: skip


def judge(store: Store) -> tuple[float | None, int, int, list[str], str, int]:
    found = checklist_compliance(store.runs_between("2026-10-26", "2026-11-08"), store.checklists("2026-11-08"),
                                 START, END)  # fmt: skip
    ids = [r.run_id for r in found.non_compliant]
    return found.value, found.compliant, found.decisions, ids, found.source, found.awaiting


def test_decisions_due_in_the_period_are_judged_and_the_periods_own_are_awaiting(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        store.add_runs([
            run("api", "2026-10-27", "c1"),  # due 11-03: covered by the passing result of 11-02
            run("web", "2026-10-28", "c2"),  # named only by a failing result
            run("db", "2026-10-29", "c3"),  # named by a passing result checked after the period
            run("ops", "2026-10-30", None),  # no commit recorded: nothing can cover it
            run("app", "2026-10-30", "c4", lane="scale"),  # not the Regulated lane: not judged
            run("cli", "2026-10-30", "c5", ship=False),  # not a SHIP decision: not judged
            run("new", "2026-11-05", "c6"),  # decided this week: its checklist is not due yet
            run("early", "2026-11-06", "c7"),  # decided this week and already covered: neither
        ])  # fmt: skip
        for result in (
            checklist("a", "2026-11-02T12:00:00Z", True, ("api", "c1"), ("web", "c9")),
            checklist("b", "2026-11-02T13:00:00Z", False, ("web", "c2")),
            checklist("c", "2026-11-09T09:00:00Z", True, ("db", "c3")),
            checklist("d", "2026-11-07T09:00:00Z", True, ("early", "c7")),
        ):
            with store.recording_checklist(result):
                pass
        value, compliant, decisions, missing, source, awaiting = judge(store)
    assert (value, compliant, decisions, awaiting) == (25.0, 1, 4, 1)
    assert missing == ["db-2026-10-29-c3", "ops-2026-10-30-None", "web-2026-10-28-c2"]
    assert source == (
        "1 of 4 SHIP decisions of regulated-lane repositories (decided 2026-10-26..2026-11-01, due by 2026-11-08) "
        "are covered by a passing release checklist result (their repository and commit)"
    )


def test_without_a_decision_to_judge_there_is_no_figure_and_the_source_says_why(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        store.add_runs([run("app", "2026-10-30", "c4", lane="scale"), run("new", "2026-11-05", "c6")])
        assert judge(store) == (
            None, 0, 0, [], "no SHIP decision of a regulated-lane repository had its checklist due in "
            "2026-11-02..2026-11-08 (decided 2026-10-26..2026-11-01, due by 2026-11-08)", 1,
        )  # fmt: skip
