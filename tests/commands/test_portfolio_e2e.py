"""End to end: three repositories run the real gates, their evidence is ingested over four simulated
weeks, and the scorecard, KPI payload and both executive reports come out right, on SQLite and on
PostgreSQL. The charts are checked in a real headless browser."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.evidence import schemas
from tests import paths
from tests.conftest import HEALTHY, git, write_files
from tests.once import built_once
from tests.portfolio_support import real_evidence, retime, sdetkit

pytestmark = pytest.mark.slow

GOLDEN = paths.DATA / "golden" / "portfolio-scorecard-2026-11-15.json"
WEEK_ENDINGS = ("2026-11-01", "2026-11-08", "2026-11-15", "2026-11-22")
RUN_DAYS = (dt.datetime(2026, 10, 28, 10, tzinfo=dt.timezone.utc) + dt.timedelta(days=7 * i) for i in range(4))
RUNS = dict(zip(WEEK_ENDINGS, RUN_DAYS, strict=True))
# Which state each repository's evidence comes from, week by week (None: it did not report).
SCHEDULE: dict[str, tuple[str | None, ...]] = {
    "api": ("ok", "ok", "ok", "ok"),
    "web": ("broken", "broken", "ok", "ok"),
    "billing": ("ok", "dirty", "dirty", None),
}
INVENTORY = """
[repos.api]
team = "payments"
lane = "scale"

[repos.web]
team = "frontend"
lane = "startup"

[repos.billing]
team = "payments"
lane = "scale"
"""
BROKEN = {
    "src/pkg/__init__.py": "import os\n\n\ndef add(a: int, b: int) -> int:\n    return a + b\n",  # lint: unused import
    "tests/test_add.py": "from pkg import add\n\n\ndef test_add() -> None:\n    assert add(1, 2) == 4\n",
}


def _repo(root: Path, name: str, state: str) -> Path:
    repo = root / f"{name}-{state}"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    write_files(repo, HEALTHY | (BROKEN if state == "broken" else {}) | {"README.md": f"# {name}\n"})
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", state)
    if state == "dirty":  # an uncommitted file: the release preflight's clean-tree check fails
        (repo / "notes.txt").write_text("not committed\n")
    return repo


def _evidence(root: Path, name: str, state: str, env: dict[str, str]) -> Path:
    return real_evidence(_repo(root, name, state), env)


def _build(root: Path) -> None:
    """Real gate evidence (gate fast, release preflight, doctor) for each repository in each state,
    then each week's folders: that evidence re-timed and decided (ingest only reads them)."""
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(root / "cache")}
    wanted = {(name, state) for name, plan in SCHEDULE.items() for state in plan if state is not None}
    # The other workers wait for this build: run its independent gate and decide runs side by side.
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        made = {f"{n}-{s}": pool.submit(_evidence, root / "states", n, s, env) for n, s in wanted}
        states = {key: future.result() for key, future in made.items()}
        weeks = [
            pool.submit(retime, states[f"{repo}-{plan[i]}"], root / "weeks" / week / repo, RUNS[week])
            for i, week in enumerate(WEEK_ENDINGS)
            for repo, plan in SCHEDULE.items()
            if plan[i] is not None
        ]
        for future in weeks:
            future.result()


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Path]]:
    """Each week's evidence folders, built once per test session."""
    root = built_once(tmp_path_factory, "portfolio-e2e", _build)
    return {
        week: [root / "weeks" / week / repo for repo, plan in SCHEDULE.items() if plan[i] is not None]
        for i, week in enumerate(WEEK_ENDINGS)
    }


@pytest.fixture
def program(db: str, weeks: dict[str, list[Path]], tmp_path: Path) -> dict[str, Any]:
    """Four weeks of CI evidence ingested into the store, plus two incidents."""
    inventory = tmp_path / "inventory.toml"
    inventory.write_text(INVENTORY)
    for week in WEEK_ENDINGS:
        folders = [str(f) for f in weeks[week]]
        # One call ingests every repository's folder; ids come from the folder names.
        res = sdetkit("portfolio", "ingest", "--db", db, "--inventory", str(inventory), *folders)
        assert res.code == 0, res.stderr
        assert f"{len(folders)} new, 0 already stored" in res.stdout
    for args in (
        ["--repo", "billing", "--kind", "failure", "--opened", "2026-11-04T09:00:00Z",
         "--triaged", "2026-11-04T09:45:00Z"],
        ["--repo", "api", "--kind", "rollback", "--opened", "2026-11-05T12:00:00Z", "--note", "bad config shipped"],
    ):  # fmt: skip
        assert sdetkit("portfolio", "incident", "--db", db, *args).code == 0
    return {"db": db, "inventory": str(inventory), "dir": tmp_path, "weeks": weeks}


