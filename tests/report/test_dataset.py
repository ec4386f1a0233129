"""The report dataset from a real SQLite store: one definition of "red" for every section, every run
of the period read for the movement lists, and every per-repository list cut at 500 repositories."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from sdetkit.portfolio.ingest import from_record
from sdetkit.portfolio.inventory import Expected
from sdetkit.portfolio.records import Record
from sdetkit.portfolio.store import Store, open_store
from sdetkit.report import dataset, html, lists, markdown

NOW = dt.datetime(2026, 12, 31, tzinfo=dt.timezone.utc)
# A tier as the scorecard's risk rule reads it: gate fast, gate release, doctor and the failed steps.
TIERS: dict[str, tuple[bool, bool, bool, tuple[str, ...]]] = {
    "high": (False, False, True, ("build", "tests")),
    "medium": (False, True, True, ("lint",)),
    "low": (True, True, True, ()),
}


def run(repo: str, day: str, tier: str, team: str = "core", hour: int = 12) -> Record:
    """One run of ``repo`` on ``day`` whose risk tier is ``tier``."""
    fast, release, doctor, steps = TIERS[tier]
    return Record(
        repo_id=repo, team=team, lane="startup", gate_fast_ok=fast, gate_release_ok=release, doctor_ok=doctor,
        failed_steps_count=len(steps), evidence_window_end=dt.date.fromisoformat(day),
        source_timestamp=dt.datetime.fromisoformat(f"{day}T{hour:02d}:00:00+00:00"),
        release_confidence_ok=tier == "low", failed_steps=steps,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(str(tmp_path / "portfolio.sqlite3")) as opened:
        yield opened


def fill(store: Store, records: Sequence[Record]) -> None:
    store.add_runs(from_record(r, NOW) for r in records)


def inventory(records: Sequence[Record], *extra: str) -> dict[str, Expected]:
    repos = {r.repo_id: r.team for r in records} | dict.fromkeys(extra, "core")
    return {repo: Expected(repo, team, "startup") for repo, team in repos.items()}


def build(store: Store, kind: str, when: str, expected: Mapping[str, Expected], today: str = "2026-12-31") -> Any:
    period = dataset.week(dt.date.fromisoformat(when)) if kind == "weekly" else dataset.parse_month(when)
    return dataset.build(store, kind, period, expected, dt.date.fromisoformat(today))


def section(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n\n", 1)[1].split("\n\n## ", 1)[0]


def ids(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return [r["repo_id"] for r in rows]


def assert_one_definition_of_red(model: Mapping[str, Any]) -> None:
    """Every statement of the report about red repositories agrees with the high-risk count."""
    high = model["risk"]["current"]["high"]
    text = markdown.render(model)
    assert f"; {high} high risk;" in model["decision"]["summary"]
    assert f"| high | {high} |" in section(text, "Risk tiers")
    assert len(model["longest_red"]) == high
    longest = section(text, "Longest red")
    assert ("No repository is red at its latest run" in longest) == (high == 0), longest
    assert len([line for line in longest.splitlines() if line.startswith("| ")][1:]) == min(high, 10)
    assert sum(team["high_risk_repo_count"] for team in model["by_team"]) == high
    assert model["series"]["risk"]["high"][-1] == high
    kpi = next(k for k in model["kpis"] if k["id"] == "high_risk_repo_count")
    assert kpi["value"] == high or (kpi["value"] is None and high == 0)


# Each shape: runs (repo, day, tier), then what the November monthly must say.
Shape = tuple[list[tuple[str, str, str]], dict[str, list[str]]]
MONTHLY_SHAPES: dict[str, Shape] = {
    "red only at the end of the month": (
        [("a", "2026-10-20", "low"), ("a", "2026-11-05", "low"), ("a", "2026-11-28", "high")],
        {"high": ["a"], "turned_red": ["a"], "first_seen_red": [], "recovered": []},
    ),
    "red mid-month, then fixed": (
        [("a", "2026-11-03", "low"), ("a", "2026-11-10", "high"), ("a", "2026-11-20", "low")],
        {"high": [], "turned_red": ["a"], "first_seen_red": [], "recovered": ["a"]},
    ),
    # The pilot's November: red at its last run, then silent for the month's last weeks. Its first
    # run was red: it did not turn red, it was red from the start.
    "red mid-month, then silent": (
        [("a", "2026-11-04", "high"), ("a", "2026-11-11", "high"), ("b", "2026-11-25", "low")],
        {"high": ["a"], "turned_red": [], "first_seen_red": ["a"], "recovered": []},
    ),
    "red all along since the month before": (
        [("a", "2026-10-20", "high"), ("a", "2026-11-05", "high"), ("a", "2026-11-25", "high")],
        {"high": ["a"], "turned_red": [], "first_seen_red": [], "recovered": []},
    ),
    "red the month before, fixed": (
        [("a", "2026-10-20", "high"), ("a", "2026-11-05", "low")],
        {"high": [], "turned_red": [], "first_seen_red": [], "recovered": ["a"]},
    ),
    "red, fixed, red again": (
        [("a", "2026-11-02", "high"), ("a", "2026-11-09", "low"), ("a", "2026-11-16", "high")],
        {"high": ["a"], "turned_red": ["a"], "first_seen_red": ["a"], "recovered": ["a"]},
    ),
    "two runs the same day, the later one red": (
        [("a", "2026-11-30", "low"), ("a", "2026-11-30", "high")],
        {"high": ["a"], "turned_red": ["a"], "first_seen_red": [], "recovered": []},
    ),
    "medium only, never red": (
        [("a", "2026-11-03", "medium"), ("a", "2026-11-20", "low")],
        {"high": [], "turned_red": [], "first_seen_red": [], "recovered": []},
    ),
}


@pytest.mark.parametrize("shape", list(MONTHLY_SHAPES))
def test_every_monthly_statement_about_red_agrees(store: Store, shape: str) -> None:
    plan, want = MONTHLY_SHAPES[shape]
    # Runs on the same day get later hours in the order listed: "later" is well defined.
    records = [run(repo, day, tier, hour=8 + i) for i, (repo, day, tier) in enumerate(plan)]
    fill(store, records)
    model = build(store, "monthly", "2026-11", inventory(records))
    assert ids(model["longest_red"]) == want["high"]
    assert ids(model["turned_red"]) == want["turned_red"]
    assert ids(model["first_seen_red"]) == want["first_seen_red"]
    assert ids(model["recovered"]) == want["recovered"]
    assert_one_definition_of_red(model)


def test_in_a_programs_first_week_the_failing_repositories_are_first_seen_red_not_turned_red(store: Store) -> None:
    records = [run("billing", "2026-11-10", "high"), run("ledger", "2026-11-12", "high", team="payments"),
               run("web", "2026-11-11", "low")]  # fmt: skip
    fill(store, records)
    model = build(store, "weekly", "2026-11-15", inventory(records))
    assert (ids(model["turned_red"]), ids(model["first_seen_red"]), ids(model["recovered"])) == (
        [],
        ["billing", "ledger"],
        [],
    )
    assert model["first_seen_red"][0] == {"repo_id": "billing", "team": "core", "lane": "startup", "risk": "high"}
    assert section(markdown.render(model), "Turned red and recovered") == (
        "### Turned red (0)\n\nNone this week.\n\n"
        "### First seen red (2)\n\n- billing (team core, lane startup)\n- ledger (team payments, lane startup)\n\n"
        "### Recovered (0)\n\nNone this week."
    )
    assert_one_definition_of_red(model)


def test_movement_starts_from_each_repositorys_last_run_before_the_period(store: Store) -> None:
    # Week ending 15 November; every repository was silent the week before. The oldest runs lie
    # before the twelve weeks the report reads, and still set where each repository started.
    records = [
        run("still-red", "2026-10-28", "high"), run("still-red", "2026-11-12", "high"),
        run("broke", "2026-10-28", "low"), run("broke", "2026-11-12", "high"),
        run("fixed", "2026-10-28", "high"), run("fixed", "2026-11-12", "low"),
        run("long-red", "2026-06-03", "high"), run("long-red", "2026-11-12", "high"),
        run("long-fine", "2026-06-03", "medium"), run("long-fine", "2026-11-12", "high"),
        run("long-fixed", "2026-06-03", "high"), run("long-fixed", "2026-11-12", "low"),
        run("new-then-fixed", "2026-11-10", "high"), run("new-then-fixed", "2026-11-12", "low"),
        run("new-then-red", "2026-11-10", "low"), run("new-then-red", "2026-11-12", "high"),
    ]  # fmt: skip
    fill(store, records)
    model = build(store, "weekly", "2026-11-15", inventory(records))
    assert ids(model["turned_red"]) == ["broke", "long-fine", "new-then-red"]
    assert ids(model["first_seen_red"]) == ["new-then-fixed"]
    assert ids(model["recovered"]) == ["fixed", "long-fixed", "new-then-fixed"]
    assert_one_definition_of_red(model)


def test_the_pilots_november_lists_the_repository_it_counts_as_high_risk(store: Store) -> None:
    # billing red on 4 and 11 November, then silent: its latest run of the month is red.
    fill(store, [run("billing", "2026-11-04", "high"), run("billing", "2026-11-11", "high"),
                 run("api", "2026-11-25", "low")])  # fmt: skip
    model = build(store, "monthly", "2026-11", inventory([run("billing", "2026-11-04", "high")], "api"))
    text = markdown.render(model)
    assert model["risk"]["current"]["high"] == 1
    assert "| billing | core | startup | 2 | 2026-11-04 |" in section(text, "Longest red")
    assert "No repository is red" not in text


def test_the_longest_red_run_starts_after_the_last_run_that_was_not_red(store: Store) -> None:
    plan = [("2026-10-14", "high"), ("2026-10-21", "low"), ("2026-10-28", "high"), ("2026-11-04", "high"),
            ("2026-11-11", "high")]  # fmt: skip
    fill(store, [run("a", day, tier) for day, tier in plan])
    model = build(store, "weekly", "2026-11-15", inventory([run("a", "2026-11-11", "high")]))
    assert [(r["weeks"], r["since"]) for r in model["longest_red"]] == [(3, "2026-10-28")]


def test_a_week_still_running_compares_with_the_whole_previous_week(store: Store) -> None:
    # Today is Wednesday 25 November: the week ending Sunday 29 November has run for three days.
    records = [
        run("quiet", "2026-11-21", "high"),  # red last Saturday, silent since: not red this week
        run("fixed", "2026-11-21", "high"),
        run("fixed", "2026-11-24", "low"),  # red last Saturday, fixed on Tuesday: recovered
        run("broke", "2026-11-20", "low"),
        run("broke", "2026-11-23", "high"),
    ]
    fill(store, records)
    model = build(store, "weekly", "2026-11-29", inventory(records), today="2026-11-25")
    assert model["risk"]["current"]["high"] == 1
    assert ids(model["longest_red"]) == ["broke"]
    assert ids(model["turned_red"]) == ["broke"]
    assert ids(model["recovered"]) == ["fixed"]
    assert model["risk"]["previous"]["high"] == 2  # quiet and fixed, at their latest run last week
    assert_one_definition_of_red(model)


def test_a_repository_red_inside_the_period_is_in_both_movement_lists(store: Store) -> None:
    records = [
        run("flaky", "2026-10-01", "low"), run("flaky", "2026-10-10", "high"), run("flaky", "2026-10-20", "low"),
        run("steady", "2026-10-01", "low"), run("steady", "2026-10-20", "low"),
        run("blip", "2026-10-13", "low", hour=9), run("blip", "2026-10-14", "high"),
        run("blip", "2026-10-16", "medium"),
    ]  # fmt: skip
    fill(store, records)
    monthly = build(store, "monthly", "2026-10", inventory(records))
    assert ids(monthly["turned_red"]) == ids(monthly["recovered"]) == ["blip", "flaky"]
    assert [r["risk"] for r in monthly["recovered"]] == ["medium", "low"]  # where each ended the month
    text = markdown.render(monthly)
    assert "### Turned red (2)\n\n- blip (team core, lane startup)\n- flaky (team core, lane startup)\n" in text
    assert "### Recovered (2)\n\n- blip (team core, lane startup)\n- flaky (team core, lane startup)\n" in text
    weekly = build(store, "weekly", "2026-10-18", inventory(records))  # 12 to 18 October
    assert ids(weekly["turned_red"]) == ids(weekly["recovered"]) == ["blip"]
    assert_one_definition_of_red(monthly)
    assert_one_definition_of_red(weekly)


def test_the_source_counts_the_periods_runs_which_later_evidence_does_not_change(store: Store) -> None:
    records = [run("a", "2026-11-04", "low"), run("a", "2026-11-10", "low"), run("b", "2026-11-12", "high")]
    fill(store, records)
    expected = inventory(records)
    weekly = build(store, "weekly", "2026-11-15", expected)
    assert weekly["generated_from"] == "evidence store: 2 runs this week (3 stored in all), 2 repositories expected"
    assert "Source: evidence store: 2 runs this week (3 stored in all), 2 repositories expected." in (
        markdown.render(weekly)
    )
    fill(store, [run("a", "2026-11-18", "low"), run("b", "2026-12-02", "low")])  # evidence of later weeks
    again = build(store, "weekly", "2026-11-15", expected)
    assert again["generated_from"] == "evidence store: 2 runs this week (5 stored in all), 2 repositories expected"
    monthly = build(store, "monthly", "2026-11", {"a": expected["a"]})
    assert monthly["generated_from"] == "evidence store: 4 runs this month (5 stored in all), 1 repository expected"
    alone = build(store, "weekly", "2026-11-22", {})
    assert alone["generated_from"] == (
        "evidence store: 1 run this week (5 stored in all), no inventory of expected repositories"
    )


def test_the_rollout_progress_is_copied_into_the_dataset(store: Store) -> None:
    fill(store, [run("a", "2026-11-11", "low")])
    period = dataset.week(dt.date(2026, 11, 15))
    assert dataset.build(store, "weekly", period, {})["rollout"] is None
    given: dict[str, Any] = {"stage": "pilot", "next_stage": "production", "criteria_met": 1, "criteria_total": 2,
             "next_blocking": None, "checkpoints": [{"day": 30, "due": "2026-10-31", "status": "met",
                                                     "days_late": None}]}  # fmt: skip
    model = dataset.build(store, "weekly", period, {}, rollout=given)
    assert model["rollout"] == given
    given["checkpoints"][0]["status"] = "late"  # the dataset keeps its own copy
    assert model["rollout"]["checkpoints"][0]["status"] == "met"


# 500 repositories, week ending Sunday 15 November: 86 recover, 77 turn red, 14 stay red, 13 report
# for the first time and are red, 47 are silent.
TEAMS = 20


def _portfolio() -> tuple[list[Record], dict[str, Expected]]:
    def name(i: int) -> tuple[str, str]:
        return f"repo-{i:03d}", f"team-{i % TEAMS:02d}"

    records = []
    for i in range(400):  # the previous week: 0..99 red, the rest fine
        repo, team = name(i)
        records.append(run(repo, "2026-11-04", "high" if i < 100 else "low", team))
    for i in range(453):  # this week: 0..85 fixed (80..85 only to medium), 86..99 still red, 100..176 red,
        repo, team = name(i)  # 400..439 new and fine, 440..452 new and red
        tier = "medium" if 80 <= i < 86 else "low" if i < 86 else "high" if i < 177 or i >= 440 else "low"
        records.append(run(repo, "2026-11-11", tier, team))
    expected = {name(i)[0]: Expected(name(i)[0], name(i)[1], "startup") for i in range(500)}
    return records, expected


def _importance(row: Mapping[str, Any]) -> tuple[int, str, str]:
    return ({"high": 0, "medium": 1, "low": 2}.get(row.get("risk") or "", 3), row["team"], row["repo_id"])


def _appendix_ids(page: str, list_id: str) -> list[str]:
    block = page.split(f'<div id="appendix-{list_id}">', 1)[1].split("</div>", 1)[0]
    return re.findall(r"<tr><td>([^<]+)</td>", block)


def test_at_500_repositories_every_list_shows_ten_and_the_appendix_holds_them_all(store: Store) -> None:
    records, expected = _portfolio()
    fill(store, records)
    model = build(store, "weekly", "2026-11-15", expected)
    counts = {key: len(model[key]) for key in ("turned_red", "first_seen_red", "recovered", "longest_red", "missing")}
    assert counts == {"turned_red": 77, "first_seen_red": 13, "recovered": 86, "longest_red": 104, "missing": 47}
    # Every per-repository list of the dataset is one the report cuts: none is shown uncut.
    per_repo = {key for key, value in model.items() if isinstance(value, list) and value and "repo_id" in value[0]}
    cut = {repo_list.key for repo_list in lists.REPO_LISTS}
    assert per_repo == cut - {"incident_breaches", "escalation_drift", "checklist_noncompliant"}  # empty here
    assert_one_definition_of_red(model)

    text = markdown.render(model, html_name="weekly.html")
    moved = section(text, "Turned red and recovered")
    turned, rest = moved.split("### First seen red", 1)
    first, recovered = rest.split("### Recovered", 1)
    assert turned.startswith("### Turned red (77)\n\n") and recovered.startswith(" (86)\n\n")
    assert first.startswith(" (13)\n\n")
    for block, key, more in ((turned, "turned_red", 67), (first, "first_seen_red", 3), (recovered, "recovered", 76)):
        shown = re.findall(r"^- (repo-\d+) ", block, re.M)
        assert shown == [r["repo_id"] for r in sorted(model[key], key=_importance)][:10]
        anchor = key.replace("_", "-")
        assert block.rstrip().endswith(
            f"and {more} more; the complete list is in the appendix of the HTML version of this report: "
            f"[weekly.html](weekly.html#appendix-{anchor})."
        )
    # High first: the six that recovered only to medium lead the recovered list.
    assert re.findall(r"^- (repo-\d+) ", recovered, re.M)[:6] == [f"repo-0{i}" for i in range(80, 86)]
    for heading, more, anchor in (("Longest red", 94, "longest-red"), ("Missing repositories", 37, "missing")):
        body = section(text, heading)
        assert len(re.findall(r"^\| repo-\d+ ", body, re.M)) == 10
        assert body.endswith(f"and {more} more; the complete list is in the appendix of the HTML version of this "
                             f"report: [weekly.html](weekly.html#appendix-{anchor}).")  # fmt: skip
    # The 14 red for two weeks come before the 90 red for one; each group by team, then repository.
    longest = re.findall(r"^\| (repo-\d+) \| (team-\d+) \| startup \| (\d) \|", section(text, "Longest red"), re.M)
    assert longest[:2] == [("repo-086", "team-06", "2"), ("repo-087", "team-07", "2")]
    appendix = section(text, "Appendix: full lists")
    for title in ("Turned red: all 77", "First seen red: all 13", "Recovered: all 86", "Longest red: all 104",
                  "Missing repositories: all 47"):  # fmt: skip
        assert f"### {title}\n\nThe complete list is in the HTML version of this report: [weekly.html](" in appendix

    page = html.render(model, {})
    assert page.index('<section id="charts">') < page.index('<section id="appendix">')
    assert page.rstrip().endswith("</section>\n</main>\n</body>\n</html>")
    for key in ("turned_red", "first_seen_red", "recovered", "longest_red", "missing"):
        anchor = key.replace("_", "-")
        assert sorted(_appendix_ids(page, anchor)) == sorted(ids(model[key]))
        assert f'<a href="#appendix-{anchor}">appendix</a>' in page
    assert len(re.findall(r"<li>repo-", page.split('<section id="movement">')[1].split("</section>")[0])) == 30
