"""Steps' bytecode: out of the work tree, and never a recompilation of what the environment has.

No timings here (docs/performance.md and benchmarks/bench_step_overhead.py measure the speed).
These tests pin the properties the speed comes from: which prefix a step gets, that the prefix
links the environment's own bytecode instead of holding compiled copies, that the project's
bytecode is kept between runs and not rewritten, and that the tree stays clean throughout.
"""

from __future__ import annotations

import os
import py_compile
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

from sdetkit.repo.environment import Environment
from sdetkit.run import bytecode
from sdetkit.run.cache import tool_dir
from sdetkit.run.stepenv import prepare_bytecode, pycache, step_environ
from tests.conftest import GateRun, tree_state

TAG = sys.implementation.cache_tag
posix_only = pytest.mark.skipif(os.name != "posix", reason="the mirror uses symbolic links (POSIX only)")


def environment(prefix: Path, sys_path: tuple[str, ...] = ()) -> Environment:
    return Environment(
        python=sys.executable,
        source="test",
        version="3",
        prefix=str(prefix),
        scripts=str(prefix / "bin"),
        modules=frozenset(),
        dists={},
        fingerprint="f",
        is_venv=False,
        sys_path=sys_path,
        cache_tag=TAG,
    )


def module(root: Path, rel: str, body: str = "VALUE = 1\n") -> Path:
    """A source file and its compiled bytecode in the ``__pycache__`` beside it."""
    src = root / rel
    src.parent.mkdir(parents=True, exist_ok=True)
    src.write_text(body, "utf-8")
    py_compile.compile(str(src), cfile=str(src.parent / "__pycache__" / f"{src.stem}.{TAG}.pyc"), doraise=True)
    return src


def under_prefix(prefix: Path, src: Path, tail: str = ".pyc") -> Path:
    """Where an interpreter with ``prefix`` looks for ``src``'s bytecode."""
    return prefix.joinpath(*src.parent.parts[1:]) / f"{src.stem}.{TAG}{tail}"


# --- which prefix a step gets ---------------------------------------------------------------


def test_steps_get_a_kept_prefix_when_bytecode_is_written(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)
    environ = step_environ(environment(tmp_path / "env"), tmp_path / "tools")
    assert environ["PYTHONPYCACHEPREFIX"] == str(pycache(tmp_path / "tools"))


def test_no_prefix_of_ours_when_nothing_writes_bytecode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A prefix would keep nothing out of the tree and hide the environment's bytecode from every
    # process; what the person has set stays as it is, as for the same command run by hand.
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    assert "PYTHONPYCACHEPREFIX" not in step_environ(environment(tmp_path / "env"), tmp_path / "tools")
    monkeypatch.setenv("PYTHONPYCACHEPREFIX", str(tmp_path / "mine"))
    environ = step_environ(environment(tmp_path / "env"), tmp_path / "tools")
    assert environ["PYTHONPYCACHEPREFIX"] == str(tmp_path / "mine")
    assert prepare_bytecode(environ, environment(tmp_path / "env"), tmp_path / "tools", tmp_path) == 0


def test_wanted_files_are_the_interpreters_own_and_pytests_rewrites() -> None:
    plain = bytecode.wanted("cpython-311", {})
    assert plain("m.cpython-311.pyc")
    assert plain("m.cpython-311-pytest-9.2.0.pyc")
    assert not plain("m.cpython-311.opt-1.pyc")
    assert not plain("m.cpython-312.pyc")
    assert not plain("m.py")
    assert bytecode.wanted("cpython-311", {"PYTHONOPTIMIZE": "1"})("m.cpython-311.opt-1.pyc")


def test_roots_leave_out_the_project_but_not_a_venv_inside_it(tmp_path: Path) -> None:
    tree, outside = tmp_path / "repo", tmp_path / "stdlib"
    venv_site = tree / ".venv" / "lib" / "site-packages"
    for folder in (tree / "src", venv_site, outside):
        folder.mkdir(parents=True)
    sys_path = ("relative", str(outside), str(tree / "src"), str(venv_site), str(tmp_path), str(outside))
    roots = bytecode.mirrored_roots(sys_path, tree, str(tree / ".venv"))
    assert roots == [outside, venv_site]  # not relative, not the sources, not a folder above the tree


# --- the mirror -----------------------------------------------------------------------------


@posix_only
def test_mirror_links_importable_bytecode_once(tmp_path: Path) -> None:
    root, prefix = tmp_path / "site", tmp_path / "prefix"
    top = module(root, "top.py")
    sub = module(root, "pkg/sub/__init__.py")
    hidden = module(root, "pkg-1.0.dist-info/x.py")  # no import can reach it
    (root / "pkg" / "sub" / "__pycache__" / f"__init__.{TAG}.opt-1.pyc").write_bytes(b"")
    want = bytecode.wanted(TAG, {})

    assert bytecode.mirror(prefix, [root], want) == 2
    for src in (top, sub):
        link = under_prefix(prefix, src)
        assert link.is_symlink()
        assert link.resolve() == (src.parent / "__pycache__" / link.name).resolve()
    assert not under_prefix(prefix, hidden).exists()
    assert not under_prefix(prefix, sub, ".opt-1.pyc").exists()

    # Unchanged folder: nothing is walked again. A package installed changes the folder: relinked.
    module(root, "pkg/late.py")
    assert bytecode.mirror(prefix, [root], want) == 0
    module(root, "newpkg/__init__.py")
    assert bytecode.mirror(prefix, [root], want) == 2


