"""Worksheet declarations and the registry that checks them when they are declared (a typo fails at import)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, create_model

from sheets_schema.errors import InternalError

from .fields import Field, Ref, RowId

ID_HEADER = "id"


class SchemaError(InternalError):
    """A declaration is inconsistent; raised at import so a typo never reaches users."""


LABEL_STYLES = ("text", "class", "person", "initials", "dated")


@dataclass(frozen=True)
class RowLabel:
    """How a row is named in pickers and reports: the fields it is made of and how they are put together.

    Styles: «text» (the field as is), «class» (parallel and letter: 9«А»), «person» (last and first name),
    «initials» (Петрова А. В.), «dated» (title and date: «ВПР (15.03.2026)»). `of` names a reference field whose
    target row's label is appended: a student is «Иванов Иван, 9«А»».
    """

    fields: tuple[str, ...]
    style: str = "text"
    of: str | None = None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: key, Russian tab title, ordered fields. Everything else is derived from this."""

    key: str
    title: str
    fields: tuple[Field, ...]
    description: str = ""
    label_field: str | None = None  # the field that names a row in pickers and reports
    row_label: RowLabel | None = None  # how a row is named when one field is not enough; else from label_field
    id_prefix: str = ""  # the readable prefix of the sheet's row ids («st-…»); the sheet key when not declared

    def __post_init__(self) -> None:
        keys = [f.key for f in self.fields]
        headers = [f.header for f in self.fields]
        for what, seq in (("key", keys), ("header", headers)):
            dup = {x for x in seq if seq.count(x) > 1}
            if dup:
                raise SchemaError(f"sheet {self.key!r}: duplicate field {what} {sorted(dup)}")
        if not self.fields or self.fields[0].key != "id" or not isinstance(self.fields[0].type, RowId):
            raise SchemaError(f"sheet {self.key!r}: the first field must be the row id")
        if self.fields[0].header != ID_HEADER:
            raise SchemaError(f"sheet {self.key!r}: the id column header must be {ID_HEADER!r}")
        if self.label_field is not None and self.label_field not in keys:
            raise SchemaError(f"sheet {self.key!r}: label_field {self.label_field!r} is not a field")
        if self.row_label is None and self.label_field is not None:
            object.__setattr__(self, "row_label", RowLabel((self.label_field,)))
        if self.row_label is not None:
            label = self.row_label
            unknown = [k for k in (*label.fields, *([label.of] if label.of else [])) if k not in keys]
            if unknown or label.style not in LABEL_STYLES:
                raise SchemaError(f"sheet {self.key!r}: row label {label} names {unknown or label.style!r}")

    @property
    def prefix(self) -> str:
        """The prefix of this sheet's row ids."""
        return self.id_prefix or self.key

    @property
    def headers(self) -> list[str]:
        return [f.header for f in self.fields]

    @property
    def keys(self) -> list[str]:
        return [f.key for f in self.fields]

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.key}.{key}")

    def header_of(self, key: str) -> str:
        return self.field(key).header

    @property
    def refs(self) -> dict[str, str]:
        """field key -> referenced sheet key."""
        return {f.key: f.type.sheet for f in self.fields if isinstance(f.type, Ref)}

    @property
    def dtypes(self) -> dict[str, str]:
        return {f.key: f.type.dtype for f in self.fields}

    def column_titles(self) -> dict[str, str]:
        """field key -> Russian header; report exporters use this for column titles."""
        return {f.key: f.header for f in self.fields}

    def model(self) -> type[BaseModel]:
        return _model_for(self)


_MODELS: dict[str, type[BaseModel]] = {}


def _model_for(sheet: Sheet) -> type[BaseModel]:
    """A pydantic model of one typed row, derived from the declaration (forms and write commands use it)."""
    if sheet.key not in _MODELS:
        spec: dict[str, Any] = {}
        for f in sheet.fields:
            py: Any = f.type.python_type
            ann = py if f.required else (py | None)
            spec[f.key] = (ann, ... if f.required else None)
        name = "".join(part.title() for part in sheet.key.split("_")) + "Row"
        _MODELS[sheet.key] = create_model(name, __config__=ConfigDict(extra="forbid"), **spec)
    return _MODELS[sheet.key]


class Registry:
    """All worksheets of the workbook, in tab order."""

    def __init__(self, sheets: list[Sheet], version: int, rules: tuple[Callable[..., Any], ...] | None = None) -> None:
        self.version = version
        self.rules = rules  # cross-field rules of this workbook; None = the school's (sheets_schema.rules.RULES)
        self._sheets: dict[str, Sheet] = {}
        titles: set[str] = set()
        for s in sheets:
            if s.key in self._sheets:
                raise SchemaError(f"duplicate sheet key {s.key!r}")
            if s.title in titles:
                raise SchemaError(f"duplicate sheet title {s.title!r}")
            if len(s.title) > 100 or any(c in s.title for c in "[]*?/\\:"):
                raise SchemaError(f"sheet title {s.title!r} is not allowed by spreadsheets")
            self._sheets[s.key] = s
            titles.add(s.title)
        for s in sheets:
            for fkey, target in s.refs.items():
                if target not in self._sheets:
                    raise SchemaError(f"{s.key}.{fkey} refers to unknown sheet {target!r}")

    def __iter__(self) -> Iterator[Sheet]:
        return iter(self._sheets.values())

    def __len__(self) -> int:
        return len(self._sheets)

    def __getitem__(self, key: str) -> Sheet:
        return self._sheets[key]

    def __contains__(self, key: object) -> bool:
        return key in self._sheets

    def by_title(self, title: str) -> Sheet | None:
        for s in self._sheets.values():
            if s.title == title:
                return s
        return None

    @property
    def keys(self) -> list[str]:
        return list(self._sheets)
