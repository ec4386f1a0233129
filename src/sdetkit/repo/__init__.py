"""Facts about the repository under test: git state, configuration, environment."""
