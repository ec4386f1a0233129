"""docs/architecture.md's worked examples run as written: each ```python block is executed in a
fresh namespace with ``tmp`` (an empty folder), and its own asserts say it did what the text says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import paths

DOC = paths.REPO / "docs" / "architecture.md"
_BLOCK = re.compile(r"^## (?P<title>.+?)$(?P<body>.*?)(?=^## |\Z)", re.M | re.S)
_CODE = re.compile(r"^```python\n(?P<code>.*?)^```$", re.M | re.S)


def examples() -> list[tuple[str, str]]:
    """(section title, code) for every Python block in the document, in order."""
    found = []
    for section in _BLOCK.finditer(DOC.read_text(encoding="utf-8")):
        for n, block in enumerate(_CODE.finditer(section["body"]), start=1):
            found.append((f"{section['title'].strip()} #{n}", block["code"]))
    return found


def test_the_document_has_a_worked_example_per_extension_point() -> None:
    titles = " ".join(title for title, _ in examples()).lower()
    for point in ("step provider", "triage rule", "doctor check", "output format", "report section"):
        assert point in titles, f"docs/architecture.md has no worked example for: {point}"


@pytest.mark.parametrize(("title", "code"), examples(), ids=[t for t, _ in examples()])
def test_worked_example_runs(title: str, code: str, tmp_path: Path) -> None:
    namespace: dict[str, object] = {"tmp": tmp_path, "__name__": f"docs_example_{abs(hash(title))}"}
    exec(compile(code, f"{DOC.name}: {title}", "exec"), namespace)  # noqa: S102 - the doc's own examples
