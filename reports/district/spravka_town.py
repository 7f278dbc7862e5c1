"""«Справка по итогам ВПР (муниципальной работы) в ОО города» for the authority: participation, indicators by
school against the town within their comparison groups, by subject, the town's weak content elements and where
they are weak, the objectivity signals, and conclusions and recommendations prepared from the numbers (the
methodologist edits them on the page before the file is made, or in Word)."""

from __future__ import annotations

import pandas as pd

from reports.analytics.indicators import COUNT_COLUMNS, MarkSummary, with_levels
from reports.district.builders import LAB_SIGNATURE, ReportKind, ReportParams, ReportRefused, register, year_of
from reports.district.indicators import with_rates
from reports.district.signals import VPR
from reports.district.tasks import weakest
from reports.district.town import TITLES, Slice, groups_table, schools_table, summed
from reports.district.town_data import TownData
from reports.labels import fmt_num
from reports.spravka.document import Chart, Figures, Paragraph, Section, Spravka, TableBlock, table_or_text
from reports.spravka.narrative import indicator_sentence, plural
from reports.spravka.sections import finish

LAGGING_PP = 10.0  # a school's quality this far below the town: named for targeted help
LOW_PARTICIPATION_PCT = 90.0
WEAK_TOP = 5
RATES = ("success_pct", "quality_pct", "sou_pct", "mean_mark")
LAB_TITLES = {**TITLES, "enrolled": "По списку", "absent": "Отсутствовали", "participation_pct": "Участие, %",
              "number": "Задание", "element": "Проверяемый элемент", "level": "Уровень", "town_pct": "Город, %",
              "weak_schools": "Где выполнено на 10 п.п. и более хуже города", "written": "Выполняли",
              "group_quality_pct": "Качество остальных школ группы, %", "quality_above_pp": "Выше группы, п.п.",
              "raised_pct": "Повысили отметку за период, %", "signals": "Сигналы для проверки",
              "quality_pct_diff": "± к городу (кач.), п.п.", "schools": "Школ"}
PARTICIPATION_COLUMNS = ("short_name", "enrolled", "N", "absent", "participation_pct")
SCHOOL_COLUMNS = ("short_name", "group", "N", *COUNT_COLUMNS[:4], *RATES, "quality_pct_diff")
GROUP_COLUMNS = ("group", "N", *RATES, "quality_pct_diff")
SUBJECT_COLUMNS = ("subject", "N", *COUNT_COLUMNS[:4], *RATES)
WEAK_COLUMNS = ("subject", "parallel", "number", "element", "level", "written", "town_pct", "weak_schools")
SIGNAL_COLUMNS = ("short_name", "subject", "N", "quality_pct", "group_quality_pct", "quality_above_pp", "raised_pct",
                  "signals")


def signed(value: float) -> str:
    """«+6,1», «−11,6», «0»: a difference with its sign."""
    text = fmt_num(value)
    return f"+{text}" if value == value and float(value) > 0 and text != "0" else text


def what(params: ReportParams) -> str:
    """«ВПР по математике, 5 классы» — the slice as a heading reads it."""
    parts = [params.kind if params.kind == VPR else f"муниципальной работы ({params.kind})"]
    if params.subject:
        parts.append(f"по предмету «{params.subject}»")
    if params.parallel:
        parts.append(f"в {params.parallel}-х классах")
    return " ".join(parts)


def summary_of(frame: pd.DataFrame) -> MarkSummary:
    """The slice as one group with absences and the list (the cube's counts summed)."""
    counts = frame[["N", *COUNT_COLUMNS, "absent", "enrolled"]].astype(float).sum()
    return MarkSummary.from_row(with_levels(with_rates(pd.DataFrame([counts.to_dict()]))).iloc[0].to_dict())


def participation(part: pd.DataFrame, data: TownData) -> pd.DataFrame:
    rows = summed(part, ["school"])
    extra = part.groupby("school", as_index=False)[["absent", "enrolled"]].sum()
    rows = rows.merge(extra, on="school", how="left")
    rows["short_name"] = [data.name(s) for s in rows["school"]]
    rows["participation_pct"] = rows["N"] / rows["enrolled"].where(rows["enrolled"] > 0) * 100.0
    return rows.sort_values("short_name").reset_index(drop=True)


