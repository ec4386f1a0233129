"""Bounded, secret-free log tails, with run-specific paths (and, for stable output, times) masked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

TAIL_LINES = 60
TAIL_CHARS = 6000
MASK = "[REDACTED]"

# Colour and cursor codes, OSC sequences, and charset switches (ESC ( B) that some tools print.
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]")
_SECRET_PATTERNS = [
    re.compile(p)
    for p in (
        r"gh[pousr]_[A-Za-z0-9]{20,}",
        r"github_pat_[A-Za-z0-9_]{20,}",
        r"glpat-[A-Za-z0-9_-]{20,}",
        r"xox[abposr]-[A-Za-z0-9-]{10,}",
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"\bsk-[A-Za-z0-9_-]{20,}",
        r"\bAIza[0-9A-Za-z_-]{35}\b",
        r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",  # JWT
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
    )
]
# key=value / key: value where the key names a secret.
_ASSIGNED = re.compile(
    r"(?i)\b([A-Za-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|auth)[A-Za-z0-9_.-]*)"
    r"(\s*[:=]\s*)(['\"]?)(?!(?:bearer|basic)\s)([^\s'\"]{4,})"
)
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
_URL_CREDS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+:[^/\s@]+@")
_SECRET_NAME = re.compile(r"(?i)(password|passwd|secret|token|api_?key|access_?key|private_?key|credential)")

_DURATION = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|min|minutes)\b")
_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_SEED = re.compile(r"(?i)(randomly-seed=|random seed[:=]?\s*|seed=)\d+")
_CLOCK = re.compile(r"\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b")


def redact(text: str, environ: Mapping[str, str]) -> str:
    """Remove secrets: known token shapes, ``password=...`` style values, credentials in URLs, and
    the literal values of environment variables whose names say they are secret."""
    for name, value in environ.items():
        if len(value) >= 6 and _SECRET_NAME.search(name):
            text = text.replace(value, MASK)
    for rx in _SECRET_PATTERNS:
        text = rx.sub(MASK, text)
    text = _BEARER.sub(lambda m: f"{m[1]} {MASK}", text)
    text = _ASSIGNED.sub(lambda m: f"{m[1]}{m[2]}{m[3]}{MASK}", text)
    return _URL_CREDS.sub(lambda m: f"{m[1]}{MASK}@", text)


def clean(output: str, environ: Mapping[str, str], paths: Sequence[tuple[str, str]]) -> str:
    """Tool output as evidence: colours stripped, secrets redacted, and run-specific absolute
    ``paths`` (real, shown) replaced, longest first; the project root (shown as ``.``) becomes
    relative paths."""
    text = ANSI.sub("", output).replace("\r\n", "\n")
    for real, shown in sorted(paths, key=lambda p: -len(p[0])):
        if real:
            text = text.replace(real + "/", "" if shown == "." else shown + "/").replace(real, shown)
    return redact(text, environ)


def tail(text: str, lines: int = TAIL_LINES, chars: int = TAIL_CHARS) -> str:
    """The last ``lines`` lines of cleaned output, at most ``chars`` characters."""
    kept = text.rstrip("\n").split("\n")[-lines:]
    text = "\n".join(ln.rsplit("\r", 1)[-1] for ln in kept)
    if len(text) > chars:
        text = text[-chars:].split("\n", 1)[-1]
    return text


def stabilise(text: str) -> str:
    """Mask durations, clock times and random seeds: the same tree reads the same however long it
    took and whatever seed a test-order plugin drew."""
    text = _TIMESTAMP.sub("<time>", text)
    text = _CLOCK.sub("<time>", text)
    text = _SEED.sub(lambda m: f"{m[1]}<seed>", text)
    return _DURATION.sub("<duration>", text)
