"""Main file for NiceGUI's `user` fixture: builds the app from EDUMON_* settings exactly as `edumon serve` does."""

from app.main import run

run()
