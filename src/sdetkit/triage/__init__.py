"""Triage: reduce failure evidence to the first meaningful failure and the command that reproduces it."""
