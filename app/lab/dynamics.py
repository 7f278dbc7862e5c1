"""Three years of dynamics: the town's and a school's indicators per year and subject, each year against the town's
same year; a line chart with Russian number formats; every view has its URL (kind, subject, parallel in the query)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pandas as pd
from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.access import lab_sees_school
from app.lab.dashboard import choices, crumbs, load, parse_slice, query, refused, school_name, selectors, table
from app.lab.pages import frame, lab, lab_page
from app.pages.chart_format import russian
from reports.district.dynamics import YEARS, dynamics
from reports.district.town import Slice


def year_label(y: object) -> str:
    return f"{int(y)}/{int(y) + 1}"  # type: ignore[call-overload]


def _labelled(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(year_label=[year_label(y) for y in df["year"]]) if len(df) else df.assign(year_label=[])


def compute(sl: Slice, school: str | None) -> dict[str, Any]:
    """Blocking: the cube through the engine, the rows by subject and the pooled rows the chart draws."""
    cube = load("stored")["stored"]
    return {"opts": choices(cube), "rows": _labelled(dynamics(cube, sl, school)),
            "pooled": _labelled(dynamics(cube, sl, school, by=()))}


def line_chart(pooled: pd.DataFrame, who: str, marker: str) -> None:
    """Quality and success per year: the school's (or town's) lines and, for a school, the town's dashed beside."""
    if pooled.empty:
        return
    years = list(pooled["year_label"])

    def values(col: str) -> list[float | None]:
        return [None if pd.isna(v) else round(float(v), 1) for v in pooled[col]]

    series: list[dict[str, Any]] = [{"type": "line", "name": f"{who}: качество", "data": values("quality_pct")},
                                    {"type": "line", "name": f"{who}: успеваемость", "data": values("success_pct")}]
    if who != "Город":
        series += [{"type": "line", "name": "Город: качество", "data": values("quality_pct_town"),
                    "lineStyle": {"type": "dashed"}},
                   {"type": "line", "name": "Город: успеваемость", "data": values("success_pct_town"),
                    "lineStyle": {"type": "dashed"}}]
    options = russian({"tooltip": {"trigger": "axis"}, "legend": {"top": 0},
                       "xAxis": {"type": "category", "data": years},
                       "yAxis": {"type": "value", "min": 0, "max": 100}, "series": series}, "%")
    ui.echart(options).classes("w-full h-72").mark(marker)


def render(r: dict[str, Any], sl: Slice, who: str, path: str) -> None:
    selectors(r["opts"], sl, path, fixed=("year",))
    ui.label(f"Последние {YEARS} учебных года, которые есть в хранилище; «±» — разница с городом того же года "
             "и предмета.").classes("text-body2")
    if r["rows"].empty:
        ui.label("В хранилище нет результатов для этого среза.").mark("no-dynamics")
        return
    line_chart(r["pooled"], who, "dynamics-chart")
    table(r["rows"], ["subject", "year_label"], "dynamics")


def create() -> None:
    @lab_page("/lab/town/dynamics", "lab_town")
    async def town_dynamics(kind: str = "", subject: str = "", parallel: str = "") -> None:
        sl = parse_slice("", kind, subject, parallel)
        body = frame("Мониторинг города: динамика за три года")
        r = await background.io_bound(compute, sl, None)
        with body:
            crumbs(("Город", f"/lab/town{query(Slice(None, sl.kind))}"), ("Динамика", ""))
            render(r, sl, "Город", "/lab/town/dynamics")

    @lab_page("/lab/town/school/{code}/dynamics", "lab_town")
    async def school_dynamics(code: str, kind: str = "", subject: str = "", parallel: str = "") -> None:
        if not lab_sees_school(current_account(), code):
            return refused()
        sl = parse_slice("", kind, subject, parallel)
        name = school_name(lab().cache.workbook.frames["schools"], code) or code
        body = frame(f"{name}: динамика за три года")
        r = await background.io_bound(compute, sl, code)
        with body:
            crumbs(("Город", f"/lab/town{query(Slice(None, sl.kind))}"),
                   (name, f"/lab/town/school/{quote(code)}{query(Slice(None, sl.kind))}"), ("Динамика", ""))
            render(r, sl, "Школа", f"/lab/town/school/{quote(code)}/dynamics")


def school_table(df: pd.DataFrame, cols: list[str], titles: dict[str, str], fmt: Callable[[str, Any], str],
                 marker: str, pagination: int = 30) -> None:
    """Rows formatted by `fmt` (column, value), each school's name opening its three-year dynamics."""
    rows: list[dict[str, Any]] = []
    for r in df.to_dict("records"):
        row: dict[str, Any] = {c: fmt(c, r.get(c)) for c in cols}
        row["link"] = f"/lab/town/school/{quote(str(r.get('school', r.get('code', ''))))}/dynamics?kind=ВПР"
        rows.append(row)
    t = ui.table(columns=[{"name": c, "label": titles[c], "field": c, "align": "left"} for c in cols], rows=rows,
                 pagination=pagination).classes("w-full").mark(marker)
    if "short_name" in cols:
        t.add_slot("body-cell-short_name",
                   '<q-td :props="props"><a :href="props.row.link">{{ props.value }}</a></q-td>')
