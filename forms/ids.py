"""Row ids made by forms and imports: random for new entries, derived from content for re-uploadable imports."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping

from sheets_schema import SCHEMA, Registry


def prefix_of(sheet_key: str, registry: Registry = SCHEMA) -> str:
    """The readable prefix of a sheet's row ids, as its declaration says (`Sheet.id_prefix`)."""
    return registry[sheet_key].prefix if sheet_key in registry else sheet_key


def new_row_id(sheet_key: str) -> str:
    """A row id people can read and that never collides across concurrent writers."""
    return f"{prefix_of(sheet_key)}-{uuid.uuid4().hex[:10]}"


def content_row_id(sheet_key: str, cells: Mapping[str, str], occurrence: int = 0) -> str:
    """The same id for the same row content, so uploading one file twice does not duplicate its rows.

    `occurrence` tells apart identical rows of one file (the second copy gets «-2», and so on).
    """
    content = sorted((k, str(v).strip()) for k, v in cells.items() if k != "id" and str(v).strip())
    digest = hashlib.sha1(json.dumps([sheet_key, content], ensure_ascii=False).encode("utf-8")).hexdigest()[:10]
    return f"{prefix_of(sheet_key)}-{digest}" + (f"-{occurrence + 1}" if occurrence else "")
