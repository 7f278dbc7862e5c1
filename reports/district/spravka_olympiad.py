"""«Олимпиады» for the authority: the town's stages in order (школьный → муниципальный → региональный →
заключительный) from the schools' data and the lab's municipal protocols, participants, prize-winners and winners by
school, subject, grade and year, who passed to the next stage, the mentors' numbers, the check of the municipal
protocols against the status rule, and conclusions prepared from the numbers. Participants are codes and are not
printed; mentors are counted, not named (the authority reads counts; the names are on the olympiad page)."""

from __future__ import annotations

import pandas as pd

from reports.district.builders import LAB_SIGNATURE, ReportKind, ReportParams, ReportRefused, register
from reports.district.olympiads import (
    FROM_SCHOOLS,
    TITLES,
    OlympiadRule,
    _share_words,
    check_protocols,
    protocol_counts,
    protocols,
    stages,
    totals,
)
from reports.district.staff_sql import OLYMPIAD_COUNTS, OLYMPIAD_MENTORS, OLYMPIAD_PASSED
from reports.district.town_data import TownData
from reports.labels import fmt_num
from reports.spravka.document import Chart, Figures, Paragraph, Section, Spravka, table_or_text
from reports.spravka.narrative import plural
from sheets_schema.choices import OLYMPIAD_LEVELS

PROTOCOL_SHEET = "municipal_olympiads"
COUNTS = ("participants", "prize_winners", "winners", "passed")
STAGE_COLUMNS = ("stage", "source", "participants", "students", "prize_winners", "winners", "passed")
OL_TITLES = {**TITLES, "mentors": "Наставников", "honours": "Призёров и победителей"}


def _slice(frame: pd.DataFrame, params: ReportParams, year: int | None) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    for col, v in (("year", year), ("subject", params.subject), ("grade", params.parallel)):
        if v is not None:
            keep &= frame[col].astype(object) == v
    return frame[keep.to_numpy(dtype=bool)].reset_index(drop=True)


def _named(frame: pd.DataFrame, data: TownData) -> pd.DataFrame:
    return frame.assign(short_name=[data.name(s) for s in frame["school"]])


def _what(params: ReportParams) -> str:
    parts = [f"по предмету «{params.subject}»"] if params.subject else []
    if params.parallel:
        parts.append(f"{params.parallel} класс")
    return ", ".join(parts)


