"""The step cache in process: what enters a key, what is stored, what is never served."""

from __future__ import annotations

import os
from pathlib import Path

from sdetkit.model import ExternalProgram, Status, StepResult
from sdetkit.run.cache import VOLATILE_ENV, StepCache
from tests.specs import spec

ENVIRON = {"PATH": "/usr/bin", "LANG": "C.UTF-8"}


def base(**change: object) -> str:
    parts: dict[str, object] = {"content": "tree", "env_fingerprint": "env", "python": "/py", "environ": ENVIRON}
    parts.update(change)
    return StepCache.base(**parts)  # type: ignore[arg-type]


def test_the_base_key_covers_tree_environment_interpreter_and_variables() -> None:
    assert base() == base()
    others = {
        base(content="other tree"),
        base(env_fingerprint="other env"),
        base(python="/other/py"),
        base(environ={**ENVIRON, "PYTHONHASHSEED": "0"}),
    }
    assert base() not in others and len(others) == 4


def test_volatile_variables_do_not_enter_the_base_key() -> None:
    noisy = dict(ENVIRON, **dict.fromkeys(VOLATILE_ENV, "changes every run"))
    assert base(environ=noisy) == base()


def test_every_field_that_changes_what_runs_changes_the_step_key() -> None:
    cache = StepCache(None, "base")
    s = spec("lint")
    variants = [
        s._replace(command=("t", "other")),
        s._replace(extra=("--flag",)),
        s._replace(timeout=5.0),
        s._replace(env=(("A", "1"),)),
        s._replace(kind="typecheck"),
    ]
    keys = {cache.key(v) for v in variants}
    assert cache.key(s) == cache.key(spec("lint")) and cache.key(s) not in keys and len(keys) == len(variants)
    assert StepCache(None, "other base").key(s) != cache.key(s)


def test_a_changed_program_file_changes_the_key(tmp_path: Path) -> None:
    program = tmp_path / "tool"
    program.write_text("v1")
    s = spec("lint")._replace(program=ExternalProgram(str(program)))
    cache = StepCache(None, "base")
    before = cache.key(s)
    program.write_text("version 2")
    os.utime(program, ns=(1, 1))
    assert cache.key(s) != before


def test_only_passes_are_stored_and_served(tmp_path: Path) -> None:
    cache = StepCache(tmp_path, "base")
    passed = StepResult(spec("a"), Status.PASSED, 0, log_tail="ok", tool_version="1.0")
    cache.put(passed)
    cache.put(StepResult(spec("b"), Status.FAILED, 1))
    got = cache.get(spec("a"))
    assert (
        got is not None and got.cached and (got.status, got.log_tail, got.tool_version) == (Status.PASSED, "ok", "1.0")
    )
    assert cache.get(spec("b")) is None


def test_a_cache_that_may_not_be_read_still_stores(tmp_path: Path) -> None:
    StepCache(tmp_path, "base", read=False).put(StepResult(spec("a"), Status.PASSED, 0))
    assert StepCache(tmp_path, "base", read=False).get(spec("a")) is None
    assert StepCache(tmp_path, "base").get(spec("a")) is not None


def test_modifying_steps_are_never_cached(tmp_path: Path) -> None:
    cache = StepCache(tmp_path, "base")
    fixer = spec("fix", modifies=True)
    cache.put(StepResult(fixer, Status.PASSED, 0))
    assert cache.get(fixer) is None and not list(tmp_path.rglob("*.json"))


def test_a_damaged_entry_means_the_step_runs(tmp_path: Path) -> None:
    cache = StepCache(tmp_path, "base")
    cache.put(StepResult(spec("a"), Status.PASSED, 0))
    (entry,) = tmp_path.rglob("*.json")
    entry.write_text("{not json")
    assert cache.get(spec("a")) is None
