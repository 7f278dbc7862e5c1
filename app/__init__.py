"""edumon application: configuration, CLI, pages and the demo school."""
