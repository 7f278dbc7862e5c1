"""The objectivity signals page: ВПР results by school and subject, the schools with signals to check, and the
shares of ВПР marks lowered / confirmed / raised against period marks; thresholds from the lab's settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd
from nicegui import ui

from app.lab.dashboard import ru
from app.lab.pages import frame, lab, lab_page
from app.lab.signals_more import compute_more, render_more
from reports.district.clusters import clusters_of, parse_fields
from reports.district.dynamics import STORED_CUBE
from reports.district.signals import SignalSettings, flagged_schools, objectivity
from reports.district.tasks import anomalous_profiles, per_task_of
from reports.district.town import group_of
from reports.district.town_sql import MARKS_VS_PERIOD

TITLES = {"year": "Год", "short_name": "Школа", "subject": "Предмет", "N": "Писали", "quality_pct": "Качество, %",
          "group_quality_pct": "Качество остальных школ группы, %", "quality_above_pp": "Выше группы, п.п.",
          "lowered_pct": "Понизили, %", "confirmed_pct": "Подтвердили, %", "raised_pct": "Повысили, %",
          "signals": "Сигналы для проверки", "subjects": "Предметы с сигналами", "count": "Сигналов"}


def settings() -> SignalSettings:
    s = lab().settings
    return SignalSettings(min_n=s.signal_min_n, above_group_pp=s.signal_above_group_pp,
                          raised_share_pct=s.signal_raised_pct)


def compute(compare: str = "") -> tuple[pd.DataFrame, pd.DataFrame, SignalSettings, dict[str, Any]]:
    """Blocking: the aggregates through the engine, then the signals; `compare="cluster"` judges each school
    within its cluster (EDUMON_CLUSTER_FIELDS) instead of its type group."""
    c = lab()
    schools = c.cache.workbook.frames["schools"]
    types = dict(zip(schools["code"].astype(str), schools["type"].astype(str), strict=True))
    names = dict(zip(schools["code"].astype(str), schools["short_name"].astype(str), strict=True))
    groups = (clusters_of(schools, parse_fields(c.settings.cluster_fields)) if compare == "cluster"
              else {code: group_of(t) for code, t in types.items()})
    st = settings()
    profiles = anomalous_profiles(per_task_of(c.engine.run))
    cube = c.engine.run(STORED_CUBE)  # the cubes intake stored, not recomputed from the raw facts
    sig = objectivity(cube, c.engine.run(MARKS_VS_PERIOD), types, st, profiles, groups)
    sig["short_name"] = [names.get(str(s), str(s)) for s in sig["school"]]
    flagged = flagged_schools(sig)
    flagged["short_name"] = [names.get(str(s), str(s)) for s in flagged["school"]]
    return sig, flagged, st, compute_more(cube, sig, groups, names)


def _rows(df: pd.DataFrame, cols: list[str]) -> list[dict[str, Any]]:
    out = []
    for r in df.to_dict("records"):
        row: dict[str, Any] = {}
        for c in cols:
            v = r.get(c)
            if c.endswith("_pct") or c.endswith("_pp"):
                row[c] = ru(v, 1, signed=c.endswith("_pp"))
            elif c in ("N", "count"):
                row[c] = ru(v, 0)
            elif c == "year":
                row[c] = f"{int(v)}/{int(v) + 1}"
            else:
                row[c] = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
        row["link"] = f"/lab/town/school/{quote(str(r['school']))}?kind=ВПР"
        out.append(row)
    return out


def _table(df: pd.DataFrame, cols: list[str], marker: str) -> None:
    t = ui.table(columns=[{"name": c, "label": TITLES[c], "field": c, "align": "left"} for c in cols],
                 rows=_rows(df, cols), pagination=30).classes("w-full").mark(marker)
    t.add_slot("body-cell-short_name", '<q-td :props="props"><a :href="props.row.link">{{ props.value }}</a></q-td>')


def create() -> None:
    @lab_page("/lab/signals", "lab_signals")
    async def signals_page(compare: str = "") -> None:
        body = frame("Сигналы необъективности результатов ВПР")
        await ui.context.client.connected()  # per-task sums take a while: send the page first
        compare = "cluster" if compare == "cluster" else ""
        sig, flagged, st, more = await lab().computed(compute, compare)  # once per data version
        with body:
            with ui.row().classes("items-center gap-3").mark("signal-compare"):
                ui.label("Сравнивать школу:" + (" внутри кластера" if compare else " с её группой по типу ОУ"))
                ui.link("с группой по типу ОУ" if compare else "внутри кластера (программа и социальный паспорт)",
                        "/lab/signals" if compare else "/lab/signals?compare=cluster")
            ui.label("Сигнал — повод проверить проведение и проверку работы, а не вывод о школе. Школа сравнивается "
                     "с остальными школами своей группы (тип ОУ). Результаты ВПР не используются для оценки "
                     "педагогов.").classes("text-body2")
            ui.label(f"Пороги: не меньше {st.min_n} участников; качество выше группы на {ru(st.above_group_pp)} п.п. "
                     f"и больше; отметок ВПР выше отметки за период — {ru(st.raised_share_pct)} % и больше."
                     ).classes("text-caption").mark("signal-thresholds")
            ui.label("Школы с сигналами").classes("text-h6")
            if flagged.empty:
                ui.label("Сигналов нет.").mark("no-signals")
            else:
                _table(flagged, ["year", "short_name", "subjects", "count"], "flagged-schools")
            ui.label("ВПР по школам и предметам").classes("text-h6")
            _table(sig, ["year", "short_name", "subject", "N", "quality_pct", "group_quality_pct",
                         "quality_above_pp", "lowered_pct", "confirmed_pct", "raised_pct", "signals"], "signals")
            render_more(more)
