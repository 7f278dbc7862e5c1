"""The town dashboard: indicators by school × subject × parallel × kind of work with N and the difference from
the town, schools compared within their type group, and the drills town → school → parallel → class and
town → subject → school → teacher; every view has its own URL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote, urlencode

import pandas as pd
from nicegui import ui

from app.auth import current_account
from app.lab.access import can_open_lab, lab_can_drill, lab_sees_school
from app.lab.pages import frame, lab, lab_page
from reports.district.dynamics import STORED_CUBE
from reports.district.town import (
    RATE_COLUMNS,
    TITLES,
    Slice,
    breakdown,
    class_label,
    groups_table,
    options,
    schools_table,
    teacher_name,
    town_row,
)
from reports.district.town_sql import TOWN_BY_CLASS, TOWN_BY_TEACHER

SHOWN = ["N", *RATE_COLUMNS, *(f"{c}_diff" for c in RATE_COLUMNS)]
# the cube is the one intake stored (the same rows as CUBE over the raw facts, without recomputing them)
QUERIES = {"cube": STORED_CUBE, "class": TOWN_BY_CLASS, "teacher": TOWN_BY_TEACHER, "stored": STORED_CUBE}
TOWN_WIDE = ("cube", "stored")


def load(*names: str, school: str | None = None) -> dict[str, pd.DataFrame]:
    """The warehouse's aggregates a view needs (through the engine) and the registry of schools — blocking.
    With `school`, the aggregates below the school (classes, teachers) read that school's folders only; the cube
    stays the town's, since every difference is taken from the town."""
    c = lab()
    out = {n: c.engine.run(QUERIES[n], school=None if n in TOWN_WIDE else school) for n in names}
    out["schools"] = c.cache.workbook.frames["schools"]
    return out


# -- each view's numbers, computed once per data version (LabContext.computed); the account filters after ----------

def town_view(sl: Slice) -> dict[str, Any]:
    d = load("cube")
    cube, schools = d["cube"], d["schools"]
    return {"opts": choices(cube), "groups": groups_table(cube, schools, sl), "rows": schools_table(cube, schools, sl),
            "town": town_row(cube, sl).get("quality_pct"),
            "subjects": breakdown(cube, cube, Slice(sl.year, sl.kind, None, sl.parallel), ["subject"])}


def school_view(code: str, sl: Slice) -> dict[str, Any]:
    cube = load("cube")["cube"]
    return {"opts": choices(cube), "parallels": breakdown(cube, cube, sl, ["parallel"], code),
            "subjects": breakdown(cube, cube, sl, ["subject", "kind"], code)}


def parallel_view(code: str, sl: Slice, parallel_no: int) -> pd.DataFrame:
    d = load("cube", "class", school=code)
    by_class = d["class"].assign(class_label=[class_label(p, x) for p, x in
                                              zip(d["class"]["parallel"], d["class"]["letter"], strict=True)])
    return breakdown(by_class, d["cube"], Slice(sl.year, sl.kind, sl.subject, parallel_no),
                     ["class_label", "class_id", "parallel"], code)


def class_view(code: str, class_id: str, sl: Slice) -> tuple[str, pd.DataFrame]:
    d = load("cube", "class", school=code)
    mine = d["class"][(d["class"]["class_id"].astype(str) == class_id).to_numpy(dtype=bool)]
    label = class_label(mine["parallel"].iloc[0], mine["letter"].iloc[0]) if len(mine) else class_id
    return label, breakdown(mine, d["cube"], sl, ["subject", "kind", "parallel"], code)


def subject_view(sl: Slice) -> dict[str, Any]:
    d = load("cube")
    return {"opts": choices(d["cube"]), "rows": schools_table(d["cube"], d["schools"], sl),
            "town": town_row(d["cube"], sl).get("quality_pct")}


def teachers_view(code: str, sl: Slice) -> pd.DataFrame:
    d = load("cube", "teacher", school=code)
    t = d["teacher"]
    t = t.assign(teacher=[teacher_name(a, b, c) for a, b, c in zip(
        t["last_name"], t["first_name"], t["middle_name"], strict=True)])
    return breakdown(t, d["cube"], sl, ["teacher", "teacher_id", "subject", "kind"], code)


