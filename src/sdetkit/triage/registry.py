"""The triage rules in force (the built-in ones in ``sdetkit.triage.rules`` and any registered at run
time) and the signals (``sdetkit.triage.signals``).

Everything the extractor reads about rules and signals comes from here, so a registered rule is
matched, prefiltered and merged exactly like a built-in one, and the prefilter is derived from
both: a line no rule or signal could read is never decoded.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sdetkit.triage.prefilter import Prefilter, check_word
from sdetkit.triage.rule import Rule
from sdetkit.triage.rules import RULES
from sdetkit.triage.signals import SIGNALS, Signal

# The rules in matching order (the built-in ones and any registered at run time), and the
# prefilter derived from them, rebuilt on first use after a change.
_active: list[Rule] = list(RULES)
_prefilters: list[Prefilter] = []


def all_rules() -> tuple[Rule, ...]:
    """Every rule, in the order they are tried on a line."""
    return tuple(_active)


def all_signals() -> tuple[Signal, ...]:
    """Every signal, in the order they are tried on a line."""
    return SIGNALS


def words() -> tuple[bytes, ...]:
    """The rules' and signals' prefilter words, once each, in rule order then signal order."""
    return tuple(dict.fromkeys([w for r in _active for w in r.words] + [w for s in SIGNALS for w in s.words]))


def prefilter() -> Prefilter:
    """All the words as one RE2 alternation over the raw bytes of a log (``sdetkit.triage.prefilter``).

    A line with none of them is never read by any rule or signal. Built on first use after a change
    (RE2 is imported only then, so commands that do not scan a log never load it).
    """
    if not _prefilters:
        _prefilters.append(Prefilter(words()))
    return _prefilters[0]


def register(new: Rule, *, before: str | None = None) -> None:
    """Add a rule: before the rule named ``before``, else after the last rule of its tier or a stronger one."""
    if any(r.id == new.id for r in _active):
        raise ValueError(f"a triage rule named {new.id!r} already exists")
    for word in new.words:
        try:
            check_word(word)
        except ValueError as exc:
            raise ValueError(f"triage rule {new.id!r}: {exc}") from None
    if before is not None:
        at = next((i for i, r in enumerate(_active) if r.id == before), None)
        if at is None:
            raise ValueError(f"no triage rule named {before!r}")
    else:
        at = max((i + 1 for i, r in enumerate(_active) if r.tier <= new.tier), default=0)
    _active.insert(at, new)
    _prefilters.clear()


def unregister(rule_id: str) -> None:
    """Remove the rule named ``rule_id``."""
    at = next((i for i, r in enumerate(_active) if r.id == rule_id), None)
    if at is None:
        raise ValueError(f"no triage rule named {rule_id!r}")
    del _active[at]
    _prefilters.clear()


@contextmanager
def registered(*new: Rule, before: str | None = None) -> Iterator[None]:
    """The rules ``new`` are registered inside the ``with`` block and removed after it."""
    done: list[str] = []
    try:
        for r in new:
            register(r, before=before)
            done.append(r.id)
        yield
    finally:
        for rule_id in reversed(done):
            unregister(rule_id)
