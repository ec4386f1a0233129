"""Streaming extraction of findings from a raw CI log with bounded memory.

The log is read in blocks; one prefilter regex over the raw bytes finds the few lines any rule
or signal could match, so the bulk of a large log is never split into Python strings. Only
matched lines (and a few lines of context) are decoded, cleaned of CI prefixes by the one
normaliser (``sdetkit.triage.prefixes``) and run through the rules and signals.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO, NamedTuple

from sdetkit.errors import InputError
from sdetkit.triage import paths, registry
from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.prefixes import clean, normalise
from sdetkit.triage.rule import CAUSAL, WRAPPER, Follow, Rule, Seen
from sdetkit.triage.signals import PASSED, Signal, classify

BLOCK = 8 << 20
MAX_LINE = 64 << 10
MAX_FINDINGS = 200
CONTEXT = 3

_SECTION = re.compile(r"^_{3,} (?P<name>\S.*?) _{3,}$")
_CRASH = re.compile(r"^(?P<file>[^\s:]+\.py):(?P<line>\d+): (?P<exc>\w+)$")
_E_LINE = re.compile(r"^E\s+(?P<message>\S.*)$")
_ROOTDIR = re.compile(r"^rootdir: (?P<root>/\S+)")
_IN_MODULE = re.compile(r"^(?P<file>[^\s:]+\.py):(?P<line>\d+): in <module>$")


class Candidate(NamedTuple):
    """A line the prefilter let through, normalised, with the normalised lines just before it."""

    lineno: int  # the line's number in the log as given (prefixes do not change it)
    text: str
    before: list[str]
    marks: frozenset[str]  # what the prefixes stripped from it meant (``##[error]``: "error")


def _decode(raw: bytes, name: str, lineno: int) -> str:
    if b"\x00" in raw:
        raise InputError(f"{name}: binary data (NUL byte) at line {lineno}; not a text log")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text at line {lineno} (byte {exc.start} of the line)") from exc


def candidate_lines(stream: BinaryIO, name: str) -> Iterator[Candidate]:
    """Every line the prefilter lets through, in order."""
    lineno_base = 1  # number of the first line of ``buf``
    buf = b""
    saw_data = False
    while True:
        block = stream.read(BLOCK)
        if block:
            saw_data = saw_data or bool(block.strip())
            if b"\x00" in block:
                at = lineno_base + buf.count(b"\n") + block[: block.index(b"\x00")].count(b"\n")
                raise InputError(f"{name}: binary data (NUL byte) at line {at}; not a text log")
        data = buf + block
        if block:
            cut = data.rfind(b"\n") + 1
            if cut == 0 and len(data) < 4 * BLOCK:
                buf = data
                continue
            if cut == 0:
                cut = len(data)  # an absurdly long line: cut it
            chunk, buf = data[:cut], data[cut:]
        else:
            chunk, buf = data, b""
        try:
            chunk.decode("utf-8")  # the whole log must be text, not only the lines we look at
        except UnicodeDecodeError as exc:
            at = lineno_base + chunk.count(b"\n", 0, exc.start)
            raise InputError(f"{name}: not UTF-8 text at line {at}") from exc
        counted, counted_at = 0, 0
        for start in _candidate_starts(chunk):
            end = chunk.find(b"\n", start)
            end = len(chunk) if end < 0 else end
            counted += chunk.count(b"\n", counted_at, start)
            counted_at = start
            lineno = lineno_base + counted
            ctx_start = start
            for _ in range(CONTEXT):
                ctx_start = chunk.rfind(b"\n", 0, max(ctx_start - 1, 0)) + 1 if ctx_start > 0 else 0
            before = [clean(_decode(x, name, lineno)) for x in chunk[ctx_start:start].split(b"\n")[:-1]][-CONTEXT:]
            text, marks = normalise(_decode(chunk[start:end][:MAX_LINE], name, lineno))
            yield Candidate(lineno, text, before, marks)
        lineno_base += chunk.count(b"\n")
        if not block:
            break
    if not saw_data:
        raise InputError(f"{name}: empty log")


def _candidate_starts(chunk: bytes) -> list[int]:
    """Offsets of the lines of ``chunk`` that contain any prefilter pattern, in order."""
    starts: set[int] = set()
    for pattern in registry.prefilters():
        for m in pattern.finditer(chunk):
            starts.add(chunk.rfind(b"\n", 0, m.start()) + 1)
    return sorted(starts)


class Extractor:
    """Feeds candidate lines through the rules and signals and keeps the findings (bounded).

    A line is read by the first that matches of: a causal rule, a signal, a weak rule, a signal
    that needs only a prefix's mark. A failure signal is a WRAPPER finding of class ``unknown``; a
    success signal is only noted (``success``).

    pytest gets a little state: it prints a failure's section (header, E lines, crash location)
    before its one-line summary, and a collection error's section names the module and the cause.
    Everything specific to one rule (its merges, header lines, continuation lines) is declared on
    the rule; this class only calls it.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.rules = registry.all_rules()  # fixed for one log, even if the registry changes meanwhile
        self.causal = [r for r in self.rules if r.tier == CAUSAL]
        self.weak = [r for r in self.rules if r.tier != CAUSAL]
        self.signals = [s for s in registry.all_signals() if not s.mark]
        self.marked = [s for s in registry.all_signals() if s.mark]
        self.success: str | None = None  # "source: line" of the first line that shows success
        self.log_names = tuple(dict.fromkeys(n for r in self.rules for n in r.log_names))
        self.findings: list[TriageFinding] = []
        self.by_test: dict[str, int] = {}
        self.sections: dict[str, tuple[int, str | None, int | None]] = {}  # test -> (line, crash file, crash line)
        self.section: tuple[str, str, int | None] | None = None  # pytest (kind, name, finding index)
        self.following: tuple[Follow, int] | None = None  # the open finding's rule reads the lines after it
        self.tools_seen: set[str] = set()
        self.messages: dict[str, str] = {}  # test section -> its first E line
        self.rootdir: str | None = None  # from pytest's "rootdir:" line
        self.header_files: dict[str, str] = {}  # rule id -> the file its last header line named

    def feed(self, candidate: Candidate) -> None:
        """Read one candidate line."""
        lineno, before = candidate.lineno, candidate.before
        text = candidate.text.strip()
        if not text:
            return
        for tool in self.log_names:
            if tool in text:
                self.tools_seen.add(tool)
        if self._follow_up(text):
            return
        root = _ROOTDIR.match(text)
        if root:
            self.rootdir = root["root"].rstrip("/") + "/"
            return
        if self._pytest(lineno, text, before) or self._header(text):
            return
        if (
            self._rule(self.causal, lineno, text, before)
            or self._signal(self.signals, lineno, text, before, candidate.marks)
            or self._rule(self.weak, lineno, text, before)
        ):
            return
        self._signal(self.marked, lineno, text, before, candidate.marks)

    def _rule(self, rules: list[Rule], lineno: int, text: str, before: list[str]) -> bool:
        for rule in rules:
            m = rule.pattern.search(text)
            if m:
                self._add(rule, m, lineno, [*before, text])
                return True
        return False

    def _signal(self, signals: list[Signal], lineno: int, text: str, before: list[str], marks: frozenset[str]) -> bool:
        """A line that proves the job failed (a finding of class ``unknown``) or passed (noted)."""
        found = next(
            ((s, m) for s in signals if (not s.mark or s.mark in marks) and (m := s.pattern.search(text))), None
        )
        if found is None:
            return False
        s, m = found
        source = f"{self.name}:{lineno}"
        if s.outcome == PASSED:
            self.success = self.success or f"{source}: {text}"
            return True
        excerpt = "\n".join(c for c in [*before, text] if c)[-1500:]
        groups = {k.rstrip("0123456789"): v for k, v in m.groupdict().items() if v}
        try:
            nxt = s.next.format(**groups)
        except (KeyError, IndexError):
            nxt = s.tool
        finding = TriageFinding(
            s.id, WRAPPER, classify(s, m), s.tool, text[:500], None, None, None, nxt, source, lineno, excerpt, s.fix
        )
        self._append(None, finding)
        return True

    def _follow_up(self, text: str) -> bool:
        """A line that completes the open finding (its rule's ``follow`` says so)."""
        if self.following is None:
            return False
        follow, idx = self.following
        got = follow(self.findings[idx], text)
        if got is None:
            return False
        self.findings[idx], more = got
        if not more:
            self.following = None
        return True

    def _header(self, text: str) -> bool:
        """A header line naming the file of a rule's findings after it (Jest's ``FAIL file``)."""
        for rule in self.rules:
            m = rule.header.match(text) if rule.header else None
            if m:
                self.header_files[rule.id] = m["file"]
                return True
        return False

    def _pytest(self, lineno: int, text: str, before: list[str]) -> bool:
        sec = _SECTION.match(text)
        if sec:
            self.following = None  # a new section: whatever was open before it is over
            name = sec["name"]
            titled = next(((r, m) for r in self.rules if r.section and (m := r.section.pattern.match(name))), None)
            if titled:
                rule, m = titled
                path = m["file"]
                self.section = ("collect", path, len(self.findings))
                self._append(
                    rule.follow,
                    TriageFinding(
                        rule.id,
                        rule.tier,
                        rule.classification,
                        rule.tool,
                        rule.section.message.format(**m.groupdict()) if rule.section else "",
                        path,
                        None,
                        path,
                        rule.next.format(**{"tool": rule.tool, "test": path, **m.groupdict()}),
                        f"{self.name}:{lineno}",
                        lineno,
                        text,
                        rule.fix,
                    ),
                )
            elif name.split()[0] in ("FAILURES", "ERRORS", "short", "warnings", "PASSES"):
                self.section = None
            else:
                node = name.replace(".", "::")
                self.sections[node] = (lineno, None, None)
                linked = next((i for t, i in self.by_test.items() if t.endswith("::" + node)), None)
                self.section = ("test", node, linked)
            return True
        if self.section is None:
            return False
        kind, name, idx = self.section
        crash = _CRASH.match(text) or _IN_MODULE.match(text)
        if crash:
            line = int(crash["line"])
            if kind == "test":
                start, _, _ = self.sections[name]
                self.sections[name] = (start, crash["file"], line)
            if idx is not None and idx < len(self.findings) and self.findings[idx].affected_file == crash["file"]:
                self.findings[idx] = self.findings[idx]._replace(line=line)
            return True
        e = _E_LINE.match(text)
        if e and kind == "collect" and idx is not None and idx < len(self.findings):
            self.findings[idx] = self.findings[idx]._replace(message=e["message"], excerpt="\n".join([*before, text]))
            return True
        if e and kind == "test":
            # The section's first E line is the whole message; the summary line truncates it.
            self.messages.setdefault(name, e["message"])
            if idx is not None and idx < len(self.findings):
                self.findings[idx] = self.findings[idx]._replace(message=self.messages[name])
            return True
        return False

    def _append(self, follow: Follow | None, finding: TriageFinding) -> None:
        # One place for every rule and signal: no CI checkout folder in what the developer runs.
        finding = finding._replace(
            next_command=paths.scrub(finding.next_command, self.rootdir),
            affected_file=finding.affected_file and self._relative(finding.affected_file),
            test_id=finding.test_id and self._relative(finding.test_id),
        )
        if len(self.findings) < MAX_FINDINGS:
            if finding.test_id:
                self.by_test[finding.test_id] = len(self.findings)
            self.findings.append(finding)
            self.following = (follow, len(self.findings) - 1) if follow else None
            if follow:
                self.section = None  # the lines after it are the new finding's, not an earlier section's

    def _add(self, rule: Rule, m: re.Match[str], lineno: int, context: list[str]) -> None:
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        matched = rule
        if rule.refine:
            rule = rule.refine(rule, groups, Seen(context[:-1], frozenset(self.tools_seen)))
        groups.setdefault("tool", rule.tool)
        for key in ("file", "test"):
            if groups.get(key):
                groups[key] = self._relative(groups[key])
        if rule.same_failure and groups.get(rule.same_failure) in self.by_test:
            return
        test = groups.get("test")
        file = groups.get("file") or (test.split("::")[0] if test and "::" in test else None)
        if rule.header:
            file = self.header_files.get(rule.id)
        line = int(groups["line"]) if groups.get("line") else None
        position = lineno
        # A wrapper's own words ("Process completed with exit code 1.") are its message.
        message = context[-1] if rule.tier == WRAPPER else groups.get("message") or context[-1]
        if test and "::" in test:
            section = self._section_for(test)
            if section is not None:
                position, crash_file, crash_line = section
                if crash_file == file and crash_line is not None:
                    line = crash_line
        if test and self._node(test) in self.messages:
            message = self.messages[self._node(test)]  # the section's E line, not a truncated summary
        if test and test in self.by_test:
            idx = self.by_test[test]  # a -v progress line and the summary describe one failure
            if groups.get("message") and self.findings[idx].message.endswith(("FAILED", "ERROR", "%]")):
                self.findings[idx] = self.findings[idx]._replace(message=groups["message"].strip()[:500])
            return
        try:
            next_command = rule.next.format(**{"file": file, "test": test, **groups})
        except (KeyError, IndexError):
            next_command = matched.next
        self._append(
            rule.follow,
            TriageFinding(
                rule=rule.id,
                tier=rule.tier,
                classification=rule.classification,
                tool=rule.tool,
                message=message.strip()[:500],
                affected_file=file,
                line=line,
                test_id=test if test and "::" in test else None,
                next_command=next_command,
                source=f"{self.name}:{lineno}",
                position=position,
                excerpt="\n".join(c for c in context if c)[-1500:],
                fix=rule.fix,
            ),
        )

    def _relative(self, path: str) -> str:
        return paths.relative(path, self.rootdir)

    @staticmethod
    def _node(test: str) -> str:
        return test.split("::", 1)[1] if "::" in test else test

    def _section_for(self, test: str) -> tuple[int, str | None, int | None] | None:
        node = self._node(test)
        return self.sections.get(node) or self.sections.get(node.split("::")[-1])

    def ordered(self) -> list[TriageFinding]:
        """Causal findings first (earliest first), then weak ones, then wrappers."""
        return sorted(self.findings, key=lambda f: (f.tier, f.position))
