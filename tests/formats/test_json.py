from __future__ import annotations

from sdetkit.formats.base import DocumentReport
from sdetkit.formats.json import JsonFormat


def test_the_document_with_sorted_keys_and_ascii_escapes() -> None:
    report = DocumentReport("verify", {"ok": True, "bundle": "é.zip"})
    assert JsonFormat().render(report) == '{\n  "bundle": "\\u00e9.zip",\n  "ok": true\n}\n'
