"""How much a failed check matters. Its own module so the CLI can offer the names as choices
without importing the checks (``sdetkit --help`` stays fast)."""

from __future__ import annotations

from sdetkit.enums import StrEnum


class Severity(StrEnum):
    """A doctor check's severity, lowest first: ``--fail-on`` and ``--doctor-fail-on`` take one."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)
