"""Which rules and signals may read a line: those whose prefilter words it holds, in their order."""

from __future__ import annotations

from typing import NamedTuple

from sdetkit.triage.rule import Rule
from sdetkit.triage.signals import Signal


class Readers(NamedTuple):
    """The rules and signals to try on a line, by the order ``Extractor.feed`` tries them."""

    causal: list[Rule]
    signals: list[Signal]
    weak: list[Rule]
    marked: list[Signal]


class Choice:
    """The readers of a line by the set of words it holds, chosen once per distinct set.

    A rule's words are in every line it reads (``Rule.words``), so one whose words are all absent
    cannot match and is not tried: a line costs a few regexes, not one per rule.
    """

    def __init__(self, causal: list[Rule], signals: list[Signal], weak: list[Rule], marked: list[Signal]) -> None:
        self.every = Readers(causal, signals, weak, marked)
        self._chosen: dict[frozenset[bytes], Readers] = {}

    def readers(self, words: frozenset[bytes] | None) -> Readers:
        """The readers of a line holding ``words`` (None: unknown, every reader)."""
        if words is None:
            return self.every
        got = self._chosen.get(words)
        if got is None:
            if len(self._chosen) > 4096:  # distinct mixes of words are few; this bounds a pathological log
                self._chosen.clear()

            def may(own: tuple[bytes, ...]) -> bool:
                return not own or not words.isdisjoint(own)

            every = self.every
            got = Readers(
                [r for r in every.causal if may(r.words)],
                [s for s in every.signals if may(s.words)],
                [r for r in every.weak if may(r.words)],
                [s for s in every.marked if may(s.words)],
            )
            self._chosen[words] = got
        return got
