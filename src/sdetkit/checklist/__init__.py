"""The full release package checklist of a release train (``sdetkit release checklist``)."""
