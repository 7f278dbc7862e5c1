"""The results grid without a browser: students × tasks, a pasted TSV block, row → result cells, old vs new.

One row per student of a class, one cell per task of the work (text as typed), and a «не писал» flag. Everything
here is a plain function over plain data so the grid page, the xlsx import and the tests share one behaviour.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sheets_schema import SCHEMA
from sheets_schema import choices as C
from sheets_schema.fields import Number, fmt_number
from sheets_schema.rules import score_to_mark

from .changes import RowChange, cell_text, parse_cell

ABSENT_COL = "absent"
TASK_WORD = "Задание"  # a task column is «Задание N (макс. M)» in templates; files are read by the same words
_TASK_NUMBER = re.compile(rf"^\s*{TASK_WORD}\s+(\d+)", re.IGNORECASE)
RESULTS = SCHEMA["results"]
LABELS = RESULTS.column_titles()
_SCORE = Number(min_value=0)
TRUE_TOKENS = frozenset({C.YES, "+", "1", "x", "х", "v", "✓", "true", "истина", "н", "нб", "н/б", "не писал"})
FALSE_TOKENS = frozenset({"", C.NO, "-", "0", "false", "ложь", "писал"})
ABSENT_TOKENS = frozenset({"н", "нб", "н/б", "отс", "не писал"})  # typed in a score cell: the student was absent


def task_title(number: int) -> str:
    return f"{TASK_WORD} {number}"


def task_header(number: int, max_score: float) -> str:
    return f"{task_title(number)} (макс. {fmt_number(max_score)})"


def task_number(header: str) -> int | None:
    """The task number of a column header written by `task_header` (or typed by hand as «Задание 3»)."""
    m = _TASK_NUMBER.match(header)
    return int(m.group(1)) if m else None


def task_col(position: int) -> str:
    """Grid column id of the task at `position` (0-based, task-number order)."""
    return f"t{position + 1}"


@dataclass(frozen=True)
class TaskSpec:
    number: int
    max_score: float
    element: str = ""
    level: str = ""


@dataclass(frozen=True)
class WorkSpec:
    """What the grid needs of a work: its tasks in number order and its thresholds for marks 3/4/5."""

    work_id: str
    title: str
    parallel: int
    max_score: float
    thresholds: tuple[float, float, float]
    tasks: tuple[TaskSpec, ...]

    @property
    def task_cols(self) -> list[str]:
        return [task_col(i) for i in range(len(self.tasks))]

    @property
    def editable_cols(self) -> list[str]:
        return [ABSENT_COL, *self.task_cols]

    def col_title(self, col: str) -> str:
        if col == ABSENT_COL:
            return "не писал"
        return f"задание {self.tasks[int(col[1:]) - 1].number}"


def work_spec(frames: Mapping[str, pd.DataFrame], work_id: str) -> WorkSpec | None:
    """The spec of a validated work from the cached frames; None when the work is unknown or has errors."""
    works = frames["works"]
    hit = works[works["id"].astype(str) == work_id]
    if hit.empty:
        return None
    w = hit.iloc[0]
    tasks = frames["tasks"]
    mine = tasks[tasks["work_id"].astype(str) == work_id].sort_values("number")
    specs = tuple(TaskSpec(int(t.number), float(t.max_score), str(t.element or ""), str(t.level or ""))
                  for t in mine.itertuples(index=False))
    return WorkSpec(work_id, str(w["title"]), int(w["parallel"]), float(w["max_score"]),
                    (float(w["threshold_3"]), float(w["threshold_4"]), float(w["threshold_5"])), specs)


@dataclass
class GridRow:
    student_id: str
    student: str  # readable name
    absent: bool = False
    scores: list[str] = field(default_factory=list)  # one cell text per task, in task-number order

    def is_blank(self) -> bool:
        """Nothing entered for this student yet (no result row is written for them)."""
        return not self.absent and all(not s.strip() for s in self.scores)


def split_scores(text: str, n: int) -> list[str]:
    """«1 0 2» -> ['1', '0', '2'] padded with '' to n cells; extra values stay in the last cell (and get flagged)."""
    parts = text.replace(";", " ").split()
    if len(parts) > n > 0:
        parts = parts[: n - 1] + [" ".join(parts[n - 1:])]
    return parts + [""] * (n - len(parts))


def grid_row(spec: WorkSpec, student_id: str, student: str, raw: Mapping[str, str] | None) -> GridRow:
    """A grid row from a result's raw cells (or an empty row when the student has no result yet)."""
    n = len(spec.tasks)
    if not raw:
        return GridRow(student_id, student, False, [""] * n)
    absent = raw.get("present", "").strip().casefold() == C.NO
    return GridRow(student_id, student, absent, split_scores(raw.get("scores", ""), n))


