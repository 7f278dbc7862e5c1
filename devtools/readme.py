"""The README's settings table, written from `app.config.Settings` (each field's description and default), so the
table cannot drift from the code: `python -m devtools.readme` prints it; tests/test_docs.py compares."""

from __future__ import annotations

from app.config import Settings


def settings_rows() -> list[str]:
    rows = []
    for name, f in Settings.model_fields.items():
        default = f.default
        shown = "—" if default in ("", None) else ("1" if default else "0") if isinstance(default, bool) else default
        rows.append(f"| `EDUMON_{name.upper()}` | {f.description or ''} | {shown} |")
    return rows


if __name__ == "__main__":
    print("| настройка | что задаёт | по умолчанию |\n|---|---|---|")
    print("\n".join(settings_rows()))
