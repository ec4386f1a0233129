"""The production stage's governance criterion: both monthly reviews for every month that ended
since the pilot's sign-off; and the data-inconsistency signal seeing the store's schema freeze."""

from __future__ import annotations

from pathlib import Path

from sdetkit.governance.reviews import GovernanceReview
from sdetkit.portfolio.kinds import Stage
from sdetkit.rollout import signals
from sdetkit.rollout.criteria_production import governance_reviews
from sdetkit.rollout.evidence import View
from sdetkit.rollout.model import Status
from tests.rollout.test_criteria import SIGNED, view


def held(kind: str, on: str) -> GovernanceReview:
    return GovernanceReview(f"{kind}-{on}", kind, on, ("a",), (), "0" * 64, "notes.md", on + "T12:00:00Z")


def with_reviews(v: View, *reviews: GovernanceReview) -> View:
    v.evidence = v.evidence._replace(reviews=reviews)
    return v


def test_governance_reviews_need_production_to_have_begun(tmp_path: Path) -> None:
    result = governance_reviews(view(tmp_path))
    assert (result.status, result.measured) == (Status.NOT_MET, "production has not begun")


def test_every_ended_month_since_the_sign_off_needs_both_reviews(tmp_path: Path) -> None:
    # Signed off 2026-04-06; as of 2026-05-31 only April has ended.
    april = [held("compatibility", "2026-04-28"), held("deprecation", "2026-04-30")]
    result = governance_reviews(with_reviews(view(tmp_path, SIGNED), april[0]))
    assert result.status == Status.NOT_MET
    assert result.measured == "since 2026-04-06: 0 of 1 month(s) reviewed"
    assert result.missing == "missing: deprecation review for 2026-04 (record them with `sdetkit governance review`)"
    met = governance_reviews(with_reviews(view(tmp_path, SIGNED), *april))
    assert (met.status, met.measured) == (Status.MET, "since 2026-04-06: 1 of 1 month(s) reviewed")
    # A review recorded for a day after as_of is not evidence on as_of.
    early = governance_reviews(with_reviews(view(tmp_path, SIGNED, as_of="2026-04-29"), *april))
    assert early.missing == "no month has ended since production began: the first is 2026-04"


def test_a_month_missed_later_is_named(tmp_path: Path) -> None:
    v = view(tmp_path, SIGNED, as_of="2026-06-01")
    result = governance_reviews(with_reviews(v, held("compatibility", "2026-04-28"), held("deprecation", "2026-04-30")))
    assert result.missing is not None and result.missing.startswith(
        "missing: compatibility review for 2026-05, deprecation review for 2026-05"
    )


def test_data_inconsistency_surfaces_a_window_reported_under_another_schema_version(tmp_path: Path) -> None:
    v = view(tmp_path)
    changed = ("scorecard", "2026-05-04", "2026-05-10", "1.0.0", "1.1.0", "2026-05-12T09:00:00Z")
    v.evidence = v.evidence._replace(changed_windows=(changed,))
    assert signals.data_inconsistency(v, Stage.PILOT) == (
        "raised",
        "the scorecard of 2026-05-04..2026-05-10 was reported with schema 1.1.0 after it started with 1.0.0 "
        "(--allow-schema-change, 2026-05-12)",
    )
    before = view(tmp_path, as_of="2026-05-11")
    before.evidence = before.evidence._replace(changed_windows=(changed,))
    assert signals.data_inconsistency(before, Stage.PILOT)[0] == "clear"
