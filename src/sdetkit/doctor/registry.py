"""Every doctor check, in report order.

Adding a check is one function and one entry: write ``def my_check(ctx: DoctorContext) ->
DoctorFinding`` in the ``checks_*`` module of its concern (return ``ok``/``warn``/``fail``/``skip``
from ``doctor.base``) and list a :class:`DoctorCheck` for it in ``CHECKS`` below; ``--only``,
``--skip``, ``--list-checks``, the score and the artifact follow from the entry. Tests (and
plug-ins) add a check for a while with ``with CHECKS.added(check): ...``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import overload

from sdetkit.doctor import checks_env, checks_git, checks_project, testdeps
from sdetkit.doctor.base import DoctorCheck
from sdetkit.doctor.base import Severity as S
from sdetkit.doctor.checks_project import file_check


class CheckRegistry(Sequence[DoctorCheck]):
    """The checks in report order, and by id in :attr:`by_id`; both change in place, so every
    holder of the registry sees a check added (and removed again) through :meth:`added`."""

    def __init__(self, checks: Iterable[DoctorCheck]) -> None:
        self._checks: list[DoctorCheck] = []
        self.by_id: dict[str, DoctorCheck] = {}
        for check in checks:
            self._add(check)

    @overload
    def __getitem__(self, index: int) -> DoctorCheck: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[DoctorCheck]: ...
    def __getitem__(self, index: int | slice) -> DoctorCheck | Sequence[DoctorCheck]:
        return self._checks[index]

    def __len__(self) -> int:
        return len(self._checks)

    def __iter__(self) -> Iterator[DoctorCheck]:
        return iter(self._checks)

    def _add(self, check: DoctorCheck) -> None:
        if check.id in self.by_id:
            raise ValueError(f"doctor check {check.id!r} is already registered")
        self._checks.append(check)
        self.by_id[check.id] = check

    @contextmanager
    def added(self, *checks: DoctorCheck) -> Iterator[None]:
        """Run the ``with`` block with ``checks`` registered after the others, then remove them."""
        done: list[DoctorCheck] = []
        try:
            for check in checks:
                self._add(check)
                done.append(check)
            yield
        finally:
            for check in done:
                self._checks.remove(check)
                del self.by_id[check.id]


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


_PYPROJECT_TITLE = "pyproject.toml is valid (PEP 621, PEP 735, build-system)"

CHECKS = CheckRegistry(
    (
        DoctorCheck("python.requires", "environment", S.HIGH, "the interpreter satisfies requires-python",
                    checks_env.python_requires),
        DoctorCheck("env.venv", "environment", S.MEDIUM, "a virtual environment is active or present",
                    checks_env.virtualenv),
        DoctorCheck("tools.installed", "tools", S.HIGH, "every tool the gates run is installed",
                    checks_env.tools_installed),
        DoctorCheck("tools.pinned", "tools", S.LOW, "tool versions agree with the project's pins",
                    checks_env.tool_pins),
        DoctorCheck("deps.tests", "dependencies", S.HIGH, "declared test dependencies are installed",
                    testdeps.test_dependencies),
        DoctorCheck("pyproject.valid", "config", S.HIGH, _PYPROJECT_TITLE, checks_project.pyproject_valid),
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
    )
)  # fmt: skip
# The same registry by id (``--only``/``--skip`` validate against it); it follows ``CHECKS.added``.
BY_ID = CHECKS.by_id
