"""Drill-down dashboard along both hierarchies of DOMAIN.md, driven by query parameters so every level has a URL:

- school → parallel → class → student: /dashboard?parallel=9&class=cls-0001&student=st-00001
- school → department → subject → teacher: /dashboard?department=shmo-01&subject=sub-01&teacher=t-001

Every row links one level down; the mark distribution of the current level is an ECharts bar chart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from reports.labels import INDICATOR_LABELS, LEVEL_NAMES, column_title, fmt_date, fmt_num
from reports.rollup import children, class_rollup, parallel_label, subject_rollup

from ..access import scope_of, visible_facts
from ..auth import current_account, page
from ..derived import derived_for
from ..frame import frame
from ..state import ctx

SHOWN = ("N", "absent", "n5", "n4", "n3", "n2", "success_pct", "quality_pct", "sou_pct", "mean_mark",
         "quality_pct_vs_parent")
MARKS = ("n5", "n4", "n3", "n2")
MARK_COLORS = ("#2e7d32", "#1565c0", "#f9a825", "#c62828")
CLASS_KEYS = ("parallel", "class", "student")
SUBJECT_KEYS = ("department", "subject", "teacher")
# query parameter -> roll-up column and level name
COLUMN = {"parallel": "parallel", "class": "class_id", "student": "student_id", "department": "department_id",
          "subject": "subject_id", "teacher": "teacher_id"}


def url(params: Mapping[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return "/dashboard" + (f"?{urlencode(clean)}" if clean else "")


def _digits(column: str) -> int:
    return 2 if column.startswith("mean_mark") else (1 if column.endswith("_pct") or "_vs_" in column else 0)


def level_table(rows: pd.DataFrame, link_of: Any, marker: str, first_title: str) -> None:
    """Rows of one level: the name links one level down, then the indicators (titles from reports.labels)."""
    with ui.grid(columns=len(SHOWN) + 1).classes("w-full gap-x-4 gap-y-1 items-center").mark(marker):
        ui.label(first_title).classes("text-weight-bold")
        for c in SHOWN:
            title = "Качество: ± к уровню выше, п. п." if c == "quality_pct_vs_parent" else INDICATOR_LABELS[c]
            ui.label(title).classes("text-weight-bold text-caption")
        for rec in rows.to_dict("records"):
            target = link_of(rec)
            if target:
                ui.link(str(rec["label"]), target).mark(f"drill-{rec['label']}")
            else:
                ui.label(str(rec["label"]))
            for c in SHOWN:
                ui.label(fmt_num(rec[c], _digits(c))).classes("text-right")


def distribution_chart(row: Mapping[str, Any], title: str) -> None:
    data = [{"value": int(row[c]), "itemStyle": {"color": color}} for c, color in zip(MARKS, MARK_COLORS,
                                                                                           strict=True)]
    ui.echart({
        "title": {"text": f"Распределение отметок: {title}", "textStyle": {"fontSize": 14}},
        "tooltip": {},
        "xAxis": {"type": "category", "data": [INDICATOR_LABELS[c] for c in MARKS]},
        "yAxis": {"type": "value", "name": "Отметок"},
        "series": [{"type": "bar", "data": data}],
    }).classes("w-full max-w-[560px] h-64").mark("dashboard-chart")


def crumbs(items: Sequence[tuple[str, str]]) -> None:
    with ui.row().classes("items-center gap-1").mark("breadcrumbs"):
        for i, (label, target) in enumerate(items):
            if i:
                ui.label("›")
            if i < len(items) - 1:
                ui.link(label, target)
            else:
                ui.label(label).classes("text-weight-bold")


def _one(table: pd.DataFrame, level: str, **keys: Any) -> pd.Series | None:
    rows = children(table, level, **keys)
    return rows.iloc[0] if len(rows) else None


def _student_works(facts: pd.DataFrame, student_id: str) -> None:
    mine = facts[(facts["student_id"] == student_id).fillna(False).to_numpy(dtype=bool)].sort_values("date")
    cols = ("date", "subject", "work", "kind", "present", "total", "max_score", "pct", "mark")
    with ui.grid(columns=len(cols)).classes("w-full gap-x-4 gap-y-1").mark("student-works"):
        for c in cols:
            ui.label(column_title(c)).classes("text-weight-bold text-caption")
        for rec in mine.to_dict("records"):
            for c in cols:
                value = rec[c]
                if c == "work":
                    ui.link(str(value), f"/work/{rec['work_id']}")
                elif c == "date":
                    ui.label(fmt_date(value))
                elif c in ("total", "max_score", "pct", "mark"):
                    ui.label(fmt_num(value, 1 if c == "pct" else 0))
                else:
                    ui.label("" if value is None or value is pd.NA else str(value))


def _class_axis(facts: pd.DataFrame, table: pd.DataFrame, q: Mapping[str, str]) -> None:
    parallel, class_id, student_id = q.get("parallel"), q.get("class"), q.get("student")
    school = _one(table, "school")
    path = [("Школа", url({}))]
    if school is None:
        ui.label("Результатов пока нет.").mark("no-results")
        return
    if not parallel:
        crumbs(path)
        distribution_chart(school, "школа")
        level_table(children(table, "parallel"), lambda r: url({"parallel": r["parallel"]}), "dashboard-parallels",
                    "Параллель")
        return
    p = int(parallel) if parallel.isdigit() else parallel
    node = _one(table, "parallel", parallel=p)
    path.append((parallel_label(p) if isinstance(p, int) else str(p), url({"parallel": parallel})))
    if node is None:
        crumbs(path)
        ui.label("Нет результатов для этой параллели.").mark("no-results")
        return
    if not class_id:
        crumbs(path)
        distribution_chart(node, path[-1][0])
        level_table(children(table, "class", parallel=p), lambda r: url({"parallel": parallel, "class": r["class_id"]}),
                    "dashboard-classes", column_title("class"))
        return
    cnode = _one(table, "class", class_id=class_id)
    if cnode is None:
        crumbs(path)
        ui.label("Нет результатов для этого класса.").mark("no-results")
        return
    path.append((str(cnode["label"]), url({"parallel": parallel, "class": class_id})))
    if not student_id:
        crumbs(path)
        distribution_chart(cnode, str(cnode["label"]))
        level_table(children(table, "student", class_id=class_id),
                    lambda r: url({"parallel": parallel, "class": class_id, "student": r["student_id"]}),
                    "dashboard-students", column_title("student"))
        return
    snode = _one(table, "student", student_id=student_id)
    if snode is None:
        crumbs(path)
        ui.label("Нет результатов этого обучающегося.").mark("no-results")
        return
    path.append((str(snode["label"]), ""))
    crumbs(path)
    distribution_chart(snode, str(snode["label"]))
    level_table(pd.DataFrame([snode]), lambda r: "", "dashboard-student", LEVEL_NAMES["student"].capitalize())
    ui.label("Работы обучающегося").classes("text-h6")
    _student_works(facts, student_id)


def _subject_axis(table: pd.DataFrame, q: Mapping[str, str]) -> None:
    dep, subj, teacher = q.get("department"), q.get("subject"), q.get("teacher")
    school = _one(table, "school")
    path = [("Школа", url({"axis": "subjects"}))]
    if school is None:
        ui.label("Результатов пока нет.").mark("no-results")
        return
    if not dep:
        crumbs(path)
        level_table(children(table, "department"), lambda r: url({"department": r["department_id"]}),
                    "dashboard-departments", column_title("department"))
        return
    dnode = _one(table, "department", department_id=dep)
    if dnode is None:
        crumbs(path)
        ui.label("Нет результатов для этого ШМО.").mark("no-results")
        return
    path.append((str(dnode["label"]), url({"department": dep})))
    if not subj:
        crumbs(path)
        distribution_chart(dnode, str(dnode["label"]))
        level_table(children(table, "subject", department_id=dep),
                    lambda r: url({"department": dep, "subject": r["subject_id"]}), "dashboard-subjects",
                    column_title("subject"))
        return
    snode = _one(table, "subject", department_id=dep, subject_id=subj)
    if snode is None:
        crumbs(path)
        ui.label("Нет результатов по этому предмету.").mark("no-results")
        return
    path.append((str(snode["label"]), url({"department": dep, "subject": subj})))
    if not teacher:
        crumbs(path)
        distribution_chart(snode, str(snode["label"]))
        level_table(children(table, "teacher", department_id=dep, subject_id=subj),
                    lambda r: url({"department": dep, "subject": subj, "teacher": r["teacher_id"]}),
                    "dashboard-teachers", column_title("teacher"))
        return
    tnode = _one(table, "teacher", department_id=dep, subject_id=subj, teacher_id=teacher)
    if tnode is None:
        crumbs(path)
        ui.label("Нет результатов этого педагога.").mark("no-results")
        return
    path.append((str(tnode["label"]), ""))
    crumbs(path)
    distribution_chart(tnode, str(tnode["label"]))
    level_table(pd.DataFrame([tnode]), lambda r: "", "dashboard-teacher", LEVEL_NAMES["teacher"].capitalize())


def create() -> None:
    @page("/dashboard", "reports")
    def dashboard_page(request: Request) -> None:
        c = ctx()
        workbook = c.cache.workbook
        scope = scope_of(current_account(), workbook.frames)
        d = derived_for(workbook)
        facts = visible_facts(d.facts, scope)
        q = {k: v for k, v in request.query_params.items() if k in (*CLASS_KEYS, *SUBJECT_KEYS, "axis")}
        subjects = q.get("axis") == "subjects" or any(q.get(k) for k in SUBJECT_KEYS)
        with frame("Аналитика: от школы к классу и педагогу"):
            with ui.row().classes("gap-4"):
                ui.link("Параллели и классы", url({})).mark("axis-classes")
                ui.link("ШМО, предметы и педагоги", url({"axis": "subjects"})).mark("axis-subjects")
            if facts.empty:
                ui.label("Результатов мониторинговых работ пока нет.").mark("no-results")
                return
            if subjects:
                _subject_axis(subject_rollup(facts, workbook), q)
            else:
                _class_axis(facts, d.year if scope.everything else class_rollup(facts), q)
