"""The YAML subset CI files are read with: a key's value as lines, with their numbers."""

from __future__ import annotations

from sdetkit.ci import yamlish


def _value(text: str) -> list[tuple[int, str]]:
    ((_, value, number, nested),) = list(yamlish.children(yamlish.lines(text)))
    return yamlish.scalar(value, nested, number)


def test_a_folded_block_joins_its_adjacent_lines_and_a_literal_block_keeps_them() -> None:
    folded = "run: >\n  uvx --with tox-uv\n  tox run\n  -f py312\n\n  pytest\n"
    assert _value(folded) == [(2, "uvx --with tox-uv tox run -f py312"), (6, "pytest")]
    literal = folded.replace(">", "|")
    assert _value(literal) == [(2, "uvx --with tox-uv"), (3, "tox run"), (4, "-f py312"), (6, "pytest")]