def _scorecard(program: dict[str, Any], end: str) -> dict[str, Any]:
    start = (dt.date.fromisoformat(end) - dt.timedelta(days=6)).isoformat()
    out = program["dir"] / f"scorecard-{end}.json"
    res = sdetkit("portfolio", "scorecard", "--db", program["db"], "--inventory", program["inventory"],
                  "--window-start", start, "--window-end", end, "--out", str(out))  # fmt: skip
    assert res.code == 0, res.stderr
    doc: dict[str, Any] = json.loads(out.read_text())
    jsonschema.validate(doc, json.loads(schemas.text("portfolio-scorecard")))
    return doc


def _kpi(program: dict[str, Any], end: str, *extra: str) -> dict[str, Any]:
    out = program["dir"] / f"kpi-{end}.json"
    res = sdetkit("kpi", "weekly", "--db", program["db"], "--inventory", program["inventory"], "--week-ending", end,
                  "--out", str(out), *extra)  # fmt: skip
    assert res.code == 0, res.stderr
    doc: dict[str, Any] = json.loads(out.read_text())
    jsonschema.validate(doc, json.loads(schemas.text("kpi-weekly")))
    return doc


def test_scorecards_week_by_week(program: dict[str, Any]) -> None:
    tiers = {}
    for end in WEEK_ENDINGS:
        card = _scorecard(program, end)
        tiers[end] = {r["repo_id"]: r["risk_tier"] for r in card["repos"]}
        t = card["totals"]
        assert t["repo_count_reporting"] == len(card["repos"])
        assert t["high_risk_repo_count"] + t["medium_risk_repo_count"] + t["low_risk_repo_count"] == len(card["repos"])
    assert tiers == {
        "2026-11-01": {"api": "low", "billing": "low", "web": "high"},
        "2026-11-08": {"api": "low", "billing": "high", "web": "high"},
        "2026-11-15": {"api": "low", "billing": "high", "web": "low"},
        "2026-11-22": {"api": "low", "web": "low"},
    }
    last = _scorecard(program, "2026-11-22")
    assert last["missing_repos"] == ["billing"]
    assert last["stale_repos"] == [{"repo_id": "billing", "last_seen": "2026-11-11"}]
    assert last["totals"]["repo_count_expected"] == 3 and last["totals"]["repo_count_total"] == 3


def test_golden_scorecard_is_the_same_on_every_backend(program: dict[str, Any]) -> None:
    card = _scorecard(program, "2026-11-15")
    rendered = json.dumps(card, indent=2, sort_keys=True) + "\n"
    if os.environ.get("SDETKIT_UPDATE_GOLDEN"):
        GOLDEN.write_text(rendered)
    assert rendered == GOLDEN.read_text()


def test_kpi_payloads(program: dict[str, Any]) -> None:
    first = _kpi(program, "2026-11-01")
    k = first["kpis"]
    assert k["first_time_success_onboarding_rate"] | {"source": ""} == {
        "value": 66.67, "unit": "percent", "sample_size": 3, "quality": "seed", "source": ""}  # fmt: skip
    assert k["failed_release_gate_frequency"]["value"] == 0.0
    # The store has incident records, none in this week: 0 rollbacks over 2 release-confident runs.
    assert (k["rollback_rate"]["value"], k["rollback_rate"]["sample_size"]) == (0.0, 2)
    assert k["docs_to_adoption_conversion"]["value"] is None
    assert (
        first["program_status"] == "amber"
        and "onboarding success 66.67% < 80.0%" in first["program_status_derivation"]["rule"]
    )

    second = _kpi(program, "2026-11-08")
    k = second["kpis"]
    assert (k["failed_release_gate_frequency"]["value"], k["failed_release_gate_frequency"]["sample_size"]) == (
        33.33,
        3,
    )
    assert k["failed_release_gate_frequency"]["quality"] == "provisional"
    # The retimed artifacts say each run went from first gate start to release finish in 17 minutes.
    assert k["median_release_decision_time"]["value"] == 17.0
    assert k["mean_time_to_triage_first_failure"]["value"] == 45.0
    assert (k["rollback_rate"]["value"], k["rollback_rate"]["sample_size"]) == (100.0, 1)
    assert second["program_status"] == "red"

    last = _kpi(program, "2026-11-22", "--status", "amber", "--status-reason", "billing is being retired")
    assert last["program_status"] == "amber" and last["ok"] is True
    assert last["program_status_derivation"]["derived"] == "red"
    assert last["program_status_derivation"]["override"] == {"status": "amber", "reason": "billing is being retired"}
    assert last["repos"] == {"reporting": 2, "expected": 3, "missing": ["billing"]}
    assert last["kpis"]["first_time_success_onboarding_rate"]["quality"] == "provisional"  # 3 samples < 5

    res = sdetkit("kpi", "weekly", "--db", program["db"], "--week-ending", "2026-11-22", "--status", "green")
    assert res.code == 2 and "--status and --status-reason go together" in res.stderr