def build_rows(spec: WorkSpec, students: Sequence[tuple[str, str]],
               existing: Mapping[str, Mapping[str, str]]) -> list[GridRow]:
    """students: (id, name) in display order; existing: student id -> raw cells of their result for this work."""
    return [grid_row(spec, sid, name, existing.get(sid)) for sid, name in students]


def _score_value(text: str) -> float | None:
    value, error, _ = parse_cell(_SCORE, text.strip())
    return None if error or value is None else float(value)


def cell_problem(spec: WorkSpec, position: int, text: str) -> str | None:
    """The Russian message for one score cell; «-» (task not scored) and '' are fine here."""
    t = text.strip()
    if not t or t == "-":
        return None
    value, error, _ = parse_cell(_SCORE, t)
    if error:
        return "Балл не может быть отрицательным" if error.startswith("Значение меньше") else error
    task = spec.tasks[position]
    if value is not None and float(value) > task.max_score:
        # worded exactly like sheets_schema.rules.validate_results, which counts tasks from 1 in number order
        return (f"Балл за задание {position + 1} ({fmt_number(value)}) больше максимального "
                f"({fmt_number(task.max_score)})")
    return None


def row_problems(spec: WorkSpec, row: GridRow) -> dict[str, str]:
    """Grid column id -> message for every bad cell of one row."""
    out: dict[str, str] = {}
    filled = [bool(s.strip()) for s in row.scores]
    if row.absent:
        if any(filled):
            out[ABSENT_COL] = (f"Обучающийся отмечен как не писавший («{LABELS['present']}» = нет), "
                               "но баллы заполнены")
        return out
    for i, text in enumerate(row.scores):
        msg = cell_problem(spec, i, text)
        if msg:
            out[task_col(i)] = msg
        elif any(filled) and not filled[i]:
            out[task_col(i)] = f"Нет балла за задание {i + 1}: поставьте «-», если задание не оценивалось"
    return out


def row_total(spec: WorkSpec, row: GridRow) -> float | None:
    if row.absent or row.is_blank() or row_problems(spec, row):
        return None
    return sum(v for v in (_score_value(s) for s in row.scores if s.strip() != "-") if v is not None)


@functools.lru_cache(maxsize=4096)
def _mark(total: float, t3: float, t4: float, t5: float) -> int | None:
    mark = score_to_mark(total, t3, t4, t5).iloc[0]
    return None if mark is pd.NA else int(mark)


def row_mark(spec: WorkSpec, total: float | None) -> int | None:
    """The mark by the work's thresholds — sheets_schema.rules.score_to_mark, the one the sheet check uses."""
    return None if total is None else _mark(float(total), *spec.thresholds)


def result_cells(spec: WorkSpec, row: GridRow) -> dict[str, str] | None:
    """present / scores / total / mark as cell texts; None when nothing is entered for the student."""
    if row.is_blank():
        return None
    if row.absent:
        return {"present": C.NO, "scores": "", "total": "", "mark": ""}
    scores = " ".join("-" if s.strip() == "-" else cell_text(_score_value(s)) or s.strip() for s in row.scores)
    total = row_total(spec, row)
    mark = row_mark(spec, total)
    return {"present": C.YES, "scores": scores, "total": cell_text(total), "mark": "" if mark is None else str(mark)}


def same_row(a: GridRow, b: GridRow) -> bool:
    """The same entry, however it was typed («2» and «2,0»)."""
    if a.absent != b.absent or len(a.scores) != len(b.scores):
        return False
    return all(x.strip() == y.strip() or (_score_value(x) is not None and _score_value(x) == _score_value(y))
               for x, y in zip(a.scores, b.scores, strict=True))


def plan_results(spec: WorkSpec, rows: Sequence[GridRow], existing: Mapping[str, Mapping[str, str]],
                 new_id: Callable[[], str]) -> tuple[list[RowChange], list[GridRow]]:
    """Result rows to write: an append for a student without a result, an update of the changed cells (with their
    old texts as expected) for a changed one, nothing for an unchanged or blank row. Returns the changes and the
    grid rows they come from, in the same order.
    """
    changes: list[RowChange] = []
    sources = changed_rows(spec, rows, existing)
    for row in sources:
        cells = result_cells(spec, row) or {}  # never empty: a blank row is not a change
        raw = existing.get(row.student_id)
        if not raw:
            rid = new_id()
            changes.append(RowChange("append", "results", rid, {"id": rid, "work_id": spec.work_id,
                                                                "student_id": row.student_id, **cells}))
        else:
            values = {k: v for k, v in cells.items() if raw.get(k, "").strip() != v}
            changes.append(RowChange("update", "results", raw["id"], values, {k: raw.get(k, "") for k in values}))
    return changes, sources


