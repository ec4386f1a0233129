"""Commands never import each other: what two commands share lives in the domain below them."""

from __future__ import annotations

import ast
from pathlib import Path

import sdetkit.commands

COMMANDS = Path(sdetkit.commands.__file__).parent


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_no_command_module_imports_another() -> None:
    modules = sorted(p for p in COMMANDS.glob("*.py") if p.name != "__init__.py")
    assert modules
    for path in modules:
        own = f"sdetkit.commands.{path.stem}"
        imported = _imported(ast.parse(path.read_text(encoding="utf-8")))
        others = sorted(n for n in imported if n.startswith("sdetkit.commands") and n != own)
        assert not others, f"{path.name} imports {others}"


def test_the_domain_never_imports_a_command_or_the_cli() -> None:
    """Layers point one way (docs/architecture.md): cli -> commands -> formats and the domain."""
    package = COMMANDS.parent
    modules = sorted(
        # The command line is cli.py and its cli_*.py parts.
        p
        for p in package.rglob("*.py")
        if COMMANDS not in p.parents and not p.stem.startswith(("cli", "__main__"))
    )
    assert len(modules) > 50
    for path in modules:
        imported = _imported(ast.parse(path.read_text(encoding="utf-8")))
        upward = sorted(n for n in imported if n.startswith(("sdetkit.commands", "sdetkit.cli")) or n == "sdetkit.cli")
        assert not upward, f"{path.relative_to(package)} imports {upward}"