def _report(program: dict[str, Any], kind: str, period: str) -> tuple[str, str]:
    flag = "--week-ending" if kind == "weekly" else "--month"
    out = program["dir"] / "docs"
    res = sdetkit("report", kind, flag, period, "--db", program["db"], "--inventory", program["inventory"],
                  "--out-dir", str(out))  # fmt: skip
    assert res.code == 0, res.stderr
    md = (out / f"executive-{kind}-{period}.md").read_text()
    page = (out / f"executive-{kind}-{period}.html").read_text()
    return md, page


def _section(md: str, heading: str) -> str:
    return md.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]


def test_weekly_reports(program: dict[str, Any]) -> None:
    md, _ = _report(program, "weekly", "2026-11-08")
    moved = _section(md, "Turned red and recovered")
    assert "billing" in moved.split("### Recovered")[0] and "web" not in moved

    md, page = _report(program, "weekly", "2026-11-15")
    moved = _section(md, "Turned red and recovered")
    assert "web" in moved.split("### Recovered")[1] and "billing" not in moved
    longest = _section(md, "Longest red")
    assert re.search(r"\| billing \| payments \| scale \| 2 \| 2026-11-04 \|", longest), longest
    assert "3 consecutive weeks" in _section(md, "Reporting streak")
    assert "(target: 4, not met)" in _section(md, "Reporting streak")
    assert "| tests | 1 |" not in md  # web recovered: its steps are not failing this week
    assert "| clean-tree | 1 |" in _section(md, "Top failing steps")
    assert "| payments |" in _section(md, "By team") and "| frontend |" in _section(md, "By team")
    assert "Scale: Startup + a passing doctor run is required evidence" in _section(md, "By lane")
    assert page.count('<figure class="chart"') == 4 and "http://" not in page.replace("http://www.w3.org", "")

    md, _ = _report(program, "weekly", "2026-11-22")
    missing = _section(md, "Missing repositories")
    assert "billing" in missing and "2026-11-11" in missing
    assert "0 consecutive weeks" in _section(md, "Reporting streak")


def test_monthly_report(program: dict[str, Any]) -> None:
    md, page = _report(program, "monthly", "2026-11")
    assert md.startswith("# Executive monthly report, November 2026")
    assert "compared with October 2026" in md
    assert page.count('<figure class="chart"') == 4
    bad = sdetkit("report", "monthly", "--month", "2026-13", "--db", program["db"])
    assert bad.code == 2 and "--month 2026-13: there is no month 13" in bad.stderr


_MEASURE = """
<script>
const found = [...document.querySelectorAll('figure.chart')].map(f => {
  const svg = f.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const marks = svg ? svg.querySelectorAll('path, rect, line, polyline, text, use').length : 0;
  return {id: f.id, width: box.width, height: box.height, marks: marks};
});
const pre = document.createElement('pre');
pre.id = 'measured';
pre.textContent = JSON.stringify(found);
document.body.appendChild(pre);
</script>
"""


def test_charts_render_in_a_real_browser(program: dict[str, Any], chromium_bin: str) -> None:
    from tests.services import render_dom, screenshot

    _, page = _report(program, "weekly", "2026-11-15")
    # The page has no script of its own; a measuring copy asks the browser what it laid out.
    probe = program["dir"] / "probe.html"
    probe.write_text(page.replace("</body>", _MEASURE + "</body>"))
    dom = render_dom(probe)
    measured = json.loads(re.search(r'<pre id="measured">(.*?)</pre>', dom, re.S)[1].replace("&quot;", '"'))  # type: ignore[index]
    assert [m["id"] for m in measured] == ["chart-confidence", "chart-risk", "chart-team_failure", "chart-top_steps"]
    for m in measured:
        assert m["width"] > 100 and m["height"] > 100 and m["marks"] > 10, m
    png = program["dir"] / "page.png"
    screenshot(program["dir"] / "docs" / "executive-weekly-2026-11-15.html", png)
    assert png.stat().st_size > 10_000


def test_same_evidence_twice_is_stored_once(program: dict[str, Any]) -> None:
    again = sdetkit(
        "portfolio",
        "ingest",
        "--db",
        program["db"],
        str(next(f for f in program["weeks"]["2026-11-22"] if f.name == "api")),
    )
    assert again.code == 0 and "0 new, 1 already stored" in again.stdout
