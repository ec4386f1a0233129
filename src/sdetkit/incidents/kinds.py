"""The incident log's closed vocabularies. Free of imports beyond enums, so the CLI can offer
them as choices without loading the incident log (``sdetkit --help`` stays fast)."""

from __future__ import annotations

from sdetkit.enums import StrEnum


class IncidentSeverity(StrEnum):
    """How bad an incident is, worst first (the support model defines each)."""

    SEV1 = "sev1"
    SEV2 = "sev2"
    SEV3 = "sev3"
    SEV4 = "sev4"


class IncidentState(StrEnum):
    """Where an incident stands: opened, acknowledged, mitigating (a plan is recorded) or resolved."""

    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    MITIGATING = "mitigating"
    RESOLVED = "resolved"


class EscalationRole(StrEnum):
    """The escalation chain, in order: who is told first, and who next."""

    RELEASE_OWNER = "release_owner"
    WORKSTREAM_DRI = "workstream_dri"
    PLATFORM_LEAD = "platform_lead"
    SPONSOR = "sponsor"
