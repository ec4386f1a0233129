"""Where the version is declared, to the file and line a failed version check points at."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sdetkit.release.version_source import Source, source_of_truth, toml_line
from sdetkit.repo.config import load_toml
from tests.conftest import write_files


def source(tmp_path: Path, files: dict[str, str]) -> Source:
    write_files(tmp_path, files)
    return source_of_truth(tmp_path, load_toml(tmp_path / "pyproject.toml", "pyproject.toml"))


def test_static_version_line(tmp_path: Path) -> None:
    pyproject = '[build-system]\nrequires = []\n\n[project]\nname = "p"\nversion = "1.2.0"\n'
    got = source(tmp_path, {"pyproject.toml": pyproject})
    assert got == Source("pyproject.toml [project] version", "1.2.0", "pyproject.toml", 6)


def test_poetry_version_line(tmp_path: Path) -> None:
    got = source(tmp_path, {"pyproject.toml": '[tool.poetry]\nname = "p"\n\nversion = "0.3.1"\n'})
    assert (got.version, got.file, got.line) == ("0.3.1", "pyproject.toml", 4)


def test_version_file_read_by_hatch(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "p"\ndynamic = ["version"]\n\n'
        '[tool.hatch.version]\npath = "src/p/about.py"\n',
        "src/p/about.py": '"""About."""\n\n\n__version__: str = "2.0.0"\n',
    }
    got = source(tmp_path, files)
    assert (got.version, got.file, got.line) == ("2.0.0", "src/p/about.py", 4)
    assert got.where == "src/p/about.py __version__ ([tool.hatch.version] path)"


def test_setup_cfg_attr_points_at_the_module(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "p"\ndynamic = ["version"]\n',
        "setup.cfg": "[metadata]\nversion = attr: p.__version__\n",
        "p/__init__.py": "import os\n\n__version__ = '0.9'\n",
    }
    got = source(tmp_path, files)
    assert (got.version, got.file, got.line) == ("0.9", "p/__init__.py", 3)


@pytest.mark.parametrize(
    ("pyproject", "line", "marker"),
    [
        ('[project]\nname = "p"\ndynamic = ["version"]\n\n[tool.hatch.version]\nsource = "vcs"\n', 6, "hatch"),
        ('[project]\nname = "p"\ndynamic = ["version"]\n\n[tool.hatch]\nversion.source = "vcs"\n', 6, "hatch"),
        ('[project]\nname = "p"\ndynamic = ["version"]\n\n[tool.setuptools_scm]\n', 5, "setuptools_scm"),
        ('[project]\nname = "p"\ndynamic = ["version"]\n\n[tool.pdm.version]\nsource = "scm"\n', 6, "pdm"),
        ('[project]\nname = "p"\ndynamic = [\n  "readme",\n  "version",\n]\n', 3, None),
    ],
)
def test_vcs_version_points_at_the_plugin_or_dynamic(
    tmp_path: Path, pyproject: str, line: int, marker: str | None
) -> None:
    got = source(tmp_path, {"pyproject.toml": pyproject})
    assert (got.version, got.file, got.line) == (None, "pyproject.toml", line)
    assert got.where.startswith("version control (dynamic version")
    if marker:
        assert marker in got.where


def test_toml_line_follows_tables_and_dotted_keys() -> None:
    text = textwrap.dedent(
        """
        [project]
        name = "p"  # version = "not this"
        [tool."hatch" . version]
        path = "x.py"
        [[tool.towncrier.type]]
            directory = "feature"
        """
    )
    assert toml_line(text, "project.name") == 3
    assert toml_line(text, "project.version") is None
    assert toml_line(text, "tool.hatch.version.path") == 5
    assert toml_line(text, "tool.towncrier.type") == 6
