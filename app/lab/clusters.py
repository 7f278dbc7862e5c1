"""Like with like: the clusters of schools (programme and social passport, fields from EDUMON_CLUSTER_FIELDS) with
each school against its own cluster, the shares of ВПР participants in the town's lower and upper quartile, and the
schools with persistently low results (ШНОР) with their risk tier and trajectory. Every view has its URL."""

from __future__ import annotations

from typing import Any

import pandas as pd
from nicegui import ui

from app.lab.dashboard import choices, crumbs, load, parse_slice, query, ru, selectors, table
from app.lab.dynamics import school_table, year_label
from app.lab.pages import frame, lab, lab_page
from reports.district.clusters import (
    PASSPORT_TITLES,
    ShnorSettings,
    clusters_of,
    parse_fields,
    passport,
    shnor,
    within_clusters,
)
from reports.district.scores import STORED_SCORES, lower_share_by_year, quartile_shares
from reports.district.town import Slice

TITLES = {"cluster": "Кластер", "short_name": "Школа", "type": "Тип ОУ", "programme": "Программа",
          **{k: f"{v.capitalize()}, %" for k, v in PASSPORT_TITLES.items()},
          "year_label": "Учебный год", "subject": "Предмет", "parallel": "Класс", "N": "Писали",
          "lower_pct": "В нижнем квартиле, %", "lower_pct_cluster": "Кластер: в нижнем, %",
          "upper_pct": "В верхнем квартиле, %", "upper_pct_cluster": "Кластер: в верхнем, %",
          "tier": "Риск", "trajectory": "Траектория", "low_years": "Лет в группе низких результатов",
          "years": "Годы", "first_lower_pct": "Нижний квартиль в начале окна, %",
          "last_lower_pct": "Нижний квартиль в последний год, %", "on_list": "В списке ШНОР"}


def clusters() -> tuple[dict[str, str], pd.DataFrame, tuple[str, ...]]:
    schools = lab().cache.workbook.frames["schools"]
    fields = parse_fields(lab().settings.cluster_fields)
    return clusters_of(schools, fields), schools, fields


def names(schools: pd.DataFrame) -> dict[str, str]:
    return dict(zip(schools["code"].astype(str), schools["short_name"].astype(str), strict=True))


