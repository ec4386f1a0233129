"""Executive report rendering: Markdown golden file, self-contained HTML page, deterministic SVG charts."""

from __future__ import annotations

import copy
import json
import math
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.errors import EXIT_USAGE, UsageError
from sdetkit.report import charts, content, html, markdown
from tests import paths

DATA = paths.DATA / "report"
CHART_IDS = ["confidence", "risk", "team_failure", "top_steps"]
# The only absolute URLs a page may hold: XML namespace names, which nothing ever fetches.
XMLNS_URL = re.compile(r'\sxmlns(?::\w+)?="https?://[^"]*"')


def load_model() -> dict[str, Any]:
    return dict(json.loads((DATA / "model-weekly.json").read_text(encoding="utf-8")))


def empty_model() -> dict[str, Any]:
    """Every list empty and every number null: what a store with no evidence yet produces."""
    return {
        "kind": "weekly",
        "title": "Executive weekly report, week ending 2026-03-01",
        "period": {"label": "week ending 2026-03-01", "start": "2026-02-23", "end": "2026-03-01"},
        "previous_period": {"label": "week ending 2026-02-22", "start": "2026-02-16", "end": "2026-02-22"},
        "generated_from": "store sqlite:/tmp/empty.sqlite3, 0 repositories expected",
        "decision": {"program_status": None, "status_reason": None, "summary": None,
                     "ship_ready": None, "reporting": None, "expected": None},
        "kpis": [{"id": "release_confidence_rate_percent", "label": "Release confidence rate", "value": None,
                  "unit": "%", "previous": None, "direction": "none", "better": "up"}],
        "risk": {"current": {"high": None, "medium": None, "low": None},
                 "previous": {"high": None, "medium": None, "low": None}},
        "turned_red": [], "first_seen_red": [], "recovered": [], "longest_red": [], "top_failing_steps": [],
        "by_team": [], "by_lane": [], "missing": [],
        "streak": {"weeks": None, "target": None, "met": None},
        "series": {"periods": ["2026-02-22", "2026-03-01"], "release_confidence_rate_percent": [None, None],
                   "risk": {"high": [None, None], "medium": [None, None], "low": [None, None]}},
        "team_failure_rate": [],
    }  # fmt: skip


@pytest.fixture(scope="module")
def weekly_charts() -> dict[str, str]:
    pytest.importorskip("matplotlib", reason="charts need the report extra")
    return charts.all_charts(load_model())


@pytest.fixture(scope="module")
def weekly_page(weekly_charts: dict[str, str]) -> str:
    return html.render(load_model(), weekly_charts)


# Markdown


def test_markdown_matches_golden_file() -> None:
    golden = DATA / "weekly.md"
    text = markdown.render(load_model(), html_name="weekly.html")
    if os.environ.get("SDETKIT_UPDATE_GOLDEN"):
        golden.write_bytes(text.encode("utf-8"))
    assert text.encode("utf-8") == golden.read_bytes()


def test_markdown_is_deterministic() -> None:
    model = load_model()
    first = markdown.render(model, html_name="weekly.html")
    assert markdown.render(copy.deepcopy(model), html_name="weekly.html") == first
    assert model == load_model()  # rendering never mutates the model


def test_markdown_links_the_html_page_only_when_named() -> None:
    assert "[weekly report.html](weekly%20report.html)" in markdown.render(load_model(), "weekly report.html")
    unlinked = markdown.render(load_model())
    assert "HTML version of this report." in unlinked
    assert "](" not in unlinked


def test_markdown_escapes_table_pipes_and_markup() -> None:
    model = load_model()
    model["by_lane"][0]["policy"] = "gate | review"
    model["missing"][0]["repo_id"] = "<b>docs</b>"
    text = markdown.render(model)
    assert "| gate \\| review |" in text
    assert "\\<b>docs\\</b>" in text
    assert "<b>" not in text.replace("\\<b>", "")


