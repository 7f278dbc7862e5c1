"""Per task and per content element across schools: the town's weakest tasks of each work with the schools where
each is weak, and a school's task profile against the town's."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pandas as pd
from nicegui import ui

from app import background
from app.auth import current_account
from app.lab.access import lab_sees_school
from app.lab.dashboard import crumbs, parse_slice, query, refused, ru, school_name
from app.lab.pages import frame, lab, lab_page
from reports.district.tasks import per_task_of, profile, weakest, weakest_elements

TITLES = {"year": "Год", "subject": "Предмет", "parallel": "Параллель", "kind": "Вид работы", "number": "Задание",
          "element": "Проверяемый элемент", "level": "Уровень", "written": "Выполняли", "town_pct": "Город, %",
          "done_pct": "Школа, %", "diff_pp": "± к городу, п.п.", "weak_schools": "Где слабо (на 10 п.п. ниже города)",
          "tasks": "Заданий"}


def load() -> tuple[pd.DataFrame, pd.DataFrame]:
    c = lab()
    return per_task_of(c.engine.run), c.cache.workbook.frames["schools"]


def _table(df: pd.DataFrame, cols: list[str], marker: str) -> None:
    rows: list[dict[str, Any]] = []
    for r in df.to_dict("records"):
        rows.append({c: (ru(r.get(c), 1, signed=c == "diff_pp") if c.endswith(("_pct", "_pp"))
                         else ru(r.get(c), 0) if c in ("written", "number", "parallel", "tasks") else
                         f"{int(r[c])}/{int(r[c]) + 1}" if c == "year" else
                         "" if r.get(c) is None or (not isinstance(r.get(c), str) and pd.isna(r.get(c)))
                         else str(r[c])) for c in cols})
    ui.table(columns=[{"name": c, "label": TITLES[c], "field": c, "align": "left"} for c in cols], rows=rows,
             pagination=40).classes("w-full").mark(marker)


def create() -> None:
    @lab_page("/lab/town/tasks", "lab_tasks")
    async def weak_page(year: str = "", kind: str = "ВПР", subject: str = "", parallel: str = "") -> None:
        sl = parse_slice(year, kind, subject, parallel)
        body = frame("Слабые элементы содержания по городу")

        def work() -> tuple[pd.DataFrame, pd.DataFrame]:
            per, schools = load()
            names = dict(zip(schools["code"].astype(str), schools["short_name"].astype(str), strict=True))
            out = (weakest(sl.apply(per)), weakest_elements(sl.apply(per)))
            for w in out:
                w["weak_schools"] = [", ".join(names.get(c, c) for c in s.split(", ")) if s else ""
                                     for s in w["weak_schools"]]
            return out

        await ui.context.client.connected()  # per-task sums take a while: send the page first
        w, elements = await background.io_bound(work)
        with body:
            crumbs(("Город", f"/lab/town{query(sl)}"), ("Задания", ""))
            ui.label("Пять самых трудных для города заданий каждой работы и школы, где задание выполнено заметно "
                     "хуже городского уровня.").classes("text-body2")
            _table(w, ["year", "subject", "parallel", "kind", "number", "element", "level", "written", "town_pct",
                       "weak_schools"], "weak-elements")
            ui.label("Самые трудные для города элементы содержания (все задания элемента вместе) и школы, где "
                     "элемент усвоен заметно хуже городского уровня").classes("text-h6")
            _table(elements, ["year", "subject", "parallel", "kind", "element", "tasks", "town_pct", "weak_schools"],
                   "weak-content")

    @lab_page("/lab/town/school/{code}/tasks", "lab_town")
    async def profile_page(code: str, year: str = "", kind: str = "ВПР", subject: str = "", parallel: str = ""
                           ) -> None:
        if not lab_sees_school(current_account(), code):
            return refused()
        sl = parse_slice(year, kind, subject, parallel)
        name = school_name(lab().cache.workbook.frames["schools"], code) or code
        body = frame(f"{name}: профиль выполнения заданий")

        def work() -> pd.DataFrame:
            return profile(sl.apply(load()[0]), code)

        await ui.context.client.connected()
        mine = await background.io_bound(work)
        with body:
            crumbs(("Город", f"/lab/town{query(sl)}"), (name, f"/lab/town/school/{quote(code)}{query(sl)}"),
                   ("Задания", ""))
            _table(mine, ["year", "subject", "parallel", "kind", "number", "element",
                                                  "level", "written", "done_pct", "town_pct", "diff_pp"],
                   "task-profile")
