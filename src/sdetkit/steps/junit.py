"""Read the first failing test case from a JUnit XML report (parsed with a hardened parser)."""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element

from sdetkit.model import FirstFailure

REPORT_LIMIT = 64 << 20


def _node_id(case: Element) -> str | None:
    """pytest node id from an xunit1 test case: ``file::Class::name``."""
    name = case.get("name") or ""
    file = case.get("file")
    classname = case.get("classname") or ""
    if not file:
        return None
    stem = Path(file).stem
    parts = classname.split(".")
    classes = parts[len(parts) - parts[::-1].index(stem) :] if stem in parts else []
    return "::".join([file, *classes, name])


def first_failure(report: Path) -> FirstFailure | None:
    """The first test case (in report order) with a failure or error, or None."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    from sdetkit.steps.pytest import crash_location

    try:
        if not report.is_file() or report.stat().st_size > REPORT_LIMIT:
            return None
        tree = SafeET.parse(report)
    except (OSError, SafeET.ParseError, DefusedXmlException):
        return None
    root = tree.getroot()
    if root is None:
        return None
    for case in root.iter("testcase"):
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is None:
            continue
        text = problem.text or ""
        node = _node_id(case)
        message = (problem.get("message") or "").strip()
        if node is None or not case.get("classname"):
            # A collection error: no class name, the module in ``name``.
            module_file = case.get("file") or (case.get("name") or "").replace(".", "/") + ".py"
            _, line, emsg = crash_location(text, prefer=module_file)
            detail = emsg or message
            return FirstFailure(message=f"collection error: {detail}"[:300], file=module_file, line=line)
        file, line, emsg = crash_location(text)
        return FirstFailure(
            message=(message.splitlines()[0] if message else (emsg or "test failed"))[:300],
            file=file or node.split("::")[0],
            line=line,
            test_id=node,
            rule="error" if problem.tag == "error" else None,
        )
    return None