def olympiad_spravka(data: TownData, params: ReportParams) -> Spravka:
    counts, passed = data.extra[OLYMPIAD_COUNTS.key], data.extra[OLYMPIAD_PASSED.key]
    mentors = data.extra[OLYMPIAD_MENTORS.key]
    years = sorted({int(y) for y in counts["year"].dropna()})
    default = params.year if params.year is not None else (years[-1] if years else 0)
    p = protocols(data.extra[PROTOCOL_SHEET], data.schools, default)
    years = sorted(set(years) | {int(y) for y in p["year"]})
    if not years:
        raise ReportRefused("В хранилище лаборатории и в протоколах муниципального этапа нет олимпиадных "
                            "результатов — справку строить не из чего")
    if params.year is not None and params.year not in years:
        have = ", ".join(f"{y}/{y + 1}" for y in years)
        raise ReportRefused(f"За {params.year}/{params.year + 1} учебный год олимпиадных результатов нет; есть: {have}")
    year = params.year if params.year is not None else years[-1]
    c, moved = _slice(counts, params, year), _slice(passed, params, year)
    mine_p = _slice(p, params, year)
    pc = protocol_counts(mine_p)
    if c.empty and pc.empty:
        what = f" ({_what(params)})" if _what(params) else ""
        raise ReportRefused(f"За {year}/{year + 1} учебный год олимпиадных результатов{what} нет")
    by_stage = stages(c, moved, pc)
    by_school = _named(totals(c, ["school", "stage_no", "stage"], moved), data).sort_values(
        ["short_name", "stage_no"], kind="stable").reset_index(drop=True)
    by_subject = totals(c, ["subject", "stage_no", "stage"], moved)
    by_grade = totals(c, ["grade", "stage_no", "stage"], moved)
    by_year = totals(_slice(counts, params, None), ["year", "stage_no", "stage"], _slice(passed, params, None))
    by_year["year"] = [f"{int(y)}/{int(y) + 1}" for y in by_year["year"]]
    m = _slice(mentors, params, year)
    mentor_rows = m.groupby(["school", "subject"], as_index=False, dropna=False).agg(
        mentors=("teacher_id", "nunique"), participants=("participants", "sum"),
        prize_winners=("prize_winners", "sum"), winners=("winners", "sum"))
    mentor_rows = _named(mentor_rows, data).sort_values(["short_name", "subject"], kind="stable").reset_index(
        drop=True)
    rule = params.rule or OlympiadRule()
    problems = check_protocols(mine_p, rule)
    protocol_rows = _named(totals(pc, ["school", "subject", "grade"]), data) if len(pc) else pc

    stage_order = [s for s in OLYMPIAD_LEVELS if s in set(c["stage"])]
    at = totals(c, ["stage"]).set_index("stage") if len(c) else pd.DataFrame()
    chart = Chart("bar", "Олимпиады по этапам (по данным школ)", tuple(stage_order),
                  {OL_TITLES[k]: [int(at.loc[s, k]) for s in stage_order] for k in ("participants", "prize_winners",
                                                                                     "winners")},
                  y_title="участий")
    rule_text = (f"Правило статусов муниципального этапа: победитель набирает больше "
                 f"{_share_words(rule.winner_min_share)} максимального балла; "
                 f"победителей и призёров не больше {fmt_num(rule.prize_quota * 100)} % участников предмета и класса; "
                 "статусы — по рейтингу.")
    stage_counts = ["participants", "prize_winners", "winners"]
    sections = (
        Section("Итоги по этапам", (
            Figures((("Учебный год", f"{year}/{year + 1}"), ("Участий (по данным школ)", int(c["participants"].sum())),
                     ("Призёров", int(c["prize_winners"].sum())), ("Победителей", int(c["winners"].sum())),
                     ("Строк протоколов муниципального этапа", len(mine_p)))),
            *table_or_text(by_stage, STAGE_COLUMNS, "Результатов нет.", titles=OL_TITLES),
            Paragraph("«Прошли на следующий этап» — участники этапа, найденные на следующем этапе в том же предмете "
                      "и году (по кодам участников).", note=True),
            *((chart,) if stage_order else ()))),
        Section("По школам", table_or_text(by_school, ("short_name", "stage", *COUNTS), "Результатов школ нет.",
                                           titles=OL_TITLES, sheet="По школам")),
        Section("По предметам", table_or_text(by_subject, ("subject", "stage", *COUNTS), "Результатов школ нет.",
                                              titles=OL_TITLES, sheet="По предметам")),
        Section("По классам", table_or_text(by_grade, ("grade", "stage", *COUNTS), "Результатов школ нет.",
                                            titles=OL_TITLES)),
        Section("По годам", table_or_text(by_year, ("year", "stage", *COUNTS), "Результатов школ нет.",
                                          titles=OL_TITLES)),
        Section("Наставники", (
            *table_or_text(mentor_rows, ("short_name", "subject", "mentors", *stage_counts),
                           "Наставники участников в данных школ не указаны.", titles=OL_TITLES),
            Paragraph("Наставники посчитаны, а не названы: списки — на странице «Олимпиады» лаборатории.",
                      note=True))),
        Section("Муниципальный этап: протоколы лаборатории и проверка по правилу", (
            Paragraph(rule_text, note=True),
            *table_or_text(protocol_rows, ("short_name", "subject", "grade", *stage_counts),
                           "Протоколов муниципального этапа за этот год нет.", titles=OL_TITLES),
            *table_or_text(problems, ("row", "message"), "Протоколы соответствуют правилу." if len(mine_p) else
                           "Проверять нечего: протоколов нет.", titles=OL_TITLES))),
    )
    return Spravka(
        heading="Информационная справка «Олимпиады» по общеобразовательным организациям города"
                + (f" ({_what(params)})" if _what(params) else ""),
        meta=(("Учебный год", f"{year}/{year + 1}"), *((("Предмет", params.subject),) if params.subject else ()),
              *((("Класс", params.parallel),) if params.parallel else ())),
        purpose="Цель: итоги этапов всероссийской олимпиады школьников по школам, предметам и классам для управления "
                "образования. Участники — коды; имён обучающихся в справке нет.",
        sections=sections, conclusions=tuple(_conclusions(by_stage, by_school, by_subject, problems, len(mine_p))),
        recommendations=tuple(_recommendations(by_stage, by_school, problems)), signature=LAB_SIGNATURE)


