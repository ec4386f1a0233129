"""The rollout program judged from evidence: every entry and exit criterion of the rollout guide,
its 30/60/90-day checkpoints and its failure-mode signals (``sdetkit rollout status``)."""
