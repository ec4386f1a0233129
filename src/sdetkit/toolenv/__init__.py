"""Tool environments: the versions a project pins for its tools, and cached environments that hold them."""
