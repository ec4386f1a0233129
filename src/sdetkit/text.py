"""Text that people type into a record: names, titles, sign-offs.

A name or title is rendered into one-line text output, Markdown table cells and TOML files that
people review. A newline or another control character in one would let it forge a line of its own
(``Rita\\n  ok   [program] Sign-off: ...``), so such text is refused where it comes in.
"""

from __future__ import annotations


def one_line_problem(text: str) -> str | None:
    """Why ``text`` is not one line of printable text (None: it is)."""
    for c in text:
        if c != " " and not c.isprintable():
            return f"contains the control character {c!r}: a name or title is one line of printable text"
    return None
