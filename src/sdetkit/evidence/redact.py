"""Bounded, secret-free log tails, with run-specific paths (and, for stable output, times) masked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

TAIL_LINES = 60
TAIL_CHARS = 6000
MASK = "[REDACTED]"

# Colour and cursor codes, OSC sequences, and charset switches (ESC ( B) that some tools print.
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Za-z0-9]")

# Secrets ---------------------------------------------------------------------------------------

_SECRET_SHAPES = [
    re.compile(p)
    for p in (
        r"\bgh[pousr]_[A-Za-z0-9]{20,}",
        r"\bgithub_pat_[A-Za-z0-9_]{20,}",
        r"\bglpat-[A-Za-z0-9_-]{20,}",
        r"\bxox[abposr]-[A-Za-z0-9-]{10,}",
        r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        r"\bsk-[A-Za-z0-9_-]{20,}",
        r"\bAIza[0-9A-Za-z_-]{35}\b",
        r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}",  # JWT
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
    )
]
# A name says "secret" when it ends in a secret word: GITHUB_TOKEN, db.password, apiKey, X-Auth-Token,
# --password. A secret word inside a name does not (tokenizer, author, token_url, password_file,
# test_auth.py): file names, test ids and settings about secrets are evidence, not secrets.
_SENSITIVE_WORD = (
    r"(?:password|passwd|passphrase|secret|token|credentials?|auth"
    r"|api[_-]?key|access[_-]?key|private[_-]?key|secret[_-]?key)"
)
_SECRET_NAME = re.compile(rf"(?i){_SENSITIVE_WORD}\Z")
_ASSIGNED = re.compile(
    # The key is a whole name: not the tail of a path, a node id (::test_token) or a parameter id.
    rf"(?i)(?<![\w./\\:\[-])(-{{0,2}}[\w.-]*?{_SENSITIVE_WORD})"
    # `=` but not `==`; `:` only before a space or a quote, so `auth.py:273:` is never a key and value.
    r"(['\"]?[ \t]*(?:=(?!=)|:(?=[ \t'\"]))[ \t]*)(['\"]?)"
    # Not a value: an auth scheme (the header patterns mask what follows it), a type annotation or
    # literal (`token: str`, `password=None`) or a call (`token = make_token()`).
    r"(?!(?:bearer|basic)\s)(?!(?:None|null|true|false|str|bytes|int|Any|Optional|SecretStr)\b)(?![A-Za-z_][\w.]*\()"
    r"([^\s'\"]{4,})"
)
_AUTH_HEADER = re.compile(
    r"(?i)\b((?:proxy-)?authorization['\"]?[ \t]*[:=][ \t]*['\"]?(?:(?:bearer|basic|token|digest)[ \t]+)?)([^\s'\"]+)"
)
# Outside a header a scheme word is often prose ("basic functionality"): its value is masked only when
# it looks like a credential, with a digit, base64 punctuation or an upper-case letter after the first.
_BEARER = re.compile(
    r"\b(Bearer|bearer|BEARER|Basic|basic|BASIC)[ \t]+"
    r"(?=[A-Za-z0-9._~+/=-][A-Za-z0-9._~+/=-]*[0-9A-Z+/=])[A-Za-z0-9._~+/=-]{8,}"
)
_URL_CREDS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]*:[^/\s@]+@")


def _is_secret_name(name: str) -> bool:
    """Whether a variable or key name says its value is a secret (it ends in a secret word)."""
    return _SECRET_NAME.search(name) is not None


def redact(text: str, environ: Mapping[str, str]) -> str:
    """Remove secrets: known token shapes, ``password=...`` style values, Authorization headers,
    credentials in URLs, and the literal values of environment variables whose names say they are
    secret. Text without a secret comes back unchanged."""
    for name, value in environ.items():
        if len(value) >= 6 and _is_secret_name(name):
            text = text.replace(value, MASK)
    for rx in _SECRET_SHAPES:
        text = rx.sub(MASK, text)
    text = _AUTH_HEADER.sub(lambda m: f"{m[1]}{MASK}", text)
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


_DURATION = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|min|minutes)\b")
_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_SEED = re.compile(r"(?i)(randomly-seed=|random seed[:=]?\s*|seed=)\d+")
_CLOCK = re.compile(r"\b\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\b")


def stabilise(text: str) -> str:
    """Mask durations, clock times and random seeds: the same tree reads the same however long it
    took and whatever seed a test-order plugin drew."""
    text = _TIMESTAMP.sub("<time>", text)
    text = _CLOCK.sub("<time>", text)
    text = _SEED.sub(lambda m: f"{m[1]}<seed>", text)
    return _DURATION.sub("<duration>", text)