def test_markdown_of_empty_model_says_so() -> None:
    text = markdown.render(empty_model())
    assert "**Program status: ⚪ UNKNOWN**" in text
    assert "| high | no data | no data | \u2013 |" in text
    for sentence in (
        "None this week.",
        "No repository is red at its latest run this week.",
        "No failing steps this week.",
        "No team data this week.",
        "No lane data this week.",
        "No repositories missing this week.",
        "No streak data.",
    ):
        assert sentence in text
    assert markdown.render({}).startswith("# Executive program report\n")  # even keys may be absent


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (66.666, "%", "66.67%"),
        (50.0, "%", "50%"),
        (None, "%", "no data"),
        (4.5, "s", "4.5 s"),
        (42.4, "s", "42 s"),
        (1260, "s", "21 min"),
        (1265, "s", "21 min 05 s"),
        (7380, "s", "2 h 03 min"),
        (200_000, "s", "2 d 7 h"),
        (3, "", "3"),
        (2.5, "repos", "2.5 repos"),
        (True, "", "no data"),
    ],
)
def test_values_are_formatted_for_people(value: Any, unit: str, text: str) -> None:
    assert content.format_value(value, unit) == text


@pytest.mark.parametrize(
    ("direction", "better", "expected"),
    [
        ("up", "up", ("↑", "better")),
        ("down", "up", ("↓", "worse")),
        ("down", "down", ("↓", "better")),
        ("flat", "down", ("→", "unchanged")),
        ("none", "up", ("\u2013", "no previous value")),
    ],
)
def test_kpi_trend_arrow_and_assessment(direction: str, better: str, expected: tuple[str, str]) -> None:
    assert content.trend({"direction": direction, "better": better}) == expected


@settings(max_examples=80, deadline=None)
@given(
    repo_id=st.text(min_size=1, max_size=20),
    weeks=st.one_of(st.none(), st.integers(0, 60), st.floats(allow_nan=True, allow_infinity=True)),
)
def test_any_text_keeps_tables_intact_and_output_stable(repo_id: str, weeks: Any) -> None:
    model = load_model()
    model["longest_red"] = [{"repo_id": repo_id, "team": "t", "lane": "l", "weeks": weeks, "since": None}]
    text = markdown.render(model)
    assert markdown.render(model) == text
    section = text.split("## Longest red\n\n", 1)[1].split("\n\n", 1)[0]
    row = section.splitlines()[2]
    # Six cell borders, however many "|" the repository id holds: the row keeps its five columns.
    assert len(re.findall(r"(?<!\\)\|", row.replace("\\\\", ""))) == 6
    assert "\n" not in row


# HTML


def test_html_embeds_every_chart_inline(weekly_page: str) -> None:
    figures = re.findall(r'<figure class="chart" id="chart-([a-z_]+)">(.*?)</figure>', weekly_page, re.S)
    assert [chart_id for chart_id, _ in figures] == CHART_IDS
    for _, body in figures:
        assert re.search(r"<svg [^>]*>.*<path ", body, re.S)
        assert "<figcaption>" in body
    assert "<?xml" not in weekly_page
    assert "<!DOCTYPE svg" not in weekly_page
    assert weekly_page.startswith("<!DOCTYPE html>\n")


def test_html_is_self_contained(weekly_page: str) -> None:
    assert re.findall(r"https?://", XMLNS_URL.sub("", weekly_page)) == []
    assert "<script" not in weekly_page
    assert "<link" not in weekly_page
    assert "@import" not in weekly_page
    assert re.findall(r"url\((?!#)", weekly_page) == []  # only references to ids inside the page
    assert "<style>" in weekly_page


def test_html_ids_are_unique_and_chart_references_resolve(weekly_page: str) -> None:
    ids = re.findall(r'\sid="([^"]+)"', weekly_page)
    assert len(ids) == len(set(ids))
    refs = set(re.findall(r'url\(#([^)]+)\)|href="#([^"]+)"', weekly_page))
    assert refs
    assert {a or b for a, b in refs} <= set(ids)


def test_html_has_the_markdown_sections_in_the_same_order(weekly_page: str) -> None:
    md_headings = re.findall(r"^#{2,3} (.+)$", markdown.render(load_model()), re.M)
    html_headings = re.findall(r"<h[23]>(.+?)</h[23]>", weekly_page)
    assert html_headings == md_headings


def test_html_shows_status_badge_and_kpi_assessment(weekly_page: str) -> None:
    assert '<span class="badge amber">AMBER</span>' in weekly_page
    assert '<td class="tag-worse">worse</td>' in weekly_page
    assert '<td class="tag-better">↑</td>' in weekly_page


