"""sdetkit: release confidence from a repository's own checks."""

__version__ = "0.1.0"
