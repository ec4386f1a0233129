"""No CI runner's checkout folder survives in what a developer runs: every rule, every CI root."""

from __future__ import annotations

import re

import pytest

from sdetkit.triage import paths
from tests.triage.support import triage_text
from tests.triage.test_rules import EXAMPLES

# One checkout folder of each kind the runners print, POSIX first, then Windows.
ROOTS = (
    "/home/runner/work/tidepool/tidepool/",
    "/Users/runner/work/tidepool/tidepool/",
    "/__w/tidepool/tidepool/",
    "/github/workspace/",
    "/home/vsts/work/1/s/",
    "/builds/harbor/tidepool/",
    "/builds/harbor/platform/data/tidepool/",
    "/home/gitlab-runner/builds/x1Yz2/0/harbor/tidepool/",
    "/home/travis/build/harbor/tidepool/",
    "/home/circleci/project/",
    "/root/project/",
    "/var/lib/jenkins/workspace/tidepool-pr/",
    "/var/lib/jenkins/workspace/tidepool-pr@2/",
    "/var/jenkins_home/workspace/tidepool/",
    "/home/appveyor/projects/tidepool/",
    "/opt/atlassian/pipelines/agent/build/",
    "/bitbucket/pipelines/agent/build/",
    "/buildkite/builds/agent-1/harbor/tidepool/",
    "/var/lib/buildkite-agent/builds/agent-1/harbor/tidepool/",
    "/drone/src/",
    "/woodpecker/src/",
    "/woodpecker/src/codeberg.org/harbor/tidepool/",
    "/codebuild/output/src123/src/github.com/harbor/tidepool/",
    "/tmp/cirrus-ci-build/",
    "/home/semaphore/tidepool/",
    "/opt/buildagent/work/3f2a9c1d/",
    "/tmp/build/4e5f6a7b/tidepool/",
    "/workspace/",
    "/d/a/tidepool/tidepool/",
    "D:\\a\\tidepool\\tidepool\\",
    "D:/a/tidepool/tidepool/",
    "C:\\projects\\tidepool\\",
    "C:\\BuildAgent\\work\\3f2a9c1d\\",
    "C:\\Users\\travis\\build\\harbor\\tidepool\\",
)
POSIX = tuple(r for r in ROOTS if r.startswith("/"))
_REPO_PATH = re.compile(r"(?<![\w/.-])(?=(?:src|tests)/)|/w/")


def rooted(log: str, root: str) -> str:
    """The example log with its repository paths printed under the CI root, as a runner prints them."""
    return _REPO_PATH.sub(lambda _: root, log)


def test_every_root_pattern_has_a_sample() -> None:
    for pattern in paths.CI_ROOTS:
        assert any(re.match(pattern, r + "tests/test_tide.py") for r in ROOTS), pattern


@pytest.mark.parametrize("root", ROOTS)
def test_a_root_is_cut_to_the_repository_path(root: str) -> None:
    assert paths.relative(root + "tests/test_tide.py") == "tests/test_tide.py"
    assert paths.scrub(f'python -m pytest -q "{root}tests/test_tide.py"') == 'python -m pytest -q "tests/test_tide.py"'
    assert not paths.has_ci_root(paths.scrub(f"ruff check {root}src/tide.py"))


@pytest.mark.parametrize("root", POSIX)
@pytest.mark.parametrize("rule_id", [r for r, (log, _) in EXAMPLES.items() if _REPO_PATH.search(log)])
def test_no_rule_leaves_a_ci_root_in_its_command_or_file(rule_id: str, root: str) -> None:
    log, expected = EXAMPLES[rule_id]
    found = [f for f in triage_text(rooted(log, root)) if f.rule == rule_id]
    assert found, f"{rule_id} no longer reads its example under {root}"
    f = found[0]
    assert root not in f.next_command and not paths.has_ci_root(f.next_command), f.next_command
    assert f.affected_file is None or not f.affected_file.startswith(root), f.affected_file
    if rule_id != "pyright":  # its example's path is absolute outside any CI root
        assert f.next_command == expected


@pytest.mark.parametrize(
    ("command", "scrubbed"),
    [
        ("/builds/harbor/tidepool/.tox/py311/bin/python -m pytest tests", "python -m pytest tests"),
        (".nox/tests-3-12/bin/python3 -m pytest", "python -m pytest"),
        ("C:\\tidepool\\.tox\\py311\\Scripts\\python.exe -m pytest", "python -m pytest"),
        ("/opt/hostedtoolcache/Python/3.12.4/x64/bin/python -m mypy src", "python -m mypy src"),
        ("/usr/bin/python3 -m pytest", "/usr/bin/python3 -m pytest"),  # a system interpreter is left as printed
        ("python -m pytest tests/toxic/test_a.py", "python -m pytest tests/toxic/test_a.py"),
        ("/home/travis/build/harbor/tidepool/.tox/lint/bin/flake8 src", "flake8 src"),
    ],
)
def test_env_interpreters_become_python(command: str, scrubbed: str) -> None:
    assert paths.scrub(command) == scrubbed


def test_pytest_rootdir_is_cut_even_outside_known_roots() -> None:
    log = "rootdir: /srv/ci/tidepool\nFAILED /srv/ci/tidepool/tests/test_tide.py::test_ebb - assert 1 == 2\n"
    f = triage_text(log)[0]
    assert (f.test_id, f.next_command) == (
        "tests/test_tide.py::test_ebb",
        'python -m pytest -q "tests/test_tide.py::test_ebb"',
    )


@pytest.mark.parametrize(
    ("line", "command"),
    [
        (
            "ERROR: InvocationError for command /home/travis/build/harbor/tidepool/.tox/py39/bin/python "
            "-m pytest tests (exited with code 1)\n",
            "python -m pytest tests",
        ),
        ("ERROR: InvocationError: '/builds/harbor/tidepool/.tox/lint/bin/flake8 src'\n", "flake8 src"),
        (
            "  py312: exit 2 (0.84 seconds) /home/runner/work/tidepool/tidepool> python -m mypy src pid=4120\n",
            "python -m mypy src",
        ),
        ("  py312: FAIL code 1 (2.31 seconds)\n", "tox"),  # tox does not say which command: tox reproduces it
    ],
)
def test_tox_names_the_failed_command_as_the_developer_runs_it(line: str, command: str) -> None:
    f = triage_text(line)[0]
    assert (f.rule, f.next_command) == ("tox", command)


@pytest.mark.parametrize(
    ("path", "rootdir", "expected"),
    [
        ("src/app/core.py", None, "src/app/core.py"),
        ("./src/app/core.py", None, "src/app/core.py"),
        ("...\\app\\core.py", None, "app/core.py"),
        ("/srv/checkout/src/app/core.py", "/srv/checkout/", "src/app/core.py"),
        ("/home/runner/work/shop/shop/src/app/core.py", None, "src/app/core.py"),
        ("/builds/team/shop/./tests/test_core.py", None, "tests/test_core.py"),
        ("/usr/lib/python3/site.py", "/srv/checkout/", "/usr/lib/python3/site.py"),
    ],
)
def test_a_path_is_made_relative_to_its_checkout(path: str, rootdir: str | None, expected: str) -> None:
    assert paths.relative(path, rootdir) == expected
