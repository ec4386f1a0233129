"""Incidents and the support model: the incident log, who must be told and by when, adherence to
the response targets, and whether severities follow the model's rules."""
