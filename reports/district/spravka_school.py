"""A school's profile for the authority: its indicators by kind of work, subject and parallel against the town,
its dynamics over the years the warehouse holds, the tasks it does notably worse than the town, its objectivity
signals, and its forecasts (ОГЭ/ЕГЭ marks, contingent) each with the error of the method on past years."""

from __future__ import annotations

import pandas as pd

from reports.district.builders import LAB_SIGNATURE, ReportKind, ReportParams, ReportRefused, register, year_of
from reports.district.contingent import backtest, shift
from reports.district.exam_forecast import check_before, town_forecasts
from reports.district.signals import VPR
from reports.district.spravka_town import LAB_TITLES, LAGGING_PP, RATES, signed, summary_of
from reports.district.tasks import profile
from reports.district.town import Slice, breakdown, group_of, summed
from reports.district.town_data import TownData
from reports.labels import fmt_num
from reports.spravka.document import Chart, Figures, Paragraph, Section, Spravka, TableBlock, table_or_text
from reports.spravka.narrative import indicator_sentence
from reports.spravka.sections import finish

KIND_COLUMNS = ("kind", "N", *RATES, "quality_pct_diff")
SUBJECT_COLUMNS = ("subject", "kind", "N", *RATES, "quality_pct_diff")
PARALLEL_COLUMNS = ("parallel", "N", *RATES, "quality_pct_diff")
DYNAMICS_COLUMNS = ("year_label", "N", "quality_pct", "town_quality_pct", "quality_pct_diff")
TASK_COLUMNS = ("subject", "parallel", "number", "element", "level", "done_pct", "town_pct", "diff_pp")
SIGNAL_COLUMNS = ("subject", "N", "quality_pct", "group_quality_pct", "raised_pct", "signals")
EXAM_COLUMNS = ("subject", "kind", "students", "p5", "p4", "p3", "p2", "quality_pct", "mean_mark",
                "actual_quality_pct")
CONTINGENT_COLUMNS = ("parallel", "from_students", "ratio", "forecast")
PROFILE_TITLES = {**LAB_TITLES, "year_label": "Учебный год", "town_quality_pct": "Качество по городу, %",
                  "done_pct": "Школа, %", "diff_pp": "± к городу, п.п.", "students": "Обучающихся в прогнозе",
                  **{f"p{m}": f"Ожидается «{m}», %" for m in (5, 4, 3, 2)},
                  "actual_quality_pct": "Качество по факту, %", "from_students": "Сейчас в предыдущей параллели",
                  "ratio": "Доля сохранения", "forecast": "Прогноз на следующий год"}


def _dynamics(data: TownData, code: str, kind: str) -> pd.DataFrame:
    part = Slice(kind=kind).apply(data.cube)
    mine = summed(part[(part["school"].astype(str) == code).to_numpy()], ["year"])
    town = summed(part, ["year"])[["year", "quality_pct"]].rename(columns={"quality_pct": "town_quality_pct"})
    out = mine.merge(town, on="year", how="left")
    out["quality_pct_diff"] = out["quality_pct"] - out["town_quality_pct"]
    out["year_label"] = [f"{int(y)}/{int(y) + 1}" for y in out["year"]]
    return out.sort_values("year").reset_index(drop=True)


