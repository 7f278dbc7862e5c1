"""Filled templates → changes, checked cell by cell first; every error carries its cell address in the file.

All or nothing: a plan with any error has no changes. Re-uploading a file writes nothing new:
- results of a work: the template carries student ids, so a row is matched with the student's existing result
  for the work (work id, student id) and becomes an update of the changed cells, or nothing;
- any worksheet: a filled «id» cell names the row to update (or the id of a new row); a row without an id gets
  an id derived from a hash of its content (`forms.ids.content_row_id`), so the same row uploaded again is found
  and skipped. Editing such a row in the file and uploading again adds a new row: to correct uploaded rows,
  download the sheet with its current data (ids filled) and upload that.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from sheets_schema import ERROR, Registry
from sheets_schema import choices as C
from sheets_schema.rows import RowProblem, check_rows
from sheets_schema.validation import col_letter

from . import grid as g
from .changes import RowChange, cell_text, edit_change
from .ids import content_row_id
from .templates import ID_HEADER, RESULTS_TITLE, SERVICE_TITLE
from .upload_file import Cell, UploadedBook

Frames = Mapping[str, pd.DataFrame]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, line feed and carriage return are text
NO_CACHED_VALUE = ("В ячейке формула без сохранённого значения: откройте файл в Excel, дайте формулам пересчитаться "
                   "и сохраните (или впишите значение вместо формулы)")


@dataclass(frozen=True)
class CellProblem:
    sheet: str  # tab title in the uploaded file
    cell: str  # A1 address, '' when about the whole sheet
    message: str
    severity: str = ERROR

    def text(self) -> str:
        where = f"Лист \"{self.sheet}\", ячейка {self.cell}" if self.cell else f"Лист \"{self.sheet}\""
        return f"{where}: {self.message}" + ("" if self.severity == ERROR else " (предупреждение)")


@dataclass
class ImportPlan:
    """What an upload would write, or why it writes nothing."""

    what: str
    changes: list[RowChange] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    unchanged: int = 0
    # per change: the file row it came from and field key -> column letter, to place a late rejection
    origins: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)

    @property
    def errors(self) -> list[CellProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    def summary(self) -> str:
        added = sum(c.op == "append" for c in self.changes)
        return f"{self.what}: добавлено {added}, изменено {len(self.changes) - added}, без изменений {self.unchanged}"

    def locate(self, problems: Sequence[RowProblem]) -> list[CellProblem]:
        """Problems of a rejected write (indexes into `changes`) as addresses in the uploaded file."""
        out = []
        for p in problems:
            if p.index < len(self.origins):
                title, row, cols = self.origins[p.index]
                out.append(CellProblem(title, f"{cols.get(p.field, cols.get('', 'A'))}{row}", p.message, p.severity))
            else:
                out.append(CellProblem("", "", p.message, p.severity))
        return out


def _header_row(rows: Sequence[Sequence[Cell]], wanted: set[str], limit: int = 20) -> int | None:
    """Index of the first row holding any of the wanted header texts."""
    for i, row in enumerate(rows[:limit]):
        if wanted & {str(c).strip() for c in row}:
            return i
    return None


def _text(row: Sequence[Cell], col: int | None) -> str:
    if col is None or col >= len(row):
        return ""
    return cell_text(row[col])


def _unreadable(book: UploadedBook, title: str, rows: Sequence[Sequence[Cell]], first: int,
                cols: Collection[int]) -> dict[str, CellProblem]:
    """Cells of the columns we read that hold no usable value: a formula whose value was never saved (it reads as
    empty), or a control character nobody can see. A1 address -> problem; they replace any other message there."""
    out: dict[str, CellProblem] = {}
    wanted = set(cols)
    for r, c in sorted(book.formulas.get(title, ())):
        if r >= first and c in wanted:
            out[f"{col_letter(c)}{r + 1}"] = CellProblem(title, f"{col_letter(c)}{r + 1}", NO_CACHED_VALUE)
    for r in range(first, len(rows)):
        row = rows[r]
        for c in wanted:
            value = row[c] if c < len(row) else None
            if isinstance(value, str) and (m := _CONTROL.search(value)):
                code = f"{ord(m.group()):02X}"
                out[f"{col_letter(c)}{r + 1}"] = CellProblem(
                    title, f"{col_letter(c)}{r + 1}", f"В ячейке невидимый управляющий символ (код {code}) — удалите "
                    "его или введите значение заново")
    return out


def _merge(problems: list[CellProblem], unreadable: Mapping[str, CellProblem]) -> list[CellProblem]:
    return sorted([p for p in problems if p.cell not in unreadable] + list(unreadable.values()), key=_order)


# -- results of a work ------------------------------------------------------------------------------------------
def plan_results_import(book: UploadedBook, schema: Registry, spec: g.WorkSpec, class_label: str,
                        students: Sequence[tuple[str, str]], existing: Mapping[str, Mapping[str, str]],
                        frames: Frames, new_id: Callable[[], str]) -> ImportPlan:
    """The filled results template of one work and class → result rows to append or update."""
    plan = ImportPlan(f"Результаты «{spec.title}», {class_label}")
    title = RESULTS_TITLE
    rows = book.sheets.get(title)
    if rows is None:
        plan.problems.append(CellProblem(title, "", "В файле нет этого листа — загрузите скачанный шаблон"))
        return plan
    h = _header_row(rows, {ID_HEADER})
    if h is None:
        plan.problems.append(CellProblem(title, "", "Не найдена строка заголовков (столбец «id»)"))
        return plan
    header = [str(c).strip() for c in rows[h]]
    id_col = header.index(ID_HEADER)
    name_col = header.index(g.LABELS["student_id"]) if g.LABELS["student_id"] in header else id_col
    present_col = header.index(g.LABELS["present"]) if g.LABELS["present"] in header else None
    numbers = {t.number: i for i, t in enumerate(spec.tasks)}
    task_cols: dict[int, int] = {}  # task position -> file column
    for c, text in enumerate(header):
        number = g.task_number(text)
        if number is not None and number in numbers:
            task_cols.setdefault(numbers[number], c)
    missing = [f"«{g.task_title(t.number)}»" for i, t in enumerate(spec.tasks) if i not in task_cols]
    if present_col is None:
        missing.insert(0, f"«{g.LABELS['present']}»")
    if missing:
        plan.problems.append(CellProblem(title, f"A{h + 1}", "Нет столбцов " + ", ".join(missing)))
        return plan
    assert present_col is not None
    labels = dict(students)
    where = {g.ABSENT_COL: col_letter(present_col), **{g.task_col(i): col_letter(c) for i, c in task_cols.items()}}
    field_cols = {"present": col_letter(present_col), "student_id": col_letter(name_col),
                  "scores": col_letter(task_cols[0]) if task_cols else "A", "": col_letter(name_col)}
    field_cols["total"] = field_cols["mark"] = field_cols["scores"]
    grid_rows: list[g.GridRow] = []
    row_no: dict[str, int] = {}
    for r in range(h + 1, len(rows)):
        line, n = rows[r], r + 1
        sid = _text(line, id_col)
        present = _text(line, present_col).casefold()
        scores = [_text(line, task_cols[i]) for i in range(len(spec.tasks))]
        if not sid:
            if present or any(scores):
                plan.problems.append(CellProblem(title, f"{col_letter(name_col)}{n}",
                                                 "Строка без обучающегося: не добавляйте строки в шаблон"))
            continue
        if sid not in labels:
            plan.problems.append(CellProblem(title, f"{col_letter(name_col)}{n}",
                                             f"Обучающийся «{_text(line, name_col) or sid}» не учится в классе "
                                             f"{class_label}"))
            continue
        if sid in row_no:
            plan.problems.append(CellProblem(title, f"{col_letter(name_col)}{n}",
                                             f"Обучающийся уже есть в строке {row_no[sid]}"))
            continue
        row_no[sid] = n
        if present not in ("", *C.PRESENCE):
            plan.problems.append(CellProblem(title, f"{where[g.ABSENT_COL]}{n}", "Допустимые значения: да, нет"))
            continue
        if present == C.YES and spec.tasks and not any(scores):
            plan.problems.append(CellProblem(title, f"{where[g.task_col(0)]}{n}",
                                             "Обучающийся писал работу, но баллы не введены"))
            continue
        row = g.GridRow(sid, labels[sid], present == C.NO, scores)
        for col, msg in g.row_problems(spec, row).items():
            plan.problems.append(CellProblem(title, f"{where[col]}{n}", msg))
        grid_rows.append(row)
    changes, sources = g.plan_results(spec, [r for r in grid_rows if not g.row_problems(spec, r)], existing, new_id)
    candidates = [c.values if c.op == "append" else {**existing[s.student_id], **c.values}
                  for c, s in zip(changes, sources, strict=True)]
    origins = [(title, row_no[s.student_id], field_cols) for s in sources]
    if candidates:
        found = check_rows(schema, "results", candidates, frames,
                           replacing=[c.row_id for c in changes if c.op == "update"])
        plan.problems += ImportPlan("", origins=origins).locate(found)
    plan.problems = _merge(plan.problems, _unreadable(book, title, rows, h + 1, {id_col, name_col, present_col,
                                                                                  *task_cols.values()}))
    plan.unchanged = len(grid_rows) - len(changes)
    if not plan.errors:
        plan.changes, plan.origins = changes, origins
    return plan


def _order(p: CellProblem) -> tuple[str, int, int]:
    m = re.match(r"([A-Z]+)(\d+)", p.cell)
    if not m:
        return p.sheet, 0, 0
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return p.sheet, int(m.group(2)), col


# -- any worksheet ----------------------------------------------------------------------------------------------
def plan_sheet_import(book: UploadedBook, schema: Registry, sheet_key: str, frames: Frames,
                      raw_rows: Callable[[Sequence[str]], Mapping[str, Mapping[str, str]]]) -> ImportPlan:
    """A filled sheet template (or any sheet with the schema's headers) → rows to append or update.

    raw_rows(ids) gives the exact cell texts of those ids that already exist (the «expected» old values).
    """
    sheet = schema[sheet_key]
    title = sheet.title
    plan = ImportPlan(f"Лист «{title}»")
    rows = book.sheets.get(title)
    if rows is None:
        visible = [t for t in book.sheets if t not in book.hidden and t != SERVICE_TITLE]
        if len(visible) >= 1 and not any(schema.by_title(t) for t in visible):
            title, rows = visible[0], book.sheets[visible[0]]
        else:
            plan.problems.append(CellProblem(title, "", "В файле нет этого листа"))
            return plan
    by_header = {f.header: f for f in sheet.fields}
    h = _header_row(rows, set(by_header))
    if h is None:
        plan.problems.append(CellProblem(title, "A1", "Нет строки заголовков: первая строка должна содержать "
                                                      "заголовки столбцов из шаблона"))
        return plan
    cols: dict[str, int] = {}
    for c, text in enumerate(str(x).strip() for x in rows[h]):
        if text in by_header and by_header[text].key not in cols:
            cols[by_header[text].key] = c
        elif text:
            plan.problems.append(CellProblem(title, f"{col_letter(c)}{h + 1}",
                                             f"Столбец «{text}» не входит в лист и не загружается", "предупреждение"))
    missing = [f.header for f in sheet.fields if f.required and f.key != "id" and f.key not in cols]
    if missing:
        plan.problems.append(CellProblem(title, f"A{h + 1}", "Нет обязательных столбцов: " +
                                         ", ".join(f"«{m}»" for m in missing)))
        return plan
    letters = {k: col_letter(c) for k, c in cols.items()}
    letters[""] = letters.get("id", "A")
    file_rows: list[tuple[int, dict[str, str]]] = []
    seen: dict[str, int] = {}
    for r in range(h + 1, len(rows)):
        cells = {k: _text(rows[r], c) for k, c in cols.items()}
        if not any(cells.values()):
            continue
        if not cells.get("id"):
            key = content_row_id(sheet_key, cells)
            cells["id"] = content_row_id(sheet_key, cells, seen.get(key, 0))
            seen[key] = seen.get(key, 0) + 1
        file_rows.append((r + 1, cells))
    old = raw_rows([c["id"] for _, c in file_rows])
    candidates = [{**old.get(c["id"], {}), **c} for _, c in file_rows]
    origins = [(title, n, letters) for n, _ in file_rows]
    found = check_rows(schema, sheet_key, candidates, frames, replacing=[c["id"] for c in candidates if c["id"] in old])
    plan.problems += ImportPlan("", origins=origins).locate(found)
    plan.problems = _merge(plan.problems, _unreadable(book, title, rows, h + 1, cols.values()))
    changes: list[RowChange] = []
    change_origins = []
    for (_, cells), candidate, origin in zip(file_rows, candidates, origins, strict=True):
        rid = cells["id"]
        if rid in old:
            change = edit_change(sheet, rid, old[rid], cells)
            if change is None:
                plan.unchanged += 1
                continue
        else:
            change = RowChange("append", sheet_key, rid, candidate)
        changes.append(change)
        change_origins.append(origin)
    if not plan.errors:
        plan.changes, plan.origins = changes, change_origins
    return plan
