"""The `authtrack` command: the composition root that wires the domain, the TUI and Excel sync."""
