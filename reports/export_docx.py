"""The справка of a monitoring work as a Word document (python-docx), built in memory: `work_docx(report)` returns
bytes. A distribution chart is drawn only when matplotlib is installed (it is optional and never required).
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Sequence

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from .labels import column_title
from .narrative import (
    CLASS_COLUMNS,
    COMPARISON_COLUMNS,
    ELEMENT_COLUMNS,
    RISK_COLUMNS,
    TASK_COLUMNS,
    WorkReport,
    cell_value,
)

WEAK_COLOR = RGBColor(0xC0, 0x00, 0x00)


def has_chart_support() -> bool:
    """True when matplotlib is importable (the docx then carries a distribution chart)."""
    return importlib.util.find_spec("matplotlib") is not None


def _table(doc: Document, frame: pd.DataFrame, columns: Sequence[str], *, titles: dict[str, str] | None = None,
           weak_rows: Sequence[bool] | None = None) -> None:
    titles = titles or {}
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    for cell, c in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(titles.get(c, column_title(c)))
        run.bold = True
        run.font.size = Pt(9)
    for i, rec in enumerate(frame[list(columns)].to_dict("records")):
        cells = table.add_row().cells
        weak = bool(weak_rows[i]) if weak_rows is not None else False
        for cell, c in zip(cells, columns, strict=True):
            run = cell.paragraphs[0].add_run(str(cell_value(c, rec[c])))
            run.font.size = Pt(9)
            if weak:
                run.bold = True
                run.font.color.rgb = WEAK_COLOR


def _chart_png(report: WorkReport) -> bytes | None:
    if not has_chart_support():
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    labels, counts = zip(*report.distribution(), strict=True)
    fig, ax = plt.subplots(figsize=(5, 2.8), dpi=120)
    ax.bar(labels, counts, color=["#2e7d32", "#1565c0", "#f9a825", "#c62828"])
    ax.set_title("Распределение отметок")
    ax.set_ylabel("Обучающихся")
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def work_docx(report: WorkReport) -> bytes:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    title = doc.add_heading(report.heading, level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"Предмет: {report.subject}. Вид работы: {report.kind}. Дата проведения: {report.date or '—'}. "
                      f"Участники: {report.scope_label}.")
    doc.add_paragraph(report.purpose)

    s = report.summary
    doc.add_heading("1. Участники", level=2)
    doc.add_paragraph(f"{column_title('enrolled')}: {s.enrolled}; {column_title('N').lower()}: {s.N}; "
                      f"{column_title('absent').lower()}: {s.absent}.")

    doc.add_heading("2. Распределение отметок", level=2)
    dist = report.distribution()
    table = doc.add_table(rows=2, cols=len(dist))
    table.style = "Table Grid"
    for i, (label, count) in enumerate(dist):
        table.rows[0].cells[i].text = label
        table.rows[1].cells[i].text = str(count)
    png = _chart_png(report)
    if png is not None:
        doc.add_picture(io.BytesIO(png))

    doc.add_heading("3. Показатели и сравнение", level=2)
    _table(doc, report.comparisons, COMPARISON_COLUMNS, titles={"label": "Группа"})
    if len(report.classes):
        doc.add_heading("4. Результаты по классам", level=2)
        _table(doc, report.classes, CLASS_COLUMNS)

    doc.add_heading("5. Анализ выполнения заданий", level=2)
    if len(report.tasks):
        _table(doc, report.tasks, TASK_COLUMNS, weak_rows=list(report.tasks["weak"]))
    else:
        doc.add_paragraph("Баллы по заданиям не внесены.")
    doc.add_heading("6. Анализ по элементам содержания", level=2)
    if len(report.elements):
        _table(doc, report.elements, ELEMENT_COLUMNS, weak_rows=list(report.elements["weak"]))
        doc.add_paragraph("Слабые элементы (менее 50 % от максимального балла) выделены.").italic = True
    else:
        doc.add_paragraph("Баллы по заданиям не внесены.")

    doc.add_heading("7. Обучающиеся группы риска", level=2)
    if len(report.at_risk):
        _table(doc, report.at_risk, RISK_COLUMNS)
    else:
        doc.add_paragraph("Обучающихся группы риска нет.")

    doc.add_heading("8. Выводы", level=2)
    for text in report.conclusions:
        doc.add_paragraph(text, style="List Bullet")
    doc.add_heading("9. Рекомендации", level=2)
    for text in report.recommendations:
        doc.add_paragraph(text, style="List Number")
    doc.add_paragraph("")
    doc.add_paragraph("Заместитель директора по УВР ____________________")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
