"""How the project's own automation runs a tool, found in trust order."""

from __future__ import annotations


def test_automation_invocations_are_found_in_trust_order() -> None:
    from sdetkit.steps.invocations import invocations

    evidence = {
        ".github/workflows/ci.yml": "  - run: pip install mypy==1.15\n  - run: uv run mypy src tests --strict\n",
        "tox.ini": "[testenv:t]\ndeps = mypy\ncommands =\n  mypy typing_tests {posargs}\n  mypy src/a.pyi\n",
        "noxfile.py": 'session.install("mypy")\nsession.run("mypy", "pkg", "--strict")\n',
        "Makefile": "typecheck:\n\tmypy --config-file ci.ini src && echo done\n",
    }
    assert invocations(evidence, "mypy") == [
        ("tox.ini", ["typing_tests", "{posargs}"]),
        ("tox.ini", ["src/a.pyi"]),
        ("noxfile.py", ["pkg", "--strict"]),
        ("Makefile", ["--config-file", "ci.ini", "src"]),
        (".github/workflows/ci.yml", ["src", "tests", "--strict"]),
    ]