def school_profile_spravka(data: TownData, params: ReportParams) -> Spravka:
    code = params.school or ""
    if code not in data.names:
        raise ReportRefused(f"Школа «{code}» не зарегистрирована в листе «Школы»; укажите её код")
    year = year_of(data, params)
    name = data.name(code)
    cube = data.cube
    mine = cube[(cube["school"].astype(str) == code).to_numpy() & (cube["year"] == year).to_numpy()]
    if mine.empty:
        raise ReportRefused(f"За {year}/{year + 1} учебный год данных школы «{name}» в хранилище нет")
    sl = Slice(year)
    kinds = breakdown(cube, cube, sl, ["kind"], code).sort_values("kind").reset_index(drop=True)
    subjects = breakdown(cube, cube, Slice(year, params.kind), ["subject", "kind"], code).sort_values(
        "subject").reset_index(drop=True)
    parallels = breakdown(cube, cube, Slice(year, params.kind), ["parallel"], code).sort_values(
        "parallel").reset_index(drop=True)
    dyn = _dynamics(data, code, params.kind)
    tasks = profile(Slice(year, params.kind).apply(data.per_task), code)
    weak_tasks = tasks[(tasks["diff_pp"] <= -LAGGING_PP).to_numpy(dtype=bool)].sort_values("diff_pp").reset_index(
        drop=True)
    sig = data.signals
    sig = sig[(sig["school"].astype(str) == code).to_numpy() & (sig["year"] == year).to_numpy()
              & (sig["signals"] != "").to_numpy()].reset_index(drop=True)
    row = data.schools[data.schools["code"].astype(str) == code].iloc[0]
    conclusions: list[str] = []
    recs: list[str] = []
    chosen = Slice(year, params.kind).apply(mine)
    if len(chosen) and summed(chosen, []).iloc[0]["N"] > 0:
        s = summary_of(chosen)
        t = summary_of(Slice(year, params.kind).apply(cube))
        conclusions.append(indicator_sentence(f"{name}, {params.kind}", s))
        conclusions.append(f"Качество знаний ({params.kind}) {signed(s.quality_pct - t.quality_pct)} п. п. "
                           f"к городу ({fmt_num(t.quality_pct)} %).")
    low = subjects[(subjects["quality_pct_diff"] <= -LAGGING_PP).to_numpy(dtype=bool)]
    if len(low):
        conclusions.append("Ниже города на 10 п. п. и более: " + ", ".join(low["subject"].astype(str)) + ".")
        recs.append("Разобрать с ШМО результаты по предметам " + ", ".join(low["subject"].astype(str))
                    + " и составить план адресной помощи с методистами города.")
    if len(dyn) > 1:
        change = dyn["quality_pct"].iloc[-1] - dyn["quality_pct"].iloc[0]
        conclusions.append(f"За {len(dyn)} учебных года качество знаний ({params.kind}) изменилось на "
                           f"{signed(change)} п. п.")
    if len(weak_tasks):
        conclusions.append(f"Заданий, выполненных на {fmt_num(LAGGING_PP, 0)} п. п. и более хуже города: "
                           f"{len(weak_tasks)}.")
        recs.append("Включить слабые элементы содержания в планы ШМО и в повторение.")
    if len(sig):
        conclusions.append("Сигналы объективности: " + ", ".join(sig["subject"].astype(str)) + ".")
        recs.append("Проверить объективность проведения и проверки работ (сигнал — повод для проверки, не вывод).")
    sections = [
        Section("Школа", (Figures((("Код", code), ("Тип ОУ", str(row["type"])), ("Группа сравнения",
                                                                                group_of(row["type"])),
                                   ("Район", str(row.get("area") or "—")))),)),
        Section("Показатели по видам работ в сравнении с городом", (TableBlock(kinds, KIND_COLUMNS, LAB_TITLES),)),
        Section(f"По предметам ({params.kind})", table_or_text(subjects, SUBJECT_COLUMNS, "Результатов нет.",
                                                              titles=LAB_TITLES)),
        Section(f"По параллелям ({params.kind})", table_or_text(parallels, PARALLEL_COLUMNS, "Результатов нет.",
                                                               titles=LAB_TITLES)),
        Section("Динамика по годам", (
            *table_or_text(dyn, DYNAMICS_COLUMNS, "Других лет в хранилище нет.", titles=PROFILE_TITLES),
            Chart("line", f"Качество знаний ({params.kind}): школа и город, %", tuple(dyn["year_label"]),
                  {"Школа": dyn["quality_pct"].tolist(), "Город": dyn["town_quality_pct"].tolist()}, y_title="%"))),
        Section("Задания, выполненные хуже города", table_or_text(
            weak_tasks, TASK_COLUMNS, "Таких заданий нет.", titles=PROFILE_TITLES, sheet="Задания")),
    ]
    if params.kind == VPR:
        sections.append(Section("Сигналы объективности", table_or_text(sig, SIGNAL_COLUMNS, "Сигналов нет.",
                                                                      titles=PROFILE_TITLES)))
    sections += forecast_sections(data, code, year)
    return Spravka(
        heading=f"Профиль общеобразовательной организации: {name}",
        meta=(("Учебный год", f"{year}/{year + 1}"), ("Школа", str(row["full_name"]))),
        purpose="Сведения о результатах школы в сравнении с городом для управления образования.",
        sections=tuple(sections), conclusions=tuple(conclusions), recommendations=finish(recs),
        signature=LAB_SIGNATURE)


def forecast_sections(data: TownData, code: str, year: int) -> list[Section]:
    """The school's forecasts with the sentence of their past error (when the data has the facts)."""
    if data.facts is None or data.contingent is None:
        return []
    everyone = town_forecasts(data)
    mine = everyone[(everyone["school"].astype(str) == code).to_numpy()
                    & (everyone["year"] == year).to_numpy()].reset_index(drop=True)
    exam = [*table_or_text(mine, EXAM_COLUMNS, "Работ ОГЭ/ЕГЭ за этот год нет.", titles=PROFILE_TITLES),
            Paragraph(check_before(everyone, year).sentence())]
    moved = shift(data.contingent, year)
    check = backtest(data.contingent, before=year + 1)[0]
    own = moved[(moved["school"].astype(str) == code).to_numpy()].reset_index(drop=True)
    return [Section("Прогноз результатов ОГЭ/ЕГЭ", tuple(exam)),
            Section("Прогноз контингента на следующий год", (
                *table_or_text(own, CONTINGENT_COLUMNS, "Данных о контингенте нет.", titles=PROFILE_TITLES),
                Paragraph(check.sentence())))]


SCHOOL_PROFILE = register(ReportKind("school", "Профиль школы для управления образования", school_profile_spravka,
                                     needs_school=True, forecasts=True))
