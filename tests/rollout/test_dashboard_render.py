"""The dashboard's two formats: Markdown that escapes text and keeps links, HTML that escapes
everything and fetches nothing."""

from __future__ import annotations

from sdetkit.rollout.dashboard import DashboardCell, DashboardPage, DashboardSection, DashboardTable
from sdetkit.rollout.dashboard_render import html, markdown

C = DashboardCell


def page(rows: tuple[tuple[DashboardCell, ...], ...]) -> DashboardPage:
    table = DashboardTable(("Name", "Evidence"), rows, "Nothing | here.")
    return DashboardPage(
        "Q1 <pilot>", (C("Week ending 2026-01-25."),), (DashboardSection("s", "Tracker", table, ("a_note",)),)
    )


def test_markdown_escapes_text_and_keeps_links() -> None:
    rows = ((C("a|b [x] `y`", tag="red"), C("docs/my file.md", "my file.md")),)
    assert markdown(page(rows)) == (
        "# Q1 \\<pilot>\n\nWeek ending 2026-01-25.\n\n"
        "HTML version: [top-tier-program-dashboard.html](top-tier-program-dashboard.html)\n\n"
        "## Tracker\n\n| Name | Evidence |\n|---|---|\n"
        "| a\\|b \\[x\\] \\`y\\` | [docs/my file.md](my%20file.md) |\n\n- a_note\n"
    )


def test_an_empty_table_is_its_sentence() -> None:
    assert "## Tracker\n\nNothing \\| here.\n" in markdown(page(()))
    assert '<p class="empty">Nothing | here.</p>' in html(page(()))


def test_html_escapes_text_and_styles_by_tag() -> None:
    rows = ((C('<b>"x"</b>', tag="at-risk"), C("docs/a&b.md", "a&b.md")),)
    text = html(page(rows))
    assert "<title>Q1 &lt;pilot&gt;</title>" in text
    assert '<td class="tag-at-risk">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</td>' in text
    assert '<td><a href="a%26b.md">docs/a&amp;b.md</a></td>' in text
    assert '<p class="note">a_note</p>' in text