def _fmt(c: str, v: Any) -> str:
    """Percentages with a decimal comma, counts whole, flags as «да»."""
    return (ru(v, 1) if c.endswith("_pct") else ru(v, 0) if c in ("N", "low_years", "parallel")
            else ("да" if v else "") if c == "on_list"
            else "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v))


def plain_table(df: pd.DataFrame, cols: list[str], marker: str) -> None:
    """Rows in Russian formats: percentages with a decimal comma, years as 2025/2026, flags as «да»."""
    school_table(df, cols, TITLES, _fmt, marker, pagination=40)


def shnor_settings() -> ShnorSettings:
    s = lab().settings
    return ShnorSettings(low_share_pct=s.shnor_low_share_pct, window_years=s.shnor_window_years,
                         min_n=s.signal_min_n)


# -- each view's numbers, computed once per data version (LabContext.computed) ---------------------------------------

def clusters_view(sl: Slice) -> dict[str, Any]:
    groups, schools, fields = clusters()
    cube = load("stored")["stored"]
    rows = within_clusters(cube, groups, sl)
    n = names(schools)
    rows["short_name"] = [n.get(str(s), str(s)) if s else "весь кластер" for s in rows["school"]]
    return {"opts": choices(cube), "rows": rows, "passport": passport(schools, groups), "fields": fields}


def quartiles_view(sl: Slice) -> dict[str, Any]:
    groups, schools, _ = clusters()
    q = sl.apply(quartile_shares(lab().engine.run(STORED_SCORES), groups))
    q["short_name"] = [names(schools).get(str(s), str(s)) for s in q["school"]]
    q["year_label"] = [year_label(y) for y in q["year"]]
    return {"opts": choices(load("stored")["stored"]), "rows": q}


def shnor_view() -> tuple[pd.DataFrame, ShnorSettings]:
    groups, schools, _ = clusters()
    st = shnor_settings()
    s = shnor(lower_share_by_year(lab().engine.run(STORED_SCORES)), st)
    s["short_name"] = [names(schools).get(str(c), str(c)) for c in s["school"]]
    s["cluster"] = [groups.get(str(c), "") for c in s["school"]]
    return s, st


def links() -> None:
    with ui.row().classes("gap-4"):
        ui.link("Кластеры школ", "/lab/clusters").mark("to-clusters")
        ui.link("Нижний и верхний квартиль ВПР", "/lab/clusters/quartiles").mark("to-quartiles")
        ui.link("Школы с низкими результатами (ШНОР)", "/lab/clusters/shnor").mark("to-shnor")


def create() -> None:
    @lab_page("/lab/clusters", "lab_clusters")
    async def clusters_page(year: str = "", kind: str = "ВПР", subject: str = "", parallel: str = "") -> None:
        sl = parse_slice(year, kind, subject, parallel)
        body = frame("Кластеры школ: сравнение похожих")

        r = await lab().computed(clusters_view, sl)
        with body:
            crumbs(("Город", f"/lab/town{query(sl)}"), ("Кластеры", ""))
            links()
            fields = ", ".join(PASSPORT_TITLES.get(f, "программа") for f in r["fields"]) or "без деления"
            ui.label(f"Кластеры по: {fields} (настройка EDUMON_CLUSTER_FIELDS); доля из социального паспорта делит "
                     "город по медиане школ, заполнивших её в листе «Школы».").classes("text-body2").mark(
                "cluster-fields")
            selectors(r["opts"], sl, "/lab/clusters")
            ui.label("Школы против своего кластера («±» — разница с кластером, не с городом)").classes("text-h6")
            table(r["rows"], ["cluster", "short_name"], "cluster-schools")
            ui.label("Состав кластеров и социальный паспорт").classes("text-h6")
            plain_table(r["passport"], ["cluster", "short_name", "type", "programme",
                                        *[f for f in PASSPORT_TITLES if f in r["passport"]]], "cluster-passport")

    @lab_page("/lab/clusters/quartiles", "lab_clusters")
    async def quartiles_page(year: str = "", subject: str = "", parallel: str = "") -> None:
        sl = parse_slice(year, "ВПР", subject, parallel)
        body = frame("ВПР: доли участников в нижнем и верхнем квартиле города")

        r = await lab().computed(quartiles_view, sl)
        with body:
            crumbs(("Город", f"/lab/town{query(sl)}"), ("Кластеры", "/lab/clusters"), ("Квартили", ""))
            links()
            ui.label("Границы квартилей — по всем участникам города этой работы (балл в процентах от максимума; "
                     "равные баллы на границе входят в квартиль). Сравнивайте долю школы с долей её кластера: "
                     "в среднем по городу — около 25 %.").classes("text-body2")
            selectors(r["opts"], sl, "/lab/clusters/quartiles", fixed=("kind",))
            plain_table(r["rows"], ["year_label", "subject", "parallel", "cluster", "short_name", "N", "lower_pct",
                                    "lower_pct_cluster", "upper_pct", "upper_pct_cluster"], "quartiles")

    @lab_page("/lab/clusters/shnor", "lab_clusters")
    async def shnor_page() -> None:
        body = frame("Школы с низкими результатами (ШНОР)")

        s, st = await lab().computed(shnor_view)
        with body:
            crumbs(("Город", "/lab/town"), ("Кластеры", "/lab/clusters"), ("ШНОР", ""))
            links()
            ui.label(f"Год в группе низких результатов — {ru(st.low_share_pct, 0)} % участников ВПР школы и больше "
                     f"в нижнем квартиле города (не меньше {st.min_n} участников); окно — последние "
                     f"{st.window_years} года в хранилище. Риск: высокий — каждый год окна, средний — два года и "
                     "больше (список ШНОР), низкий — один год. Траектория: «остаётся» — в группе и в последний год, "
                     "«выходит» — в последний год уже нет, «входит» — впервые в последний год. Это повод для "
                     "адресной помощи школе, а не оценка её работы.").classes("text-body2").mark("shnor-rules")
            if s.empty:
                ui.label("Ни одна школа не была в группе низких результатов.").mark("no-shnor")
                return
            plain_table(s, ["short_name", "cluster", "tier", "trajectory", "on_list", "low_years", "years",
                            "first_lower_pct", "last_lower_pct"], "shnor")
