"""Typed errors under one root; the CLI turns them into a message and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


class SdetkitError(Exception):
    """Root of every error the user is meant to see as one line."""

    exit_code = EXIT_USAGE


class UsageError(SdetkitError):
    """The command line asks for something that cannot be done (bad flag value, unknown step)."""


class ConfigError(SdetkitError):
    """A configuration file is unreadable, malformed or has invalid values."""


class InputError(SdetkitError):
    """An input file or repository is missing or invalid."""


class OutputError(SdetkitError):
    """An output file cannot be written."""