def seen_rows(rows: pd.DataFrame, account: Any) -> pd.DataFrame:
    """The schools' rows this account may see (a new frame: the kept one is shared by every account)."""
    return rows[[lab_sees_school(account, str(s)) for s in rows["school"]]] if len(rows) else rows


def ru(v: Any, digits: int = 1, signed: bool = False) -> str:
    """A number as Russians write it: decimal comma, thin space for thousands; missing as «—»."""
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if isinstance(v, str):
        return v
    text = f"{float(v):{'+' if signed else ''},.{digits}f}".replace(",", "\u202f").replace(".", ",")
    return text


def rows_of(df: pd.DataFrame, keys: list[str], link: Callable[[dict], str] | None = None) -> list[dict]:
    out = []
    for r in df.to_dict("records"):
        row = {k: ("" if r.get(k) is None or (not isinstance(r.get(k), str) and pd.isna(r.get(k)))
                   else str(int(r[k])) if k == "parallel" else str(r[k])) for k in keys}
        row["N"] = ru(r["N"], 0)
        for c in RATE_COLUMNS:
            d = 2 if c == "mean_mark" else 1
            row[c], row[f"{c}_diff"] = ru(r[c], d), ru(r[f"{c}_diff"], d, signed=True)
        row["link"] = link(r) if link else ""
        out.append(row)
    return out


def table(df: pd.DataFrame, keys: list[str], marker: str, link: Callable[[dict], str] | None = None) -> None:
    cols = [{"name": k, "label": TITLES.get(k, k), "field": k, "align": "left"} for k in [*keys, *SHOWN]]
    t = ui.table(columns=cols, rows=rows_of(df, keys, link), pagination=30).classes("w-full").mark(marker)
    if link:  # the first key links to the next level of the drill
        first = keys[0]
        t.add_slot(f"body-cell-{first}", '<q-td :props="props"><a :href="props.row.link">{{ props.value }}</a>'
                                         "</q-td>")


def chart(df: pd.DataFrame, label: str, town: float | None, marker: str) -> None:
    """Quality per row with the town's level as a line; numbers in the Russian format."""
    if df.empty:
        return
    fmt = "v => v == null ? '—' : v.toLocaleString('ru-RU', {maximumFractionDigits: 1}) + ' %'"
    series: list[dict[str, Any]] = [{"type": "bar", "name": "Качество, %",
                                     "data": [None if pd.isna(v) else round(float(v), 1) for v in df["quality_pct"]]}]
    if town is not None and not pd.isna(town):
        series[0]["markLine"] = {"data": [{"yAxis": round(float(town), 1), "name": "Город"}],
                                 "label": {":formatter": "p => 'город: ' + p.value.toLocaleString('ru-RU')"}}
    ui.echart({"tooltip": {"trigger": "axis", ":valueFormatter": fmt},
               "xAxis": {"type": "category", "data": [str(v) for v in df[label]], "axisLabel": {"rotate": 30}},
               "yAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value} %"}},
               "series": series}).classes("w-full h-72").mark(marker)


def parse_slice(year: str, kind: str, subject: str, parallel: str) -> Slice:
    def num(v: str) -> int | None:
        return int(v) if v.strip().isdigit() and len(v.strip()) < 6 else None

    return Slice(num(year), kind or None, subject or None, num(parallel))


def query(sl: Slice, **extra: Any) -> str:
    pairs = {"year": sl.year, "kind": sl.kind, "subject": sl.subject, "parallel": sl.parallel, **extra}
    q = urlencode({k: v for k, v in pairs.items() if v not in (None, "")})
    return f"?{q}" if q else ""


def choices(cube: pd.DataFrame) -> dict[str, list]:
    """The values each selector offers (computed off the event loop with the view's tables)."""
    return {k: options(cube, k) for k in ("year", "kind", "subject", "parallel")}


def selectors(opts: dict[str, list], sl: Slice, path: str, fixed: tuple[str, ...] = ()) -> None:
    """Year, kind, subject, parallel: each choice opens the view's URL with that filter."""
    labels = {"year": "Год", "kind": "Вид работы", "subject": "Предмет", "parallel": "Параллель"}
    with ui.row().classes("items-center gap-3"):
        for key, title in labels.items():
            if key in fixed:
                continue
            values = {"": "все", **{str(v): (f"{v}/{v + 1}" if key == "year" else str(v))
                                    for v in opts[key]}}
            current = "" if getattr(sl, key) is None else str(getattr(sl, key))

            def go(e: Any, key: str = key) -> None:
                ui.navigate.to(path + query(replace(sl, **{key: e.value or None})))

            ui.select(values, value=current if current in values else "", label=title,
                      on_change=go).classes("w-56").mark(f"select-{key}")


