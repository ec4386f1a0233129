"""Every doctor check, in report order. Adding a check: a function, an entry here, tests."""

from __future__ import annotations

from sdetkit.doctor import checks_env, checks_git, checks_project, testdeps
from sdetkit.doctor.base import Check
from sdetkit.doctor.base import Severity as S
from sdetkit.doctor.checks_project import file_check

CHECKS: tuple[Check, ...] = (
    Check(
        "python.requires",
        "environment",
        S.HIGH,
        "the interpreter satisfies requires-python",
        checks_env.python_requires,
    ),
    Check("env.venv", "environment", S.MEDIUM, "a virtual environment is active or present", checks_env.virtualenv),
    Check("tools.installed", "tools", S.HIGH, "every tool the gates run is installed", checks_env.tools_installed),
    Check("tools.pinned", "tools", S.LOW, "tool versions agree with the project's pins", checks_env.tool_pins),
    Check("deps.tests", "dependencies", S.HIGH, "declared test dependencies are installed", testdeps.test_dependencies),
    Check(
        "pyproject.valid",
        "config",
        S.HIGH,
        "pyproject.toml is valid (PEP 621, PEP 735, build-system)",
        checks_project.pyproject_valid,
    ),
    Check(
        "config.sdetkit", "config", S.HIGH, "the [tool.sdetkit] configuration is valid", checks_project.sdetkit_config
    ),
    Check("git.head", "vcs", S.HIGH, "a git repository with a HEAD commit", checks_git.head),
    Check("git.large-untracked", "vcs", S.MEDIUM, "no very large uncommitted files", checks_git.large_untracked),
    Check("git.ignore", "vcs", S.LOW, ".gitignore covers build outputs and caches", checks_git.ignore_rules),
    Check("ci.config", "ci", S.MEDIUM, "CI exists and runs the canonical path", checks_project.ci_config),
    Check(
        "docs.readme",
        "docs",
        S.LOW,
        "README present",
        file_check(("README",), "README", "add README.md: what it is and how to run it"),
    ),
    Check(
        "docs.license",
        "docs",
        S.LOW,
        "LICENSE present",
        file_check(("LICENSE", "LICENCE", "COPYING"), "LICENSE file", "add a LICENSE file and project.license"),
    ),
    Check(
        "docs.changelog",
        "docs",
        S.LOW,
        "CHANGELOG present",
        file_check(
            ("CHANGELOG", "CHANGES", "HISTORY", "NEWS"),
            "changelog",
            "add CHANGELOG.md with a section per version",
            ("", "docs"),
        ),
    ),
    Check(
        "docs.security",
        "docs",
        S.INFO,
        "SECURITY policy present",
        file_check(
            ("SECURITY",), "security policy", "add SECURITY.md: how to report a vulnerability", ("", ".github", "docs")
        ),
    ),
    Check(
        "tests.discoverable", "tests", S.HIGH, "pytest collects more than zero tests", checks_project.tests_discoverable
    ),
)
BY_ID = {c.id: c for c in CHECKS}
