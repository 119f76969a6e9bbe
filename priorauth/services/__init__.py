"""The application services: the operations staff perform (the tracker, the one door to
changing data), bulk changes such as an import, and the demo practice. Above the rules and the
store; below the CLI, the TUI and sync."""
