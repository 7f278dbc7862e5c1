"""The README cannot drift from the code: every command, every EDUMON_* setting and every package is named there."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

from app.cli import cli
from app.config import Settings
from devtools.readme import settings_rows

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
TOP = ("app", "sheets_schema", "forms", "sync", "reports", "devtools")


def _commands(group: Any, prefix: str = "edumon") -> list[str]:
    out: list[str] = []
    for name, cmd in group.commands.items():
        path = f"{prefix} {name}"
        out += _commands(cmd, path) if hasattr(cmd, "commands") else [path]
    return out


def test_every_command_is_in_the_readme() -> None:
    commands = _commands(typer.main.get_command(cli))
    assert len(commands) >= 20
    assert [c for c in commands if c not in README] == []


def test_the_settings_table_is_the_settings() -> None:
    """Every EDUMON_* setting with its description and default, as `python -m devtools.readme` writes the table."""
    assert len(Settings.model_fields) >= 15
    assert all(f.description for f in Settings.model_fields.values())  # a setting nobody explained is not done
    table = [line for line in README.splitlines() if line.startswith("| `EDUMON_")]
    assert table == settings_rows()


def test_the_architecture_map_names_every_package() -> None:
    packages = sorted(str(p.parent.relative_to(ROOT)) + "/" for top in TOP for p in (ROOT / top).rglob("__init__.py")
                      if "__pycache__" not in p.parts)
    assert "reports/analytics/" in packages and "sync/write/" in packages
    block = README[README.index("## Как устроено"):]
    assert [p for p in packages if f"`{p}`" not in block] == []
    named = set(re.findall(r"`((?:app|sheets_schema|forms|sync|reports|devtools)(?:/\w+)*/)`", block))
    assert sorted(named - set(packages)) == []  # nothing named that does not exist


def test_every_file_the_readme_names_exists() -> None:
    named = set(re.findall(r"\b((?:app|sync|reports|forms|sheets_schema|devtools|benchmarks|tests)/[\w/]+\.py)\b",
                           README))
    assert len(named) >= 20
    assert sorted(p for p in named if not (ROOT / p).is_file()) == []