def changed_rows(spec: WorkSpec, rows: Sequence[GridRow], existing: Mapping[str, Mapping[str, str]]
                 ) -> list[GridRow]:
    """Rows whose entry differs from the student's saved result (a blank row never counts: clearing a row never
    deletes a result) — what a save would write, and what a draft keeps."""
    out = []
    for row in rows:
        if row.is_blank():
            continue
        raw = existing.get(row.student_id)
        if not raw or not same_row(row, grid_row(spec, row.student_id, row.student, raw)):
            out.append(row)
    return out


def parse_tsv(text: str) -> list[list[str]]:
    """A block copied from Excel or Google Sheets: rows by newline, cells by tab; quoted cells may hold newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    if not text.strip():
        return []
    rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')]
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


@dataclass
class PasteReport:
    cells: int = 0  # cells written
    messages: list[str] = field(default_factory=list)


def _norm_name(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


def _name_rows(rows: Sequence[GridRow], block: Sequence[Sequence[str]]) -> list[int | None] | None:
    """When the block's first column holds the students' names, the row each block line goes to; else None."""
    names = {_norm_name(r.student): i for i, r in enumerate(rows)}
    firsts = [_norm_name(line[0]) if line else "" for line in block]
    hits = [names.get(f) for f in firsts]
    filled = [f for f in firsts if f]
    if not filled or sum(h is not None for h in hits) * 2 < len(filled):
        return None
    return hits


def apply_paste(spec: WorkSpec, rows: list[GridRow], block: Sequence[Sequence[str]], start_row: int = 0,
                start_col: str | None = None) -> PasteReport:
    """Write a pasted block into the grid from (start_row, start_col); a first column of names picks the rows."""
    report = PasteReport()
    if not block or not rows:
        return report
    cols = spec.editable_cols
    c0 = cols.index(start_col) if start_col in cols else (1 if len(cols) > 1 else 0)
    targets: list[int | None] = list(range(start_row, start_row + len(block)))
    by_name = _name_rows(rows, block)
    if by_name is not None:
        targets, block = by_name, [line[1:] for line in block]
        for i, t in enumerate(by_name):
            if t is None and any(c.strip() for c in block[i]):
                report.messages.append(f"Строка {i + 1} вставки: обучающийся не найден в классе")
    cut_rows = cut_cols = 0
    for line, r in zip(block, targets, strict=True):
        if r is None:
            continue
        if r >= len(rows):
            cut_rows += 1
            continue
        row = rows[r]
        for j, text in enumerate(line):
            c = c0 + j
            if c >= len(cols):
                cut_cols = max(cut_cols, len(line) - j)
                break
            col, value = cols[c], text.strip()
            if col == ABSENT_COL:
                token = value.casefold()
                if token in TRUE_TOKENS or token in FALSE_TOKENS:
                    row.absent = token in TRUE_TOKENS
                    report.cells += 1
                else:
                    report.messages.append(f"{row.student}: «{value}» в столбце «не писал» не понято — "
                                           "поставьте «да» или оставьте пустым")
                continue
            pos = int(col[1:]) - 1
            if value.casefold() in ABSENT_TOKENS:
                row.absent, value = True, ""
            row.scores[pos] = value
            report.cells += 1
    if cut_rows:
        report.messages.append(f"Не поместилось строк: {cut_rows} (в классе меньше обучающихся)")
    if cut_cols:
        report.messages.append(f"Не поместилось столбцов: {cut_cols} (в работе меньше заданий)")
    return report


def to_record(spec: WorkSpec, row: GridRow) -> dict[str, Any]:
    """One aggrid row: the cells, the derived total and mark, and `_bad` (column id -> message) for highlighting."""
    total = row_total(spec, row)
    mark = row_mark(spec, total)
    rec: dict[str, Any] = {"student_id": row.student_id, "student": row.student, ABSENT_COL: row.absent,
                           "total": "" if total is None else fmt_number(total), "mark": "" if mark is None else mark,
                           "_bad": row_problems(spec, row)}
    rec.update({task_col(i): s for i, s in enumerate(row.scores)})
    return rec


def set_cell(row: GridRow, col: str, value: Any) -> None:
    """An edit from the grid (a cell typed or a checkbox toggled)."""
    if col == ABSENT_COL:
        row.absent = value is True or str(value).strip().casefold() in TRUE_TOKENS
    elif col.startswith("t") and col[1:].isdigit() and 0 < int(col[1:]) <= len(row.scores):
        row.scores[int(col[1:]) - 1] = "" if value is None else str(value).strip()


def grid_messages(spec: WorkSpec, rows: Sequence[GridRow]) -> list[str]:
    """Every bad cell as «Name, задание 2: message», in grid order."""
    return [f"{row.student}, {spec.col_title(col)}: {msg}"
            for row in rows for col, msg in row_problems(spec, row).items()]
