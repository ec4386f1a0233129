"""The dashboard's rules, one at a time: the default week, workstream status, this week's
deliverable, evidence links by area, the KPI owner, values and trends."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from sdetkit.portfolio import kpi
from sdetkit.portfolio.kinds import Stage
from sdetkit.portfolio.program import Deliverable, Weekday, Workstream
from sdetkit.rollout import dashboard as board

D = dt.date


def stream(name: str, *deliverables: Deliverable, ident: str = "ws") -> Workstream:
    return Workstream(ident, name, "Ana", Stage.PILOT, deliverables)


@pytest.mark.parametrize(
    ("today", "review", "end"),
    [
        (D(2026, 1, 26), Weekday.MONDAY, D(2026, 1, 25)),  # review day: the week ended yesterday
        (D(2026, 1, 25), Weekday.MONDAY, D(2026, 1, 18)),  # Sunday: this week has not ended yet
        (D(2026, 1, 29), Weekday.WEDNESDAY, D(2026, 1, 27)),
        (D(2026, 1, 28), Weekday.WEDNESDAY, D(2026, 1, 27)),
        (D(2026, 1, 27), Weekday.WEDNESDAY, D(2026, 1, 20)),
        (D(2026, 1, 26), None, D(2026, 1, 25)),  # no review day: weeks end on Sunday
        (D(2026, 1, 25), None, D(2026, 1, 18)),
    ],
)
def test_the_default_week_ends_the_day_before_the_review_day(today: D, review: Weekday | None, end: D) -> None:
    assert board.week_ending(today, review) == end


@given(hs.dates(D(2000, 1, 1), D(2100, 1, 1)), hs.sampled_from([None, *Weekday]))
def test_the_default_week_is_the_last_that_ended(today: D, review: Weekday | None) -> None:
    end = board.week_ending(today, review)
    assert today - dt.timedelta(days=7) <= end < today
    review_index = list(Weekday).index(review) if review else 0
    assert (end + dt.timedelta(days=1)).weekday() == review_index


def test_workstream_status_at_the_weeks_end() -> None:
    end = D(2026, 1, 25)
    assert board.workstream_status(stream("x"), end) == "on track"
    assert board.workstream_status(stream("x", Deliverable("a", D(2026, 1, 25))), end) == "on track"  # due today
    late = stream("x", Deliverable("a", D(2026, 1, 24)), Deliverable("b", D(2026, 1, 20), D(2026, 1, 26)))
    assert board.workstream_status(late, end) == "at risk: 2 past due"  # done after the week is not done in it
    done = stream("x", Deliverable("a", D(2026, 1, 24), D(2026, 1, 24)), Deliverable("b", D(2026, 2, 1), end))
    assert board.workstream_status(done, end) == "done"


def test_this_weeks_deliverable_else_the_next_one_due() -> None:
    start, end = D(2026, 1, 19), D(2026, 1, 25)
    w = stream(
        "x",
        Deliverable("old", D(2026, 1, 12)),
        Deliverable("in", D(2026, 1, 19), D(2026, 1, 18)),
        Deliverable("also", D(2026, 1, 25)),
        Deliverable("later", D(2026, 2, 9)),
        Deliverable("sooner", D(2026, 2, 2)),
    )
    assert (
        board.this_weeks_deliverable(w, start, end)
        == "in (due 2026-01-19, done 2026-01-18); also (due 2026-01-25, not done)"
    )
    assert board.this_weeks_deliverable(w, D(2026, 1, 26), D(2026, 2, 1)) == "next: sooner (due 2026-02-02)"
    assert board.this_weeks_deliverable(stream("x"), start, end) == "—"


def test_evidence_links_by_area_to_the_weeks_file_that_exists() -> None:
    end = D(2026, 1, 25)
    present = frozenset({"docs/artifacts/portfolio-scorecard-2026-01-25.json", "docs/executive-weekly-2026-01-18.md"})
    reporting = stream("KPI reporting", ident="r")
    assert board.evidence_link(reporting, end, present) == board.DashboardCell(
        "docs/artifacts/portfolio-scorecard-2026-01-25.json", "artifacts/portfolio-scorecard-2026-01-25.json"
    )
    assert board.evidence_link(reporting, end, present | {"docs/kpi-weekly-2026-01-25.json"}).href == (
        "kpi-weekly-2026-01-25.json"
    )
    # Last week's report is not this week's evidence; an area sdetkit keeps no file for links nothing.
    assert board.evidence_link(stream("Executive reports"), end, present).text == "—"
    assert board.area_of(stream("Governance and deprecation policy")) is None
    assert board.area_of(stream("x", ident="release-train")) == board.AREAS[3]


def test_the_kpi_owner_is_the_first_reporting_workstreams_dri() -> None:
    from pathlib import Path

    from sdetkit.lanes import LaneName
    from sdetkit.portfolio.program import Program

    streams = (stream("Support"), Workstream("metrics", "Numbers", "Bo", Stage.EVALUATION), stream("Scorecards"))
    program = Program(Path("p.toml"), "p", D(2026, 1, 5), LaneName.SCALE, None, None, None, None, None, streams, {})
    assert board.kpi_owner(program) == ("Bo", "Bo, the DRI of the reporting workstream (Numbers)")
    assert board.kpi_owner(program._replace(workstreams=streams[:1]))[0] == "—"


def test_every_kpi_of_the_payload_has_a_target_direction() -> None:
    assert tuple(board.KPI_BETTER) == kpi.NAMES
    assert set(board.KPI_BETTER.values()) == {"higher", "lower"}


def test_kpi_values_and_trends() -> None:
    def value(v: float | None, unit: str = "percent") -> dict[str, object]:
        return {"value": v, "unit": unit, "quality": "stable"}

    assert board.kpi_value(value(66.67)) == "66.67% (stable)"
    assert board.kpi_value(value(30.0, "minutes")) == "30 min (stable)"
    assert board.kpi_value(value(None)) == "not measured"
    assert board.kpi_value(None) == "—"
    assert board.trend(value(5.0), value(10.0), "lower") == "better"
    assert board.trend(value(5.0), value(10.0), "higher") == "worse"
    assert board.trend(value(5.0), value(5.0), "higher") == "unchanged"
    assert board.trend(value(5.0), value(None), "higher") == "—"


@given(hs.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), hs.sampled_from([None, *Weekday]))
def test_the_first_week_end_is_the_first_week_end_on_or_after_the_start(start: dt.date, review: Weekday | None) -> None:
    first = board.first_week_end(start, review)
    assert start <= first < start + dt.timedelta(days=7)
    # It is a week end: the week that ended before the day after it is itself.
    assert board.week_ending(first + dt.timedelta(days=1), review) == first
