"""Read the first failing test case from a JUnit XML report (parsed with a hardened parser)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

from sdetkit.model import FirstFailure

REPORT_LIMIT = 64 << 20


def _node_id(case: Element) -> str | None:
    """pytest node id from a test case: ``file::Class::name``. xunit1 reports name the file; for
    others (xunit2, other runners) the module is the leading lowercase part of the class name."""
    name = case.get("name") or ""
    file = case.get("file")
    classname = case.get("classname") or ""
    if not file and classname:
        parts = classname.split(".")
        module = list(itertools.takewhile(lambda p: not p[:1].isupper(), parts))
        file = "/".join(module) + ".py" if module else None
    if not file:
        return None
    stem = Path(file).stem
    parts = classname.split(".")
    classes = parts[len(parts) - parts[::-1].index(stem) :] if stem in parts else []
    return "::".join([file, *classes, name])


def parse(report: Path) -> Element:
    """Parse an untrusted JUnit XML file with a hardened parser; InputError names the problem."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    from sdetkit.errors import InputError

    try:
        if report.stat().st_size > REPORT_LIMIT:
            raise InputError(f"{report}: larger than {REPORT_LIMIT} bytes; not a test report")
        root = SafeET.parse(report).getroot()
    except DefusedXmlException as exc:
        raise InputError(f"{report}: refused: the XML uses {type(exc).__name__} (entities or DTDs)") from exc
    except SafeET.ParseError as exc:
        raise InputError(f"{report}: not well-formed XML: {exc}") from exc
    except OSError as exc:
        raise InputError(f"{report}: cannot read: {exc.strerror or exc}") from exc
    if root is None or root.tag not in ("testsuites", "testsuite"):
        raise InputError(f"{report}: not a JUnit report (root element {getattr(root, 'tag', None)!r})")
    return root


def failures(root: Element) -> Iterator[FirstFailure]:
    """Every failing or erroring test case, in report order."""
    from sdetkit.steps.pytest import crash_location

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
            yield FirstFailure(message=f"collection error: {detail}"[:300], file=module_file, line=line)
            continue
        file, line, emsg = crash_location(text)
        yield FirstFailure(
            message=(message.splitlines()[0] if message else (emsg or "test failed"))[:300],
            file=file or node.split("::")[0],
            line=line,
            test_id=node,
            rule="error" if problem.tag == "error" else None,
        )


def first_failure(report: Path) -> FirstFailure | None:
    """The first failing test case of a report sdetkit itself asked pytest to write, or None."""
    from sdetkit.errors import InputError

    if not report.is_file():
        return None
    try:
        return next(failures(parse(report)), None)
    except InputError:
        return None
