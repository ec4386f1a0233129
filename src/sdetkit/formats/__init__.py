"""Renderers: a report in, text out. No I/O."""

FORMATS = ("text", "json", "markdown")  # the --format choices
