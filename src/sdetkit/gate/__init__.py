"""The gate as a pipeline of named stages: workspace -> plan -> execute -> report.

``workspace`` resolves the repository, its configuration and its environment once; ``plan`` turns
the providers' discoveries, the profile's own steps, the repository's declarations and the command
line into a plan (pure); ``execute`` runs it; ``report`` reduces and renders the results. A profile
(``fast``, ``release``) contributes its steps, its internal checks and its artifact fields through
one interface (:class:`~sdetkit.gate.profiles.GateProfile`).
"""
