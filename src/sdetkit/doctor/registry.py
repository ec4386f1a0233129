"""Every doctor check, in report order.

Adding a check is one function and one entry: write ``def my_check(ctx: DoctorContext) ->
DoctorFinding`` in the ``checks_*`` module of its concern (return ``ok``/``warn``/``fail``/``skip``
from ``doctor.base``) and list a :class:`DoctorCheck` for it in ``CHECKS`` below; ``--only``,
``--skip``, ``--list-checks``, the score and the artifact follow from the entry. Tests (and
plug-ins) add a check for a while with ``with registry.added(check): ...``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sdetkit.doctor import checks_env, checks_git, checks_project, testdeps
from sdetkit.doctor.base import DoctorCheck
from sdetkit.doctor.base import Severity as S
from sdetkit.doctor.checks_project import file_check


@contextmanager
def added(*checks: DoctorCheck) -> Iterator[None]:
    """Run the ``with`` block with ``checks`` registered after the others, then remove them."""
    ids = [c.id for c in checks]
    clash = sorted(set(ids) & set(BY_ID)) or sorted({i for i in ids if ids.count(i) > 1})
    if clash:
        raise ValueError(f"doctor check {clash[0]!r} is already registered")
    before = list(CHECKS)
    CHECKS.extend(checks)
    BY_ID.update(zip(ids, checks, strict=True))
    try:
        yield
    finally:
        CHECKS[:] = before
        for check_id in ids:
            del BY_ID[check_id]


def _docs_file(
    check_id: str,
    severity: S,
    title: str,
    names: tuple[str, ...],
    what: str,
    fix: str,
    folders: tuple[str, ...] = ("",),
) -> DoctorCheck:
    """A check that a documentation file is present (see ``checks_project.file_check``)."""
    return DoctorCheck(check_id, "docs", severity, title, file_check(names, what, fix, folders))


# Changed in place only (see ``added``): the doctor command reads both when it runs.
CHECKS: list[DoctorCheck] = [
    DoctorCheck("python.requires", "environment", S.HIGH, "the interpreter satisfies requires-python",
                checks_env.python_requires),
    DoctorCheck("env.venv", "environment", S.MEDIUM, "a virtual environment is active or present",
                checks_env.virtualenv),
    DoctorCheck("tools.installed", "tools", S.HIGH, "every tool the gates run is installed",
                checks_env.tools_installed),
    DoctorCheck("tools.pinned", "tools", S.MEDIUM, "tool versions agree with the project's pins",
                checks_env.tool_pins),
    DoctorCheck("deps.tests", "dependencies", S.HIGH, "declared test dependencies are installed",
                testdeps.test_dependencies),
    DoctorCheck("pyproject.valid", "config", S.HIGH, "pyproject.toml is valid (PEP 621, PEP 735, build-system)",
                checks_project.pyproject_valid),
    DoctorCheck("config.sdetkit", "config", S.HIGH, "the [tool.sdetkit] configuration is valid",
                checks_project.sdetkit_config),
    DoctorCheck("git.head", "vcs", S.HIGH, "a git repository with a HEAD commit", checks_git.head),
    DoctorCheck("git.large-untracked", "vcs", S.MEDIUM, "no very large uncommitted files",
                checks_git.large_untracked),
    DoctorCheck("git.ignore", "vcs", S.LOW, ".gitignore covers build outputs and caches", checks_git.ignore_rules),
    DoctorCheck("ci.config", "ci", S.MEDIUM, "CI exists and runs the canonical path", checks_project.ci_config),
    _docs_file("docs.readme", S.LOW, "README present", ("README",), "README",
               "add README.md: what it is and how to run it"),
    _docs_file("docs.license", S.LOW, "LICENSE present", ("LICENSE", "LICENCE", "COPYING"), "LICENSE file",
               "add a LICENSE file and project.license"),
    _docs_file("docs.changelog", S.LOW, "CHANGELOG present", ("CHANGELOG", "CHANGES", "HISTORY", "NEWS"),
               "changelog", "add CHANGELOG.md with a section per version", ("", "docs")),
    _docs_file("docs.security", S.INFO, "SECURITY policy present", ("SECURITY",), "security policy",
               "add SECURITY.md: how to report a vulnerability", ("", ".github", "docs")),
    DoctorCheck("tests.discoverable", "tests", S.HIGH, "pytest collects more than zero tests",
                checks_project.tests_discoverable),
]  # fmt: skip
# The same checks by id (``--only``/``--skip`` are checked against it).
BY_ID: dict[str, DoctorCheck] = {c.id: c for c in CHECKS}
