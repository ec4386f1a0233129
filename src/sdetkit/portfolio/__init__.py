"""Portfolio: evidence from many repositories, reduced to scorecards, KPIs and reports."""
