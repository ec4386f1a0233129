"""The YAML forms real CI files use, read as YAML gives them to the tool (or refused by name)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sdetkit.ci import yamlish
from sdetkit.ci.files import selected, tracked
from sdetkit.ci.github import read_workflow
from sdetkit.ci.gitlab import read as read_gitlab
from sdetkit.ci.model import HookSelection
from sdetkit.ci.precommit import read as read_precommit
from sdetkit.errors import ConfigError

# A mypy hook whose `exclude` is a folded block holding a verbose regex, with comments and a
# quoted key, args as a flow sequence over two lines and an item with a trailing comment.
HOOKS = """\
repos:
  - repo: https://github.com/pre-commit/mirrors-mypy
    rev: v1.20.2
    hooks:
      - id: mypy
        "args": [--ignore-missing-imports,
                 --strict]   # the project's own choice
        exclude: >
          (?x)^(
              bench/.*|   # timing code, not shipped
              docs/.*
          )$
        additional_dependencies:
          - mdurl   # runtime dependency the checker must see
          - >-
            typing-extensions
      - id: mypy
        alias: mypy-literal
        files: |-
          ^src/
"""


def test_a_folded_verbose_regex_excludes_what_pre_commit_excludes(make_repo: Callable[..., Path]) -> None:
    first, literal = read_precommit({".pre-commit-config.yaml": HOOKS})
    assert first.hook is not None and literal.hook is not None
    # More-indented lines keep their line breaks, so each `#` comment ends at its own line.
    assert first.hook.exclude == "(?x)^(\n    bench/.*|   # timing code, not shipped\n    docs/.*\n)$"
    assert first.argv == ("mypy", "--ignore-missing-imports", "--strict")
    assert first.hook.additional_dependencies == ("mdurl", "typing-extensions")
    assert literal.hook.files == "^src/"
    repo = make_repo({"src/pkg/a.py": "", "bench/conftest.py": "", "docs/conf.py": "", "tests/test_a.py": ""})
    assert selected(repo, first.hook, tracked(repo)) == ("src/pkg/a.py", "tests/test_a.py")


def test_folding_keeps_paragraphs_and_literal_blocks_keep_lines() -> None:
    rows = yamlish.lines("a: >\n  one\n  two\n\n  three\n    deeper\n  four\nb: |\n  x\n\n  # kept\n")
    (_, value, number, nested), (_, lit, lit_number, lit_nested) = yamlish.children(rows)
    assert yamlish.text_of(value, nested, number) == "one two\nthree\n  deeper\nfour"
    assert yamlish.text_of(lit, lit_nested, lit_number) == "x\n\n# kept"
    # A block's lines are text: `*.txt` there is no alias, `&` no anchor.
    ((_, value, number, nested),) = yamlish.children(yamlish.lines("files: &patterns |\n  *.txt\n  a: &b\n"))
    assert yamlish.text_of(value, nested, number) == "*.txt\na: &b"


WORKFLOW = """\
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: >
          python -m pytest
          --cov=pkg
      - run: ruff check .  # comment, not an argument
      - &lint
        run: mypy src
      - *lint
"""


def test_a_folded_run_is_one_command_and_anchors_are_resolved() -> None:
    found = [(c.origin.line, c.argv) for c in read_workflow(".github/workflows/ci.yml", WORKFLOW)]
    assert found == [
        (6, ("python", "-m", "pytest", "--cov=pkg")),
        (8, ("ruff", "check", ".")),
        (10, ("mypy", "src")),
        (10, ("mypy", "src")),  # the alias repeats the anchored step, written on line 10
    ]


GITLAB = """\
.python: &python
  image: python:3.12
  script:
    - pytest tests
unit tests:
  <<: *python
  script:
    - |
      pip install .
      mypy src
    - [ruff check src, echo done]
smoke:
  <<: *python
"""


def test_gitlab_job_names_with_spaces_block_items_and_merge_keys() -> None:
    found = [(c.origin.line, c.context, c.argv) for c in read_gitlab({".gitlab-ci.yml": GITLAB})]
    assert found == [
        (10, "job unit tests", ("mypy", "src")),
        (11, "job unit tests", ("ruff", "check", "src")),  # a nested list is flattened, as GitLab does
        (4, "job smoke", ("pytest", "tests")),  # the merged script, at the line it is written on
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("test:\n  script:\n    - !reference [.setup, script]\n", ".gitlab-ci.yml:3: !reference to .setup.script"),
        ("test:\n  script: *missing\n", ".gitlab-ci.yml:2: cannot read the alias *missing"),
        ("test:\n  script: {run: pytest}\n", ".gitlab-ci.yml:2: cannot read a flow mapping"),
    ],
)
def test_a_form_the_reader_does_not_know_is_refused_with_its_line(text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        read_gitlab({".gitlab-ci.yml": text})
    assert str(caught.value).startswith(problem)


def test_a_hook_regex_that_does_not_compile_names_the_hook(make_repo: Callable[..., Path]) -> None:
    repo = make_repo({"a.py": ""})
    problem = r"^\.pre-commit-config\.yaml: hook mypy: exclude is not a regular expression"
    with pytest.raises(ConfigError, match=problem):
        selected(repo, HookSelection("mypy", exclude="(docs/"), tracked(repo))


def _value(text: str) -> list[tuple[int, str]]:
    ((_, value, number, nested),) = list(yamlish.children(yamlish.lines(text)))
    return yamlish.scalar(value, nested, number)


def test_a_folded_block_joins_its_adjacent_lines_and_a_literal_block_keeps_them() -> None:
    folded = "run: >\n  uvx --with tox-uv\n  tox run\n  -f py312\n\n  pytest\n"
    assert _value(folded) == [(2, "uvx --with tox-uv tox run -f py312"), (6, "pytest")]
    literal = folded.replace(">", "|")
    assert _value(literal) == [(2, "uvx --with tox-uv"), (3, "tox run"), (4, "-f py312"), (5, ""), (6, "pytest")]
