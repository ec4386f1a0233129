from __future__ import annotations

from sdetkit.formats.common import command_line, short_command_line

HOOK_FILES = tuple(f"pkg/mod{i}.py" for i in range(227))


def test_a_hooks_long_file_selection_reads_as_its_first_files_and_a_count() -> None:
    argv = ("ruff", "check", "--force-exclude", *HOOK_FILES, "--no-fix")
    assert short_command_line(argv) == (
        "ruff check --force-exclude pkg/mod0.py pkg/mod1.py pkg/mod2.py ... (224 more files) --no-fix"
    )


def test_short_commands_and_single_paths_are_shown_whole() -> None:
    for argv in (
        ("python", "-m", "mypy", "nose2/"),
        ("pytest", "tests/a.py", "tests/b.py", "tests/c.py", "tests/d.py"),
        ("flake8", "pyflakes", "setup.py"),
    ):
        assert short_command_line(argv) == command_line(argv)


def test_arguments_that_need_quoting_stay_quoted() -> None:
    assert short_command_line(("pytest", "-k", "a or b", "tests/x y.py")) == "pytest -k 'a or b' 'tests/x y.py'"
