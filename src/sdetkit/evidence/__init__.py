"""Evidence artifacts: canonical JSON, atomic files, redaction, shipped schemas."""
