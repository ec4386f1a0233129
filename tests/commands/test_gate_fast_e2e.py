"""`sdetkit gate fast` end to end: real git repositories, real ruff, mypy and pytest."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import paths
from tests.conftest import HEALTHY, GateRun, git, tree_state, write_files

pytestmark = pytest.mark.slow

Make = Callable[..., Path]
Run = Callable[..., GateRun]


def test_healthy_repository_passes_with_its_own_checks_and_leaves_the_tree_untouched(
    make_repo: Make, run_gate: Run
) -> None:
    repo = make_repo()
    before = tree_state(repo)
    res = run_gate(repo)
    assert res.code == 0, res.stdout + res.stderr
    assert res.artifact is not None
    assert res.artifact["ok"] is True
    assert res.artifact["failed_steps"] == []
    assert [(s["id"], s["status"]) for s in res.artifact["steps"]] == [
        ("lint", "passed"),
        ("format", "passed"),
        ("typecheck", "passed"),
        ("tests", "passed"),
    ]
    assert res.artifact["commit"] == git(repo, "rev-parse", "HEAD").strip()
    assert res.artifact["dirty"] is False
    assert res.step("tests")["argv"][:3] == ["python", "-m", "pytest"]
    assert "testpaths: tests" in res.step("tests")["reason"]
    assert tree_state(repo) == before  # no .pytest_cache, .mypy_cache, .ruff_cache, __pycache__


def test_lint_error_is_reported_with_rule_file_and_line(make_repo: Make, run_gate: Run) -> None:
    files = dict(HEALTHY)
    files["src/pkg/extra.py"] = "import os\n"
    res = run_gate(make_repo(files))
    assert res.code == 1
    assert res.artifact is not None
    assert res.artifact["failed_steps"] == ["lint"]
    first = res.step("lint")["first_failure"]
    assert (first["file"], first["line"], first["rule"]) == ("src/pkg/extra.py", 1, "F401")
    assert "re-run: sdetkit gate fast" in res.stdout and "--only lint" in res.stdout


def test_ruff_config_asking_to_fix_does_not_modify_files(make_repo: Make, run_gate: Run) -> None:
    files = dict(HEALTHY)
    files["pyproject.toml"] = HEALTHY["pyproject.toml"].replace(
        "line-length = 100", "line-length = 100\n        fix = true"
    )
    files["src/pkg/extra.py"] = "import os\n"
    repo = make_repo(files)
    res = run_gate(repo)
    assert res.code == 1
    assert (repo / "src/pkg/extra.py").read_text() == "import os\n"


def test_fix_flag_lets_fixers_modify_and_they_run_first(make_repo: Make, run_gate: Run) -> None:
    files = dict(HEALTHY)
    files["src/pkg/extra.py"] = "import os\nx=1\n"
    repo = make_repo(files)
    res = run_gate(repo, "--fix", "--only", "lint,format")
    assert res.code == 0, res.stdout
    assert (repo / "src/pkg/extra.py").read_text() == "x = 1\n"


def test_type_error_is_found_in_configured_files(make_repo: Make, run_gate: Run) -> None:
    files = dict(HEALTHY)
    files["src/pkg/__init__.py"] = 'def add(a: int, b: int) -> int:\n    return "x"\n'
    files["tests/test_add.py"] = "def test_nothing() -> None:\n    assert True\n"
    res = run_gate(make_repo(files))
    assert res.code == 1
    assert res.artifact is not None
    assert res.artifact["failed_steps"] == ["typecheck"]
    first = res.step("typecheck")["first_failure"]
    assert (first["file"], first["line"], first["rule"]) == ("src/pkg/__init__.py", 2, "return-value")


def test_failing_test_gives_exact_node_id(make_repo: Make, run_gate: Run) -> None:
    files = dict(HEALTHY)
    files["tests/test_add.py"] = """
        from pkg import add


        class TestAdd:
            def test_ok(self) -> None:
                assert add(1, 1) == 2

            def test_wrong(self) -> None:
                assert add(1, 2) == 4
    """
    res = run_gate(make_repo(files))
    assert res.code == 1
    first = res.step("tests")["first_failure"]
    assert first["test_id"] == "tests/test_add.py::TestAdd::test_wrong"
    assert first["file"] == "tests/test_add.py"
    assert first["line"] == 9
    assert "assert 3 == 4" in first["message"]


def test_tests_see_the_colour_variables_ci_sets(
    make_repo: Make, run_gate: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Modeled on a terminal library whose test sets FORCE_COLOR and expects colour: the gate must
    # not add NO_COLOR (or drop FORCE_COLOR) for the code under test, or it fails a test CI passes.
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    files = dict(HEALTHY)
    files["tests/test_colour.py"] = """
        import os


        def test_colour_is_as_the_caller_set_it() -> None:
            assert "NO_COLOR" not in os.environ
            assert os.environ.get("FORCE_COLOR") == "1"
    """
    res = run_gate(make_repo(files))
    assert res.step("tests")["status"] == "passed", res.step("tests")
    assert res.code == 0


def test_tests_that_run_coverage_themselves_find_its_data_where_coverage_writes_it(
    make_repo: Make, run_gate: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Modeled on a test runner's own coverage-plugin test: it runs a measured child process in a
    # folder and expects `.coverage` there. A COVERAGE_FILE from the gate would send it elsewhere.
    monkeypatch.delenv("COVERAGE_FILE", raising=False)
    files = dict(HEALTHY)
    files["tests/test_measures.py"] = """
        import subprocess
        import sys
        from pathlib import Path


        def test_a_measured_child_writes_its_data_in_its_folder(tmp_path: Path) -> None:
            (tmp_path / "mod.py").write_text("x = 1\\n")
            subprocess.run([sys.executable, "-m", "coverage", "run", "mod.py"], cwd=tmp_path, check=True)
            assert (tmp_path / ".coverage").is_file()
    """
    res = run_gate(make_repo(files), "--only", "tests")
    assert res.step("tests")["status"] == "passed", res.step("tests")


def test_collection_error_names_the_module(make_repo: Make, run_gate: Run) -> None:
    files = dict(HEALTHY)
    files["tests/test_broken.py"] = "import not_a_module_anywhere\n"
    res = run_gate(make_repo(files))
    assert res.code == 1
    step = res.step("tests")
    assert step["status"] == "failed"
    assert step["exit_code"] == 2
    first = step["first_failure"]
    assert first["file"] == "tests/test_broken.py"
    assert first["message"].startswith("collection error")
    assert "not_a_module_anywhere" in first["message"]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead for our purposes.
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_hanging_test_times_out_and_its_children_are_killed(make_repo: Make, run_gate: Run, tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    files = dict(HEALTHY)
    files["tests/test_hang.py"] = f"""
        import subprocess, time
        from pathlib import Path


        def test_hang() -> None:
            child = subprocess.Popen(["sleep", "300"])
            Path({str(pidfile)!r}).write_text(str(child.pid))
            time.sleep(300)
    """
    res = run_gate(make_repo(files), "--timeout", "8", "--only", "tests")
    assert res.code == 1
    step = res.step("tests")
    assert step["status"] == "timed_out"
    assert "timed out after 8s" in step["message"]
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(pid)


def test_missing_tools_are_errors_with_install_hints(make_repo: Make, run_gate: Run, tmp_path: Path) -> None:
    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    res = run_gate(make_repo(), "--only", "typecheck,tests", python=str(bare))
    assert res.code == 1
    for sid, module in (("typecheck", "mypy"), ("tests", "pytest")):
        step = res.step(sid)
        assert step["status"] == "error"
        assert f"-m pip install {module}" in step["message"]


def test_empty_plan_is_never_a_pass(make_repo: Make, run_gate: Run) -> None:
    res = run_gate(make_repo({"README.md": "nothing to check\n"}))
    assert res.code == 1
    assert res.artifact is not None
    assert res.artifact["ok"] is False
    assert res.artifact["reason"] == "empty plan: no steps were discovered"
    assert res.artifact["steps"] == []


def test_everything_skipped_is_never_a_pass(make_repo: Make, run_gate: Run) -> None:
    res = run_gate(make_repo(), "--skip", "lint,format,typecheck,tests")
    assert res.code == 1
    assert res.artifact is not None
    assert res.artifact["reason"] == "empty plan: every step was skipped"
    assert {s["status"] for s in res.artifact["steps"]} == {"skipped"}


CUSTOM = {
    "sdetkit.toml": """
        [gate.fast.steps.shellcheck]
        argv = ["sh", "-c", "echo checking scripts; exit 0"]

        [gate.fast.steps.build]
        argv = ["sh", "-c", "echo 'main.c:12:5: error: expected ;' >&2; exit 3"]
        kind = "build"

        [gate.fast.steps.package]
        argv = ["sh", "-c", "echo packaging"]
        needs = ["build"]
    """,
    "main.c": "int main(void) { return 0; }\n",
}


def test_custom_non_python_steps_run_with_needs(make_repo: Make, run_gate: Run) -> None:
    res = run_gate(make_repo(CUSTOM))
    assert res.code == 1
    assert res.artifact is not None
    assert [(s["id"], s["status"]) for s in res.artifact["steps"]] == [
        ("build", "failed"),
        ("package", "skipped"),
        ("shellcheck", "passed"),
    ]
    build = res.step("build")
    assert build["first_failure"]["file"] == "main.c"
    assert build["first_failure"]["line"] == 12
    assert res.step("package")["message"] == "not run: needs build failed"
    assert res.artifact["failed_steps"] == ["build"]


def test_stable_json_matches_golden_file(make_repo: Make, run_gate: Run) -> None:
    golden = paths.DATA / "golden" / "gate-fast-custom.json"
    res = run_gate(make_repo(CUSTOM), "--stable-json")
    assert res.raw is not None
    if os.environ.get("SDETKIT_UPDATE_GOLDEN"):
        golden.write_bytes(res.raw)
    assert res.raw.decode() == golden.read_text()


def test_stable_json_is_byte_identical_across_cold_and_cached_runs(make_repo: Make, run_gate: Run) -> None:
    repo = make_repo()
    first = run_gate(repo, "--stable-json")
    second = run_gate(repo, "--stable-json")
    assert first.raw is not None and first.raw == second.raw
    assert b'"run"' not in first.raw


VOLATILE_FAILURE = """
    import os
    import random
    import socket
    import time
    from pathlib import Path


    class Client:
        pass


    def test_upload(tmp_path: Path) -> None:
        time.sleep(random.random() / 10)
        with socket.socket() as server:
            server.bind(("127.0.0.1", 0))
            port = server.getsockname()[1]
            client = Client()
            print(f"pid {os.getpid()} serving on 127.0.0.1:{port} for {client!r}")
            got = (tmp_path / "upload.txt").exists()
            assert got, f"{client!r} sent nothing to 127.0.0.1:{port} in {tmp_path}"
