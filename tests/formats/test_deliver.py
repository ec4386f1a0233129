from __future__ import annotations

import io
from pathlib import Path

from sdetkit.formats.base import DocumentReport
from sdetkit.formats.deliver import deliver
from sdetkit.settings import OutputSettings

_REPORT = DocumentReport("verify", {"bundle": "e.zip", "ok": True, "files": [], "problems": []})


def test_without_out_the_chosen_format_goes_to_the_stream() -> None:
    stream = io.StringIO()
    deliver(_REPORT, OutputSettings("json"), stream)
    assert stream.getvalue().startswith("{\n")


def test_with_out_the_file_gets_the_format_and_the_stream_the_text_summary(tmp_path: Path) -> None:
    stream, out = io.StringIO(), tmp_path / "sub" / "v.json"
    deliver(_REPORT, OutputSettings("json", out), stream)
    assert out.read_text().startswith("{\n")
    assert stream.getvalue() == f"e.zip: verified (0 artifacts listed)\nwrote {out}\n"


def test_a_text_file_is_not_summarised_again(tmp_path: Path) -> None:
    stream, out = io.StringIO(), tmp_path / "v.txt"
    deliver(_REPORT, OutputSettings("text", out), stream, None)
    assert out.read_text() == "e.zip: verified (0 artifacts listed)\n"
    assert stream.getvalue() == f"wrote {out}\n"
