"""The one normaliser run before rules and signals: a log line without what CI services put in front of it.

Each entry is one kind of prefix (a runner's timestamp, a build step's number, a service or
environment name). They are stripped from the start of a line, repeatedly and in any order, so a
Jenkins timestamp before ``[Pipeline]`` or a compose service before a GitHub timestamp both go.
A prefix that means something (Azure's and GitHub's ``##[error]``) leaves a mark, so a signal can
still read it. The line keeps its number in the log: only its text changes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from sdetkit.evidence.redact import ANSI


class Prefix(NamedTuple):
    """One kind of line prefix; ``mark`` names what the stripped prefix meant, if anything."""

    name: str
    pattern: re.Pattern[str]
    mark: str = ""


_ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?"

PREFIXES: tuple[Prefix, ...] = (
    # GitLab's raw trace: the timestamp, then the stream (O/E) and a continuation flag
    Prefix("gitlab-timestamp", re.compile(rf"^{_ISO} \d\d[OE]\+? ?")),
    # GitHub Actions and Azure Pipelines raw logs
    Prefix("iso-timestamp", re.compile(rf"^{_ISO} ")),
    # Jenkins' timestamper plugin ("[2024-05-01T10:00:00.123Z] ") and its elapsed/clock form
    Prefix("bracketed-timestamp", re.compile(rf"^\[(?:{_ISO}|\d\d:\d\d:\d\d(?:\.\d+)?)\] ")),
    Prefix("clock-time", re.compile(r"^\d\d:\d\d:\d\d(?:\.\d+)? +")),
    Prefix("jenkins-pipeline", re.compile(r"^\[Pipeline\] ")),
    # Buildkite's agent writes an APC timestamp before each line (the ESC may already be gone)
    Prefix("buildkite-timestamp", re.compile(r"^(?:\x1b_)?bk;t=\d+\x07")),
    # Docker BuildKit plain progress ("#7 12.04 ", "#7 ") and its error summary's "12.04 " lines
    Prefix("buildkit-step", re.compile(r"^#\d+ (?:\d+\.\d+ )?")),
    Prefix("buildkit-time", re.compile(r"^\d+\.\d{3} ")),
    # docker compose service names: v2 "web-1  | ", v1 "proj_web_1 | ", a container_name padded "web  | "
    Prefix("compose-service", re.compile(r"^[A-Za-z0-9][\w.-]*(?:[-_]\d+ *| +)\| ")),
    # openSUSE OBS build logs: the seconds since the build started ("[   28s] ")
    Prefix("obs-elapsed", re.compile(r"^\[ *\d+s\] ")),
    # devstack and oslo.log style console logs ("2024-05-01 10:00:00.123 | ")
    Prefix("devstack-timestamp", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \| ")),
    # Azure's and GitHub's annotations as a runner prints them in a raw log
    Prefix("error-annotation", re.compile(r"^(?:##\[error\]|::error(?: [^:]*)?::)"), mark="error"),
    Prefix("annotation", re.compile(r"^##\[(?:warning|notice|section|command|debug|info)\]")),
    # tox 4 environment names ("py311: ", "py312-django50: ", ".pkg: ") and nox's "nox > "
    Prefix("tox-env", re.compile(r"^ *(?:py(?:py)?\d*(?:-[\w.]+)*|\.pkg): ")),
    Prefix("nox", re.compile(r"^nox > ")),
)


# Every prefix as one alternation (group ``_N`` is ``PREFIXES[N]``): one match per prefix
# stripped instead of one per kind tried. Should one alternative match the empty string, the kinds
# are tried one by one, as each must strip something.
def _any(prefixes: tuple[Prefix, ...]) -> re.Pattern[str] | None:
    """The alternation, or None where it could not mean the same (flags, clashing group names)."""
    if any(p.pattern.flags != re.UNICODE for p in prefixes):
        return None
    try:
        return re.compile("|".join(f"(?P<_{i}>{p.pattern.pattern})" for i, p in enumerate(prefixes)))
    except re.error:
        return None


_ANY = _any(PREFIXES)

# Lines that are only markers (a collapsible group, a GitLab section): nothing to read.
_MARKER = re.compile(r"^(?:##\[(?:group|endgroup)\]|::(?:group|endgroup)::|section_(?:start|end):\d+:)")


def normalise(line: str) -> tuple[str, frozenset[str]]:
    """The line's text without colours, progress redraws and CI prefixes, and the marks of the prefixes removed."""
    line = line.rstrip("\r\n").rsplit("\r", 1)[-1]  # a progress redraw keeps only its last state
    if "\x1b" in line:
        line = ANSI.sub("", line)
    marks: set[str] = set()
    while line:
        m = _ANY.match(line) if _ANY else None  # the first prefix that matches, in PREFIXES order
        if m is None and _ANY:
            break
        prefix = PREFIXES[int(m.lastgroup[1:])] if m and m.lastgroup else None
        if prefix is None or m is None or not m.end():
            prefix, m = next(((p, pm) for p in PREFIXES if (pm := p.pattern.match(line)) and pm.end()), (None, None))
            if prefix is None or m is None:
                break
        line = line[m.end() :]
        if prefix.mark:
            marks.add(prefix.mark)
    if _MARKER.match(line):
        return "", frozenset()
    return line, frozenset(marks)


def clean(line: str) -> str:
    """The line's text as ``normalise`` leaves it."""
    return normalise(line)[0]
