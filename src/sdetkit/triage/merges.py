"""How some rules merge the lines around a match into one finding; each is named by its rule entry.

A tool that prints one failure over several lines gets a ``refine`` (reads the lines before the
match) or a ``follow`` (reads the lines after it) here; the extractor calls them without knowing
which rule they belong to.
"""

from __future__ import annotations

import re

from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.rule import Rule, Seen

_GO_DETAIL = re.compile(r"^(?P<file>\S+_test\.go):(?P<line>\d+): (?P<message>.+)$")
_JEST_FRAME = re.compile(r"\((?:\./)?(?P<file>[^():\s]+\.(?:test|spec)\.[cm]?[jt]sx?):(?P<line>\d+):\d+\)")
_FRAME = re.compile(r'^File "(?P<path>[^"]+)", line (?P<line>\d+)')
_LIBRARY = re.compile(r"(?:[\\/](?:site|dist)-packages[\\/]|[\\/]lib[\\/]python\d|^<frozen )")
_EXCEPTION = re.compile(r"^(?P<message>(?:[\w.]+\.)?\w*(?:Error|Exception|Failure): .+)$")
# "... and you require X" is the user's requirement; "we can conclude that you require Y" is not.
# pip's "The conflict is caused by:" lines: "pkg 1.0 depends on dep<2", "The user requested dep==3".
_CAUSED_BY = re.compile(r"^(?:(?P<who>\S+ \S+) depends on (?P<dep>.+)|The user requested (?P<req>.+))$")
_PINNED = re.compile(r"^([A-Za-z0-9][\w.-]*) (\d[\w.+!-]*)$")  # pip says "pkg 1.0" for a candidate it chose
_REQUIREMENT = re.compile(r"^[A-Za-z0-9][\w.-]*(?:\[[\w,.-]+\])?(?:[=<>!~]=?[\w.*+!-]+,?)*$")
CONFLICT_FIX = "relax one of the conflicting requirements: "
_YOU_REQUIRE = re.compile(r"(?i)(?:and|because|since) you require ([^\s,]+?)[,.]?(?:\s|$)")


def concise_linter(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """ruff and flake8 print the same location shape: the tool the log names decides, else the
    message (pycodestyle/pyflakes messages start lowercase, ruff's do not)."""
    if len(seen.tools) == 1:
        tool = next(iter(seen.tools))
    else:
        tool = "flake8" if groups.get("message", "")[:1].islower() else "ruff"
    groups["linter"] = "flake8" if tool == "flake8" else "ruff check --no-fix"
    return rule._replace(tool=tool)


def ruff_unformatted(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """ruff's full output shows a formatting diff with the same location arrow as a lint finding."""
    if seen.before and seen.before[-1].startswith("unformatted:"):
        return rule._replace(classification="format", next="ruff format --diff {file}")
    return rule


def exception_frame(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """A bare exception's place is the traceback's last frame in the project's own code (an
    installed library's frame is where it surfaced, not where to fix)."""
    for line in reversed(seen.before):
        frame = _FRAME.match(line.strip())
        if frame:
            if not _LIBRARY.search(frame["path"]):
                groups.update(file=frame["path"], line=frame["line"])
            break
    return rule


def table_test_id(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """A table row names the file and the test apart: pytest's id joins them."""
    groups["test"] = f"{groups['file']}::{groups['name']}"
    return rule


def unittest_test_id(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """unittest names ``test_x (tests.test_mod.TestCase)``: the test id is the module's file and the class path."""
    dotted = groups["cls"].split(".")
    module = [p for p in dotted if not p[:1].isupper()]
    classes = dotted[len(module) :]
    groups["test"] = "::".join(["/".join(module) + ".py", *classes, groups["name"]])
    return rule


def unittest_block(finding: TriageFinding, text: str) -> tuple[TriageFinding, bool] | None:
    """Inside a unittest FAIL/ERROR block: the test file's frame gives the line, the exception the message."""
    frame = _FRAME.match(text)
    if frame and finding.affected_file and frame["path"].endswith(finding.affected_file):
        return finding._replace(line=int(frame["line"])), True
    exc = _EXCEPTION.match(text)
    if exc and finding.message.startswith(("FAIL:", "ERROR:")):
        # The block's cause is read; what follows is another matter.
        return finding._replace(message=exc["message"]), False
    return None


def go_detail(finding: TriageFinding, text: str) -> tuple[TriageFinding, bool] | None:
    """go test prints the file and line on the line after ``--- FAIL``."""
    go = _GO_DETAIL.match(text)
    if go and finding.line is None:
        return finding._replace(affected_file=go["file"], line=int(go["line"]), message=go["message"]), True
    return None


def jest_detail(finding: TriageFinding, text: str) -> tuple[TriageFinding, bool] | None:
    """Jest prints the failed expectation and then a stack frame naming the test file and line."""
    if text.startswith("expect(") and finding.message.startswith("\u25cf"):
        return finding._replace(message=text), True
    frame = _JEST_FRAME.search(text)
    if frame and finding.line is None:
        return finding._replace(affected_file=frame["file"], line=int(frame["line"])), True
    return None


def uv_requirements(finding: TriageFinding, text: str) -> tuple[TriageFinding, bool] | None:
    """uv explains a conflict with "you require X": those are the requirements to retry."""
    if "you require " not in text:
        return None
    wanted = _YOU_REQUIRE.findall(text)
    cmd = finding.next_command
    have = re.findall(r'"([^"]+)"', cmd) if cmd.startswith('uv pip install "') else []
    reqs = list(dict.fromkeys([*have, *wanted]))
    if reqs:
        finding = finding._replace(
            next_command="uv pip install " + " ".join(f'"{r}"' for r in reqs),
            fix=CONFLICT_FIX + " and ".join(reqs) + " cannot hold together",
        )
    return finding, True


def pip_conflict_pair(rule: Rule, groups: dict[str, str], seen: Seen) -> Rule:
    """pip's "Cannot install A and B because ..." names the two requirements that conflict."""
    first, second = groups.get("first"), groups.get("second")
    if not (first and second):
        return rule
    rule = rule._replace(fix=f"{CONFLICT_FIX}{first} and {second} cannot hold together")
    pins = [_PINNED.sub(r"\1==\2", x) for x in (first, second)]
    if all(_REQUIREMENT.match(p) for p in pins):  # both named on the command line: installing both reproduces it
        rule = rule._replace(next="python -m pip install " + " ".join(f'"{p}"' for p in pins))
    return rule


def pip_conflict_causes(finding: TriageFinding, text: str) -> tuple[TriageFinding, bool] | None:
    """The lines under "The conflict is caused by:" say which package wants what; pip's closing
    "ResolutionImpossible" is the same failure, not a second one."""
    if text.startswith("The conflict is caused by"):
        return finding, True
    if text.startswith("ERROR: ResolutionImpossible"):
        return finding, False
    m = _CAUSED_BY.match(text)
    if m is None:
        return None
    said = f"{m['who']} requires {m['dep']}" if m["who"] else f"the project requires {m['req']}"
    base = finding.fix if finding.fix.startswith(CONFLICT_FIX) else CONFLICT_FIX.rstrip(": ")
    joiner = "; " if "cannot hold together" in base or " requires " in base else ": "
    return finding._replace(fix=f"{base}{joiner}{said}"), True