def school_name(schools: pd.DataFrame, code: str) -> str | None:
    hit = schools[schools["code"].astype(str) == code]
    return None if hit.empty else str(hit.iloc[0]["short_name"])


def refused(what: str = "Нет доступа") -> None:
    with frame(what):
        ui.label("У вашей роли нет доступа к этим данным.").mark("forbidden")


def crumbs(*parts: tuple[str, str]) -> None:
    with ui.row().classes("items-center gap-2 text-body2").mark("crumbs"):
        for i, (label, href) in enumerate(parts):
            if i:
                ui.label("→")
            ui.link(label, href) if href else ui.label(label)


def create() -> None:
    @lab_page("/lab/town", "lab_town")
    async def town_page(year: str = "", kind: str = "", subject: str = "", parallel: str = "") -> None:
        sl = parse_slice(year, kind, subject, parallel)
        account = current_account()
        body = frame("Мониторинг города: показатели школ")

        kept = await lab().computed(town_view, sl)
        r = {**kept, "rows": seen_rows(kept["rows"], account)}
        with body:
            crumbs(("Город", ""))
            selectors(r["opts"], sl, "/lab/town")
            with ui.row().classes("gap-4"):
                no_year = query(Slice(None, sl.kind, sl.subject, sl.parallel))
                ui.link("Динамика за три года", f"/lab/town/dynamics{no_year}").mark("town-dynamics")
                if can_open_lab(account, "lab_clusters"):
                    ui.link("Сравнение внутри кластеров", f"/lab/clusters{query(sl)}").mark("town-clusters")
            ui.label("Группы школ (сравнивайте школу с её группой, а не со всеми подряд)").classes("text-h6")
            table(r["groups"], ["group"], "town-groups")
            ui.label("Школы по группам сравнения; «±» — разница с городом на том же срезе").classes("text-h6")
            table(r["rows"], ["short_name", "type", "group", "school"], "town-schools",
                  lambda x: f"/lab/town/school/{quote(str(x['school']))}{query(sl)}")
            chart(r["rows"], "short_name", r["town"], "town-chart")
            ui.label("Город по предметам").classes("text-h6")
            table(r["subjects"], ["subject"], "town-subjects",
                  lambda x: f"/lab/town/subject/{quote(str(x['subject']))}{query(Slice(sl.year, sl.kind))}")

    @lab_page("/lab/town/school/{code}", "lab_town")
    async def school_page(code: str, year: str = "", kind: str = "", subject: str = "", parallel: str = "") -> None:
        account = current_account()
        if not lab_sees_school(account, code):
            return refused()
        sl = parse_slice(year, kind, subject, parallel)
        name = school_name(lab().cache.workbook.frames["schools"], code)
        body = frame(f"Мониторинг города: {name or code}")

        r = await lab().computed(school_view, code, sl)
        drill = can_open_lab(account, "lab_class")
        with body:
            crumbs(("Город", f"/lab/town{query(sl)}"), (name or code, ""))
            selectors(r["opts"], sl, f"/lab/town/school/{quote(code)}")
            ui.link("Профиль выполнения заданий школы против города",
                    f"/lab/town/school/{quote(code)}/tasks{query(sl)}").mark("school-tasks")
            if can_open_lab(account, "lab_reports"):
                ui.link("Профиль школы для управления образования (справка)",
                        f"/lab/reports?report=school&school={quote(code)}").mark("school-profile-report")

            ui.link("Динамика школы за три года", f"/lab/town/school/{quote(code)}/dynamics"
                    f"{query(Slice(None, sl.kind, sl.subject, sl.parallel))}").mark("school-dynamics")
            ui.label("По параллелям (разница — с той же параллелью города)").classes("text-h6")
            table(r["parallels"], ["parallel"], "school-parallels",
                  lambda x: f"/lab/town/school/{quote(code)}/parallel/{int(x['parallel'])}{query(sl)}"
                  if drill and not pd.isna(x["parallel"]) else "")
            ui.label("По предметам и видам работ (разница — с тем же предметом города)").classes("text-h6")
            table(r["subjects"], ["subject", "kind"], "school-subjects")

    @lab_page("/lab/town/school/{code}/parallel/{parallel_no}", "lab_class")
    async def parallel_page(code: str, parallel_no: int, year: str = "", kind: str = "", subject: str = "") -> None:
        if not lab_can_drill(current_account(), "lab_class", code):
            return refused()
        sl = parse_slice(year, kind, subject, "")
        name = school_name(lab().cache.workbook.frames["schools"], code)
        body = frame(f"{name or code}: {parallel_no}-я параллель")

        rows = await lab().computed(parallel_view, code, sl, parallel_no)
        with body:
            crumbs(("Город", f"/lab/town{query(sl)}"), (name or code, f"/lab/town/school/{quote(code)}{query(sl)}"),
                   (f"{parallel_no}-я параллель", ""))
            ui.label("Классы параллели (разница — с той же параллелью города)").classes("text-h6")
            table(rows, ["class_label", "class_id", "parallel"], "parallel-classes",
                  lambda x: f"/lab/town/school/{quote(code)}/class/{quote(str(x['class_id']))}{query(sl)}")

    @lab_page("/lab/town/school/{code}/class/{class_id}", "lab_class")
    async def class_page(code: str, class_id: str, year: str = "", kind: str = "", subject: str = "") -> None:
        if not lab_can_drill(current_account(), "lab_class", code):
            return refused()
        sl = parse_slice(year, kind, subject, "")
        name = school_name(lab().cache.workbook.frames["schools"], code)
        body = frame(f"{name or code}: класс")

        label, rows = await lab().computed(class_view, code, class_id, sl)
        with body:
            ui.label(f"Класс {label}").classes("text-h6").mark("class-title")
            crumbs(("Город", f"/lab/town{query(sl)}"), (name or code, f"/lab/town/school/{quote(code)}{query(sl)}"),
                   (f"класс {label}", ""))
            ui.label("Обучающиеся в хранилище лаборатории — только коды; имён здесь нет.").classes("text-caption")
            ui.label("По предметам и видам работ (разница — с той же параллелью и предметом города)").classes(
                "text-h6")
            table(rows, ["subject", "kind", "parallel"], "class-subjects")

    @lab_page("/lab/town/subject/{subject_name}", "lab_town")
    async def subject_page(subject_name: str, year: str = "", kind: str = "", parallel: str = "") -> None:
        account = current_account()
        sl = parse_slice(year, kind, subject_name, parallel)
        body = frame(f"Мониторинг города: {subject_name}")

        kept = await lab().computed(subject_view, sl)
        r = {**kept, "rows": seen_rows(kept["rows"], account)}
        drill = can_open_lab(account, "lab_teacher")
        with body:
            crumbs(("Город", f"/lab/town{query(Slice(sl.year, sl.kind))}"), (subject_name, ""))
            selectors(r["opts"], sl, f"/lab/town/subject/{quote(subject_name)}", fixed=("subject",))
            ui.label("Школы по группам сравнения").classes("text-h6")
            table(r["rows"], ["short_name", "type", "group", "school"], "subject-schools",
                  lambda x: f"/lab/town/subject/{quote(subject_name)}/school/{quote(str(x['school']))}{query(sl)}"
                  if drill else "")
            chart(r["rows"], "short_name", r["town"], "subject-chart")

    @lab_page("/lab/town/subject/{subject_name}/school/{code}", "lab_teacher")
    async def teachers_page(subject_name: str, code: str, year: str = "", kind: str = "") -> None:
        if not lab_can_drill(current_account(), "lab_teacher", code):
            return refused()
        sl = parse_slice(year, kind, subject_name, "")
        name = school_name(lab().cache.workbook.frames["schools"], code)
        body = frame(f"{name or code}: {subject_name} по педагогам")

        rows = await lab().computed(teachers_view, code, sl)
        with body:
            crumbs(("Город", f"/lab/town{query(Slice(sl.year, sl.kind))}"),
                   (subject_name, f"/lab/town/subject/{quote(subject_name)}{query(Slice(sl.year, sl.kind))}"),
                   (name or code, ""))
            ui.label("Для методической работы, не для оценки педагогов; разница — с тем же предметом и видом "
                     "работы города.").classes("text-caption")
            table(rows, ["teacher", "teacher_id", "subject", "kind"], "subject-teachers")
