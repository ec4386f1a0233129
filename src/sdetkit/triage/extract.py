"""Findings from the candidate lines of a raw CI log (``sdetkit.triage.lines``), in bounded memory.

Each candidate line, already cleaned of CI prefixes, goes through the rules and signals that may
read it (those whose prefilter words it holds); pytest's sections and a rule's follow-up lines
carry a little state from line to line.
"""

from __future__ import annotations

import re

from sdetkit.triage import paths, registry
from sdetkit.triage.choice import Choice
from sdetkit.triage.finding import TriageFinding
from sdetkit.triage.lines import Candidate
from sdetkit.triage.repeats import Repeats, identity, node
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
        self.choice = Choice(self.causal, self.signals, self.weak, self.marked)
        self.success: str | None = None  # "source: line" of the first line that shows success
        self.headed = [r for r in self.rules if r.header]  # the few rules a header line names the file of
        self.log_names = tuple(dict.fromkeys(n for r in self.rules for n in r.log_names))
        self.findings: list[TriageFinding] = []
        self.by_test: dict[str, int] = {}
        self.known: dict[str, int] = {}  # identity of a failure -> its finding's index
        self.repeats = Repeats()
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
        lineno = candidate.lineno
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
        root = _ROOTDIR.match(text) if text.startswith("rootdir: ") else None
        if root:
            self.rootdir = root["root"].rstrip("/") + "/"
            return
        if self._pytest(lineno, text, candidate) or self._header(text):
            return
        readers = self.choice.readers(candidate.words)
        if (
            self._rule(readers.causal, lineno, text, candidate)
            or self._signal(readers.signals, lineno, text, candidate)
            or self._rule(readers.weak, lineno, text, candidate)
        ):
            return
        self._signal(readers.marked, lineno, text, candidate)

    def _rule(self, rules: list[Rule], lineno: int, text: str, candidate: Candidate) -> bool:
        for rule in rules:
            m = rule.pattern.search(text)
            if m:
                self._add(rule, m, lineno, text, candidate)
                return True
        return False

    def _signal(self, signals: list[Signal], lineno: int, text: str, candidate: Candidate) -> bool:
        """A line that proves the job failed (a finding of class ``unknown``) or passed (noted)."""
        if not signals:  # most lines hold no signal's words: no generator to start
            return False
        marks = candidate.marks
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
        groups = {k.rstrip("0123456789"): v for k, v in m.groupdict().items() if v}
        try:
            nxt = s.next.format(**groups)
        except (KeyError, IndexError):
            nxt = s.tool
        finding = TriageFinding(
            s.id, WRAPPER, classify(s, m), s.tool, text[:500], None, None, None, nxt, source, lineno, "", s.fix
        )
        self._append(None, finding, shown=(candidate, text))
        return True

    def _follow_up(self, text: str) -> bool:
        """A line that completes the open finding (its rule's ``follow`` says so)."""
        if self.following is None:
            return False
        follow, idx = self.following
        got = follow(self.findings[idx], text)
        if got is None:
            return False
        found, more = got
        self.findings[idx] = self._scrubbed(found)
        if not more:
            self.following = None
        return True

    def _header(self, text: str) -> bool:
        """A header line naming the file of a rule's findings after it (Jest's ``FAIL file``)."""
        for rule in self.headed:
            m = rule.header.match(text) if rule.header else None
            if m:
                self.header_files[rule.id] = m["file"]
                return True
        return False

    def _pytest(self, lineno: int, text: str, candidate: Candidate) -> bool:
        # Each pattern is tried only on a line starting with its first character: most lines start with none.
        block = _BLOCK.match(text) if text[0] == "=" else None
        if block:
            self.passes, self.section = block["name"] in _PASSING_BLOCKS, None
            return True
        sec = _SECTION.match(text) if text[0] == "_" else None
        if sec:
            self.following = None  # a new section: whatever was open before it is over
            name = sec["name"]
            titled = next(((r, m) for r in self.rules if r.section and (m := r.section.pattern.match(name))), None)
            self.section = None
            if titled and not self.passes:
                self._section(*titled, lineno, text)
            return True
        if self.section is None:
            e = _E_LINE.match(text) if text[0] == "E" else None
            if e and e["message"]:  # a section whose title a truncated paste cut off: its summary line places it
                self.orphans.setdefault(e["message"], lineno)
            return False
        kind, name, idx = self.section
        found = idx is not None and idx < len(self.findings)
        loc = _LOCATION.match(text)
        if loc:
            file, line = paths.relative(loc["file"], self.rootdir), int(loc["line"])
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
            self.findings[idx] = self.findings[idx]._replace(
                message=message, excerpt="\n".join([*candidate.before, text])
            )
            return True
        if message and kind == "test":
            # The section's first E line is the whole message; the summary line truncates it.
            self.messages.setdefault(name, message)
            if found and idx is not None:
                self.findings[idx] = self.findings[idx]._replace(message=self.messages[name])
            return True
        return False

    def _seen_again(self, failure: str, kind: str, idx: int | None) -> None:
        """One more line of ``kind`` reports ``failure``; its finding (if read already) counts it."""
        times = self.repeats.saw(failure, kind)
        if idx is not None and idx < len(self.findings):
            self.findings[idx] = self.findings[idx]._replace(occurrences=times)

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
            self._append(rule.follow, finding, "section")
            return
        # A test's section: the test's node id as pytest names it ("Class.test[param]" -> "Class::test[param]").
        head, bracket, params = groups["test"].partition("[")
        test_node = head.replace(".", "::") + bracket + params
        self.sections[test_node] = (lineno, None, None)
        linked = self.by_test.get(test_node)
        linked = next((i for t, i in self.by_test.items() if t.endswith("::" + test_node)), linked)
        if linked is not None:  # its -v line was read, or it ran (and failed) before: one more run of it
            self._seen_again("test " + test_node, "section", linked)
        elif len(self.findings) < MAX_FINDINGS:
            # No summary line named it yet (and a truncated log, -rN or a plugin's table may never do so):
            # the section alone is the failure. A summary line read later completes it.
            linked = len(self.findings)
            self.from_section.add(linked)
            nxt = f'python -m pytest -q -k "{head.split(".")[-1]}"'
            finding = TriageFinding(
                rule.id, rule.tier, rule.classification, rule.tool, message, None, None, test_node, nxt, source, lineno,
                text, rule.fix,
            )  # fmt: skip
            self._append(None, finding, "section")
        self.section = ("test", test_node, linked)

    def _scrubbed(self, finding: TriageFinding) -> TriageFinding:
        """One place for every rule, signal and follow-up line: no CI checkout folder in what the developer runs."""
        return finding._replace(
            next_command=paths.scrub(finding.next_command, self.rootdir),
            affected_file=finding.affected_file and paths.relative(finding.affected_file, self.rootdir),
            test_id=finding.test_id and paths.relative(finding.test_id, self.rootdir),
        )

    def _append(
        self, follow: Follow | None, finding: TriageFinding, kind: str = "", shown: tuple[Candidate, str] | None = None
    ) -> int | None:
        """Keep a new failure, or count one already kept again (``kind``: the kind of line, else the
        rule's id); the index of its finding, or None past the limit. ``shown``: the candidate and its
        text, whose lines become a new finding's excerpt (a repeat's are never decoded)."""
        kind = kind or finding.rule
        finding = self._scrubbed(finding)
        failure = identity(finding)
        if failure in self.known:  # the same failure again (a retry, another job): counted, not listed
            at = self.known[failure]
            self._seen_again(failure, kind, at)
            if self.section and self.section[0] == "collect":
                self.section = ("collect", self.section[1], at)
            return at
        if len(self.findings) >= MAX_FINDINGS:
            return None
        at = len(self.findings)
        self.known[failure] = at
        if shown is not None:
            candidate, text = shown
            finding = finding._replace(excerpt="\n".join(c for c in [*candidate.before, text] if c)[-1500:])
        if finding.test_id:
            self.by_test[finding.test_id] = at
        self.findings.append(finding._replace(occurrences=self.repeats.saw(failure, kind)))
        self.following = (follow, at) if follow else None
        if follow:
            self.section = None  # the lines after it are the new finding's, not an earlier section's
        return at

    def _add(self, rule: Rule, m: re.Match[str], lineno: int, text: str, candidate: Candidate) -> None:
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        matched = rule
        if rule.refine:
            rule = rule.refine(rule, groups, Seen(candidate.before, frozenset(self.tools_seen)))
        if rule.consequence_of:
            rule = self._consequence(rule)
        groups.setdefault("tool", rule.tool)
        for key in ("file", "test"):
            if groups.get(key):
                groups[key] = paths.relative(groups[key], self.rootdir)
        if rule.same_failure and (same := groups.get(rule.same_failure)) in self.by_test:
            self._seen_again("test " + node(same), rule.id, self.by_test[same])
            return
        test = groups.get("test")
        file = groups.get("file") or (test.split("::")[0] if test and "::" in test else None)
        if rule.header:
            file = self.header_files.get(rule.id)
        line = int(groups["line"]) if groups.get("line") else None
        position = lineno
        # A wrapper's own words ("Process completed with exit code 1.") are its message.
        message = text if rule.tier == WRAPPER else groups.get("message") or text
        section = self._section_for(test) if test and "::" in test else None
        if section is not None:
            position, crash_file, crash_line = section
            if crash_file == file and crash_line is not None:
                line = crash_line
        elif test and groups.get("message"):
            cut = groups["message"].strip().removesuffix("...")
            position = next((at for e, at in self.orphans.items() if cut and e.startswith(cut)), position)
        if test and node(test) in self.messages:
            message = self.messages[node(test)]  # the section's E line, not a truncated summary
        if test and test not in self.by_test and node(test) in self.by_test:
            self.by_test[test] = self.by_test[node(test)]  # a section without location named it first
        if test and self.by_test.get(test) in self.from_section:
            # The summary line of a test whose section was read first: one failure, now named by its summary.
            idx = self.by_test[test]
            self.from_section.discard(idx)
            self._seen_again("test " + node(test), rule.id, idx)
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
            self._seen_again("test " + node(test), rule.id, idx)
            if groups.get("message") and self.findings[idx].message.endswith(("FAILED", "ERROR", "%]")):
                self.findings[idx] = self.findings[idx]._replace(message=groups["message"].strip()[:500])
            return
        try:
            next_command = rule.next.format(**{"file": file, "test": test, **groups})
        except (KeyError, IndexError):
            next_command = matched.next
        at = self._append(
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
                excerpt="",
                fix=rule.fix,
            ),
            shown=(candidate, text),
        )
        if rule.undone_by is not None and at is not None:
            self.pending[at] = rule.undone_by  # until a later line undoes it (again, for a repeat)
            self.dropped.discard(at)

    def _consequence(self, rule: Rule) -> Rule:
        """``rule`` as the wrapper of an earlier, still standing failure it follows from (if there is one)."""
        cause = next(
            (f for i, f in enumerate(self.findings) if f.rule in rule.consequence_of and i not in self.dropped), None
        )
        if cause is None:
            return rule
        return rule._replace(tier=WRAPPER, classification=cause.classification, fix=cause.fix)

    def _section_for(self, test: str) -> tuple[int, str | None, int | None] | None:
        name = node(test)
        return self.sections.get(name) or self.sections.get(name.split("::")[-1])

    def ordered(self) -> list[TriageFinding]:
        """Causal findings first (earliest first), then weak ones, then wrappers."""
        kept = [f for i, f in enumerate(self.findings) if i not in self.dropped]
        return sorted(kept, key=lambda f: (f.tier, f.position))
