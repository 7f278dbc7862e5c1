"""Demo town: schools of different types and sizes built by the demo school generator, each exported as a
bundle and collected by the lab — a gymnasium, a village ООШ of 60 students, a lyceum with profile classes, one
school whose ВПР results look unobjective, one that has not submitted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from app.demo.databases import database_rows, share_teacher
from app.demo.school import generate_demo
from reports.district import MATERIALISED
from sheets_schema import SCHEMA, validate_workbook
from sheets_schema import choices as C
from sheets_schema.bundle import prune_dangling, render_grid
from sheets_schema.lab import LAB_SCHEMA
from sheets_schema.rules import score_to_mark
from sync.warehouse.bundle import bundle_frames, load_or_create_key, write_bundle
from sync.warehouse.intake import Outcome, default_workers, ingest_bundles

Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class TownSchool:
    code: str
    short_name: str
    type: str
    students: int
    top_grade: int = 11
    inflated_vpr: bool = False
    submits: bool = True
    area: str = "Центральный"
    past_years: int = 0  # earlier academic years the lab also holds (for dynamics, cohorts and ШНОР)
    inflated_parallels: tuple[int, ...] = ()  # only these grades' ВПР inflated (empty: all, when inflated_vpr)
    weak_years: tuple[int, ...] = ()  # years back (0: this year) with results pulled down (a low-result school)
    nudged: bool = False  # ВПР totals just under a mark threshold pulled up to it
    passport: tuple[float, float, float] = (15.0, 4.0, 3.0)  # low-income, ОВЗ, non-native Russian, %


PLAN = (
    TownSchool("sch-001", "СОШ № 1", "СОШ", 600, past_years=2),  # ours: the demo school, when its data dir is given
    TownSchool("gim-002", "Гимназия № 2", "гимназия", 520, area="Центральный", past_years=2, passport=(6, 2, 2)),
    TownSchool("oosh-03", "Ключевская ООШ", "ООШ", 60, top_grade=9, area="Ключи (село)", passport=(38, 6, 1)),
    TownSchool("lic-004", "Лицей № 4", "лицей", 420, area="Северный", passport=(8, 1, 4)),
    TownSchool("sch-005", "СОШ № 5", "СОШ", 380, inflated_vpr=True, area="Заречный", past_years=2,
               passport=(22, 5, 9)),
    TownSchool("sch-006", "СОШ № 6", "СОШ", 300, submits=False, area="Заречный"),
    TownSchool("sch-007", "СОШ № 7", "СОШ", 340, area="Северный", past_years=1, inflated_vpr=True,
               inflated_parallels=(4,), passport=(17, 4, 6)),
    TownSchool("nosh-08", "Начальная школа № 8", "НОШ", 120, top_grade=4, area="Южный"),
    TownSchool("sch-009", "СОШ № 9", "СОШ", 260, area="Южный", past_years=2, weak_years=(1, 2),
               passport=(30, 7, 12)),
    TownSchool("sch-010", "СОШ № 10", "СОШ с УИОП", 450, area="Центральный", nudged=True, passport=(9, 2, 3)),
    TownSchool("sch-011", "СОШ № 11", "СОШ", 220, area="Промышленный", past_years=2, weak_years=(0, 1, 2),
               passport=(34, 8, 18)),
    TownSchool("vech-12", "Вечерняя школа № 12", "вечерняя (сменная)", 90, area="Промышленный",
               passport=(40, 3, 10)),
)


def plan(schools: int) -> list[TownSchool]:
    """The first `schools` of the plan; more than 12 repeat ordinary СОШ with new numbers."""
    out = list(PLAN[:schools])
    for n in range(len(PLAN) + 1, schools + 1):
        out.append(TownSchool(f"sch-{n:03d}", f"СОШ № {n}", "СОШ", 200 + (n * 37) % 400, area="Новый"))
    return out


def school_frames(school: TownSchool, seed: int, academic_year: str, years_back: int = 0) -> Frames:
    """The validated frames of one generated school of this type (hand-spoiled cells are left out, as at a school);
    `years_back` says which of its years it is (0: this one), for the school's planted patterns."""
    frames = dict(validate_workbook(SCHEMA, generate_demo(max(school.students, 10), seed, academic_year).grids).frames)
    if school.top_grade < 11:
        frames["classes"] = frames["classes"][frames["classes"]["parallel"] <= school.top_grade].reset_index(drop=True)
        frames["works"] = frames["works"][frames["works"]["parallel"] <= school.top_grade].reset_index(drop=True)
    return prune_dangling(SCHEMA, planted(school, frames, np.random.default_rng(seed), years_back))[0]


