"""Declarations of every worksheet; everything else (headers, models, dtypes, forms, reports) derives from them.

The names below load on first use (PEP 562), so `sheets_schema.choices` alone does not import pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .base import ID_HEADER, Registry, SchemaError, Sheet
    from .fields import ERROR, WARNING, Field
    from .school import SCHEMA, SCHEMA_VERSION
    from .validation import ROW, Issue, Workbook, a1, col_letter, validate_workbook

_WHERE = {"ID_HEADER": "base", "Registry": "base", "SchemaError": "base", "Sheet": "base", "ERROR": "fields",
          "WARNING": "fields", "Field": "fields", "SCHEMA": "school", "SCHEMA_VERSION": "school", "ROW": "validation",
          "Issue": "validation", "Workbook": "validation", "a1": "validation", "col_letter": "validation",
          "validate_workbook": "validation"}

__all__ = ["ERROR", "ID_HEADER", "ROW", "SCHEMA", "SCHEMA_VERSION", "WARNING", "Field", "Issue", "Registry",
           "SchemaError", "Sheet", "Workbook", "a1", "col_letter", "validate_workbook"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