def test_html_escapes_model_text() -> None:
    pytest.importorskip("matplotlib", reason="charts need the report extra")
    model = load_model()
    model["title"] = "Report <script>alert(1)</script>"
    model["turned_red"][0]["repo_id"] = "<b>billing</b>"
    model["team_failure_rate"][0]["name"] = "<b>payments</b> & co"
    model["top_failing_steps"][0]["step"] = '"tests"<b>'
    page = html.render(model, charts.all_charts(model))
    assert "<b>" not in page
    assert "<script" not in page
    assert "&lt;b&gt;billing&lt;/b&gt;" in page
    assert "&lt;b&gt;payments&lt;/b&gt; &amp; co" in page  # escaped inside the chart SVG too
    assert "Report &lt;script&gt;" in page


def test_html_of_empty_model_says_no_data() -> None:
    pytest.importorskip("matplotlib", reason="charts need the report extra")
    model = empty_model()
    page = html.render(model, charts.all_charts(model))
    assert '<span class="badge unknown">UNKNOWN</span>' in page
    assert page.count('<figure class="chart"') == 4
    assert page.count("no data for this period") == 3
    assert "no failing steps this period" in page
    assert "None this week." in page
    assert "No streak data." in page


def test_html_without_a_chart_says_it_is_missing() -> None:
    page = html.render(load_model(), {"confidence": "not svg"})
    assert page.count('<figure class="chart"') == 4
    assert page.count("Chart not available.") == 4


# Charts


def test_charts_are_deterministic_svg(weekly_charts: dict[str, str]) -> None:
    assert list(weekly_charts) == CHART_IDS
    assert charts.all_charts(load_model()) == weekly_charts
    for svg in weekly_charts.values():
        assert "<svg" in svg
        assert "<metadata" not in svg  # no date, no matplotlib version
        assert re.findall(r"https?://", XMLNS_URL.sub("", svg.split("<svg", 1)[1])) == []


def test_charts_ignore_and_keep_the_callers_matplotlib_settings(weekly_charts: dict[str, str]) -> None:
    import matplotlib

    with matplotlib.rc_context({"font.size": 21.0, "lines.linewidth": 7.0, "svg.fonttype": "path"}):
        assert charts.confidence_chart(load_model()) == weekly_charts["confidence"]
        assert matplotlib.rcParams["font.size"] == 21.0
        assert matplotlib.rcParams["svg.fonttype"] == "path"


def test_null_periods_are_marked_not_drawn_as_zero(weekly_charts: dict[str, str]) -> None:
    # The first week of the fixture has no data at all: both time-series charts label it.
    assert ">no data<" in weekly_charts["confidence"]
    assert ">no data<" in weekly_charts["risk"]


def test_charts_of_empty_model_say_no_data() -> None:
    pytest.importorskip("matplotlib", reason="charts need the report extra")
    model = empty_model()
    model["series"] = {}
    made = charts.all_charts(model)
    for chart_id in ("confidence", "risk", "team_failure"):
        assert "no data for this period" in made[chart_id]
    assert "no failing steps this period" in made["top_steps"]


def test_missing_matplotlib_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` raise ImportError
    with pytest.raises(UsageError, match=re.escape("pip install 'sdetkit[report]'")) as caught:
        charts.all_charts(load_model())
    assert caught.value.exit_code == EXIT_USAGE


def test_importing_the_renderers_does_not_import_matplotlib() -> None:
    code = (
        "import sys, sdetkit.report.html, sdetkit.report.markdown, sdetkit.report.charts\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'matplotlib'], 'matplotlib imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


_cell = st.one_of(
    st.none(),
    st.integers(-3, 500),
    st.floats(-1e6, 1e6),
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.text(max_size=3),
)


@settings(max_examples=15, deadline=None)
@given(
    periods=st.lists(st.dates().map(str), max_size=14),
    rates=st.lists(_cell, max_size=16),
    high=st.lists(_cell, max_size=16),
    teams=st.lists(st.tuples(st.text(max_size=40), _cell), max_size=12),
)
def test_charts_survive_odd_series_and_stay_deterministic(
    periods: list[str], rates: list[Any], high: list[Any], teams: list[tuple[str, Any]]
) -> None:
    pytest.importorskip("matplotlib", reason="charts need the report extra")
    model = load_model()
    # Series shorter or longer than the periods, nulls, strings, infinities: drawn as gaps, never a crash.
    model["series"] = {"periods": periods, "release_confidence_rate_percent": rates, "risk": {"high": high}}
    model["team_failure_rate"] = [{"name": n, "release_gate_failure_rate_percent": v} for n, v in teams]
    made = charts.all_charts(model)
    assert charts.all_charts(model) == made
    assert all(svg.count("<svg") == 1 for svg in made.values())
