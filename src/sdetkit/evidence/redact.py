"""Bounded, secret-free log tails, with run-specific paths (and, for stable output, volatile values) masked."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

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
    # literal (`token: str`, `password=None`), a call (`token = make_token()`) or an attribute in a
    # traceback's source line (`validator.validate_token = self._validate_token`).
    r"(?!(?:bearer|basic)\s)(?!(?:None|null|true|false|str|bytes|int|Any|Optional|SecretStr)\b)(?![A-Za-z_][\w.]*\()"
    r"(?![A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:[\s,)\]]|$))"
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
# The scheme is anchored where its run of characters starts, so a long run without "://" is read once.
_URL_CREDS = re.compile(r"(?i)(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*://)[^/\s:@]*:[^/\s@]+@")


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
    """The last lines of cleaned output: at most ``lines`` lines whose stable form fits in ``chars``
    characters (a last line longer than that keeps its last ``chars`` characters).

    Measuring the stable form means a stable artifact's tail starts at the same line in every run of
    the same tree, however wide the addresses, pids or durations before it were."""
    kept = [ln.rsplit("\r", 1)[-1] for ln in text.rstrip("\n").split("\n")[-lines:]]
    start, size = len(kept), -1
    while start > 0:
        width = len(stabilise(kept[start - 1])) + 1
        if size + width > chars:
            break
        size += width
        start -= 1
    if start == len(kept):
        return kept[-1][-chars:]
    return "\n".join(kept[start:])


# Volatile values (stable output) -----------------------------------------------------------------


class Volatile(NamedTuple):
    """A value that differs between runs of the same tree, and what stable output shows instead."""

    name: str
    pattern: re.Pattern[str]
    replacement: str  # a re.sub template: labels such as ``pid `` or ``127.0.0.1:`` are kept


def _volatile(name: str, pattern: str, replacement: str) -> Volatile:
    return Volatile(name, re.compile(pattern), replacement)


# A path starts where a run of path characters starts: anchoring there keeps the path patterns linear
# on a long line (a lazy prefix tried from every position inside the run would be quadratic).
_PATH = r"(?<![\w.~/\\-])(?:[A-Za-z]:)?[\w.~/\\-]*?"
# The temp folder roots Python's tempfile uses: /tmp, /var/tmp, macOS's /var/folders/../T, Windows' Temp.
_TEMP_DIR = rf"{_PATH}(?<![\w.~-])(?:tmp|temp|Temp|TEMP|T)[/\\]"

# One list, applied in order to each line. Each value is masked, never the evidence around it: line
# numbers, versions, test ids, commit hashes and assertion values stay. Paths come first because they
# hold digits the later patterns would otherwise take in part.
VOLATILE: tuple[Volatile, ...] = (
    # pytest's base temp folder is numbered per run (.../pytest-of-USER/pytest-N); the test's own
    # folder under it (test_name0) is named after the test and stays.
    _volatile("pytest-tmp", rf"{_PATH}[/\\]pytest-of-[^\s/\\'\"]+[/\\]pytest-\d+", "<tmp>"),
    # tempfile.mkdtemp/mkstemp names: a prefix (tmp, build-env-, pip-req-build-) and eight random
    # characters, directly in a temp folder.
    _volatile("mkdtemp", rf"{_TEMP_DIR}(?:tmp|[\w.-]*?[-_])[a-z0-9_]{{8}}(?![\w-])", "<tmp>"),
    _volatile("timestamp", r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?", "<time>"),
    # Before "clock": pytest adds the elapsed clock time past a minute ("in 61.02s (0:01:01)"), so a
    # slow and a fast run of the same tree must read the same.
    _volatile(
        "duration",
        r"\b\d+(?:\.\d+)?[ ]?(?:ms|us|µs|ns|s|secs?|seconds?|mins?|minutes?)\b(?: \(\d+:\d{2}:\d{2}\))?",
        "<duration>",
    ),
    # A wall-clock or elapsed time (10:04:59, 0:07:51.5); never file:line:column (a.py:12:34:).
    _volatile("clock", r"(?<![\d:.])\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?(?![\d:])", "<time>"),
    # Object addresses in reprs (<Foo object at 0x7f3a...>) and faulthandler's thread addresses. A
    # 32-bit constant such as 0xdeadbeef is a value, so it stays unless it follows "at".
    _volatile("address", r"(?:(?<=\bat )0x[0-9a-fA-F]+|\b0x[0-9a-fA-F]{9,16})\b", "<addr>"),
    _volatile("mock-id", r"\bid='\d{6,}'", "id='<addr>'"),  # unittest.mock: <MagicMock id='1402...'>
    # A port the OS picked on a loopback or numeric address: five digits from 32000 (the ephemeral
    # ranges start at 32768 on Linux, 49152 elsewhere). Fixed ports (localhost:8080, :5432, :27017)
    # are configuration and stay.
    _volatile(
        "port",
        r"((?:\blocalhost|\b\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]*\]):)(?:3[2-9]|[4-6]\d)\d{3}\b",
        r"\1<port>",
    ),
    _volatile(
        "port-tuple",  # socket reprs and getsockname(): ('127.0.0.1', 44324)
        r"(\(['\"](?:localhost|[\d.]+|[0-9a-fA-F:]+)['\"], )(?:3[2-9]|[4-6]\d)\d{3}(?=[,)])",
        r"\1<port>",
    ),
    # Seeds that test-order and property-testing plugins draw per run: pytest-randomly,
    # pytest-random-order, hypothesis (--hypothesis-seed=N, @seed(N)) and a bare "seed=N".
    _volatile(
        "seed",
        r"(?i)(\b(?:randomly-seed|random-order-seed|hypothesis-seed|seed)[ ]?[=:][ ]?|\brandom seed[ ]?[=:]?[ ]?"
        r"|@seed\()\d+",
        r"\1<seed>",
    ),
    # Hypothesis's reproduce blob encodes the random search that found the failure.
    _volatile("hypothesis-blob", r"(@reproduce_failure\('[^']*', )b'[^']*'\)", r"\1<seed>)"),
    _volatile("pid", r"(?i)\b(pid)([ ]?[=:]?[ ]?)\d+\b", r"\1\2<pid>"),
    # Time- and random-based UUIDs (versions 1, 4, 6, 7); name-based uuid3/uuid5 are reproducible.
    _volatile("uuid", r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[1467][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\b", "<uuid>"),
    # threading.Thread's repr while it runs and after it is joined: <Thread(x, stopped daemon 1402...)>
    _volatile("thread-repr", r"(\b(?:started|stopped) (?:daemon )?)\d+(?=\)>)", r"\1<thread>"),
    _volatile("thread-id", r"(?i)\b((?:thread[ _-]?id|ident|native_id|tid)[ ]?[=:][ ]?)\d+\b", r"\1<thread>"),
)

# pytest centres a section title in a rule of = - or _ as wide as the terminal. A masked value of
# another width would move the rule's ends, so a rule whose title changed is centred again.
_RULE = re.compile(r"([=_-])(\1*) (.*) \1+")


def _recentre(line: str, masked: str) -> str:
    """``masked`` with its rule refilled to the width of the ``line`` it came from, as pytest fills it."""
    if masked == line:
        return masked
    before, rule = _RULE.fullmatch(line), _RULE.fullmatch(masked)
    if before is None or rule is None:
        return masked
    sep, title = rule[1], rule[3]
    if not before[2]:  # a title as wide as the terminal had a one-character fill; so does its masked form
        return f"{sep} {title} {sep}"
    fill = sep * max((len(line) - len(title) - 2) // 2, 1)
    centred = f"{fill} {title} {fill}"
    return centred + sep if len(centred) < len(line) else centred


def stabilise(text: str) -> str:
    """Mask the values that differ between runs of the same tree (see ``VOLATILE``), line by line:
    the same tree reads the same however long it took, whatever addresses, ports, temp folders,
    pids and seeds this run drew."""
    out = []
    for line in text.split("\n"):
        masked = line
        for v in VOLATILE:
            masked = v.pattern.sub(v.replacement, masked)
        out.append(_recentre(line, masked))
    return "\n".join(out)