def planted(school: TownSchool, frames: Frames, rng: np.random.Generator, years_back: int = 0) -> Frames:
    """The school's frames with its planted patterns: inflated ВПР, pulled-down results, totals nudged over a
    mark threshold."""
    frames = dict(frames)
    if school.inflated_vpr:
        frames["results"] = inflate_vpr(frames, rng, school.inflated_parallels or None)
    if years_back in school.weak_years:
        frames["results"] = rescore(frames, None, lambda s, mx, t: tuple(
            0.0 if rng.random() < 0.35 else (v if v is not None else 0.0) for v in s))
    if school.nudged:
        frames["results"] = rescore(frames, _vpr(frames["works"]), lambda s, mx, t: nudge(s, mx, t, rng))
    return frames


def _vpr(works: pd.DataFrame, parallels: tuple[int, ...] | None = None) -> set[str]:
    keep = (works["kind"] == "ВПР").fillna(False).to_numpy(dtype=bool)
    if parallels:
        keep = keep & works["parallel"].isin(parallels).fillna(False).to_numpy(dtype=bool)
    return set(works.loc[keep, "id"].astype(str))


def inflate_vpr(frames: Frames, rng: np.random.Generator, parallels: tuple[int, ...] | None = None) -> pd.DataFrame:
    """ВПР scores pushed up (most tasks given full marks): the town sees ВПР far above the period marks."""
    return rescore(frames, _vpr(frames["works"], parallels), lambda s, mx, t: tuple(
        float(m) if rng.random() < 0.6 else (v if v is not None else 0.0) for v, m in zip(s, mx, strict=True)))


def nudge(scores: tuple, maxima: np.ndarray, thresholds: tuple[float, float, float], rng: np.random.Generator
          ) -> tuple:
    """A total one or two points under a mark threshold raised to it (points added to tasks not at their maximum)."""
    s = [0.0 if v is None else float(v) for v in scores]
    total = sum(s)
    target = next((t for t in thresholds if t - 2 <= total < t), None)
    if target is None or rng.random() < 0.15:
        return tuple(s)
    for i, m in enumerate(maxima):
        while total < target and s[i] < m:
            s[i] += 1.0
            total += 1.0
    return tuple(s)


