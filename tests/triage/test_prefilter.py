"""The one-pass prefilter: RE2 reads every word as Python's re does, finds the lines re would, and
calls a log binary or not UTF-8 exactly when Python's decoder would."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.triage import registry
from sdetkit.triage.lines import candidate_lines
from sdetkit.triage.prefilter import Prefilter, posix_ere
from sdetkit.triage.prefixes import normalise
from sdetkit.triage.rule import rule
from tests.triage.test_rules import CORPUS
from tests.triage.test_rules import EXAMPLES as RULE_EXAMPLES
from tests.triage.test_signals import EXAMPLES as SIGNAL_EXAMPLES

EXAMPLE_LINES = [line.encode() for log in [*(v[0] for v in RULE_EXAMPLES.values()), *SIGNAL_EXAMPLES.values()]
                 for line in log.splitlines()]  # fmt: skip


def _latin1() -> re2.Options:
    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    return options


@pytest.mark.parametrize("word", registry.words(), ids=repr)
def test_every_word_means_the_same_in_re2_and_re(word: bytes) -> None:
    """On every rule's and signal's example line, RE2 finds what re finds, at the same place."""
    ours, theirs = re.compile(word), re2.compile(word, _latin1())
    for line in EXAMPLE_LINES:
        mine, other = ours.search(line), theirs.search(line)
        assert (mine and mine.span()) == (other and other.span()), line


def test_a_word_re2_cannot_read_is_refused_at_registration() -> None:
    lookbehind = rule("lb", "x", "unknown", r"boom", "x", words=(rb"(?<=a)boom",), fix="x")
    with pytest.raises(ValueError, match=r"triage rule 'lb': prefilter word .*not RE2 syntax"):
        registry.register(lookbehind)
    assert "lb" not in [r.id for r in registry.all_rules()]


def test_every_example_line_holds_its_own_readers_words() -> None:
    """A line is tried only by the rules and signals whose words it holds: each example line holds its own."""
    by_id = {r.id: r.words for r in registry.all_rules()} | {s.id: s.words for s in registry.all_signals()}
    logs = {**{k: v[0] for k, v in RULE_EXAMPLES.items()}, **SIGNAL_EXAMPLES}
    missing = []
    patterns = {r.id: r.pattern for r in registry.all_rules()} | {s.id: s.pattern for s in registry.all_signals()}
    for reader, log in logs.items():
        # the line the reader's own pattern reads (a rule's follow-up lines after it are not its own)
        lines = [
            c for c in candidate_lines(io.BytesIO(log.encode()), "ci.log") if patterns[reader].search(c.text.strip())
        ]
        if not lines or lines[-1].words is None or lines[-1].words.isdisjoint(by_id[reader]):
            missing.append(reader)
    assert missing == []


def test_every_golden_line_a_reader_matches_holds_one_of_its_words() -> None:
    """The contract the prefilter relies on (``Rule.words``), checked on every line of the corpus."""
    readers: list[tuple[str, re.Pattern[str], str, tuple[bytes, ...]]] = [
        *((r.id, r.pattern, "", r.words) for r in registry.all_rules()),
        *((s.id, s.pattern, s.mark, s.words) for s in registry.all_signals()),
    ]
    broken = set()
    for case in (p for p in CORPUS.iterdir() if (p / "input.log").is_file()):
        for raw in (case / "input.log").read_bytes().splitlines():
            text, marks = normalise(raw.decode())
            for reader, pattern, mark, words in readers:
                reads = (not mark or mark in marks) and pattern.search(text.strip())
                if reads and not any(re.search(w, raw) for w in words):
                    broken.add((reader, case.name))
    assert sorted(broken) == []


# ASCII, words (one of them non-ASCII), valid UTF-8, and broken sequences: a lone continuation
# byte, cut sequences, a surrogate, an overlong form, a code point above U+10FFFF, a byte never used.
VALID = [
    b"a",
    b" ",
    b"\n",
    b"FAIL",
    b"ERROR",
    b"rror",
    b"\xe2\x97\x8f",
    b"\xe2\x9c\x93",
    b"\xc3\xa9",
    b"\xf0\x9f\x9a\xa8",
]
BROKEN = [b"\x80", b"\xc3", b"\xe2\x97", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xff"]
TOKENS = VALID + BROKEN
texts = st.lists(st.sampled_from(TOKENS), max_size=40).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_invalid_utf8_is_found_exactly_when_python_cannot_decode(text: bytes) -> None:
    found = registry.prefilter().scan(text)
    assert found.nul is None
    try:
        text.decode("utf-8")
    except UnicodeDecodeError as exc:
        assert found.invalid is not None
        assert text.count(b"\n", 0, found.invalid) == text.count(b"\n", 0, exc.start)  # the same line
    else:
        assert found.invalid is None


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_a_nul_byte_is_found_wherever_it_is(head: bytes, tail: bytes) -> None:
    text = head + b"\x00" + tail
    assert registry.prefilter().scan(text).nul == text.index(b"\x00")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b" ", b"\n", b"FAIL", b"AIL", b"exit", b"\xe2\x9c\x93", b"\xe2\x97\x8f", b"ok"]),
                max_size=40).map(b"".join))  # fmt: skip
def test_candidates_are_the_lines_python_re_would_find(text: bytes) -> None:
    words = (rb"FAIL", rb"exit\b", b"\xe2\x97\x8f")
    prefilter = Prefilter(words)
    starts = [i for i, line in _lines(text) if any(re.search(w, line) for w in words)]
    assert prefilter.scan(text).starts == starts
    for _, line in _lines(text):
        assert prefilter.words_in(line) == {w for w in words if re.search(w, line)}


def _lines(text: bytes) -> list[tuple[int, bytes]]:
    out, at = [], 0
    for line in text.split(b"\n"):
        out.append((at, line))
        at += len(line) + 1
    return out


def test_a_line_of_only_valid_non_ascii_text_is_no_candidate(tmp_path: Path) -> None:
    log = "  \u2713 built in 0.2s \u2014 cached\nFAILED tests/test_a.py::test_b - x\n"
    assert [c.lineno for c in candidate_lines(io.BytesIO(log.encode()), "ci.log")] == [2]


def test_passing_lines_that_only_name_failure_words_are_no_candidates() -> None:
    """Words are the text a pattern requires ("error: ", "exit code"), not fragments every test name holds."""
    log = (
        "test_error_message (tests.test_cli.CliTest.test_error_message) ... ok\n"
        "tests/test_exit_code.py::test_exit_code_is_zero PASSED     [ 25%]\n"
        "test_successes_are_counted (tests.test_report.ReportTest.test_successes_are_counted) ... ok\n"
        "tests/test_upload.py::test_failed_upload_is_retried PASSED     [ 50%]\n"
        "tests/test_net.py::test_timeout_is_honoured \x1b[32mPASSED\x1b[0m     [ 75%]\n"
        "FAILED tests/test_upload.py::test_resume - AssertionError: assert 2 == 3\n"
    )
    assert [c.lineno for c in candidate_lines(io.BytesIO(log.encode()), "ci.log")] == [6]


needs_grep = pytest.mark.skipif(shutil.which("grep") is None, reason="needs grep")
EXTRA_WORDS = [rb"(?i:sEgV)\s+\w+", rb"(?P<code>\d{3}) [^\sx]+?!", rb"a\b", rb"(?:x|y)\x41[\x41-\x43]", rb"\(\d\)\.\*"]
EXTRA_LINES = [b"segv  core", b"SEGV x", b"503 Nope!", b"503 xx!", b"ca b", b"cab", b"xA", b"yC", b"(1).*", b"(1)x*"]


@needs_grep
@pytest.mark.parametrize("word", [*registry.words(), *EXTRA_WORDS], ids=repr)
def test_posix_ere_finds_the_lines_re_finds(word: bytes, tmp_path: Path) -> None:
    """grep -E with the converted word matches exactly the example lines that re matches."""
    lines = [line for line in [*EXAMPLE_LINES, *EXTRA_LINES] if line.strip()]
    log = tmp_path / "lines.log"
    log.write_bytes(b"\n".join(lines) + b"\n")
    run = subprocess.run(
        ["grep", "-n", "-E", "-e", posix_ere(word), str(log)], capture_output=True, env={"LC_ALL": "C"}, check=False
    )
    assert run.returncode in (0, 1), run.stderr
    by_grep = [int(hit.split(b":", 1)[0]) for hit in run.stdout.splitlines()]
    assert by_grep == [n for n, line in enumerate(lines, 1) if re.search(word, line)]


@pytest.mark.parametrize("word", [rb"a(?=b)", rb"(?<!x)y", rb"(a)\1", rb"\Aa", rb"[\]]"])
def test_posix_ere_refuses_what_it_cannot_say(word: bytes) -> None:
    with pytest.raises(ValueError, match="no POSIX ERE"):
        posix_ere(word)


def test_lines_holding_the_same_words_share_one_set_and_others_get_their_own() -> None:
    prefilter = Prefilter((rb"FAIL", rb"exit\b"))
    first = prefilter.words_in(b"FAIL one exit")
    assert first == {b"FAIL", rb"exit\b"}
    assert prefilter.words_in(b"exit FAIL two") is first  # made once, whatever order RE2 answers in
    assert prefilter.words_in(b"FAIL only") == {b"FAIL"}
    assert prefilter.words_in(b"nothing") == frozenset()
