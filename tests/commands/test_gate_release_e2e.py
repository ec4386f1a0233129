"""`sdetkit gate release` end to end: real PEP 517 builds with each backend, planted failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sdetkit.evidence import schemas
from tests.conftest import git

pytestmark = pytest.mark.slow

Make = Callable[..., Path]

BACKENDS: dict[str, str] = {
    "setuptools": 'requires = ["setuptools>=69"]\nbuild-backend = "setuptools.build_meta"',
    "hatchling": 'requires = ["hatchling>=1.21"]\nbuild-backend = "hatchling.build"',
    "flit": 'requires = ["flit_core>=3.9"]\nbuild-backend = "flit_core.buildapi"',
    "poetry": 'requires = ["poetry-core>=2.0"]\nbuild-backend = "poetry.core.masonry.api"',
    "pdm": 'requires = ["pdm-backend>=2.1"]\nbuild-backend = "pdm.backend"',
}


def package(
    backend: str = "hatchling", version: str = "1.2.0", readme: str = "# relpkg\n\nA package.\n"
) -> dict[str, str]:
    return {
        "pyproject.toml": f"""
            [build-system]
            {BACKENDS[backend]}

            [project]
            name = "relpkg"
            version = "{version}"
            description = "A release test package."
            readme = "README.md"
            requires-python = ">=3.10"
            """,
        "README.md": readme,
        "CHANGELOG.md": "# Changelog\n\n## 1.2.0\n\n- First release.\n",
        "src/relpkg/__init__.py": '"""relpkg: a release test package."""\n\n__version__ = "1.2.0"\n',
        ".gitignore": "build/\n",
    }


def release(repo: Path, cache_dir: Path, *args: str, out: Path | None = None) -> tuple[int, dict[str, Any], str]:
    out = out or repo.parent / f"{repo.name}-out" / "release-preflight.json"
    argv = [sys.executable, "-m", "sdetkit", "gate", "release", str(repo), "--python", sys.executable]
    argv += ["--format", "json", "--out", str(out), *args]
    env = {**os.environ, "SDETKIT_CACHE_DIR": str(cache_dir)}
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert out.exists(), proc.stderr
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, json.loads(schemas.text("gate-release")))
    return proc.returncode, doc, proc.stdout + proc.stderr


def step(doc: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in doc["steps"] if s["id"] == sid)


PACKAGE_CHECKS = "build,metadata,wheel-contents,install-smoke,version,changelog,clean-tree"


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_each_backend_builds_installs_and_passes(backend: str, make_repo: Make, cache_dir: Path) -> None:
    repo = make_repo(package(backend), name=f"pkg-{backend}")
    before = git(repo, "status", "--porcelain", "--ignored")
    code, doc, log = release(repo, cache_dir, "--only", PACKAGE_CHECKS)
    assert code == 0, log
    assert doc["ok"] is True and doc["version"] == "1.2.0"
    assert sorted(d["file"] for d in doc["dists"]) == ["relpkg-1.2.0-py3-none-any.whl", "relpkg-1.2.0.tar.gz"]
    assert "imported relpkg" in step(doc, "install-smoke")["log_tail"]
    assert git(repo, "status", "--porcelain", "--ignored") == before  # no egg-info, build/ or dist/


def test_unbuildable_package_fails_the_build_and_skips_what_needs_it(make_repo: Make, cache_dir: Path) -> None:
    files = package()
    files["pyproject.toml"] = files["pyproject.toml"].replace('version = "1.2.0"', 'version = "not a version"')
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build,metadata,install-smoke")
    assert code == 1
    assert step(doc, "build")["status"] == "failed"
    assert "building the sdist and wheel failed" in step(doc, "build")["message"]
    assert step(doc, "metadata")["status"] == "skipped"
    assert step(doc, "metadata")["message"] == "not run: needs build failed"


def test_readme_that_does_not_render_fails_metadata(make_repo: Make, cache_dir: Path) -> None:
    files = package(readme="Title\n=====\n\n.. broken-directive::\n\n`unclosed\n")
    files["README.rst"] = files.pop("README.md")
    files["pyproject.toml"] = files["pyproject.toml"].replace('readme = "README.md"', 'readme = "README.rst"')
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build,metadata")
    assert code == 1
    assert step(doc, "metadata")["status"] == "failed"
    assert "does not render" in step(doc, "metadata")["message"]
    assert 'Unknown directive type "broken-directive"' in step(doc, "metadata")["message"]
    first = step(doc, "metadata")["first_failure"]
    assert (first["file"], first["line"]) == ("README.rst", 4)  # where the directive is, not the wheel


def test_render_failure_in_a_joined_long_description_names_its_file_and_line(make_repo: Make, cache_dir: Path) -> None:
    """setuptools joins ``long_description = file: A, B``: twine's line is a line of the joined
    text, which is mapped back to the file that holds it."""
    files = package("setuptools")
    files["pyproject.toml"] = files["pyproject.toml"].replace('readme = "README.md"\n', 'dynamic = ["readme"]\n')
    files["setup.cfg"] = (
        "[metadata]\nlong_description = file: README.rst, CHANGES.rst\nlong_description_content_type = text/x-rst\n"
    )
    files["README.rst"] = "relpkg\n======\n\nA package.\n"
    files["CHANGES.rst"] = "Changes\n=======\n\n1.2.0\n-----\n\n- First release.\n\n.. not-a-directive::\n"
    code, doc, log = release(make_repo(files), cache_dir, "--only", "build,metadata")
    assert code == 1, log
    first = step(doc, "metadata")["first_failure"]
    assert (first["file"], first["line"]) == ("CHANGES.rst", 9)
    assert "line 14: Error" in step(doc, "metadata")["log_tail"]  # twine's line, in the joined text


def test_missing_long_description_names_the_file_that_declares_the_metadata(make_repo: Make, cache_dir: Path) -> None:
    files = package()
    files["pyproject.toml"] = files["pyproject.toml"].replace('readme = "README.md"\n', "")
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build,metadata")
    assert code == 1
    metadata = step(doc, "metadata")
    assert metadata["first_failure"]["file"] == "pyproject.toml"
    assert "`long_description` missing" in metadata["log_tail"]


def test_tag_that_disagrees_with_the_built_version(make_repo: Make, cache_dir: Path) -> None:
    repo = make_repo(package())
    git(repo, "tag", "v1.3.0")
    code, doc, _ = release(repo, cache_dir, "--only", "build,version")
    assert code == 1
    assert step(doc, "version")["message"] == "built version 1.2.0 does not match the tag at HEAD (v1.3.0)"
    first = step(doc, "version")["first_failure"]
    assert (first["file"], first["rule"]) == ("pyproject.toml", "tag-mismatch")
    assert (repo / "pyproject.toml").read_text().splitlines()[first["line"] - 1].strip() == 'version = "1.2.0"'


def test_dynamic_version_from_file_must_match(make_repo: Make, cache_dir: Path) -> None:
    files = package()
    files["pyproject.toml"] = (
        files["pyproject.toml"].replace('version = "1.2.0"', 'dynamic = ["version"]')
        + '\n[tool.hatch.version]\npath = "src/relpkg/__init__.py"\n'
    )
    code, doc, log = release(make_repo(files), cache_dir, "--only", "build,version")
    assert code == 0, log
    assert "src/relpkg/__init__.py __version__" in step(doc, "version")["log_tail"]


def test_missing_changelog_entry(make_repo: Make, cache_dir: Path) -> None:
    files = package()
    files["CHANGELOG.md"] = "# Changelog\n\n## 1.1.0\n\n- Old.\n"
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build,changelog")
    assert code == 1
    assert step(doc, "changelog")["message"] == (
        "CHANGELOG.md has no entry for 1.2.0; the newest entry is 1.1.0 at CHANGELOG.md:3"
    )
    first = step(doc, "changelog")["first_failure"]
    assert (first["file"], first["line"], first["rule"]) == ("CHANGELOG.md", 3, "changelog-entry")


def test_changelog_entry_passes_and_names_its_line(make_repo: Make, cache_dir: Path) -> None:
    files = package()
    files["CHANGELOG.md"] = "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-01-01\n\n- First release.\n"
    code, doc, log = release(make_repo(files), cache_dir, "--only", "build,changelog")
    assert code == 0, log
    assert step(doc, "changelog")["message"] == "entry for 1.2.0 at CHANGELOG.md:5"


def test_changelog_entry_marked_unreleased_fails_the_release(make_repo: Make, cache_dir: Path) -> None:
    files = package()
    files["CHANGELOG.md"] = "# Changelog\n\n## 1.2.0 (unreleased)\n\n- First release.\n"
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build,changelog")
    assert code == 1
    changelog = step(doc, "changelog")
    assert changelog["message"] == (
        "the entry for 1.2.0 is marked unreleased (1.2.0 (unreleased)); date it before releasing (CHANGELOG.md:3)"
    )
    first = changelog["first_failure"]
    assert (first["file"], first["line"], first["rule"]) == ("CHANGELOG.md", 3, "changelog-unreleased")


def test_dirty_tree_fails_clean_tree_but_not_its_own_outputs(make_repo: Make, cache_dir: Path) -> None:
    repo = make_repo(package())
    code, doc, _ = release(repo, cache_dir, "--only", "clean-tree", out=repo / "build" / "release-preflight.json")
    assert code == 0 and step(doc, "clean-tree")["status"] == "passed"
    (repo / "src/relpkg/extra.py").write_text("x = 1\n")
    code, doc, _ = release(repo, cache_dir, "--only", "clean-tree")
    assert code == 1
    first = step(doc, "clean-tree")["first_failure"]
    assert first["file"] == "src/relpkg/extra.py" and first["rule"] == "dirty-tree"


def ships_tests() -> dict[str, str]:
    """A setuptools package whose wheel also installs its ``tests`` package."""
    files = package("setuptools")
    files["pyproject.toml"] += (
        '\n[tool.setuptools.packages.find]\nwhere = ["src", "."]\ninclude = ["relpkg*", "tests*"]\n'
    )
    files["tests/__init__.py"] = ""
    files["tests/test_x.py"] = "def test_x() -> None:\n    assert True\n"
    return files


def test_wheel_that_ships_tests_fails_wheel_contents(make_repo: Make, cache_dir: Path) -> None:
    code, doc, _ = release(make_repo(ships_tests()), cache_dir, "--only", "build,wheel-contents")
    assert code == 1
    first = step(doc, "wheel-contents")["first_failure"]
    assert first["rule"] == "W005" and first["message"].startswith("tests/")
    assert first["file"] == "relpkg-1.2.0-py3-none-any.whl"


# The wheel has two top-level entries, relpkg/ and tests/, which check-wheel-contents reports as
# W009 too: a project that ships its tests on purpose accepts both.
CWC_CONFIG = {
    "pyproject.toml": '\n[tool.check-wheel-contents]\nignore = ["W005", "W009"]\n',
    "tox.ini": "[check-wheel-contents]\nignore = W005,W009\n",
}


@pytest.mark.parametrize("config_file", sorted(CWC_CONFIG))
def test_wheel_contents_follows_the_projects_check_wheel_contents_configuration(
    config_file: str, make_repo: Make, cache_dir: Path
) -> None:
    files = ships_tests()
    files[config_file] = files.get(config_file, "") + CWC_CONFIG[config_file]
    code, doc, log = release(make_repo(files), cache_dir, "--only", "build,wheel-contents")
    assert code == 0, log
    assert step(doc, "wheel-contents")["status"] == "passed"
    assert "relpkg-1.2.0-py3-none-any.whl: OK" in step(doc, "wheel-contents")["log_tail"]


def test_dry_run_claims_nothing(make_repo: Make, cache_dir: Path) -> None:
    code, doc, _ = release(make_repo(package()), cache_dir, "--dry-run")
    assert code == 1
    assert doc["ok"] is False and doc["dry_run"] is True
    assert doc["reason"].startswith("dry run")
    assert {s["status"] for s in doc["steps"]} == {"skipped"}


def test_full_release_with_sbom_and_reproducible_dists(make_repo: Make, cache_dir: Path, tmp_path: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    files = package()
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'requires-python = ">=3.10"', 'requires-python = ">=3.10"\ndependencies = ["packaging>=24"]'
    )
    repo = make_repo(files)
    code, doc, log = release(repo, cache_dir, "--skip", "audit")
    assert code == 0, log
    assert doc["sbom"] == "sbom.cdx.json"
    raw = (repo.parent / f"{repo.name}-out" / "sbom.cdx.json").read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(raw) is None  # None: no validation error
    sbom = json.loads(raw)
    assert (sbom["bomFormat"], sbom["specVersion"]) == ("CycloneDX", "1.6")
    versions = {c["name"]: c["version"] for c in sbom["components"]}
    assert versions["relpkg"] == "1.2.0" and "packaging" in versions
    assert {"relpkg==1.2.0": ["packaging==" + versions["packaging"]]}.items() <= {
        d["ref"]: d.get("dependsOn", []) for d in sbom["dependencies"]
    }.items()
    # The smoke venv's own pip is not the package's, and sdetkit's scratch paths stay out.
    assert "pip" not in versions and "file:" not in raw and str(tmp_path) not in raw
    again_out = tmp_path / "again" / "release-preflight.json"
    _, again, _ = release(repo, cache_dir, "--only", "build,install-smoke,sbom", out=again_out)
    assert again["dists"] == doc["dists"]  # same commit, same bytes (SOURCE_DATE_EPOCH)
    assert (again_out.parent / "sbom.cdx.json").read_text() == raw


def test_audit_never_passes_without_evidence(make_repo: Make, cache_dir: Path) -> None:
    files = package()
    files["pyproject.toml"] = files["pyproject.toml"].replace(
        'requires-python = ">=3.10"', 'requires-python = ">=3.10"\ndependencies = ["urllib3==1.26.4"]'
    )
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build,install-smoke,audit")
    audit = step(doc, "audit")
    # urllib3 1.26.4 has published advisories: where the advisory service answers, that is a failure;
    # where it cannot be reached, the step says so. It is never a pass.
    assert audit["status"] in ("failed", "skipped")
    if audit["status"] == "failed":
        assert code == 1 and audit["message"].startswith("urllib3 1.26.4: ")
    else:
        assert "could not be audited" in audit["message"] or "could not be reached" in audit["message"]


def test_development_version_is_not_a_release(make_repo: Make, cache_dir: Path) -> None:
    files = package(version="1.3.0.dev2")
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build,version")
    assert code == 1
    assert step(doc, "version")["message"].startswith("built version 1.3.0.dev2 is a development version")


def test_version_already_tagged_on_another_commit(make_repo: Make, cache_dir: Path) -> None:
    repo = make_repo(package())
    git(repo, "tag", "-a", "v1.2.0", "-m", "1.2.0")
    (repo / "README.md").write_text("# relpkg\n\nChanged after the release.\n")
    git(repo, "commit", "-qam", "after the tag")
    code, doc, _ = release(repo, cache_dir, "--only", "build,version")
    assert code == 1
    assert "is already tagged (v1.2.0) on another commit" in step(doc, "version")["message"]


def test_pending_towncrier_fragments_are_not_a_changelog_entry(make_repo: Make, cache_dir: Path) -> None:
    files = package()
    files["CHANGELOG.md"] = "# Changelog\n\n## 1.1.0\n"
    files["pyproject.toml"] += '\n[tool.towncrier]\ndirectory = "changes"\n'
    files["changes/12.feature.md"] = "Added a thing.\n"
    files["changes/template.md.jinja"] = "{{ x }}\n"
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build,changelog")
    assert code == 1
    assert step(doc, "changelog")["message"] == (
        "CHANGELOG.md has no entry for 1.2.0; the newest entry is 1.1.0 at CHANGELOG.md:3;"
        " 1 towncrier fragment pending in changes (not in any entry until towncrier build)"
    )


def test_setup_cfg_attr_is_the_source_of_truth(make_repo: Make, cache_dir: Path) -> None:
    files = package("setuptools")
    files["pyproject.toml"] = files["pyproject.toml"].replace('version = "1.2.0"', 'dynamic = ["version"]')
    files["setup.cfg"] = "[metadata]\nversion = attr: relpkg.__version__\n"
    code, doc, log = release(make_repo(files), cache_dir, "--only", "build,version")
    assert code == 0, log
    assert "source of truth: src/relpkg/__init__.py __version__" in step(doc, "version")["log_tail"]


def test_an_output_folder_named_build_is_not_the_build_package(
    make_repo: Make, cache_dir: Path, tmp_path: Path
) -> None:
    from sdetkit.repo.environment import probe

    repo = make_repo(package())
    (repo / "build").mkdir()
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    env = probe(bare / "bin" / "python", "test", repo, os.environ, None)
    assert "build" not in env.modules


def test_a_backend_exception_leads_the_build_failure_message(make_repo: Make, cache_dir: Path) -> None:
    """A backend that fails inside get_requires (a plugin that downloads at build time, offline)."""
    files = {
        "pyproject.toml": textwrap.dedent(
            """
            [build-system]
            requires = []
            build-backend = "offline_backend"
            backend-path = ["_build"]

            [project]
            name = "relpkg"
            version = "1.2.0"
            """
        ),
        "_build/offline_backend.py": (
            "def get_requires_for_build_sdist(config_settings=None):\n"
            "    raise OSError('license text could not be downloaded: Name or service not known')\n"
        ),
        ".gitignore": "build/\n",
    }
    code, doc, _ = release(make_repo(files), cache_dir, "--only", "build")
    assert code == 1
    message = step(doc, "build")["message"]
    assert message.startswith("building the sdist and wheel failed: OSError: license text could not be downloaded")
