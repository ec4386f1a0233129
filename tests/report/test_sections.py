"""Report sections: one registry both renderers walk, and a section added for a while."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest

from sdetkit.report import content, html, markdown, sections

TINY: dict[str, Any] = {"kind": "weekly", "title": "Executive weekly report, week ending 2026-03-01", "ci_minutes": 42}


class CiMinutes:
    """A section beyond the built-in ones: a figure the dataset carries."""

    id = "ci-minutes"
    heading = "CI minutes"

    def markdown(self, model: Mapping[str, Any], rendering: sections.Rendering) -> list[list[str]]:
        return [[f"{model['ci_minutes']} minutes of CI this week."]]

    def html(self, model: Mapping[str, Any], rendering: sections.Rendering) -> list[str]:
        return [f"<p>{model['ci_minutes']} minutes of CI this week.</p>"]


def test_both_formats_show_the_registered_sections_in_order() -> None:
    headings = [s.heading for s in sections.SECTIONS]
    assert re.findall(r"^## (.+)$", markdown.render(TINY), re.M) == headings
    assert re.findall(r"<h2>(.+?)</h2>", html.render(TINY, {})) == headings
    assert re.findall(r'<section id="([^"]+)">', html.render(TINY, {})) == [s.id for s in sections.SECTIONS]


def test_an_added_section_appears_in_both_formats_then_goes() -> None:
    before = list(sections.SECTIONS)
    with sections.added(CiMinutes(), before="charts"):
        text, page = markdown.render(TINY), html.render(TINY, {})
    assert "## CI minutes\n\n42 minutes of CI this week.\n\n## Charts" in text
    assert '<section id="ci-minutes">\n<h2>CI minutes</h2>\n<p>42 minutes of CI this week.</p>\n</section>' in page
    assert page.index('id="ci-minutes"') < page.index('id="charts"')
    assert before == sections.SECTIONS and "CI minutes" not in markdown.render(TINY)


def test_an_added_section_goes_last_by_default() -> None:
    with sections.added(CiMinutes()):
        assert sections.SECTIONS[-1].id == "ci-minutes"
        assert markdown.render(TINY).endswith("## CI minutes\n\n42 minutes of CI this week.\n")


@pytest.mark.parametrize(
    ("section_id", "before", "match"), [("charts", None, "already"), ("new", "nowhere", "no report")]
)
def test_a_clashing_or_misplaced_section_is_refused(section_id: str, before: str | None, match: str) -> None:
    extra = sections.TableSection(section_id, "X", lambda _model: content.Table(("a",), (), "none"))
    saved = list(sections.SECTIONS)
    with pytest.raises(ValueError, match=match), sections.added(extra, before=before):
        pass
    assert saved == sections.SECTIONS


def test_a_table_section_renders_its_table_or_its_empty_sentence() -> None:
    rows = sections.TableSection("t", "T", lambda m: content.Table(("name", "n"), (("a|b", "1"),), "", frozenset({1})))
    assert rows.markdown({}, sections.Rendering()) == [["| name | n |", "|---|---:|", "| a\\|b | 1 |"]]
    assert '<td class="num">1</td>' in rows.html({}, sections.Rendering())[0]
    empty = sections.TableSection("t", "T", lambda m: content.Table(("x",), (), "Nothing <here>."))
    assert empty.markdown({}, sections.Rendering()) == [["Nothing \\<here>."]]
    assert empty.html({}, sections.Rendering()) == ['<p class="empty">Nothing &lt;here&gt;.</p>']
