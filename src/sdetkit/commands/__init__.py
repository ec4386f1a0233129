"""One module per CLI command: wire settings to the domain and choose the output."""
