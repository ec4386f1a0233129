from __future__ import annotations

from sdetkit.triage import registry
from sdetkit.triage.choice import Choice, Readers
from sdetkit.triage.rule import CAUSAL


def _choice() -> Choice:
    rules = registry.all_rules()
    signals = registry.all_signals()
    return Choice(
        [r for r in rules if r.tier == CAUSAL],
        [s for s in signals if not s.mark],
        [r for r in rules if r.tier != CAUSAL],
        [s for s in signals if s.mark],
    )


def test_a_line_is_read_by_the_readers_holding_one_of_its_words_or_none_in_their_order() -> None:
    choice = _choice()
    for word in registry.words():
        got, every = choice.readers(frozenset({word})), choice.every
        assert got.causal == [r for r in every.causal if not r.words or word in r.words]
        assert got.signals == [s for s in every.signals if not s.words or word in s.words]
        assert got.weak == [r for r in every.weak if not r.words or word in r.words]
        assert got.marked == [s for s in every.marked if not s.words or word in s.words]
        holders = [r.id for r in [*got.causal, *got.weak] if word in r.words]
        holders += [s.id for s in [*got.signals, *got.marked] if word in s.words]
        assert holders  # every word is some reader's


def test_unknown_words_mean_every_reader_and_a_mix_is_chosen_once() -> None:
    choice = _choice()
    assert choice.readers(None) is choice.every
    words = frozenset(registry.words()[:2])
    first = choice.readers(words)
    assert isinstance(first, Readers)
    assert choice.readers(frozenset(words)) is first
    none = choice.readers(frozenset())
    assert none.causal == [r for r in choice.every.causal if not r.words]
    assert none.signals == [s for s in choice.every.signals if not s.words]
