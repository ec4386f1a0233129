"""The output-format interface: a command's report in, text out. No I/O here.

A command builds a :class:`Report`; the format the user chose by name (``--format``) turns it
into text; :func:`sdetkit.formats.deliver.deliver` writes it. A format never knows which command
ran except through ``report.command``, so a new format works for every command at once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

if TYPE_CHECKING:
    from sdetkit.model import GateReport


class Report(Protocol):
    """What every output format can read from any command's result."""

    @property
    def command(self) -> str:
        """The command that made it (``doctor``, ``decide``, ``triage``, ``verify``, ``gate``...)."""
        ...

    def document(self) -> Mapping[str, Any]:
        """The canonical JSON document: the artifact the ``json`` format writes."""
        ...


class DocumentReport(NamedTuple):
    """A report whose every view is built from its JSON document alone."""

    command: str
    doc: Mapping[str, Any]

    def document(self) -> Mapping[str, Any]:
        return self.doc


class GateOutput(NamedTuple):
    """A gate run as the formats see it: the text and markdown views read the report itself,
    not its document, and need the interpreter as the user should see it."""

    report: GateReport
    stable: bool  # --stable-json: leave run-specific facts out of the document
    python: str  # the interpreter, relative to the project where it lies inside it
    command: str = "gate"

    def document(self) -> Mapping[str, Any]:
        from sdetkit.evidence import gate as artifact

        return artifact.document(self.report, self.stable)


class OutputFormat(ABC):
    """One output format (the model is pip-audit's ``VulnerabilityFormat``): a name for
    ``--format`` and one method. Register a new one with :func:`sdetkit.formats.registry.register`."""

    name: ClassVar[str]

    @abstractmethod
    def render(self, report: Report) -> str:
        """The whole output for ``report``, ending in a newline."""


class PerCommandFormat(OutputFormat):
    """A format that shows each command in its own way: one method per command (the gate's reads
    the run itself, the others the command's document). A new command adds its method here and in
    each such format."""

    def render(self, report: Report) -> str:
        if isinstance(report, GateOutput):
            return self.gate(report)
        views = {
            "doctor": self.doctor,
            "decide": self.decide,
            "triage": self.triage,
            "verify": self.verify,
            "rollout": self.rollout,
            "checklist": self.checklist,
        }
        return views[report.command](report.document())

    @abstractmethod
    def gate(self, output: GateOutput) -> str:
        """``sdetkit gate fast|release``."""

    @abstractmethod
    def doctor(self, doc: Mapping[str, Any]) -> str:
        """``sdetkit doctor``."""

    @abstractmethod
    def decide(self, doc: Mapping[str, Any]) -> str:
        """``sdetkit decide``."""

    @abstractmethod
    def triage(self, doc: Mapping[str, Any]) -> str:
        """``sdetkit triage`` and ``sdetkit investigate failure``."""

    @abstractmethod
    def verify(self, doc: Mapping[str, Any]) -> str:
        """``sdetkit evidence verify``."""

    @abstractmethod
    def rollout(self, doc: Mapping[str, Any]) -> str:
        """``sdetkit rollout status``."""

    @abstractmethod
    def checklist(self, doc: Mapping[str, Any]) -> str:
        """``sdetkit release checklist``."""
