"""Normalized records: release confidence is derived from the lane's policy, never trusted; both
paths (the bulk fast path and the one that names problems) apply one rule; limits and the
original tooling's shape."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from sdetkit.portfolio.record_rules import Context
from sdetkit.portfolio.records import _fast, _problems

NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)
CTX = Context(NOW)


def raw(lane: str, fast: bool, release: bool, doctor: bool, **extra: Any) -> dict[str, Any]:
    failed = 0 if fast and release else 1
    return {"repo_id": "api", "team": "t", "lane": lane, "gate_fast_ok": fast, "gate_release_ok": release,
            "doctor_ok": doctor, "failed_steps_count": failed, "evidence_window_end": "2026-11-20",
            "source_timestamp": "2026-11-20T12:00:00Z"} | extra  # fmt: skip


def policy(lane: str, fast: bool, release: bool, doctor: bool, audit: str | None) -> bool:
    """The lanes as the README states them, written out here, not taken from sdetkit."""
    startup = fast and release
    return {"startup": startup, "scale": startup and doctor, "regulated": startup and doctor and audit == "passed"}[
        lane
    ]


MATRIX = list(itertools.product(("startup", "scale", "regulated"), *[(False, True)] * 3, (None, True, False),
                                (None, "passed", "skipped")))  # fmt: skip


@pytest.mark.parametrize(("lane", "fast", "release", "doctor", "given", "audit"), MATRIX)
def test_confidence_is_the_lanes_verdict_and_a_claim_beyond_it_is_refused(
    lane: str, fast: bool, release: bool, doctor: bool, given: bool | None, audit: str | None
) -> None:
    extra: dict[str, Any] = {} if given is None else {"release_confidence_ok": given}
    if audit is not None:
        extra["audit"] = audit
    doc = raw(lane, fast, release, doctor, **extra)
    derived = policy(lane, fast, release, doctor, audit)
    slow, problems = _problems(doc, "f:1", CTX)
    quick = _fast(doc, CTX)
    if given is True and not derived:
        assert slow is None and quick is None and len(problems) == 1
        assert problems[0].startswith(f"f:1: release_confidence_ok is true but the {lane} lane's policy gives false: ")
        if not fast:
            assert "gate fast failed" in problems[0]
    else:
        # A record may withhold confidence (a NO-SHIP decision it cannot carry), never add it.
        assert slow is not None and slow.release_confidence_ok is (derived and given is not False)
        assert quick == slow  # one rule for both paths


def test_a_regulated_record_says_how_it_can_show_its_audit() -> None:
    _, problems = _problems(raw("regulated", True, True, True, release_confidence_ok=True), "f:1", CTX)
    assert problems == [
        "f:1: release_confidence_ok is true but the regulated lane's policy gives false: Regulated lane: "
        'vulnerability audit missing, it may not be skipped (a record shows a passed audit only with "audit": '
        '"passed")'
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"repo_id": "x" * 201}, "repo_id is 201 characters, over the limit of 200"),
        ({"team": "t" * 50_000_000}, "team is 50000000 characters, over the limit of 200"),
        ({"team": "pay\nments"}, "team holds a control character (U+000A at position 3)"),
        ({"repo_id": "api\u2028"}, "repo_id holds a control character (U+2028 at position 3)"),
        ({"failed_steps": ["a" * 201], "failed_steps_count": 1, "gate_fast_ok": False},
         "failed_steps[0] is 201 characters, over the limit of 200"),
        ({"failed_steps": [str(i) for i in range(1001)], "failed_steps_count": 1001, "gate_fast_ok": False},
         "failed_steps lists 1001 steps, over the limit of 1000"),
        ({"failed_steps_count": 10**20, "gate_fast_ok": False},
         "failed_steps_count is 100000000000000000000, over the limit of 1000"),
        ({"ci_run_url": "https://ci/" + "x" * 2048}, "ci_run_url is 2059 characters, over the limit of 2048"),
        ({"branch": "b" * 256}, "branch is 256 characters, over the limit of 255"),
        ({"commit": "c\x00"}, "commit holds a control character (U+0000 at position 1)"),
        ({"lane": "l" * 10_000}, "lane '" + "l" * 39 + "... (10002 characters) is not one of"),
        ({"k" * 10_000: 1}, "unknown field '" + "k" * 39 + "... (10002 characters)"),
        ({"audit": "maybe"}, "audit 'maybe' is not one of passed, failed, skipped, not planned"),
    ],
)  # fmt: skip
def test_limits_and_control_characters_name_the_field_and_never_echo_a_huge_value(
    change: dict[str, Any], message: str
) -> None:
    doc = raw("startup", True, True, True) | change
    record, problems = _problems(doc, "f:7", CTX)
    assert record is None and _fast(doc, CTX) is None
    assert problems[0].startswith(f"f:7: {message}") and len(problems[0]) < 200


def test_the_original_shape_is_read_and_its_window_is_the_command_lines() -> None:
    original = {k: v for k, v in raw("scale", True, True, True).items() if k not in ("repo_id", "source_timestamp",
                                                                                    "evidence_window_end")}  # fmt: skip
    original |= {"repo": "api", "timestamp": "2026-11-18T09:30:00+00:00"}
    week = Context(NOW, dt.date(2026, 11, 22))
    for ctx, end in ((week, dt.date(2026, 11, 22)), (CTX, dt.date(2026, 11, 18))):
        record = _fast(original, ctx)
        assert record is not None and record == _problems(original, "f:1", ctx)[0]
        assert record.repo_id == "api" and record.evidence_window_end == end and record.release_confidence_ok
        assert record.source_timestamp == dt.datetime(2026, 11, 18, 9, 30, tzinfo=dt.timezone.utc)
    # Evidence made after the command line's window is not that window's: it keeps its own day.
    later = _fast(original | {"timestamp": "2026-11-25T00:00:00Z"}, week)
    assert later is not None and later.evidence_window_end == dt.date(2026, 11, 25)
    # Both spellings of the time may be given when they agree.
    same = original | {"source_timestamp": "2026-11-18T10:30:00+01:00"}
    assert _problems(same, "f:1", CTX)[0] is not None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"repo": "web"}, "give the repository as repo_id or repo, not both"),
        ({"timestamp": "2026-11-19T12:00:00Z"},
         "timestamp '2026-11-19T12:00:00Z' and source_timestamp '2026-11-20T12:00:00Z' differ: give one"),
        ({"source_timestamp": "2026-11-29T13:30:00Z", "evidence_window_end": "2026-11-29"},
         "source_timestamp 2026-11-29T13:30:00Z is in the future (now 2026-11-29T12:00:00Z)"),
        ({"evidence_window_end": "2026-12-01"}, "evidence_window_end 2026-12-01 is after today (2026-11-29)"),
        ({"evidence_window_end": "2026-11-19"},
         "evidence_window_end 2026-11-19 is before the day of source_timestamp (2026-11-20): evidence cannot count "
         "for a window that closed before it was made"),
    ],
)  # fmt: skip
def test_contradictory_times_and_names(change: dict[str, Any], message: str) -> None:
    doc = raw("startup", True, True, True) | change
    assert _problems(doc, "f:3", CTX) == (None, [f"f:3: {message}"]) and _fast(doc, CTX) is None


def test_the_clock_skew_and_a_late_evening_run_west_of_utc_are_accepted() -> None:
    near = raw("startup", True, True, True, source_timestamp="2026-11-29T12:59:00Z", evidence_window_end="2026-11-29")
    west = raw(
        "startup", True, True, True, source_timestamp="2026-11-22T22:00:00-05:00", evidence_window_end="2026-11-22"
    )
    for doc in (near, west):
        assert _fast(doc, CTX) is not None and _problems(doc, "f:1", CTX)[0] is not None


def test_the_inventory_is_checked_per_record() -> None:
    ctx = Context(NOW, None, {"web": None, "docs": None})
    message = "f:9: api: not in the inventory (expected: docs, web); fix the id or add it to the inventory"
    assert _problems(raw("startup", True, True, True), "f:9", ctx) == (None, [message])
