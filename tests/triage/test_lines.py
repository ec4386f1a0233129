from __future__ import annotations

import io

import pytest

from sdetkit.triage import lines
from sdetkit.triage.lines import candidate_lines

_LOG = (
    "2026-01-01T00:00:00Z first\n"
    "FAIL at the very start of a block\n"
    "2026-01-01T00:00:01Z setting up\n"
    "\x1b[31mplain\x1b[0m\n"
    "##[group]Run tests\n"
    "2026-01-01T00:00:02Z collecting\n"
    "2026-01-01T00:00:03Z FAIL later\n"
)


@pytest.mark.parametrize("block", [1 << 20, 48])
def test_a_candidates_lines_before_are_the_three_before_it_cleaned_whatever_the_blocks(
    block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lines, "BLOCK", block)  # 48 bytes: lines fall at the start of blocks
    got = [(c.lineno, c.text, c.before) for c in candidate_lines(io.BytesIO(_LOG.encode()), "ci.log")]
    first, last = got[0], got[-1]
    assert first[:2] == (2, "FAIL at the very start of a block")
    assert first[2] == (["first"] if block > 48 else [])  # a block's first line has nothing before it in the block
    context = ["plain", "", "collecting"]  # the group marker is a line with nothing to read
    assert last[:2] == (7, "FAIL later")
    assert last[2] == context if block > 48 else last[2] == context[len(context) - len(last[2]) :] != context