def _stage(by_stage: pd.DataFrame, stage: str) -> dict | None:
    rows = by_stage[((by_stage["stage"] == stage) & (by_stage["source"] == FROM_SCHOOLS)).to_numpy(dtype=bool)]
    return rows.iloc[0].to_dict() if len(rows) else None


def _honours(frame: pd.DataFrame, by: str) -> pd.Series:
    s = (frame["prize_winners"] + frame["winners"]).groupby(frame[by]).sum()
    return s[s > 0].sort_values(ascending=False, kind="stable")


def _conclusions(by_stage: pd.DataFrame, by_school: pd.DataFrame, by_subject: pd.DataFrame,
                 problems: pd.DataFrame, protocol_rows: int) -> list[str]:
    out: list[str] = []
    for stage in OLYMPIAD_LEVELS:
        r = _stage(by_stage, stage)
        if r is None:
            continue
        n = int(r["participants"])
        text = (f"{stage.capitalize()} этап: {n} {plural(n, 'участие', 'участия', 'участий')} "
                f"({int(r['students'])} {plural(int(r['students']), 'участник', 'участника', 'участников')}), "
                f"призёров — {int(r['prize_winners'])}, победителей — {int(r['winners'])}")
        nxt = OLYMPIAD_LEVELS.index(stage) + 1
        if nxt < len(OLYMPIAD_LEVELS):
            text += f"; на {OLYMPIAD_LEVELS[nxt]} этап прошли {int(r['passed'])}"
        out.append(text + ".")
    schools = _honours(by_school, "short_name")
    if len(schools):
        out.append("Больше всего призёров и победителей: " + ", ".join(f"{k} ({int(v)})" for k, v in
                                                                      schools.head(3).items()) + ".")
    subjects = _honours(by_subject, "subject")
    if len(subjects):
        out.append("По предметам: " + ", ".join(f"{k} ({int(v)})" for k, v in subjects.head(3).items()) + ".")
    if protocol_rows:
        out.append(f"Протоколы муниципального этапа ({protocol_rows} строк): " + (
            "нарушений правила статусов нет." if problems.empty else
            f"нарушений правила статусов — {len(problems)}."))
    return out


def _recommendations(by_stage: pd.DataFrame, by_school: pd.DataFrame, problems: pd.DataFrame) -> list[str]:
    rec = ["Отметить победителей и призёров и их наставников; включить подготовку к олимпиадам в планы ШМО и "
           "городских методических объединений."]
    if len(problems):
        rec.append("Исправить протоколы муниципального этапа по правилу статусов (строки названы в справке) до их "
                   "утверждения.")
    first = _stage(by_stage, OLYMPIAD_LEVELS[0])
    if first is not None and int(first["participants"]) and int(first["passed"]) == 0:
        rec.append("Никто не прошёл со школьного этапа на муниципальный: организовать в школах подготовку "
                   "мотивированных обучающихся.")
    silent = by_school.groupby("short_name")[["prize_winners", "winners"]].sum().sum(axis=1)
    silent = sorted(silent[silent == 0].index)
    if silent:
        rec.append("Без призёров и победителей: " + ", ".join(silent) + " — обсудить с ними работу с "
                   "одарёнными детьми и наставничество.")
    return rec


OLYMPIADS = register(ReportKind("olympiads", "Олимпиады школьников города", olympiad_spravka,
                               aggregates=(OLYMPIAD_COUNTS, OLYMPIAD_PASSED, OLYMPIAD_MENTORS),
                               sheets=(PROTOCOL_SHEET,), fields=("year", "subject", "parallel")))
