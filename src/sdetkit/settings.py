"""Typed settings the CLI hands to commands; commands never see argparse namespaces."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple


class OutputSettings(NamedTuple):
    format: str = "text"
    out: Path | None = None
    stable_json: bool = False


class GateSettings(NamedTuple):
    path: Path
    output: OutputSettings
    jobs: int | None = None
    timeout: float | None = None
    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    list_steps: bool = False
    cache: bool = True
    fix: bool = False
    python: str | None = None
    profile: str = "fast"
    dry_run: bool = False
    allow_cache: bool = False  # release: let passing steps come from the cache
