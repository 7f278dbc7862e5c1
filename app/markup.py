"""Escaped HTML for the read-only parts of a page that are one `ui.html` element each (the header, the dashboard's
cards, filters and panels): a dozen NiceGUI elements cost more to build per request than the rest of the page.
Every text and attribute value goes through `tag`, so nothing a sheet holds can become markup."""

from __future__ import annotations

from html import escape


def tag(name: str, text: str = "", classes: str = "", *, inner: str = "", **attrs: str | bool | None) -> str:
    """`<name class="classes" attrs…>text inner</name>`. The text and every attribute value are escaped; an
    attribute's `_` is written `-` (data_part → data-part); True writes a bare attribute, None or False none, ""
    an empty one. `inner` is markup made by `tag` itself, put after the text as it is."""
    parts = [name, *([f'class="{escape(classes)}"'] if classes else [])]
    for key, value in attrs.items():
        if value is True:
            parts.append(key.replace("_", "-"))
        elif value is not None and value is not False:
            parts.append(f'{key.replace("_", "-")}="{escape(value)}"')
    return f"<{' '.join(parts)}>{escape(text)}{inner}</{name}>"
