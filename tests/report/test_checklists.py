"""The report's "Release checklists" part from a real SQLite store: results recorded in the period,
checklist compliance beside the Regulated lane's rollback rate, and the decisions not covered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sdetkit.portfolio.inventory import Expected
from sdetkit.portfolio.store import open_store
from sdetkit.report import checklists, markdown
from tests.portfolio.test_compliance import checklist, run

START, END = dt.date(2026, 11, 2), dt.date(2026, 11, 8)


def test_the_section_names_results_the_figure_beside_rollback_rate_and_the_uncovered_decisions(
    tmp_path: Path,
) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        # The inventory moves "web" into the Regulated lane: the report judges it there.
        store.add_runs([run("api", "2026-10-27", "c1"), run("web", "2026-10-28", "c2", lane="scale"),
                        run("api", "2026-11-06", "c3")])  # fmt: skip
        for result in (checklist("a", "2026-10-30T12:00:00Z", True, ("api", "c1")),
                       checklist("b", "2026-11-07T13:00:00Z", False, ("web", "c2"))):  # fmt: skip
            with store.recording_checklist(result):
                pass
        expected = {"api": Expected("api", "payments", "regulated"), "web": Expected("web", "frontend", "regulated")}
        part = checklists.part(store, START, END, expected)
    assert [(r["checked_at"], r["ok"]) for r in part["checklists"]["results"]] == [("2026-11-07T13:00:00Z", False)]
    assert part["checklists"]["compliance"]["value"] == 50.0
    assert part["checklist_noncompliant"] == [
        {"repo_id": "web", "team": "frontend", "lane": "regulated", "commit": "c2", "day": "2026-10-28"}
    ]
    kpis = [{"id": "rollback_rate", "label": "Rollback rate", "value": 12.5, "unit": "%"}]
    text = markdown.render({"kind": "weekly", "title": "t", "kpis": kpis, **part})
    body = text.split("## Release checklists\n\n", 1)[1].split("\n\n## ", 1)[0]
    assert body.startswith(
        "Regulated lane KPI emphasis: rollback rate 12.5%; checklist compliance 50%. Checklist compliance: 1 of 2 "
        "SHIP decisions of regulated-lane repositories (decided 2026-10-26..2026-11-01, due by 2026-11-08) are "
        "covered by a passing release checklist result (their repository and commit). 1 more awaiting their "
        "checklist (not due yet).\n\n"
    )
    assert "| main | 1.2.0 | 2026-11-07T13:00:00Z | failed | bundles |" in body
    assert "| web | frontend | regulated | c2 | 2026-10-28 |" in body


def test_a_program_without_a_regulated_repository_is_told_compliance_does_not_apply(tmp_path: Path) -> None:
    with open_store(str(tmp_path / "s.sqlite3")) as store:
        part = checklists.part(store, START, END, {"api": Expected("api", "payments", "scale")})
    text = markdown.render({"kind": "weekly", "title": "t", **part})
    assert "No repository is in the Regulated lane: checklist compliance does not apply." in text
