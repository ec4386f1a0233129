"""evidence/redact.py: secrets are masked and nothing else is."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdetkit.evidence.redact import MASK, clean, redact, tail

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


# Bounded tails ----------------------------------------------------------------------------------


def test_paths_colours_and_bounds() -> None:
    raw = "\x1b[31m/abs/repo/src/a.py:1: boom\x1b[0m\n" + "x\n" * 200
    text = clean(raw, {}, [("/abs/repo", ".")])
    assert text.startswith("src/a.py:1: boom")
    assert len(tail(text).splitlines()) == 60
    assert tail("y" * 9000) == "y" * 6000  # one line longer than the bound keeps its end
