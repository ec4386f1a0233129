"""Extraction of findings from the candidate lines of a raw CI log (``sdetkit.triage.candidates``),
with bounded memory: the rules and signals read each line, and a few findings are kept.
"""

from __future__ import annotations

import re

from sdetkit.triage import registry
from sdetkit.triage.candidates import Candidate
from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.rule import CAUSAL, WRAPPER, Follow, Rule, Seen
from sdetkit.triage.signals import NOTICE, PASSED, Signal, classify

MAX_FINDINGS = 200

_SECTION = re.compile(r"^_{3,} (?P<name>\S.*?) _{3,}$")
# pytest's blocks ("=== FAILURES ===", "=== PASSES ==="); the sections in -rP's block of passes are no failures.
_BLOCK = re.compile(r"^=+ (?P<name>[A-Za-z][\w ]*?) =+$")
_PASSING_BLOCKS = ("PASSES",)
# A traceback's location in a section: "f.py:8: AssertionError", "f.py:7: in test_x", "f.py:7: " (long, inner)
_LOCATION = re.compile(r"^(?P<file>(?:[A-Za-z]:)?[^\s:]+\.py):(?P<line>\d+):(?: in \S+| \w+)?\s*$")
_E_LINE = re.compile(r"^(?:E\s+(?P<message>\S.*)|(?P<xpass>\[XPASS\(strict\)\].*))$")
# Checkout folders of common CI services: paths under them are made repository-relative.
_CI_ROOT = re.compile(
    r"^(?:/home/runner/work/[^/]+/[^/]+/|/github/workspace/|/builds/[^/]+/[^/]+/|/home/circleci/project/"
    r"|/var/lib/jenkins/workspace/[^/]+/|/bitbucket/pipelines/agent/build/|/workspace/"
    r"|/var/lib/buildkite-agent/builds/[^/]+/[^/]+/[^/]+/|/home/travis/build/[^/]+/[^/]+/)"
)
_ROOTDIR = re.compile(r"^rootdir: (?P<root>/\S+)")


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
        self.from_section: set[int] = set()  # findings a test's section made before any summary line named them
        self.pending: dict[int, re.Pattern[str]] = {}  # findings a later line may undo (``Rule.undone_by``)
        self.dropped: set[int] = set()
        self.orphans: dict[str, int] = {}  # E lines read outside any section -> their line
        self.passes = False  # inside pytest's block of passes (-rP): its sections are no failures
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
        for idx, undo in list(self.pending.items()):
            if undo.search(text):  # the step went on after a retry: the retry was no failure
                self.dropped.add(idx)
                del self.pending[idx]
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
        if s.outcome == NOTICE:
            return True
        try:
            nxt = s.next.format(**m.groupdict())
        except (KeyError, IndexError):
            nxt = s.next
        excerpt = "\n".join(c for c in [*before, text] if c)[-1500:]
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
        block = _BLOCK.match(text)
        if block:
            self.passes, self.section = block["name"] in _PASSING_BLOCKS, None
            return True
        sec = _SECTION.match(text)
        if sec:
            self.following = None  # a new section: whatever was open before it is over
            name = sec["name"]
            titled = next(((r, m) for r in self.rules if r.section and (m := r.section.pattern.match(name))), None)
            self.section = None
            if titled and not self.passes:
                self._section(*titled, lineno, text)
            return True
        if self.section is None:
            e = _E_LINE.match(text)
            if e and e["message"]:  # a section whose title a truncated paste cut off: its summary line places it
                self.orphans.setdefault(e["message"], lineno)
            return False
        kind, name, idx = self.section
        found = idx is not None and idx < len(self.findings)
        loc = _LOCATION.match(text)
        if loc:
            file, line = self._relative(loc["file"]), int(loc["line"])
            if kind == "test":
                self.sections[name] = (self.sections[name][0], file, line)
            if found and idx is not None:
                f = self.findings[idx]
                if f.affected_file is None:  # a section with no summary line: its first location names the test file
                    test = f"{file}::{name}"
                    self.by_test[test] = idx
                    f = f._replace(affected_file=file, test_id=test, next_command=f'python -m pytest -q "{test}"')
                self.findings[idx] = f._replace(line=line) if f.affected_file == file else f
            return True
        e = _E_LINE.match(text)
        message = e and (e["message"] or e["xpass"])
        if message and kind == "collect" and found and idx is not None:
            self.findings[idx] = self.findings[idx]._replace(message=message, excerpt="\n".join([*before, text]))
            return True
        if message and kind == "test":
            # The section's first E line is the whole message; the summary line truncates it.
            self.messages.setdefault(name, message)
            if found and idx is not None:
                self.findings[idx] = self.findings[idx]._replace(message=self.messages[name])
            return True
        return False

    def _section(self, rule: Rule, m: re.Match[str], lineno: int, text: str) -> None:
        """A pytest section whose title is a failure: a collection error (``file``) or a failed test (``test``)."""
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        message = rule.section.message.format(**groups) if rule.section else text
        source = f"{self.name}:{lineno}"
        if "file" in groups:
            path = groups["file"]
            self.section = ("collect", path, len(self.findings))
            nxt = rule.next.format(**{"tool": rule.tool, "test": path, **groups})
            finding = TriageFinding(
                rule.id, rule.tier, rule.classification, rule.tool, message, path, None, path, nxt, source, lineno,
                text, rule.fix,
            )  # fmt: skip
            self._append(rule.follow, finding)
            return
        # A test's section: the test's node id as pytest names it ("Class.test[param]" -> "Class::test[param]").
        head, bracket, params = groups["test"].partition("[")
        node = head.replace(".", "::") + bracket + params
        self.sections[node] = (lineno, None, None)
        linked = self.by_test.get(node)
        linked = next((i for t, i in self.by_test.items() if t.endswith("::" + node)), linked)
        if linked is None and len(self.findings) < MAX_FINDINGS:
            # No summary line named it yet (and a truncated log, -rN or a plugin's table may never do so):
            # the section alone is the failure. A summary line read later completes it.
            linked = len(self.findings)
            self.from_section.add(linked)
            nxt = f'python -m pytest -q -k "{head.split(".")[-1]}"'
            finding = TriageFinding(
                rule.id, rule.tier, rule.classification, rule.tool, message, None, None, node, nxt, source, lineno,
                text, rule.fix,
            )  # fmt: skip
            self._append(None, finding)
        self.section = ("test", node, linked)

    def _append(self, follow: Follow | None, finding: TriageFinding) -> None:
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
        section = self._section_for(test) if test and "::" in test else None
        if section is not None:
            position, crash_file, crash_line = section
            if crash_file == file and crash_line is not None:
                line = crash_line
        elif test and groups.get("message"):
            cut = groups["message"].strip().removesuffix("...")
            position = next((at for e, at in self.orphans.items() if cut and e.startswith(cut)), position)
        if test and self._node(test) in self.messages:
            message = self.messages[self._node(test)]  # the section's E line, not a truncated summary
        if test and test not in self.by_test and self._node(test) in self.by_test:
            self.by_test[test] = self.by_test[self._node(test)]  # a section without location named it first
        if test and self.by_test.get(test) in self.from_section:
            # The summary line of a test whose section was read first: one failure, now named by its summary.
            idx = self.by_test[test]
            self.from_section.discard(idx)
            found = self.findings[idx]
            self.findings[idx] = found._replace(
                rule=rule.id,
                source=f"{self.name}:{lineno}",
                affected_file=file,
                test_id=test,
                line=found.line if found.affected_file == file else line,
                next_command=rule.next.format(**{"file": file, **groups}),
            )
            return
        if test and test in self.by_test:
            idx = self.by_test[test]  # a -v progress line and the summary describe one failure
            if groups.get("message") and self.findings[idx].message.endswith(("FAILED", "ERROR", "%]")):
                self.findings[idx] = self.findings[idx]._replace(message=groups["message"].strip()[:500])
            return
        try:
            next_command = rule.next.format(**{"file": file, "test": test, **groups})
        except (KeyError, IndexError):
            next_command = matched.next
        if rule.undone_by is not None:
            self.pending[len(self.findings)] = rule.undone_by
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
        # Windows separators, and the "...\\" an 80-column summary puts where it cut a long path
        path = path.replace("\\", "/").removeprefix(".../").removeprefix("./")
        if not path.startswith("/"):
            return path
        if self.rootdir and path.startswith(self.rootdir):
            return path[len(self.rootdir) :]
        m = _CI_ROOT.match(path)
        return path[m.end() :].removeprefix("./") if m else path

    @staticmethod
    def _node(test: str) -> str:
        return test.split("::", 1)[1] if "::" in test else test

    def _section_for(self, test: str) -> tuple[int, str | None, int | None] | None:
        node = self._node(test)
        return self.sections.get(node) or self.sections.get(node.split("::")[-1])

    def ordered(self) -> list[TriageFinding]:
        """Causal findings first (earliest first), then weak ones, then wrappers."""
        kept = [f for i, f in enumerate(self.findings) if i not in self.dropped]
        return sorted(kept, key=lambda f: (f.tier, f.position))
