"""Running steps: the one subprocess runner, the scheduler and the result cache."""
