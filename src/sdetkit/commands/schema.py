"""``sdetkit schema show NAME``: print a shipped JSON Schema."""

from __future__ import annotations

import sys

from sdetkit.errors import EXIT_OK
from sdetkit.evidence import schemas
from sdetkit.settings import SchemaSettings


def show(settings: SchemaSettings) -> int:
    """Print the schema named, or (no name) the names of every schema."""
    name = settings.name
    if name is None:
        sys.stdout.write("\n".join(schemas.NAMES) + "\n")
    else:
        sys.stdout.write(schemas.text(name))
    return EXIT_OK