@posix_only
def test_mirror_keeps_bytecode_a_step_compiled(tmp_path: Path) -> None:
    root, prefix = tmp_path / "site", tmp_path / "prefix"
    src = module(root, "mod.py")
    compiled = under_prefix(prefix, src)
    compiled.parent.mkdir(parents=True)
    compiled.write_bytes(b"compiled by a step")
    assert bytecode.mirror(prefix, [root], bytecode.wanted(TAG, {})) == 0
    assert not compiled.is_symlink()
    assert compiled.read_bytes() == b"compiled by a step"


@posix_only
def test_interpreter_reads_the_linked_bytecode_instead_of_compiling(tmp_path: Path) -> None:
    """A real interpreter with the prefix imports a module of the 'environment' through its link:
    had it compiled the module, it would have replaced the link with a file of its own."""
    root, prefix = tmp_path / "site", tmp_path / "prefix"
    src = module(root, "envmod.py")
    stale = module(root, "stalemod.py")
    bytecode.mirror(prefix, [root], bytecode.wanted(TAG, {}))
    stale.write_text("VALUE = 22\n", "utf-8")  # its size changed: its bytecode must be recompiled
    env_copy = stale.parent / "__pycache__" / f"stalemod.{TAG}.pyc"
    env_bytes = env_copy.read_bytes()
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix), "PYTHONPATH": str(root)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = "import envmod, stalemod; assert stalemod.VALUE == 22"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert under_prefix(prefix, src).is_symlink()
    replaced = under_prefix(prefix, stale)
    assert replaced.is_file() and not replaced.is_symlink()  # a file of the prefix's own
    assert env_copy.read_bytes() == env_bytes  # nothing was written through the link


# --- the gate, end to end -------------------------------------------------------------------

SUBPROCESS_REPO = {
    "pyproject.toml": """
        [project]
        name = "cli"
        version = "0"

        [tool.pytest.ini_options]
        testpaths = ["tests"]
        pythonpath = ["src"]
    """,
    "src/cli/__init__.py": """
        import json
        import sys


        def main() -> None:
            print(json.dumps({"args": sys.argv[1:]}))
    """,
    "src/cli/__main__.py": """
        from cli import main

        main()
    """,
    "tests/test_cli.py": """
        import os
        import subprocess
        import sys


        def test_cli_in_a_subprocess() -> None:
            env = {**os.environ, "PYTHONPATH": "src"}
            out = subprocess.run(
                [sys.executable, "-m", "cli", "x"], env=env, capture_output=True, text=True, check=True
            ).stdout
            assert '"x"' in out
    """,
    ".gitignore": "build/\n",
}


@pytest.mark.slow
@posix_only
def test_gate_keeps_tree_clean_and_reuses_bytecode_between_runs(
    make_repo: Callable[..., Path],
    run_gate: Callable[..., GateRun],
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PYTHONDONTWRITEBYTECODE", raising=False)  # bytecode on, as on most machines
    repo = make_repo(SUBPROCESS_REPO)
    before = tree_state(repo)
    prefix = pycache(tool_dir(cache_dir, repo))
    own = under_prefix(prefix, repo / "src" / "cli" / "__init__.py")
    stdlib_json = Path(sysconfig.get_paths()["stdlib"]) / "json" / "__init__.py"

    first = run_gate(repo, "--only", "tests", "--no-cache")
    assert first.code == 0, first.stdout + first.stderr
    assert tree_state(repo) == before  # the subprocess's bytecode did not land in the tree
    assert own.is_file() and not own.is_symlink()  # the project's bytecode, compiled once, in the prefix
    stamp = own.stat()
    if (stdlib_json.parent / "__pycache__" / f"__init__.{TAG}.pyc").is_file():
        # The environment's bytecode was read where it is, not compiled into the prefix.
        assert under_prefix(prefix, stdlib_json).is_symlink()

    second = run_gate(repo, "--only", "tests", "--no-cache")
    assert second.code == 0, second.stdout + second.stderr
    assert tree_state(repo) == before
    again = own.stat()
    assert (again.st_ino, again.st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)  # reused, not rewritten


@pytest.mark.slow
def test_gate_without_bytecode_writes_leaves_tree_and_prefix_empty(
    make_repo: Callable[..., Path],
    run_gate: Callable[..., GateRun],
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv("PYTHONPYCACHEPREFIX", raising=False)
    repo = make_repo(SUBPROCESS_REPO)
    before = tree_state(repo)
    res = run_gate(repo, "--only", "tests", "--no-cache")
    assert res.code == 0, res.stdout + res.stderr
    assert tree_state(repo) == before
    assert not pycache(tool_dir(cache_dir, repo)).exists()  # no prefix: nothing hidden, nothing written
