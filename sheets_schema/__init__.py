"""Declarations of every worksheet; everything else (headers, models, dtypes, forms, reports) derives from them."""

from .base import ID_HEADER, Registry, SchemaError, Sheet
from .fields import ERROR, WARNING, Field
from .school import SCHEMA, SCHEMA_VERSION
from .validation import ROW, Issue, Workbook, a1, col_letter, validate_workbook

__all__ = ["ERROR", "ID_HEADER", "ROW", "SCHEMA", "SCHEMA_VERSION", "WARNING", "Field", "Issue", "Registry",
           "SchemaError", "Sheet", "Workbook", "a1", "col_letter", "validate_workbook"]
