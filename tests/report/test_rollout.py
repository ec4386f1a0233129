"""The Rollout section: the stage reached, the criteria met, what blocks the next stage and the
checkpoints due, word for word in both formats, right after the Decision section."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sdetkit.report import html, markdown, rollout

PILOT: dict[str, Any] = {
    "stage": "pilot",
    "next_stage": "production",
    "criteria_met": 3,
    "criteria_total": 7,
    "next_blocking": {
        "id": "production.entry.sign_off",
        "title": "Leadership sign-off recorded",
        "missing": "Record who signed off and when in sdetkit-program.toml.",
    },
    "checkpoints": [
        {"day": 30, "due": "2026-10-31", "status": "met", "days_late": None},
        {"day": 60, "due": "2026-11-30", "status": "late", "days_late": 12},
        {"day": 90, "due": "2026-12-30", "status": "not_due", "days_late": None},
    ],
}
PRODUCTION: dict[str, Any] = {
    "stage": "production",
    "next_stage": None,
    "criteria_met": 4,
    "criteria_total": 4,
    "next_blocking": None,
    "checkpoints": [
        {"day": 30, "due": "2026-10-31", "status": "met", "days_late": None},
        {"day": 60, "due": "2026-11-30", "status": "met", "days_late": None},
        {"day": 90, "due": "2026-12-30", "status": "met", "days_late": None},
    ],
}
NOT_STARTED: dict[str, Any] = {
    "stage": None,
    "next_stage": "evaluation",
    "criteria_met": 1,
    "criteria_total": 3,
    "next_blocking": {"id": "evaluation.entry.sponsor", "title": "Sponsor named", "missing": "Name the sponsor"},
    "checkpoints": [
        {"day": 60, "due": "2026-11-30", "status": "not_due", "days_late": None},
        {"day": 30, "due": "2026-10-31", "status": "not_due", "days_late": None},
    ],
}
NO_PROGRAM = "No program file given (--inventory sdetkit-program.toml): the rollout stage is not tracked."


def _model(progress: dict[str, Any] | None, end: str | None = None) -> dict[str, Any]:
    model = {"kind": "weekly", "title": "Executive weekly report, week ending 2026-11-15", "rollout": progress}
    if end is not None:
        model["period"] = {"label": f"week ending {end}", "start": "2026-11-23", "end": end}
    return model


def _markdown(progress: dict[str, Any] | None, end: str | None = None) -> str:
    return markdown.render(_model(progress, end)).split("## Rollout\n\n", 1)[1].split("\n\n## ", 1)[0]


def _html(progress: dict[str, Any] | None, end: str | None = None) -> str:
    page = html.render(_model(progress, end), {})
    return page.split('<section id="rollout">\n<h2>Rollout</h2>\n', 1)[1].split("\n</section>", 1)[0]


def test_without_a_program_file_one_sentence_says_so() -> None:
    assert _markdown(None) == NO_PROGRAM
    assert _html(None) == f"<p>{NO_PROGRAM}</p>"
    assert _markdown(None) == markdown.render({"kind": "weekly"}).split("## Rollout\n\n")[1].split("\n\n")[0]


def test_a_pilot_shows_its_blocker_and_the_checkpoints_due() -> None:
    assert _markdown(PILOT) == (
        "Stage reached: pilot; next stage: production.\n\n"
        "Criteria met: 3 of 7 (pilot exit and production entry).\n\n"
        "Next blocking criterion: Leadership sign-off recorded (production.entry.sign_off). "
        "Missing: Record who signed off and when in sdetkit-program.toml.\n\n"
        "Checkpoints due so far:\n\n"
        "- 30-day checkpoint (due 2026-10-31): met.\n"
        "- 60-day checkpoint (due 2026-11-30): late by 12 days."
    )
    assert _html(PILOT) == (
        "<p>Stage reached: pilot; next stage: production.</p>\n"
        "<p>Criteria met: 3 of 7 (pilot exit and production entry).</p>\n"
        "<p>Next blocking criterion: Leadership sign-off recorded (production.entry.sign_off). "
        "Missing: Record who signed off and when in sdetkit-program.toml.</p>\n"
        "<p>Checkpoints due so far:</p>\n"
        "<ul><li>30-day checkpoint (due 2026-10-31): met.</li>"
        "<li>60-day checkpoint (due 2026-11-30): late by 12 days.</li></ul>"
    )


def test_production_reached_has_no_next_stage() -> None:
    assert _markdown(PRODUCTION) == (
        "Stage reached: production, the last stage.\n\n"
        "Criteria met: 4 of 4 (production exit).\n\n"
        "No criterion is blocking.\n\n"
        "Checkpoints due so far:\n\n"
        "- 30-day checkpoint (due 2026-10-31): met.\n"
        "- 60-day checkpoint (due 2026-11-30): met.\n"
        "- 90-day checkpoint (due 2026-12-30): met."
    )
    assert _html(PRODUCTION) == (
        "<p>Stage reached: production, the last stage.</p>\n"
        "<p>Criteria met: 4 of 4 (production exit).</p>\n"
        "<p>No criterion is blocking.</p>\n"
        "<p>Checkpoints due so far:</p>\n"
        "<ul><li>30-day checkpoint (due 2026-10-31): met.</li><li>60-day checkpoint (due 2026-11-30): met.</li>"
        "<li>90-day checkpoint (due 2026-12-30): met.</li></ul>"
    )


def test_before_any_checkpoint_is_due_it_says_when_the_first_is() -> None:
    assert _markdown(NOT_STARTED) == (
        "Stage reached: none yet; the evaluation entry criteria are not met.\n\n"
        "Criteria met: 1 of 3 (evaluation entry).\n\n"
        "Next blocking criterion: Sponsor named (evaluation.entry.sponsor). Missing: Name the sponsor.\n\n"
        "Checkpoints: none due yet; the first, the 30-day checkpoint, is due on 2026-10-31."
    )


@pytest.mark.parametrize(
    ("point", "text"),
    [
        ({"day": 60, "due": "2026-11-30", "status": "late", "days_late": 1}, "late by 1 day."),
        ({"day": 60, "due": "2026-11-30", "status": "late", "days_late": None}, "late."),
        ({"day": 90, "due": "2026-12-30", "status": "unknown", "days_late": None}, "unknown."),
    ],
)
def test_each_checkpoint_status_reads_as_a_sentence(point: dict[str, Any], text: str) -> None:
    found = rollout.checkpoints(_model({**PILOT, "checkpoints": [point]}))
    assert found == [("Checkpoints due so far:", [f"{point['day']}-day checkpoint (due {point['due']}): {text}"])]


def test_the_section_follows_the_decision_in_both_formats() -> None:
    model = _model(PILOT)
    assert re.findall(r"^## (.+)$", markdown.render(model), re.M)[:3] == ["Decision", "Rollout", "Headline KPIs"]
    assert re.findall(r'<section id="([^"]+)">', html.render(model, {}))[:3] == ["decision", "rollout", "kpis"]


def _points(*points: tuple[str, str]) -> list[dict[str, Any]]:
    """The 30-, 60- and 90-day checkpoints from their (due date, status)."""
    days = zip((30, 60, 90), points, strict=True)
    return [{"day": day, "due": due, "status": status, "days_late": None} for day, (due, status) in days]


# The pilot's first report: the week ending Sunday 29 November, the program started on 8 November.
EARLY: dict[str, Any] = {
    **PILOT,
    "checkpoints": _points(("2026-12-08", "met"), ("2027-01-07", "not_due"), ("2027-02-06", "not_due")),
}
MET_EARLY = "Checkpoints met before their due date:"


def _checkpoint_blocks(text: str) -> str:
    return text.split("Missing: Record who signed off and when in sdetkit-program.toml.\n\n", 1)[1]


def test_a_checkpoint_met_before_its_due_date_is_never_shown_as_due() -> None:
    assert _checkpoint_blocks(_markdown(EARLY, end="2026-11-29")) == (
        "Checkpoints: none due yet; the first, the 30-day checkpoint, is due on 2026-12-08.\n\n"
        f"{MET_EARLY}\n\n"
        "- 30-day checkpoint: met early (due 2026-12-08)."
    )
    assert _html(EARLY, end="2026-11-29").endswith(
        "<p>Checkpoints: none due yet; the first, the 30-day checkpoint, is due on 2026-12-08.</p>\n"
        f"<p>{MET_EARLY}</p>\n"
        "<ul><li>30-day checkpoint: met early (due 2026-12-08).</li></ul>"
    )


def test_due_checkpoints_and_early_ones_are_listed_apart() -> None:
    # The 60-day checkpoint is due on the period's last day: due, although not judged met.
    points = _points(("2026-10-31", "met"), ("2026-11-29", "unknown"), ("2026-12-30", "met"))
    assert _checkpoint_blocks(_markdown({**PILOT, "checkpoints": points}, end="2026-11-29")) == (
        "Checkpoints due so far:\n\n"
        "- 30-day checkpoint (due 2026-10-31): met.\n"
        "- 60-day checkpoint (due 2026-11-29): unknown.\n\n"
        f"{MET_EARLY}\n\n"
        "- 90-day checkpoint: met early (due 2026-12-30)."
    )


def test_the_day_the_rollout_was_judged_decides_what_is_due_and_is_shown() -> None:
    # Judged on Wednesday 25 November, while the week ending Sunday 29 November still runs.
    points = _points(("2026-11-20", "met"), ("2026-11-27", "met"), ("2026-12-30", "not_due"))
    judged = {**PILOT, "as_of": "2026-11-25", "checkpoints": points}
    text = _markdown(judged, end="2026-11-29")
    assert text.startswith("Rollout as of 2026-11-25.\n\nStage reached: pilot; next stage: production.\n\n")
    assert _checkpoint_blocks(text) == (
        "Checkpoints due so far:\n\n"
        "- 30-day checkpoint (due 2026-11-20): met.\n\n"
        f"{MET_EARLY}\n\n"
        "- 60-day checkpoint: met early (due 2026-11-27)."
    )
    assert _html(judged, end="2026-11-29").startswith("<p>Rollout as of 2026-11-25.</p>\n<p>Stage reached: pilot;")
    # Without the day it was judged, the period's end decides: by then the 60-day checkpoint is due.
    unjudged = _checkpoint_blocks(_markdown({**judged, "as_of": None}, end="2026-11-29"))
    assert unjudged == (
        "Checkpoints due so far:\n\n"
        "- 30-day checkpoint (due 2026-11-20): met.\n"
        "- 60-day checkpoint (due 2026-11-27): met."
    )
    assert "Rollout as of" not in _markdown({**judged, "as_of": None}, end="2026-11-29")


def test_without_any_date_to_judge_by_a_met_checkpoint_counts_as_due() -> None:
    # No period and no as_of (a hand-written dataset): the status alone decides, as before.
    assert rollout.checkpoints(_model(EARLY)) == [
        ("Checkpoints due so far:", ["30-day checkpoint (due 2026-12-08): met."])
    ]
