"""Row ids made by forms and imports: random for new entries, derived from content for re-uploadable imports."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping

# The readable prefix of each sheet's ids (the demo school and the write path use the same ones).
ID_PREFIXES: dict[str, str] = {
    "departments": "shmo", "subjects": "sub", "teachers": "t", "classes": "cls", "students": "st",
    "teaching_load": "ld", "works": "w", "tasks": "tsk", "results": "r", "period_marks": "pm", "olympiads": "ol",
    "courses": "k", "attestations": "at", "portfolio": "pf", "practices": "ppo", "work_stages": "ws",
}


def prefix_of(sheet_key: str) -> str:
    return ID_PREFIXES.get(sheet_key, sheet_key)


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
