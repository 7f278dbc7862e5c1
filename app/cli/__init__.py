"""The `edumon` command line: one module per command group (`users`, `writes`, `snapshots`, `reports`, `lab`),
assembled in `main`. Heavy libraries load inside the commands that need them, so `edumon --help` stays fast."""

from app.cli.main import cli, main

__all__ = ["cli", "main"]
