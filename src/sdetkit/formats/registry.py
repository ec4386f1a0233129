"""Output formats by name: what ``--format`` offers and what it selects.

The built-in formats are imported only when chosen, so building the parser (``sdetkit --help``)
imports none of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sdetkit.formats.base import OutputFormat

# name -> "module:class", in the order --help lists them (text is the default).
_BUILTIN = {
    "text": "sdetkit.formats.text:TextFormat",
    "json": "sdetkit.formats.json:JsonFormat",
    "markdown": "sdetkit.formats.markdown:MarkdownFormat",
}
_ADDED: dict[str, Callable[[], OutputFormat]] = {}


def names() -> tuple[str, ...]:
    """Every format ``--format`` accepts: the built-in ones, then the registered ones."""
    return (*_BUILTIN, *_ADDED)


def get(name: str) -> OutputFormat:
    """The format called ``name`` (one of :func:`names`; the parser has checked it)."""
    if name in _ADDED:
        return _ADDED[name]()
    module, cls = _BUILTIN[name].split(":")
    made: OutputFormat = getattr(importlib.import_module(module), cls)()
    return made


def register(fmt: type[OutputFormat]) -> None:
    """Offer ``fmt`` as ``--format <fmt.name>`` to every command with a ``--format`` option."""
    if fmt.name in _BUILTIN or fmt.name in _ADDED:
        raise ValueError(f"an output format named {fmt.name!r} is already registered")
    _ADDED[fmt.name] = fmt


def unregister(name: str) -> None:
    """Take a registered format back out (a built-in one stays)."""
    _ADDED.pop(name, None)


@contextmanager
def registered(fmt: type[OutputFormat]) -> Iterator[None]:
    """``fmt`` is offered inside the ``with`` block only (tests, examples)."""
    register(fmt)
    try:
        yield
    finally:
        unregister(fmt.name)
