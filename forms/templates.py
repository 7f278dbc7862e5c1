"""xlsx templates people fill in Excel and upload back: results of a work for a class, and any worksheet.

Headers, dropdowns (choices, да/нет, referenced ids) and number ranges come from the schema declaration. A hidden
service sheet records what the file is for, so the import knows the work, the class or the worksheet.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sheets_schema import SCHEMA, Registry
from sheets_schema import choices as C
from sheets_schema.fields import Choice, Date, Number, Ref, RowId, fmt_number

from .grid import LABELS, WorkSpec, split_scores, task_header, task_title

SERVICE_TITLE = "Служебный"
GUIDE_TITLE = "Инструкция"
LISTS_TITLE = "Справочники"
RESULTS_TITLE = SCHEMA["results"].title
STUDENT_HEADER = LABELS["student_id"]
ID_HEADER = "id"
EMPTY_ROWS = 300  # rows below the data that get dropdowns and text format in a sheet template
EXCEL_CELL_CHARS = 32_767

_HEAD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")


def _text(value: object) -> object:
    """Text Excel can hold: no characters the format forbids, no more than a cell takes."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)[:EXCEL_CELL_CHARS] if isinstance(value, str) else value


def _put(ws: Worksheet, row: int, col: int, value: object) -> Cell:
    """A cell whose text stays text: openpyxl makes «=…» a formula and «#N/A» an error, data_type "s" undoes it."""
    cell = ws.cell(row, col)
    cell.value = _text(value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _append(ws: Worksheet, values: Sequence[object]) -> int:
    """A row of values below the last one, each through `_put`; returns its number."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for col, value in enumerate(values, start=1):
        if value is not None:
            _put(ws, row, col, value)
    return row


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _service(wb: Workbook, meta: Mapping[str, str]) -> None:
    ws = wb.create_sheet(SERVICE_TITLE)
    for k, v in meta.items():
        _append(ws, [k, v])
    ws.sheet_state = "veryHidden"


def _guide(wb: Workbook, lines: Sequence[str]) -> None:
    ws = wb.create_sheet(GUIDE_TITLE)
    ws.column_dimensions["A"].width = 120
    for line in lines:
        ws.cell(_append(ws, [line]), 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=14)


def _number_rule(ftype: Number, title: str) -> DataValidation:
    kind = "whole" if ftype.integer else "decimal"
    lo = ftype.min_value if ftype.min_value is not None else -1e9
    hi = ftype.max_value if ftype.max_value is not None else 1e9
    dv = DataValidation(type=kind, operator="between", formula1=fmt_number(lo).replace(",", "."),
                        formula2=fmt_number(hi).replace(",", "."), allow_blank=True, showErrorMessage=True)
    dv.errorTitle, dv.error = title, f"Введите {'целое ' if kind == 'whole' else ''}число от {fmt_number(lo)} до " \
                                     f"{fmt_number(hi)}"
    return dv


def work_template(spec: WorkSpec, class_id: str, class_label: str, students: Sequence[tuple[str, str]],
                  existing: Mapping[str, Mapping[str, str]], schema_version: int = 0) -> bytes:
    """Results of one work for one class: a row per student (id hidden, names locked), a column per task."""
    wb = Workbook()
    ws: Worksheet = wb.active
    ws.title = RESULTS_TITLE
    n = len(spec.tasks)
    t3, t4, t5 = spec.thresholds
    _append(ws, [f"{spec.title} — {class_label}"])
    _append(ws, [f"Максимальный балл {fmt_number(spec.max_score)}; «3» от {fmt_number(t3)}, «4» от {fmt_number(t4)}, "
               f"«5» от {fmt_number(t5)} баллов"])
    header_row = 3
    headers = [ID_HEADER, STUDENT_HEADER, LABELS["present"],
               *[task_header(t.number, t.max_score) for t in spec.tasks], LABELS["total"], LABELS["mark"]]
    _append(ws, headers)
    first_task, last_task = 4, 3 + n
    tot_col, mark_col = get_column_letter(last_task + 1), get_column_letter(last_task + 2)
    for sid, name in students:
        raw = existing.get(sid) or {}
        present = raw.get("present", "").strip()
        scores = [] if present == C.NO else split_scores(raw.get("scores", ""), n)
        cells: list[object] = [sid, name, present]
        for s in scores or [""] * n:
            try:
                cells.append(float(s.replace(",", ".")) if s.strip() not in ("", "-") else (s or None))
            except ValueError:
                cells.append(s)
        r = _append(ws, cells)
        span = f"{get_column_letter(first_task)}{r}:{get_column_letter(last_task)}{r}"
        ws[f"{tot_col}{r}"] = f'=IF(OR(C{r}="{C.NO}",COUNT({span})=0),"",SUM({span}))' if n else ""
        ws[f"{mark_col}{r}"] = (f'=IF({tot_col}{r}="","",IF({tot_col}{r}>={fmt_number(t5).replace(",", ".")},5,'
                                f'IF({tot_col}{r}>={fmt_number(t4).replace(",", ".")},4,'
                                f'IF({tot_col}{r}>={fmt_number(t3).replace(",", ".")},3,2))))')
        for c in range(3, last_task + 1):
            ws.cell(r, c).protection = Protection(locked=False)
        ws.cell(r, 2).fill = _LOCKED_FILL
    last_row = max(ws.max_row, header_row + 1)
    present_dv = DataValidation(type="list", formula1='"да,нет"', allow_blank=True, showErrorMessage=True)
    present_dv.errorTitle, present_dv.error = LABELS["present"], "Выберите «да» или «нет»"
    ws.add_data_validation(present_dv)
    present_dv.add(f"C{header_row + 1}:C{last_row}")
    for i, t in enumerate(spec.tasks):
        letter = get_column_letter(first_task + i)
        dv = _number_rule(Number(min_value=0, max_value=t.max_score, integer=float(t.max_score).is_integer()),
                          task_title(t.number))
        ws.add_data_validation(dv)
        dv.add(f"{letter}{header_row + 1}:{letter}{last_row}")
        ws.cell(header_row, first_task + i).comment = Comment(str(_text(t.element)) or task_title(t.number),
                                                               "edumon")
        ws.column_dimensions[letter].width = 14
    for c in range(1, len(headers) + 1):
        ws.cell(header_row, c).font = _HEAD
        ws.cell(header_row, c).alignment = Alignment(wrap_text=True, horizontal="center")
    ws["A1"].font = Font(bold=True, size=13)
    ws.column_dimensions["A"].hidden = True
    ws.column_dimensions["B"].width = 32
    ws.column_dimensions["C"].width = 10
    ws.freeze_panes = ws.cell(header_row + 1, first_task)
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False
    _guide(wb, [
        "Как заполнить результаты работы",
        f"Работа: {spec.title}. Класс: {class_label}.",
        f"1. На листе «{RESULTS_TITLE}» для каждого обучающегося выберите в столбце «{LABELS['present']}» «да» или "
        "«нет» (не писал работу).",
        "2. Для писавших введите баллы за каждое задание: целое число от 0 до максимума, указанного в заголовке "
        "столбца. Если задание не оценивалось, поставьте «-».",
        f"3. «{LABELS['total']}» и «{LABELS['mark']}» считаются сами — их заполнять не нужно.",
        "4. Не меняйте порядок и названия столбцов, не удаляйте строки: скрытый столбец «id» связывает строку с "
        "обучающимся.",
        "5. Сохраните файл как «Книга Excel (.xlsx)» и загрузите его на странице «Загрузка таблиц». Ошибки будут "
        "показаны с адресом ячейки, и ничего не запишется, пока все ячейки не будут правильными.",
        "6. Повторная загрузка того же файла ничего не дублирует: изменённые строки обновятся, остальные "
        "останутся как есть.",
    ])
    _service(wb, {"kind": "results", "work_id": spec.work_id, "class_id": class_id,
                  "header_row": str(header_row), "schema_version": str(schema_version)})
    return _save(wb)


def sheet_template(schema: Registry, sheet_key: str, ref_options: Mapping[str, Mapping[str, str]],
                   rows: Sequence[Mapping[str, str]] = ()) -> bytes:
    """Any worksheet: its headers, dropdowns for choices and references, number ranges; `rows` to edit existing."""
    sheet = schema[sheet_key]
    wb = Workbook()
    ws: Worksheet = wb.active
    ws.title = sheet.title
    _append(ws, sheet.headers)
    lists = wb.create_sheet(LISTS_TITLE)
    list_col = 0
    last = len(rows) + 1 + EMPTY_ROWS
    for c, f in enumerate(sheet.fields, start=1):
        letter = get_column_letter(c)
        head = ws.cell(1, c)
        head.font = _HEAD
        if f.required:
            head.fill = _REQUIRED_FILL
        note = f.help or ""
        if isinstance(f.type, RowId):
            note = "Оставьте пустым для новых строк: идентификатор появится сам. Не меняйте его у существующих."
        if note:
            head.comment = Comment(note, "edumon")
        ws.column_dimensions[letter].width = max(12, min(40, len(f.header) + 4))
        options: Sequence[str] = ()
        if isinstance(f.type, Choice):
            options = f.choices
        elif isinstance(f.type, Ref):
            options = list(ref_options.get(f.type.sheet, {}))
        dv: DataValidation | None = None
        if options:
            list_col += 1
            lst = get_column_letter(list_col * 2 - 1)
            _put(lists, 1, list_col * 2 - 1, f.header).font = _HEAD
            labels = ref_options.get(f.type.sheet, {}) if isinstance(f.type, Ref) else {}
            if labels:
                _put(lists, 1, list_col * 2, "Название").font = _HEAD
            for i, o in enumerate(options, start=2):
                _put(lists, i, list_col * 2 - 1, o)
                if labels:
                    _put(lists, i, list_col * 2, labels.get(o, ""))
            dv = DataValidation(type="list", allow_blank=not f.required, showErrorMessage=True,
                                formula1=f"{quote_sheetname(LISTS_TITLE)}!${lst}$2:${lst}${len(options) + 1}")
            dv.errorTitle, dv.error = f.header, f"Выберите значение из списка (лист «{LISTS_TITLE}»)"
        elif isinstance(f.type, Number):
            dv = _number_rule(f.type, f.header)
        if dv is not None:
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{last}")
        if not isinstance(f.type, (Number, Date)):
            for r in range(2, last + 1):
                ws.cell(r, c).number_format = "@"  # ids and letters stay text, never become numbers or dates
    for r, row in enumerate(rows, start=2):
        for c, f in enumerate(sheet.fields, start=1):
            text = (row.get(f.key) or "").strip()
            value: object = text
            if text and isinstance(f.type, Number):
                parsed, error, _ = f.type.parse_one(text)
                value = float(parsed) if error is None and parsed is not None else text
            _put(ws, r, c, value if text else None)
    ws.freeze_panes = "B2"
    for c in range(1, list_col * 2 + 1):
        lists.column_dimensions[get_column_letter(c)].width = 28
    _guide(wb, [
        f"Как заполнить лист «{sheet.title}»",
        "1. Одна строка — одна запись. Не меняйте заголовки: по ним столбцы находятся при загрузке.",
        "2. Обязательные столбцы выделены цветом в заголовке; подсказки — в примечаниях к заголовкам.",
        f"3. Значения из списков выбирайте из выпадающего меню; для ссылок на другие листы — id из листа "
        f"«{LISTS_TITLE}» (там же их названия).",
        "4. Даты вводите как ДД.ММ.ГГГГ.",
        "5. Столбец «id» оставьте пустым у новых строк. Строки с заполненным id обновляют существующие записи. "
        "Новая строка без id получает идентификатор из её содержимого, поэтому повторная загрузка того же файла "
        "не создаёт дублей; чтобы исправить уже загруженную строку, скачайте лист с текущими данными.",
        "6. Сохраните как «Книга Excel (.xlsx)» и загрузите. Сначала проверяются все ячейки: при любой ошибке "
        "ничего не записывается, а ошибки показываются с адресами ячеек.",
    ])
    _service(wb, {"kind": "sheet", "sheet": sheet_key, "schema_version": str(schema.version)})
    return _save(wb)
