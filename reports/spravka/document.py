"""Every справка as one document model: heading, meta lines, purpose, numbered sections of blocks, conclusions and
recommendations. Builders (narrative, spravka, staff_report) fill it from the numbers; the docx, xlsx and pdf
exporters lay out any Spravka the same way, so a new справка is a new builder, never a new exporter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from reports.analytics.indicators import LEVEL_COLUMNS, scales_text
from reports.labels import column_title, fmt_date, fmt_num
from sheets_schema import choices as C

WEAK_MARK = "слабый"
LEVEL_MENTION = "уровень «"  # how the conclusions name a level: «СОУ — 54 % (уровень «критический»)»
WORD_ROWS = 15  # rows of a table a printed справка shows; the rest are in the xlsx («ещё N — в приложении (xlsx)»)
SIGNATURE = "Заместитель директора по УВР ____________________ / ____________________ /"


@dataclass(frozen=True, eq=False)
class Paragraph:
    """Running text; a `note` explains a table (set in italics)."""

    text: str
    note: bool = False


@dataclass(frozen=True, eq=False)
class Figures:
    """A few named numbers: «По списку: 30; писали: 28» in Word, label | value rows (numbers numeric) in Excel.
    `columns` names the report column of each item where there is one, for its number format."""

    items: tuple[tuple[str, Any], ...]
    columns: tuple[str, ...] = ()

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, Any]]) -> Figures:
        """From (report column, value) pairs, titled by labels.column_title."""
        pairs = list(pairs)
        return cls(tuple((column_title(c), v) for c, v in pairs), tuple(c for c, _ in pairs))

    def column_of(self, i: int) -> str:
        return self.columns[i] if i < len(self.columns) else ""

    def __add__(self, other: Figures) -> Figures:
        mine = tuple(self.column_of(i) for i in range(len(self.items)))
        theirs = tuple(other.column_of(i) for i in range(len(other.items)))
        return Figures(self.items + other.items, mine + theirs)


@dataclass(frozen=True, eq=False)
class TableBlock:
    """A table of report columns (titles from labels.column_title unless overridden). `weak` flags the rows to
    highlight; `sheet` puts the table on its own Excel sheet of that name (long tables), else it stays inline;
    `word=False` keeps the table out of Word (a full list whose summary the Word text carries), `excel=False` out of
    Excel (the short Word version of a list Excel has in full)."""

    frame: pd.DataFrame
    columns: tuple[str, ...]
    titles: Mapping[str, str] = field(default_factory=dict)
    weak: tuple[bool, ...] = ()
    sheet: str | None = None
    word: bool = True
    excel: bool = True

    def __post_init__(self) -> None:
        missing = [c for c in self.columns if c not in self.frame.columns]
        if missing:
            raise ValueError(f"table columns not in the frame: {missing}")
        if self.weak and len(self.weak) != len(self.frame):
            raise ValueError("weak flags must match the rows")

    def title_of(self, column: str) -> str:
        return self.titles.get(column, column_title(column))

    def records(self) -> list[dict[str, Any]]:
        return self.frame[list(self.columns)].to_dict("records")

    def is_weak(self, row: int) -> bool:
        return bool(self.weak[row]) if self.weak else False


@dataclass(frozen=True, eq=False)
class Chart:
    """A bar or line chart: categories along x, one value per category in each series (None = no value).
    Word gets a picture (matplotlib); Excel a native chart over cells holding the same numbers. `data_table`
    also shows the numbers as a small table in Word; `colors` colour the bars of a single series."""

    kind: Literal["bar", "line"]
    title: str
    categories: tuple[str, ...]
    series: Mapping[str, Sequence[float | None]]
    y_title: str = ""
    x_title: str = ""
    colors: tuple[str, ...] = ()
    data_table: bool = False

    def __post_init__(self) -> None:
        if self.kind not in ("bar", "line"):
            raise ValueError(f"unknown chart kind {self.kind!r}")
        clean = {str(name): tuple(_number(v) for v in values) for name, values in self.series.items()}
        if any(len(v) != len(self.categories) for v in clean.values()):
            raise ValueError("every series needs one value per category")
        object.__setattr__(self, "categories", tuple(str(c) for c in self.categories))
        object.__setattr__(self, "series", clean)

    @property
    def empty(self) -> bool:
        """No value in any series: the exporters draw nothing rather than bare axes."""
        return all(v is None for vs in self.series.values() for v in vs)

    @property
    def integral(self) -> bool:
        """All values are whole numbers (counts): Excel then shows them without decimals."""
        return all(v is None or float(v).is_integer() for vs in self.series.values() for v in vs)


def _number(value: Any) -> float | int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    return float(value)


Block = Paragraph | Figures | TableBlock | Chart


@dataclass(frozen=True, eq=False)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, eq=False)
class Spravka:
    """One analytical справка. `meta` are (label, value) lines under the heading (subject, class, period, date)."""

    heading: str
    meta: tuple[tuple[str, str | int | pd.Timestamp], ...]  # a count stays a number, a date a date in Excel
    purpose: str
    sections: tuple[Section, ...]
    conclusions: tuple[str, ...]
    recommendations: tuple[str, ...]
    signature: str = SIGNATURE

    def blocks(self) -> Iterator[Block]:
        for section in self.sections:
            yield from section.blocks

    def tables(self) -> list[TableBlock]:
        return [b for b in self.blocks() if isinstance(b, TableBlock)]

    def charts(self) -> list[Chart]:
        return [b for b in self.blocks() if isinstance(b, Chart)]

    def level_scales(self) -> str:
        """The scales of the level words the справка uses («Уровни СОУ: оптимальный — от 80 %, …»), or '' when it
        uses none: a level word is never printed without the scale it comes from."""
        columns = {c for b in self.blocks() if isinstance(b, TableBlock) for c in b.columns}
        columns |= {c for b in self.blocks() if isinstance(b, Figures) for c in b.columns}
        words = any(LEVEL_MENTION in text for text in (*self.conclusions, *self.recommendations))
        return scales_text() if words or columns & set(LEVEL_COLUMNS) else ""

    def section(self, title: str) -> Section:
        """The section of that title (tests and pages pick one out)."""
        for s in self.sections:
            if s.title == title:
                return s
        raise KeyError(title)


def table_or_text(frame: pd.DataFrame, columns: Sequence[str], empty: str, *, weak: str | Sequence[bool] | None = None,
                  titles: Mapping[str, str] | None = None, sheet: str | None = None) -> tuple[Block, ...]:
    """The table, or one sentence saying why there is none (an empty table tells a reader nothing). `weak` is
    the name of a boolean column or the flags themselves."""
    if frame.empty:
        return (Paragraph(empty),)
    flags = tuple(bool(x) for x in (frame[weak] if isinstance(weak, str) else weak)) if weak is not None else ()
    return (TableBlock(frame.reset_index(drop=True), tuple(columns), dict(titles or {}), flags, sheet),)


def cell_value(column: str, value: Any) -> Any:
    """A table cell as a person reads it in a справка (text), for docx and the pages."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if column == "weak":
        return WEAK_MARK if bool(value) else ""
    if isinstance(value, (bool, np.bool_)):
        return C.YES if value else C.NO
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return fmt_date(value)
    if column in ("mean_mark", "mean_score"):
        return fmt_num(value, 2)
    if isinstance(value, (float, np.floating)):
        return fmt_num(value, 1)
    return str(value)
