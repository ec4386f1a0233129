"""Per-repository lists: most important first, cut at ten with "and N more", complete in the appendix."""

from __future__ import annotations

from typing import Any

from sdetkit.report import html, lists, markdown


def _row(repo: str, team: str, risk: str | None, **extra: Any) -> dict[str, Any]:
    return {"repo_id": repo, "team": team, "lane": "startup", "risk": risk, **extra}


def _model(**lists_: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "monthly", "title": "Executive monthly report, November 2026", **lists_}


def _section(text: str, heading: str) -> str:
    return text.split(f"## {heading}\n\n", 1)[1].split("\n\n## ", 1)[0]


def test_a_list_is_ordered_by_risk_then_team_then_repository() -> None:
    rows = [_row("zeta", "alpha", "low"), _row("beta", "core", "high"), _row("alpha", "core", "high"),
            _row("gamma", "alpha", "medium"), _row("delta", "alpha", None), _row("eta", "alpha", "high")]  # fmt: skip
    order = [r["repo_id"] for r in lists.TURNED_RED.rows(_model(turned_red=rows))]
    assert order == ["eta", "alpha", "beta", "gamma", "zeta", "delta"]


def test_the_longest_red_list_puts_the_most_weeks_first() -> None:
    rows = [_row("a", "core", "high", weeks=1), _row("b", "core", "high", weeks=None),
            _row("c", "core", "high", weeks=4), _row("d", "alpha", "high", weeks=1)]  # fmt: skip
    assert [r["repo_id"] for r in lists.LONGEST_RED.rows(_model(longest_red=rows))] == ["c", "d", "a", "b"]


def test_ten_rows_are_shown_whole_and_nothing_goes_to_the_appendix() -> None:
    model = _model(missing=[_row(f"r{i:02d}", "core", None, last_seen=None) for i in range(10)])
    text = markdown.render(model, html_name="m.html")
    assert "more;" not in text
    assert _section(text, "Appendix: full lists") == (
        "Every list in this report is complete: none has more than 10 repositories.\n"
    )
    assert lists.cut_lists(model) == []


def test_the_eleventh_row_is_one_more_in_the_appendix() -> None:
    model = _model(missing=[_row(f"r{i:02d}", "core", None, last_seen="2026-10-01") for i in range(11)])
    text = markdown.render(model)
    missing = _section(text, "Missing repositories")
    assert "| r09 | core | startup | 2026-10-01 |" in missing and "r10" not in missing
    assert missing.endswith("\n\nand 1 more; the complete list is in the appendix of the HTML version of this report.")
    assert _section(text, "Appendix: full lists") == (
        "The lists above show their 10 most important repositories: by risk at the latest run (high first; in "
        "Longest red, the most weeks red first), then team, then repository.\n\n"
        "### Missing repositories: all 11\n\n"
        "The complete list is in the HTML version of this report.\n"
    )
    page = html.render(model, {})
    assert '<p class="more">and 1 more; the complete list is in the <a href="#appendix-missing">appendix</a>.</p>' in (
        page
    )
    appendix = page.split('<div id="appendix-missing">\n<h3>Missing repositories: all 11</h3>\n<table>', 1)[1]
    assert appendix.split("</div>", 1)[0].count("<tr><td>r") == 11


def test_movement_lists_are_cut_the_same_way() -> None:
    model = _model(recovered=[_row(f"r{i:02d}", "core", "low") for i in range(12)])
    text = markdown.render(model, html_name="report page.html")
    recovered = _section(text, "Turned red and recovered").split("### Recovered (12)\n\n", 1)[1]
    assert recovered.count("\n- ") + recovered.startswith("- ") == 10
    assert recovered.endswith(
        "- r09 (team core, lane startup)\n\nand 2 more; the complete list is in the appendix of the HTML version "
        "of this report: [report page.html](report%20page.html#appendix-recovered)."
    )
