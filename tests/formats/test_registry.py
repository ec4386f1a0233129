from __future__ import annotations

import pytest

from sdetkit.formats import registry
from sdetkit.formats.base import OutputFormat, Report
from sdetkit.formats.json import JsonFormat
from sdetkit.formats.markdown import MarkdownFormat
from sdetkit.formats.text import TextFormat


class _Ok(OutputFormat):
    name = "ok"

    def render(self, report: Report) -> str:
        return f"{report.command}: {report.document()['ok']}\n"


def test_builtin_formats_in_help_order() -> None:
    assert registry.names() == ("text", "json", "markdown")
    assert [type(registry.get(n)) for n in registry.names()] == [TextFormat, JsonFormat, MarkdownFormat]


def test_a_registered_format_is_offered_only_inside_its_block() -> None:
    with registry.registered(_Ok):
        assert registry.names()[-1] == "ok"
        assert isinstance(registry.get("ok"), _Ok)
    assert "ok" not in registry.names()


def test_a_name_is_registered_once() -> None:
    class _Text(_Ok):
        name = "text"

    with pytest.raises(ValueError, match="already registered"):
        registry.register(_Text)
