"""The sync layer: the only place that talks to spreadsheets, files and SQLite."""
