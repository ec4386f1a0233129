"""GitLab CI: each job's script lines, templates and settings left out."""

from __future__ import annotations

from sdetkit.ci.gitlab import read
from sdetkit.ci.model import CiCommand, Origin

GITLAB = """\
stages: [lint, test]
variables:
  PIP_CACHE_DIR: .cache/pip
.template:
  script:
    - ruff check .
lint:
  stage: lint
  script:
    - pip install ruff mypy
    - ruff check src
    - mypy src
test:
  services:
    - postgres:16
  script: pytest -q tests
release-check:
  when: manual
  script:
    - echo "$CI_JOB_TOKEN" | pytest tests/release
"""


def test_script_lines_become_commands() -> None:
    def origin(line: int) -> Origin:
        return Origin(".gitlab-ci.yml", line, "gitlab")

    assert read({".gitlab-ci.yml": GITLAB}) == [
        CiCommand("ruff", ("ruff", "check", "src"), origin(11), "job lint"),
        CiCommand("mypy", ("mypy", "src"), origin(12), "job lint"),
        CiCommand(
            "pytest",
            ("pytest", "-q", "tests"),
            origin(16),
            "job test",
            why_not="needs the job's services (services: at line 14)",
        ),
        CiCommand(
            "pytest",
            ("pytest", "tests/release"),
            origin(20),
            "job release-check",
            default=False,
            why_not="needs the CI variable CI_JOB_TOKEN",
        ),
    ]


def test_variables_of_the_file_and_the_job_expand_in_its_script() -> None:
    text = (
        "variables:\n  SRC: pkg\n  TOKEN_FILE: $CI_PROJECT_DIR/token\n"
        "lint:\n  variables:\n    TARGETS:\n      value: $SRC tests\n      description: what to check\n"
        "  script:\n    - ruff check $TARGETS\n    - EXTRA=docs\n    - mypy $EXTRA $TOKEN_FILE\n"
    )
    found = [(c.argv, c.why_not) for c in read({".gitlab-ci.yml": text})]
    assert found == [
        (("ruff", "check", "pkg", "tests"), ""),
        (("mypy", "docs", "$TOKEN_FILE"), "uses $TOKEN_FILE, whose value is not known here"),
    ]


# Modeled on GitLab's documented `!reference` form, used by large GitLab CI setups to share a
# template job's script lines: the lines a reference stands for run in the job that names it.
REFERENCES = """
.setup:
  script:
    - pip install -e .
.lint:
  script:
    - !reference [.setup, script]
    - ruff check src
test:
  script:
    - !reference [.lint, script]
    - pytest -x
"""


def test_a_reference_runs_the_referenced_jobs_lines_also_through_another_reference() -> None:
    found = [(c.tool, c.argv, c.origin.line, c.context) for c in read({".gitlab-ci.yml": REFERENCES.lstrip()})]
    assert found == [
        ("ruff", ("ruff", "check", "src"), 7, "job test"),
        ("pytest", ("pytest", "-x"), 11, "job test"),
    ]


def test_a_reference_to_nothing_or_back_to_itself_is_one_line_naming_it() -> None:
    import pytest

    from sdetkit.errors import ConfigError

    missing = "test:\n  script:\n    - !reference [.gone, script]\n"
    with pytest.raises(
        ConfigError, match=r"^\.gitlab-ci\.yml:3: !reference to \.gone\.script, which is not in this file$"
    ):
        read({".gitlab-ci.yml": missing})
    loop = "test:\n  script: !reference [test, script]\n"
    with pytest.raises(
        ConfigError, match=r"^\.gitlab-ci\.yml:2: !reference to test\.script, which leads back to itself$"
    ):
        read({".gitlab-ci.yml": loop})
