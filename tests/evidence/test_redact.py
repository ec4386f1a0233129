"""evidence/redact.py: secrets are masked and nothing else is; stable mode masks each volatile value
(one case per pattern, with a near miss it must leave alone) and keeps the evidence around it."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.evidence.redact import MASK, VOLATILE, clean, redact, stabilise, tail

# Redaction --------------------------------------------------------------------------------------

# Evidence: what a failing run of pytest, mypy, ruff or build shows that is the same in every run.
_word = st.sampled_from(["auth", "token", "secret", "api_key", "password", "key", "login", "user", "models"])
_name = st.builds(lambda a, b: f"{a}_{b}", _word, _word)
_path = st.builds(
    lambda d, n, ext: f"{d}/{n}.{ext}",
    st.sampled_from(["src/app", "tests", "src/auth", "tests/secret", "src/app/token", "C:/ci/src"]),
    _name,
    st.sampled_from(["py", "pyi", "toml", "cfg"]),
)
_num = st.integers(min_value=1, max_value=99_999)
_sha = st.text("0123456789abcdef", min_size=40, max_size=40)
_version = st.builds(lambda a, b, c: f"{a}.{b}.{c}", _num, _num, _num)
_node = st.builds(
    lambda p, cls, fn, param: f"{p}::Test{cls.title()}::test_{fn}[{param}]",
    _path,
    _word,
    _name,
    st.sampled_from(["api_key-1", "token-expired", "password0", "secret:abc", "bearer"]),
)
EVIDENCE = st.one_of(
    st.builds(lambda p, n: f"{p}:{n}: AssertionError", _path, _num),
    st.builds(lambda p, n, c, r: f"{p}:{n}:{c}: {r} line too long (121 > 120)", _path, _num, _num, _word),
    st.builds(lambda p, n, w: f'{p}:{n}: error: Name "{w}" is not defined  [name-defined]', _path, _num, _word),
    st.builds(lambda p, n, w: f'  File "{p}", line {n}, in test_{w}', _path, _num, _name),
    st.builds(lambda node: f"FAILED {node} - assert 3 == 4", _node),
    st.builds(lambda node: f"{node} PASSED", _node),
    st.builds(lambda sha: f"HEAD is now at {sha[:7]}; commit {sha}", _sha),
    st.builds(lambda w, v: f"{w}-{v} installed; Python {v}, pytest-9.0.3", _name, _version),
    st.builds(lambda w, a, b: f"E       assert {w}({a}) == {b}", _name, _num, _num),
    st.builds(lambda w: f"    def test_{w}({w}: str, timeout: int = 5) -> None:", _name),
    st.builds(lambda w: f"        {w} = make_{w}()", _name),
    st.builds(lambda w: f"        validator.validate_{w} = self._mocked_validate_{w}", _name),
    st.builds(lambda w: f"E       assert {w} == expected_{w}", _name),
    st.builds(lambda w, sha: f"See https://github.com/org/{w}-service/commit/{sha}", _name, _sha),
    st.builds(lambda w: f"Tests the basic functionality of {w}", _name),
)


@settings(max_examples=300, deadline=None)
@given(EVIDENCE)
def test_redaction_leaves_a_line_without_a_secret_unchanged(line: str) -> None:
    assert redact(line, {"HOME": "/home/ci", "CI": "true"}) == line


def test_the_auth_file_name_is_not_a_secret_key() -> None:
    line = "tests/test_auth.py:273: AssertionError"
    assert redact(line, {}) == line  # it once read tests/test_auth.py:[REDACTED]


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("remote: ghp_" + "a1B2" * 9, "ghp_"),
        ("GH_TOKEN=github_pat_11ABCDEFG0123456789_abcdefghijkl", "github_pat_"),
        ("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI"),
        ("login with password=hunter22", "hunter22"),
        ('{"user": "ci", "password": "hunter22"}', "hunter22"),
        ("--db-password=hunter22 --verbose", "hunter22"),
        ("X-Auth-Token: 9f8e7d6c5b4a", "9f8e7d6c5b4a"),
        ("apiKey: 'k3y-v4lue-0001'", "k3y-v4lue-0001"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload", "eyJhbGciOiJIUzI1NiJ9"),
        ('curl -H "Authorization: token 0123456789abcdef"', "0123456789abcdef"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("sent bearer abc.def.ghi123", "abc.def.ghi123"),
        ("pip install -i https://deploy:s3cr3tpw@pypi.example.com/simple pkg", "s3cr3tpw"),
        ("connecting to redis://:hunter22@localhost:6379/0", "hunter22"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"),
    ],
)
def test_real_secrets_are_masked(text: str, secret: str) -> None:
    out = redact(text, {})
    assert secret not in out
    assert MASK in out


def test_the_label_of_a_masked_value_stays() -> None:
    assert redact("password=hunter22", {}) == f"password={MASK}"
    assert redact("Authorization: Bearer abcdef123456", {}) == f"Authorization: Bearer {MASK}"
    assert redact("https://u:pw@host/x", {}) == f"https://{MASK}@host/x"


def test_values_of_secret_environment_variables_are_removed() -> None:
    env = {"PYPI_API_TOKEN": "pypi-AgEIcHlwaS5vcmc", "DEPLOY_TOKEN": "s3cr3t-value"}
    assert redact("uploading with pypi-AgEIcHlwaS5vcmc", env) == f"uploading with {MASK}"
    assert redact("deploying with s3cr3t-value", env) == f"deploying with {MASK}"


def test_environment_variables_about_secrets_are_not_secrets() -> None:
    env = {"PASSWORD_STORE_DIR": "/home/ci/.password-store", "TOKENIZERS_PARALLELISM": "disabled"}
    line = "reading /home/ci/.password-store with tokenizers disabled"
    assert redact(line, env) == line


# Stable mode ------------------------------------------------------------------------------------

PATTERNS = {v.name: v for v in VOLATILE}

# (pattern, a value it must mask, the stable form, a near miss that must stay as it is)
CASES = [
    (
        "pytest-tmp",
        "tmp_path = PosixPath('/tmp/pytest-of-ci/pytest-17/test_upload0')",
        "tmp_path = PosixPath('<tmp>/test_upload0')",
        "wrote /srv/pytest-data/run-17/test_upload0/out.txt",
    ),
    (
        "pytest-tmp",
        r"C:\Users\ci\AppData\Local\Temp\pytest-of-ci\pytest-3\test_a0\x.txt",
        r"<tmp>\test_a0\x.txt",
        r"C:\src\pytest-plugins\tests\test_a.py",
    ),
    ("mkdtemp", "copied to /tmp/tmpk3j_x9qa/pkg-1.0.whl", "copied to <tmp>/pkg-1.0.whl", "/tmp/tmpfiles/cache.db"),
    (
        "mkdtemp",
        "* Creating isolated environment: /tmp/build-env-q1w2e3r4",
        "* Creating isolated environment: <tmp>",
        "* Building wheel in /tmp/build-output",
    ),
    ("timestamp", "2026-03-01 10:04:59,123 INFO start", "<time> INFO start", "released on 2026-03-01"),
    (
        "duration",
        "2 failed, 5 passed in 61.02s (0:01:01)",
        "2 failed, 5 passed in <duration>",
        "tests/test_timeout_5s.py::test_waits_2s_then_3x PASSED",
    ),
    ("clock", "[10:04:59] worker ready", "[<time>] worker ready", "src/app.py:12:34: E501 line too long"),
    (
        "address",
        "assert <app.Session object at 0x7f3a9c2b1d60> is None",
        "assert <app.Session object at <addr>> is None",
        "assert 0xdeadbeef == 0xcafef00d",
    ),
    (
        "address",
        "Current thread 0x00007f3a9d8e1740 (most recent call first):",
        "Current thread <addr> (most recent call first):",
        "HEAD is now at 3f2a9c1 (0x1f flags)",
    ),
    (
        "mock-id",
        "<MagicMock name='client.get' id='140213522315536'>",
        "<MagicMock name='client.get' id='<addr>'>",
        "Item(id='42')",
    ),
    (
        "port",
        "ConnectionRefusedError: [Errno 111] 127.0.0.1:44324",
        "ConnectionRefusedError: [Errno 111] 127.0.0.1:<port>",
        "GET http://localhost:8080/health 200",
    ),
    ("port", "serving on http://[::1]:51234/", "serving on http://[::1]:<port>/", "postgresql://db.internal:5432/app"),
    (
        "port-tuple",
        "<socket.socket fd=7, family=2, type=1, proto=0, laddr=('127.0.0.1', 51234)>",
        "<socket.socket fd=7, family=2, type=1, proto=0, laddr=('127.0.0.1', <port>)>",
        "server.bind(('0.0.0.0', 8000))",
    ),
    ("seed", "Using --randomly-seed=3405691582", "Using --randomly-seed=<seed>", "seed_count=3 reseed=5"),
    (
        "seed",
        "You can add @seed(302934307671667531745680586572287416010) to this test",
        "You can add @seed(<seed>) to this test",
        "hypothesis-6.100.0, randomly-3.15.0",
    ),
    (
        "hypothesis-blob",
        "@reproduce_failure('6.100.0', b'AXicY2BkYGBgAAAABgAC')",
        "@reproduce_failure('6.100.0', <seed>)",
        "run with @reproduce_failure to replay it",
    ),
    ("pid", "worker exited (pid 48213)", "worker exited (pid <pid>)", "rapid retry 3, pidfile 7"),
    (
        "uuid",
        "request_id=0d135c42-cded-4b9f-ade6-9be08aa99aea",
        "request_id=<uuid>",
        "namespace 886313e1-3b8a-5372-9b90-0c9aee199e5d",  # uuid5: the same in every run
    ),
    (
        "thread-repr",
        "<Thread(worker, started daemon 140213498771136)>",
        "<Thread(worker, started daemon <thread>)>",
        "started 3 workers",
    ),
    (
        "thread-repr",
        "E   AssertionError: <Thread(Thread-1 (sleep), stopped 140213498771136)> left 2 entries",
        "E   AssertionError: <Thread(Thread-1 (sleep), stopped <thread>)> left 2 entries",
        "<Thread(Thread-1 (sleep), initial)>",
    ),
    (
        "thread-id",
        "thread_id=140213498771136 acquired lock",
        "thread_id=<thread> acquired lock",
        "Thread-3 (worker) acquired lock",
    ),
]


def test_every_volatile_pattern_has_a_case() -> None:
    assert {name for name, *_ in CASES} == set(PATTERNS)
    assert len(PATTERNS) == len(VOLATILE)  # names are unique


@pytest.mark.parametrize(("name", "value", "stable", "near_miss"), CASES)
def test_pattern_masks_its_value_and_leaves_a_near_miss(name: str, value: str, stable: str, near_miss: str) -> None:
    pattern = PATTERNS[name]
    assert pattern.pattern.sub(pattern.replacement, value) == stable
    assert stabilise(value) == stable  # no other pattern takes part of the value or its evidence
    assert stabilise(near_miss) == near_miss


def test_pytest_rules_are_centred_again_after_masking() -> None:
    fast, slow = _pytest_rule("1 failed in 0.21s"), _pytest_rule("1 failed in 75.30s (0:01:15)")
    assert stabilise(fast) == stabilise(slow) == _pytest_rule("1 failed in <duration>")
    wide = "= " + "x" * 90 + " in 0.21s ="  # wider than the terminal: pytest's fill is one character
    assert stabilise(wide) == "= " + "x" * 90 + " in <duration> ="


def _pytest_rule(title: str) -> str:
    """A title centred in an 80-column rule, as pytest prints it."""
    fill = "=" * ((80 - len(title) - 2) // 2)
    line = f"{fill} {title} {fill}"
    return line + "=" if len(line) < 80 else line


@settings(max_examples=300, deadline=None)
@given(EVIDENCE)
def test_stable_mode_keeps_evidence(line: str) -> None:
    assert stabilise(line) == line


# Bounded tails ----------------------------------------------------------------------------------


def test_paths_colours_and_bounds() -> None:
    raw = "\x1b[31m/abs/repo/src/a.py:1: boom\x1b[0m\n" + "x\n" * 200
    text = clean(raw, {}, [("/abs/repo", ".")])
    assert text.startswith("src/a.py:1: boom")
    assert len(tail(text).splitlines()) == 60
    assert tail("y" * 9000) == "y" * 6000  # one line longer than the bound keeps its end


# Lines of a failing run whose volatile values have any width: a pid of 1 or 7 digits, a duration of
# 0.1s or 400s, pytest's temp folder number 1 or 10000.
_RUN_LINES: list[Callable[[random.Random], str]] = [
    lambda r: f"worker pid {r.randrange(1, 10 ** r.randint(1, 7))} ready",
    lambda r: f"E   OSError: /tmp/pytest-of-ci/pytest-{r.randrange(10 ** r.randint(1, 5))}/test_io0/x.txt",
    lambda r: _pytest_rule(f"1 failed, 2 passed in {r.uniform(0, 400):.2f}s"),
    lambda r: f"E   assert <Client object at {r.randrange(0x10_0000_0000, 0x7FFF_FFFF_FFFF):#x}> is None",
    lambda r: f"bound 127.0.0.1:{r.randrange(32768, 61000)}",
    lambda r: "tests/test_io.py:12: AssertionError",
]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(range(len(_RUN_LINES))), min_size=1, max_size=80),
    st.randoms(use_true_random=False),
    st.integers(min_value=100, max_value=1500),
)
def test_stable_tail_does_not_depend_on_the_width_of_volatile_values(
    kinds: list[int], rnd: random.Random, chars: int
) -> None:
    # Two runs of the same tree print the same lines with every volatile value drawn again.
    first, second = ("\n".join(_RUN_LINES[k](rnd) for k in kinds) for _ in range(2))
    assert stabilise(tail(first, chars=chars)) == stabilise(tail(second, chars=chars))