def school_rows(data: TownData, sl: Slice) -> pd.DataFrame:
    return schools_table(data.cube, data.schools, sl)


def weak_rows(data: TownData, sl: Slice) -> pd.DataFrame:
    w = weakest(sl.apply(data.per_task), WEAK_TOP, LAGGING_PP)
    w["weak_schools"] = [", ".join(data.name(c) for c in s.split(", ")) if s else "" for s in w["weak_schools"]]
    return w.sort_values(["subject", "parallel", "town_pct"]).reset_index(drop=True)


def signal_rows(data: TownData, sl: Slice) -> pd.DataFrame:
    s = data.signals
    s = s[(s["year"] == sl.year).to_numpy(dtype=bool) & (s["signals"] != "").to_numpy(dtype=bool)]
    if sl.subject:
        s = s[(s["subject"] == sl.subject).to_numpy(dtype=bool)]
    s = s.assign(short_name=[data.name(c) for c in s["school"]])
    return s.sort_values(["short_name", "subject"]).reset_index(drop=True)


def town_vpr_spravka(data: TownData, params: ReportParams) -> Spravka:
    year = year_of(data, params)
    sl = Slice(year, params.kind, params.subject, params.parallel)
    part = sl.apply(data.cube)
    if part.empty or summed(part, []).iloc[0]["N"] == 0:
        raise ReportRefused(f"За {year}/{year + 1} учебный год результатов {what(params)} в хранилище нет")
    town = summary_of(part)
    takers = participation(part, data)
    schools = school_rows(data, sl)
    groups = groups_table(data.cube, data.schools, sl)
    subjects = summed(part, ["subject"]).sort_values("subject").reset_index(drop=True)
    weak = weak_rows(data, sl)
    signals = signal_rows(data, sl) if params.kind == VPR else pd.DataFrame(columns=list(SIGNAL_COLUMNS))
    lagging = schools[(schools["quality_pct_diff"] <= -LAGGING_PP).to_numpy(dtype=bool)]
    conclusions: list[str] = []
    recs: list[str] = []

    n_schools = len(takers)
    share = town.N / town.enrolled * 100.0 if town.enrolled else float("nan")
    conclusions.append(f"В работе участвовали {town.N} {plural(town.N, 'обучающийся', 'обучающихся', 'обучающихся')} "
                       f"из {n_schools} {plural(n_schools, 'школы', 'школ', 'школ')} города; участие — "
                       f"{fmt_num(share)} % списочного состава.")
    low_part = takers[(takers["participation_pct"] < LOW_PARTICIPATION_PCT).to_numpy(dtype=bool)]
    if len(low_part):
        names = ", ".join(low_part["short_name"])
        conclusions.append(f"Участие ниже {fmt_num(LOW_PARTICIPATION_PCT, 0)} %: {names}.")
        recs.append(f"Выяснить причины отсутствия обучающихся ({names}) и обеспечить полноту участия.")
    conclusions.append(indicator_sentence("город", town))
    for g in groups.to_dict("records"):
        conclusions.append(f"Группа «{g['group']}»: качество знаний {fmt_num(g['quality_pct'])} % "
                           f"({signed(g['quality_pct_diff'])} п. п. к городу), N = {int(g['N'])}.")
    if len(lagging):
        names = ", ".join(f"{r['short_name']} ({fmt_num(r['quality_pct_diff'])} п. п.)"
                          for r in lagging.to_dict("records"))
        conclusions.append(f"Качество знаний ниже города на {fmt_num(LAGGING_PP, 0)} п. п. и более: {names}.")
        recs.append("Организовать адресную методическую помощь школам " + ", ".join(lagging["short_name"])
                    + ": разбор результатов с руководителями ШМО, посещение уроков, план ликвидации пробелов.")
    if len(weak):
        worst = weak.sort_values("town_pct").head(3)
        items = "; ".join(f"{r['subject']}, задание {int(r['number'])} «{r['element']}» — {fmt_num(r['town_pct'])} %"
                          for r in worst.to_dict("records"))
        conclusions.append(f"Наиболее трудные для города элементы содержания: {items}.")
        recs.append("Включить отработку слабых элементов содержания в планы городских методических объединений "
                    "и ШМО; провести семинар по их методике для педагогов школ, где они выполнены хуже города.")
    if params.kind == VPR:
        flagged = sorted(set(signals["short_name"]))
        all_schools = len(set(part["school"]))
        if flagged:
            share_flagged = fmt_num(len(flagged) / all_schools * 100)
            conclusions.append(f"Сигналы необъективности получены у {len(flagged)} из {all_schools} "
                               f"{plural(all_schools, 'школы', 'школ', 'школ')} ({share_flagged} %): "
                               f"{', '.join(flagged)}.")
            recs.append("Проверить объективность проведения и проверки работ в школах " + ", ".join(flagged)
                        + " (наблюдатели, перепроверка части работ муниципальной комиссией). Сигнал — повод для "
                          "проверки, а не вывод; результаты ВПР не используются для оценки педагогов.")
        else:
            conclusions.append("Сигналов необъективности результатов не выявлено.")

    sections: tuple[Section, ...] = (
        Section("Участники", (Figures((("Школ", n_schools), ("По списку", town.enrolled), ("Писали", town.N),
                                       ("Отсутствовали", town.absent), ("Участие, %", share)),
                                      ("", "", "", "", "participation_pct")),
                              TableBlock(takers, PARTICIPATION_COLUMNS, LAB_TITLES))),
        Section("Показатели по группам школ", (
            Paragraph("Школы сравниваются прежде всего со своей группой (по типу ОУ), а не со всеми подряд."),
            TableBlock(groups, GROUP_COLUMNS, LAB_TITLES))),
        Section("Показатели школ в сравнении с городом", (
            TableBlock(schools, SCHOOL_COLUMNS, LAB_TITLES,
                       tuple(bool(x) for x in (schools["quality_pct_diff"] <= -LAGGING_PP))),
            Paragraph(f"Выделены школы, где качество знаний ниже города на {fmt_num(LAGGING_PP, 0)} п. п. и более; "
                      "таблица упорядочена по группам и названиям, а не по результату.", note=True),
            Chart("bar", "Качество знаний по школам и по городу, %", tuple(schools["short_name"]),
                  {"Школа": schools["quality_pct"].tolist(), "Город": [town.quality_pct] * len(schools)},
                  y_title="%"))),
        Section("Показатели по предметам", (TableBlock(subjects, SUBJECT_COLUMNS, LAB_TITLES),)),
        Section("Слабые элементы содержания", (
            *table_or_text(weak, WEAK_COLUMNS, "Данных по заданиям нет.", titles=LAB_TITLES, sheet="Слабые элементы"),
            Paragraph(f"По каждой работе — {WEAK_TOP} самых трудных для города заданий.", note=True))),
    )
    if params.kind == VPR:
        sections += (Section("Сигналы объективности", (
            *table_or_text(signals, SIGNAL_COLUMNS, "Сигналов нет.", titles=LAB_TITLES, sheet="Сигналы"),
            Paragraph(f"Пороги: не меньше {data.settings.min_n} участников; качество выше остальных школ группы на "
                      f"{fmt_num(data.settings.above_group_pp)} п. п.; отметок выше отметки за период — "
                      f"{fmt_num(data.settings.raised_share_pct)} % и больше.", note=True))),)
    return Spravka(
        heading=f"Справка по итогам {what(params)} в общеобразовательных организациях города",
        meta=(("Учебный год", f"{year}/{year + 1}"), ("Вид работы", params.kind),
              *((("Предмет", params.subject),) if params.subject else ()),
              *((("Параллель", params.parallel),) if params.parallel else ())),
        purpose="Цель: анализ результатов работы в школах города для управления образования и планирования "
                "методической работы.",
        sections=sections, conclusions=tuple(conclusions), recommendations=finish(recs), signature=LAB_SIGNATURE)


TOWN_VPR = register(ReportKind("town-vpr", "Справка по итогам ВПР (муниципальной работы) в ОО города",
                               town_vpr_spravka))