def rescore(frames: Frames, work_ids: set[str] | None, change: Callable[[tuple, np.ndarray, tuple], tuple]
            ) -> pd.DataFrame:
    """Results of the given works (None: all) with their task scores changed by `change(scores, maxima,
    thresholds)`, totals and marks recomputed with the work's thresholds."""
    works, tasks, res = frames["works"], frames["tasks"], frames["results"].copy()
    maxima = {w: g.sort_values("number")["max_score"].to_numpy(dtype=float) for w, g in tasks.groupby("work_id")}
    wmap = works.set_index("id")
    scores, totals, marks = list(res["scores"]), res["total"].to_numpy(dtype=float, na_value=np.nan), \
        res["mark"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    for p, (wid, present) in enumerate(zip(res["work_id"].astype(str), res["present"].astype(str), strict=True)):
        s = scores[p]
        if (work_ids is not None and wid not in work_ids) or present != C.YES or not isinstance(s, tuple) \
                or wid not in maxima or wid not in wmap.index:
            continue
        mx = maxima[wid]
        if len(mx) != len(s):
            continue
        w = wmap.loc[wid]
        new = change(s, mx, (float(w["threshold_3"]), float(w["threshold_4"]), float(w["threshold_5"])))
        scores[p], totals[p] = new, float(sum(new))
        marks[p] = float(score_to_mark(pd.Series([totals[p]]), w["threshold_3"], w["threshold_4"],
                                       w["threshold_5"]).iloc[0])
    res["scores"], res["total"] = pd.Series(scores, dtype=object), pd.Series(totals, dtype="Float64")
    res["mark"] = pd.Series(marks).astype("Int64")
    return res


def registry_grids(schools: list[TownSchool], academic_year: str, today: dt.date | None = None
                   ) -> dict[str, list[list[str]]]:
    """The lab's own workbook for the demo town: its schools, one campaign (due in a week), a municipal work,
    services, ППО."""
    y0 = int(academic_year[:4])
    today = today or dt.date.today()
    rows = {
        "schools": [{"id": f"s-{i + 1:03d}", "code": s.code, "full_name": f"МБОУ «{s.short_name}»",
                     "short_name": s.short_name, "type": s.type, "area": s.area, "director": "",
                     "phone": "", "email": "", "method": "загрузка", "low_income_pct": s.passport[0],
                     "ovz_pct": s.passport[1], "non_native_pct": s.passport[2]} for i, s in enumerate(schools)],
        "campaigns": [{"id": "c-001", "title": f"Итоги {academic_year} учебного года", "collects": "полный пакет",
                       "academic_year": academic_year, "period": "год", "start_date": today - dt.timedelta(days=14),
                       "deadline": today + dt.timedelta(days=7)}],
        "municipal_works": [{"id": "mw-001", "title": "Муниципальная диагностическая работа по математике",
                             "subject": "Математика", "parallel": 7, "kind": "диагностическая",
                             "date": dt.date(y0, 12, 10), "max_score": 20, "threshold_3": 7, "threshold_4": 12,
                             "threshold_5": 17, "campaign_id": "c-001"}],
        "municipal_tasks": [{"id": f"mt-{n:03d}", "work_id": "mw-001", "number": n, "max_score": 2,
                             "element": f"Элемент содержания {n}", "level": "базовый" if n <= 6 else "повышенный"}
                            for n in range(1, 11)],
        **database_rows(y0, {f"s-{i + 1:03d}" for i in range(len(schools))}),
        "management_cycle": cycle_rows(academic_year),
    }
    out = {}
    for sheet in LAB_SCHEMA:
        frame = pd.DataFrame(rows[sheet.key], columns=sheet.keys) if rows.get(sheet.key) else pd.DataFrame(
            columns=sheet.keys)
        out[sheet.title] = render_grid(sheet, frame)
    return out


DEMO_CYCLE = (  # (direction, goal, indicator, target, measures) — the demo's management cycle, one per direction
    (0, "Повысить объективность результатов ВПР", 2, 10, "Независимые наблюдатели в школах с сигналами"),
    (0, "Сохранить качество знаний по ВПР не ниже прошлого года", 0, 60, "Городские ГМО по слабым элементам"),
    (1, "Сократить число школ с результатами ниже города", 4, 1, "Адресные планы помощи, наставничество школ"),
    (2, "Увеличить число призёров муниципального этапа ВсОШ", 5, 3, "Городские интенсивы для мотивированных"),
    (3, "Расширить профильное обучение в 10–11 классах", 6, 50, "Сетевые профильные группы"),
    (4, "Обеспечить курсы повышения квалификации раз в три года", 7, 95, "План-график курсов на три года"),
    (5, "Повысить долю школ с положительной динамикой", 9, 50, "Собеседования с директорами по итогам ВПР"),
)


def cycle_rows(academic_year: str) -> list[dict]:
    from sheets_schema.lab import CYCLE_DIRECTIONS, CYCLE_INDICATORS

    return [{"id": f"mc-{i + 1:03d}", "direction": CYCLE_DIRECTIONS[d], "academic_year": academic_year, "goal": goal,
             "indicator": CYCLE_INDICATORS[ind], "target": target,
             "monitoring": "Сбор данных школ в хранилище лаборатории после каждой кампании",
             "analysis": "Справка лаборатории по итогам года", "recommendations": "Адресные рекомендации школам",
             "measures": measures, "effect": "Сравнение показателя с прошлым годом по данным хранилища",
             "documents": "Приказ управления образования; справка лаборатории", "responsible": "Методист лаборатории"}
            for i, (d, goal, ind, target, measures) in enumerate(DEMO_CYCLE)]


def export_school(frames: Frames, key: bytes, code: str, academic_year: str, out: Path) -> int:
    tables, _ = bundle_frames(frames, key)
    write_bundle(out, tables, code, academic_year)
    return len(tables["results"])


def build_town(ctx: object, schools: int = 12, seed: int = 42, academic_year: str = "2025/2026",
               our_frames: Frames | None = None, our_key: bytes | None = None,
               progress: Callable[[str], None] | None = None, past_years: int = 0
               ) -> list[tuple[TownSchool, Outcome | None]]:
    """Write the lab's workbook, then export and collect every school that submits (ours from `our_frames`);
    `past_years` earlier academic years of each submitting school are generated and collected first (the
    forecasts check themselves on them: ОГЭ/ЕГЭ results, the contingent a year before)."""
    from app.lab.context import LabContext

    assert isinstance(ctx, LabContext)
    town = plan(schools)
    ctx.ensure_layout()
    for title, grid in registry_grids(town, academic_year).items():
        ctx.store.replace_sheet(title, grid)
    ctx.cache.refresh()
    inbox = ctx.settings.data_dir / "inbox"
    keys_dir = ctx.settings.data_dir / "demo-school-keys"  # each demo school's own key (a real school keeps its own)
    y0 = int(academic_year[:4])
    submitting = [(i, school) for i, school in enumerate(town) if school.submits]
    made: dict[Path, tuple[TownSchool, str]] = {}

    def bundles() -> Iterator[Path]:  # made one by one as the collection takes them: checked while the next is made
        for i, school in submitting:
            key = (our_key if i == 0 and our_frames is not None and our_key else
                   load_or_create_key(keys_dir / school.code))
            for back in range(max(school.past_years, past_years), -1, -1):  # the archive first, this year last
                year = f"{y0 - back}/{y0 - back + 1}"
                if back == 0 and i == 0 and our_frames is not None:
                    frames = our_frames
                else:
                    frames = school_frames(school, seed + i + 100 * back, year, back)
                    if back == 0:
                        frames = share_teacher(school.code, frames, y0)
                path = inbox / f"{school.code}-{y0 - back}.zip"
                export_school(frames, key, school.code, year, path)
                made[path] = (school, year)
                yield path

    count = sum(max(s.past_years, past_years) + 1 for _, s in submitting)
    last: dict[str, Outcome] = {}  # school code -> the outcome of its latest year (collected last)
    for path, outcome in ingest_bundles(ctx.warehouse, ctx.receipts, bundles(), "общая папка", MATERIALISED,
                                        registered=ctx.registered(), workers=default_workers(count)):
        school, year = made[path]
        last[school.code] = outcome
        if progress:
            progress(f"{school.short_name}, {year}: " + (f"принято, {outcome.rows} результатов" if outcome.ok
                                                        else "отклонено: " + "; ".join(outcome.problems[:3])))
    done: list[tuple[TownSchool, Outcome | None]] = [(s, last.get(s.code) if s.submits else None) for s in town]
    ctx.engine.refresh()
    return done
