"""Output formats: a command's report in, text out (``base``), chosen by name (``registry``),
one module per format (``text``, ``json``, ``markdown``), written once (``deliver``)."""
