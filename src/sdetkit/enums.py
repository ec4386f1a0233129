"""``StrEnum`` on every supported Python: the allowed values of a setting, defined once in the
domain, compare equal to the strings the artifacts and the parser carry."""

from __future__ import annotations

import enum
import sys

if sys.version_info >= (3, 11):
    from enum import StrEnum as StrEnum  # noqa: PLC0414 - re-exported
else:

    class StrEnum(str, enum.Enum):
        """Python 3.10 has no ``enum.StrEnum``: ``str()`` and formatting give the value, as there."""

        def __str__(self) -> str:
            return str(self.value)

        def __format__(self, spec: str) -> str:
            return format(str(self.value), spec)

        def __hash__(self) -> int:  # a member is a dict key its plain string finds, as on 3.11
            return str.__hash__(self)


def values(kind: type[StrEnum]) -> tuple[str, ...]:
    """The plain strings of an enum, in definition order: argparse ``choices`` (its error message
    quotes them) and ``not one of ...`` messages."""
    return tuple(member.value for member in kind)