"""


def test_stable_json_is_byte_identical_for_a_failing_run_with_volatile_output(
    make_repo: Make, run_gate: Run, tmp_path: Path
) -> None:
    # The failing test prints an object address, an ephemeral port, its pid and pytest's numbered
    # temp folder, and takes a random time: every run differs unless stable mode masks them.
    files = dict(HEALTHY)
    files["tests/test_upload.py"] = VOLATILE_FAILURE
    repo = make_repo(files)
    first = run_gate(repo, "--stable-json", "--no-cache", out=tmp_path / "first.json")
    second = run_gate(repo, "--stable-json", "--no-cache", out=tmp_path / "second.json")
    assert first.code == second.code == 1
    assert first.raw is not None and first.raw == second.raw
    assert first.artifact is not None and first.artifact["failed_steps"] == ["tests"]
    step = first.step("tests")
    assert step["first_failure"]["test_id"] == "tests/test_upload.py::test_upload"
    assert step["first_failure"]["message"] == (
        "AssertionError: <test_upload.Client object at <addr>> sent nothing to 127.0.0.1:<port> in <tmp>/test_upload0"
    )
    assert "pid <pid> serving on 127.0.0.1:<port> for <test_upload.Client object at <addr>>" in step["log_tail"]
    assert "tests/test_upload.py:20: AssertionError" in step["log_tail"]


def test_cache_reports_hits_and_never_hides_a_change(make_repo: Make, run_gate: Run) -> None:
    repo = make_repo()
    cold = run_gate(repo)
    assert cold.artifact is not None and not any(s["cached"] for s in cold.artifact["steps"])
    warm = run_gate(repo)
    assert warm.artifact is not None and all(s["cached"] for s in warm.artifact["steps"])
    # An uncommitted change that breaks lint must re-run, not come from the cache.
    (repo / "src/pkg/extra.py").write_text("import os\n")
    changed = run_gate(repo)
    assert changed.code == 1
    assert changed.step("lint")["cached"] is False
    assert changed.step("lint")["status"] == "failed"
    assert changed.artifact is not None and changed.artifact["dirty"] is True
    # A failure is never cached: fixing the file is seen at once.
    (repo / "src/pkg/extra.py").unlink()
    assert run_gate(repo).code == 0
    nocache = run_gate(repo, "--no-cache")
    assert nocache.artifact is not None and not any(s["cached"] for s in nocache.artifact["steps"])


def test_own_artifact_inside_the_repo_does_not_make_it_dirty(make_repo: Make, run_gate: Run) -> None:
    repo = make_repo({**CUSTOM, ".gitignore": ""})
    out = repo / "build" / "gate-fast.json"
    run_gate(repo, out=out)
    again = run_gate(repo, out=out)
    assert again.artifact is not None and again.artifact["dirty"] is False
    # Earlier evidence under other names (one file per CI run) is not the project's content either,
    # but any other new file is.
    third = run_gate(repo, out=repo / "build" / "gate-fast-3.json")
    assert third.artifact is not None and third.artifact["dirty"] is False
    passed = [s for s in third.artifact["steps"] if s["status"] == "passed"]
    assert passed and all(s["cached"] for s in passed)
    (repo / "build" / "notes.json").write_text('{"schema_name": "something.else"}')
    fourth = run_gate(repo, out=repo / "build" / "gate-fast-4.json")
    assert fourth.artifact is not None and fourth.artifact["dirty"] is True


def test_list_steps_explains_the_plan(make_repo: Make, run_gate: Run) -> None:
    res = run_gate(make_repo(), "--list-steps")
    assert res.code == 0
    assert "typecheck (typecheck, mypy)" in res.stdout
    assert "why: pyproject.toml [tool.mypy] (checks the files it names: src)" in res.stdout
    assert "pyright: no pyright configuration" in res.stdout


def test_markdown_and_text_formats(make_repo: Make, run_gate: Run) -> None:
    repo = make_repo(CUSTOM)
    md = run_gate(repo, "--format", "markdown", "--out", str(repo.parent / "g.md"))
    body = (repo.parent / "g.md").read_text()
    assert md.code == 1
    assert "| `build` | sh | failed | main.c:12:5: error: expected ; |" in body
    text = run_gate(repo, "--out", str(repo.parent / "g.txt"), "--format", "text")
    assert "FAIL    build" in (repo.parent / "g.txt").read_text()
    assert text.code == 1


@pytest.mark.parametrize(
    ("files", "args", "expected"),
    [
        ({"pyproject.toml": "[project\nname = 'x'\n"}, (), "pyproject.toml:1:9: invalid TOML:"),
        (
            {"pyproject.toml": "[tool.sdetkit.gate.fast]\njobs = 'many'\n"},
            (),
            "[tool.sdetkit.gate.fast.jobs] must be a positive integer",
        ),
        (
            {"pyproject.toml": "[tool.sdetkit.gate.fast.steps.x]\ntimeout = 5\n"},
            (),
            "step 'x' is not a discovered step, so it needs argv",
        ),
        ({"pyproject.toml": "[tool.sdetkit.gate.fast]\nstepz = {}\n"}, (), "unknown key 'stepz'"),
        (
            {
                "sdetkit.toml": "[gate.fast.steps.a]\nargv=['true']\nneeds=['b']\n"
                "[gate.fast.steps.b]\nargv=['true']\nneeds=['a']\n"
            },
            (),
            "cycle",
        ),
        (HEALTHY, ("--only", "nope"), "--only: unknown step 'nope'"),
    ],
)
def test_bad_configuration_and_flags_exit_2_with_one_line(
    make_repo: Make, run_gate: Run, files: dict[str, str], args: tuple[str, ...], expected: str, tmp_path: Path
) -> None:
    res = run_gate(make_repo(files), *args)
    assert res.code == 2, res.stderr
    assert expected in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_malformed_pyproject_names_line(make_repo: Make, run_gate: Run) -> None:
    res = run_gate(make_repo({"pyproject.toml": "[project]\nname = 'x'\nversion = \n"}))
    assert res.code == 2
    assert "pyproject.toml:3:11: invalid TOML: Invalid value" in res.stderr


def test_not_a_git_repository(tmp_path: Path, run_gate: Run) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    res = run_gate(plain)
    assert res.code == 2
    assert "not a git repository" in res.stderr


def test_unwritable_out_fails_before_running_anything(make_repo: Make, run_gate: Run, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    res = run_gate(make_repo(CUSTOM), out=blocker / "gate.json")
    assert res.code == 2
    assert "is not a directory" in res.stderr
    assert blocker.read_text() == "x"


def test_ctrl_c_kills_steps_and_writes_nothing(make_repo: Make, tmp_path: Path, cache_dir: Path) -> None:
    pidfile = tmp_path / "pid"
    repo = make_repo(
        {"sdetkit.toml": f'[gate.fast.steps.hang]\nargv = ["sh", "-c", "echo $$ > {pidfile}; exec sleep 300"]\n'}
    )
    out = tmp_path / "never.json"
    # A shell runs a background job (`make test &`, a CI script's `cmd &`) with SIGINT ignored, and
    # ignored signals stay ignored across exec: a Ctrl-C could then never reach the gate. As in a
    # terminal, the gate starts with SIGINT at its default (execv keeps the process, so its pid).
    default_sigint = (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
        "os.execv(sys.executable, [sys.executable, '-m', 'sdetkit', *sys.argv[1:]])"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", default_sigint, "gate", "fast", str(repo), "--format", "json", "--out", str(out)],
        # PYTHONFAULTHANDLER: if the gate ever hangs after Ctrl-C, SIGABRT prints where every thread is.
        env={**os.environ, "SDETKIT_CACHE_DIR": str(cache_dir), "PYTHONFAULTHANDLER": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not (pidfile.exists() and pidfile.read_text().strip()) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        _, err = proc.communicate(timeout=30)
        pytest.fail(f"the gate did not stop within 30 s of Ctrl-C; where it was:\n{err}")
    assert proc.returncode == 130
    assert "interrupted" in err
    assert not out.exists()
    pid = int(pidfile.read_text())
    time.sleep(0.2)
    assert not _alive(pid)


def test_monorepo_subproject_uses_its_own_config(make_repo: Make, run_gate: Run) -> None:
    files = {f"services/api/{k}": v for k, v in HEALTHY.items()}
    repo = make_repo(files)
    res = run_gate(repo / "services" / "api")
    assert res.code == 0, res.stdout
    assert res.artifact is not None
    assert res.artifact["project_path"] == "services/api"
    write_files(repo, {"services/api/src/pkg/more.py": "import os\n"})
    assert run_gate(repo / "services" / "api").code == 1
