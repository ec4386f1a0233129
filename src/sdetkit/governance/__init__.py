"""Governance of the program's contracts: schema compatibility (``schema-diff``), the deprecation
register and its removal windows, and the monthly compatibility and deprecation reviews."""
