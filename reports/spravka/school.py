"""Analytical справки over a period — of a class, a parallel, a teacher and the whole school — as documents
(reports.spravka.document.Spravka) with conclusions and recommendations prepared from the numbers.

Every builder is a pure function of `facts` (the detail rows the person may see, not filtered by kind, subject or
parallel) and `frames` (the workbook's sheets); `base` (all results of the school; `facts` by default) is used only
for the aggregate comparison rows — the parallel's and the school's indicators, no names. `period` is «1 четверть»
… «2 полугодие», or None for the whole year; `on` is the date the справка is made (today by default). An unknown
class, parallel, teacher or period raises a SpravkaNotFound (a LookupError) with a Russian message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from reports.analytics.dynamics import DYNAMICS_KINDS, dynamics
from reports.analytics.indicators import summarize
from reports.analytics.rollup import children, class_rollup, parallel_label, subject_rollup
from reports.labels import column_title, fmt_num, person_label
from reports.spravka.document import Chart, Figures, Section, Spravka, TableBlock, table_or_text
from reports.spravka.forecast import class_outlook
from reports.spravka.narrative import FAR_BELOW_PP, plural
from reports.spravka.sections import (
    COUNTS,
    KIND_COLUMNS,
    RATES,
    WRITTEN_TITLES,
    ClassNotFound,
    ParallelNotFound,
    PeriodNotFound,
    SpravkaNotFound,
    TeacherNotFound,
    against_sentence,
    beside,
    by_kind,
    comparison_section,
    count_words,
    dynamics_section,
    dynamics_sentences,
    extend,
    extremes_sentence,
    findings,
    finish,
    indicator_sentences,
    indicator_table_section,
    lagging,
    name_column,
    participants,
    period_facts,
    period_meta,
    period_words,
    previous,
    previous_rows,
    previous_sentences,
    reference_date,
    sou_recommendation,
    written_rows,
)
from reports.spravka.teacher import teacher_spravka

__all__ = ["ClassNotFound", "ParallelNotFound", "PeriodNotFound", "SpravkaNotFound", "TeacherNotFound",
           "class_spravka", "find_class", "parallel_spravka", "school_spravka", "teacher_spravka"]

Frames = Mapping[str, pd.DataFrame]
SUBJECT_COLUMNS = ("subject", *COUNTS, *RATES)
SUBJECT_DYNAMICS_COLUMNS = ("subject", "step", "work", "kind", "date", "N", *RATES, "quality_pct_change")
CLASS_COLUMNS = ("class", *COUNTS, *RATES, "quality_pct_vs_parallel")
PARALLEL_COLUMNS = ("label", *COUNTS, *RATES, "quality_pct_vs_school")
DEPARTMENT_COLUMNS = ("level", "label", *COUNTS, *RATES, "quality_pct_vs_parent")
RISK_BY_PARALLEL = ("label", "students", "at_risk", "share_pct")
LATIN_LOOKALIKES = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")  # «9A» typed on a Latin keyboard is 9«А»


def find_class(frames: Frames, class_id: str) -> dict[str, Any]:
    """The row of a class by its id, or by its name as people type it («9А», «9«А»», «9 а»)."""
    classes = frames["classes"]
    hit = classes[(classes["id"].astype(str) == str(class_id)).to_numpy()]
    if hit.empty:
        names = (classes["parallel"].astype(str) + classes["letter"].astype(str)).str.upper()
        typed = re.sub(r"[\s«»\"'-]", "", str(class_id)).upper().translate(LATIN_LOOKALIKES)
        hit = classes[(names == typed).to_numpy()]
    if len(hit) != 1:
        raise ClassNotFound(class_id)
    return hit.iloc[0].to_dict()


def _teacher_name(frames: Frames, teacher_id: Any) -> str:
    t = frames["teachers"]
    row = t[(t["id"].astype(str) == str(teacher_id)).to_numpy()]
    if row.empty:
        return "—"
    return str(person_label(row["last_name"], row["first_name"], row["middle_name"], initials=True).iloc[0])


def _subjects(scope: pd.DataFrame, parent: pd.DataFrame, column: str) -> pd.DataFrame:
    table = beside(scope, parent, ["subject_id"], ["subject_id"], column=column)
    return table.assign(subject=name_column(table, scope, "subject_id", "subject"))


def _rates_chart(table: pd.DataFrame, label: str, title: str) -> Chart | None:
    """Success and quality of each row side by side (classes of a parallel, parallels of the school); rows without
    marks are left out, and with none at all there is no chart (grade 1 has no marks)."""
    rows = table[(table["written"] > 0).to_numpy()] if "written" in table else table.iloc[:0]
    if rows.empty:
        return None
    return Chart("bar", title, tuple(str(x) for x in rows[label]),
                 {column_title(c): rows[c].tolist() for c in ("success_pct", "quality_pct")}, y_title="%")


def _lagging_recommendation(table: pd.DataFrame, label: str, column: str, text: str) -> list[str]:
    names = [str(x) for x in table.loc[lagging(table, column).to_numpy(), label]]
    return [text.format(names=", ".join(names), pp=fmt_num(FAR_BELOW_PP))] if names else []


def class_spravka(facts: pd.DataFrame, frames: Frames, class_id: str, period: str | None = None, *,
                  on: Any = None, base: pd.DataFrame | None = None) -> Spravka:
    """One class across all its works of the period: by subject, against its parallel and the school, dynamics,
    weak elements, students at risk and ВПР objectivity."""
    row = find_class(frames, class_id)
    cid, parallel = str(row["id"]), int(row["parallel"])
    label = f"{parallel}«{row['letter']}»"
    f = period_facts(facts, period)
    whole = f if base is None else period_facts(base, period)
    mine = f[(f["class_id"] == cid).fillna(False).to_numpy(dtype=bool)]
    par = whole[(whole["parallel"] == parallel).fillna(False).to_numpy(dtype=bool)]
    enrolled = int((frames["students"]["class_id"].astype(str) == cid).sum())
    who = participants(mine, enrolled)
    s, s_par, s_school = who.summary, summarize(par), summarize(whole)
    subjects = _subjects(mine, par, "quality_pct_vs_parallel")
    kinds = by_kind(mine, DYNAMICS_KINDS)
    per_subject = dynamics(mine, by=("subject_id",))
    per_subject = per_subject.assign(subject=name_column(per_subject, mine, "subject_id", "subject"))
    found = findings(mine, frames)
    prev = previous(facts[(facts["class_id"] == cid).fillna(False).to_numpy(dtype=bool)], period)
    outlook = class_outlook(facts, frames, cid)  # over the whole year: a forecast needs the year's points

    sections = [
        who.section(),
        indicator_table_section("Показатели по предметам", subjects, (*SUBJECT_COLUMNS, "quality_pct_vs_parallel"),
                                "Отметок по предметам за период нет.", "параллели",
                                lag_column="quality_pct_vs_parallel"),
        comparison_section("Сравнение с параллелью и школой", [(label, s), *previous_rows(prev),
                                                                (parallel_label(parallel), s_par),
                                                                ("Школа", s_school)]),
        dynamics_section(kinds, KIND_COLUMNS, extra=(TableBlock(per_subject, SUBJECT_DYNAMICS_COLUMNS,
                                                                sheet="Динамика по предметам"),)),
        *found.sections(),
        outlook.section(),
    ]

    out, rec = who.sentences(f"В {label} классе", f"У {label} класса", period)
    if not who.empty:
        out += indicator_sentences(label, s)
        out += previous_sentences(label, s, prev)
        out += [against_sentence(label, s, s_par, "параллели"), against_sentence(label, s, s_school,
                                                                                  "среднего по школе")]
        out += [x for x in (extremes_sentence(subjects, "subject", "по предмету "),) if x]
        rec += _lagging_recommendation(subjects, "subject", "quality_pct_vs_parallel",
                                       f"Учителям, преподающим в {label} классе предметы, где качество знаний ниже "
                                       "параллели на {pp} п. п. и более ({names}), проанализировать причины "
                                       "отставания и скорректировать рабочие программы.")
        extend(out, rec, dynamics_sentences(kinds, label))
        if s.n2:
            rec.append(f"Для обучающихся, получивших «2» ({s.n2} {plural(s.n2, 'отметка', 'отметки', 'отметок')}), "
                       "составить индивидуальные планы ликвидации пробелов и провести повторные работы.")
        extend(out, rec, found.sentences(who.wrote, "Классному руководителю"))
        out += outlook.sentences()
        rec += sou_recommendation(s, "класс")
    elif who.unmarked:
        extend(out, rec, dynamics_sentences(kinds, label))
        extend(out, rec, found.sentences(who.wrote, "Классному руководителю"))
    meta = (("Класс", label), ("Профиль", str(row.get("profile") or "—")),
            ("Классный руководитель", _teacher_name(frames, row.get("class_teacher_id"))),
            *period_meta(f, period, reference_date(on)))
    purpose = (f"Цель: определить уровень достижения планируемых результатов обучающимися {label} класса "
               f"{period_words(period)} по всем предметам мониторинга, сравнить их с параллелью и школой, выявить "
               "слабо освоенные элементы содержания и обучающихся группы риска.")
    return Spravka(f"Аналитическая справка по итогам мониторинга качества обучения в {label} классе "
                   f"{period_words(period)}", meta, purpose, tuple(sections), tuple(out), finish(rec))


def _parallel(frames: Frames, parallel: Any) -> int:
    try:
        n = int(str(parallel).strip())
    except ValueError:
        raise ParallelNotFound(parallel) from None
    if not (frames["classes"]["parallel"] == n).fillna(False).any():
        raise ParallelNotFound(parallel)
    return n


def parallel_spravka(facts: pd.DataFrame, frames: Frames, parallel: int | str, period: str | None = None, *,
                     on: Any = None, base: pd.DataFrame | None = None) -> Spravka:
    """The classes of one parallel side by side, by subject against the school, dynamics per class, weak
    elements, students at risk and ВПР objectivity; classes far below the parallel are named."""
    n = _parallel(frames, parallel)
    plabel = parallel_label(n)
    f = period_facts(facts, period)
    whole = f if base is None else period_facts(base, period)
    mine = f[(f["parallel"] == n).fillna(False).to_numpy(dtype=bool)]
    classes = frames["classes"][(frames["classes"]["parallel"] == n).fillna(False).to_numpy(dtype=bool)]
    enrolled = int(frames["students"]["class_id"].astype(str).isin(set(classes["id"].astype(str))).sum())
    who = participants(mine, enrolled)
    s, s_school = who.summary, summarize(whole)
    cls = children(class_rollup(mine), "class")
    cls = cls.rename(columns={"label": "class", "N": "written", "absent": "missed",
                              "quality_pct_vs_parent": "quality_pct_vs_parallel"})
    subjects = _subjects(mine, whole, "quality_pct_vs_school")
    kinds = by_kind(mine, DYNAMICS_KINDS, group="class_id")
    kinds = kinds.assign(**{"class": name_column(kinds, mine, "class_id", "class")})
    found = findings(mine, frames)
    prev = previous(facts[(facts["parallel"] == n).fillna(False).to_numpy(dtype=bool)], period)

    sections = [
        who.section((("classes_count", len(classes)),)),
        indicator_table_section("Классы параллели", cls, CLASS_COLUMNS, "Отметок за период нет.", "параллели",
                                lag_column="quality_pct_vs_parallel",
                                chart=_rates_chart(cls, "class", "Успеваемость и качество знаний по классам")),
        indicator_table_section("Показатели по предметам", subjects, (*SUBJECT_COLUMNS, "quality_pct_vs_school"),
                                "Отметок по предметам за период нет.", "среднего по школе",
                                lag_column="quality_pct_vs_school"),
        comparison_section("Сравнение со школой", [(plabel, s), *previous_rows(prev), ("Школа", s_school)]),
        dynamics_section(kinds, ("class", *KIND_COLUMNS), group_label="class"),
        *found.sections(),
    ]

    where = f"В {n}-х классах ({count_words(len(classes), 'класс', 'класса', 'классов')})"
    out, rec = who.sentences(where, f"У {n}-х классов", period)
    if not who.empty:
        out += indicator_sentences(plabel, s)
        out += previous_sentences(plabel, s, prev)
        out.append(against_sentence(plabel, s, s_school, "среднего по школе"))
        out += [x for x in (extremes_sentence(cls, "class", quote=False),) if x]
        for r in cls[cls["written"] > 0].to_dict("records"):
            out.append(against_sentence(str(r["class"]), summarize(mine[(mine["class_id"] == r["class_id"])
                                                                   .fillna(False).to_numpy(dtype=bool)]), s,
                                        "параллели"))
        rec += _lagging_recommendation(cls, "class", "quality_pct_vs_parallel",
                                       "Учителям, работающим в классах {names} (качество знаний ниже параллели на "
                                       "{pp} п. п. и более), проанализировать причины отставания и скорректировать "
                                       "рабочие программы; администрации посетить уроки в этих классах.")
        out += [x for x in (extremes_sentence(subjects, "subject", "по предмету "),) if x]
        extend(out, rec, dynamics_sentences(by_kind(mine, DYNAMICS_KINDS), plabel))
        extend(out, rec, found.sentences(who.wrote, "Классным руководителям"))
        rec += sou_recommendation(s, "параллель")
    elif who.unmarked:
        extend(out, rec, dynamics_sentences(by_kind(mine, DYNAMICS_KINDS), plabel))
        extend(out, rec, found.sentences(who.wrote, "Классным руководителям"))
    meta = (("Параллель", plabel), ("Классы", ", ".join(str(x) for x in cls["class"]) or "—"),
            *period_meta(f, period, reference_date(on)))
    purpose = (f"Цель: сравнить результаты классов параллели ({plabel}) {period_words(period)} между собой и со "
               "школой, проследить динамику, выявить слабо освоенные элементы содержания и обучающихся группы риска.")
    return Spravka(f"Аналитическая справка по итогам мониторинга качества обучения в {n}-х классах "
                   f"{period_words(period)}", meta, purpose, tuple(sections), tuple(out), finish(rec))


def _risk_by_parallel(facts: pd.DataFrame, risk: pd.DataFrame, frames: Frames) -> pd.DataFrame:
    """Per parallel: students who wrote, students at risk and their share, %."""
    wrote = written_rows(facts).dropna(subset=["parallel"])
    students = wrote.groupby(wrote["parallel"].astype(int))["student_id"].nunique()
    classes = frames["classes"].set_index(frames["classes"]["id"].astype(str))["parallel"]
    at_risk = risk["class_id"].astype(object).map(lambda c: classes.get(str(c))).dropna().astype(int).value_counts()
    out = pd.DataFrame({"parallel": students.index, "students": students.to_numpy()})
    out["at_risk"] = out["parallel"].map(at_risk).fillna(0).astype(int)
    out["share_pct"] = out["at_risk"] / out["students"].where(out["students"] > 0) * 100.0
    out["label"] = [parallel_label(p) for p in out["parallel"]]
    return out


def school_spravka(facts: pd.DataFrame, frames: Frames, period: str | None = None, *, on: Any = None) -> Spravka:
    """The school's period: headline indicators, by parallel, by department and subject, by kind of work,
    dynamics, the weakest elements, students at risk by parallel and ВПР objectivity."""
    f = period_facts(facts, period)
    who = participants(f, len(frames["students"]))
    s = who.summary
    pars = children(class_rollup(f), "parallel")
    pars = pars.rename(columns={"N": "written", "absent": "missed", "quality_pct_vs_parent": "quality_pct_vs_school"})
    depts = subject_rollup(f, frames)
    depts = depts[depts["level"].isin(["department", "subject"]).to_numpy()].reset_index(drop=True)
    depts = depts.rename(columns={"N": "written", "absent": "missed"})
    depts["level"] = depts["level"].astype(object).map({"department": "ШМО", "subject": "предмет"})
    kinds_all = by_kind(f)
    kinds = by_kind(f, DYNAMICS_KINDS)
    found = findings(f, frames, scopes=("school", "class"))

    headline = Figures.of((c, getattr(s, c)) for c in (*RATES, "sou_level"))
    prev = previous(facts, period)
    before = (comparison_section("", [("Школа", s), *previous_rows(prev)]).blocks if prev is not None else ())
    sections = [
        who.section((("classes_count", len(frames["classes"])),)),
        Section("Основные показатели", (headline, *before)),
        indicator_table_section("Результаты по параллелям", pars, PARALLEL_COLUMNS, "Отметок за период нет.",
                                "среднего по школе",
                                lag_column="quality_pct_vs_school",
                                chart=_rates_chart(pars.assign(short=pars["label"].astype(str).str.replace(
                                    " классы", "", regex=False)), "short",
                                    "Успеваемость и качество знаний по параллелям")),
        indicator_table_section("Результаты по ШМО и предметам", depts, DEPARTMENT_COLUMNS, "Отметок за период нет.",
                                "среднего по ШМО (для предмета) или по школе (для ШМО)",
                                sheet="ШМО и предметы"),
        Section("Результаты по видам работ", table_or_text(kinds_all, KIND_COLUMNS[:-1], "Работ за период нет.",
                                                          titles=WRITTEN_TITLES)),
        dynamics_section(kinds, KIND_COLUMNS),
        *found.sections(risk_before=table_or_text(_risk_by_parallel(f, found.risk, frames), RISK_BY_PARALLEL,
                                                  "Писавших работы за период нет.")),
    ]

    out, rec = who.sentences("В школе", "В школе", period)
    if not who.empty:
        out += indicator_sentences("школа", s)
        out += previous_sentences("школа", s, prev)
        out += [x for x in (extremes_sentence(pars, "label", quote=False),) if x]
        rec += _lagging_recommendation(pars, "label", "quality_pct_vs_school",
                                       "Взять на контроль администрации параллели, где качество знаний ниже "
                                       "среднего по школе на {pp} п. п. и более: {names}.")
        subj = depts[depts["level"] == "предмет"]
        out += [x for x in (extremes_sentence(subj, "label", "по предмету "),) if x]
        rec += _lagging_recommendation(subj, "label", "quality_pct_vs_parent",
                                       "Руководителям ШМО рассмотреть на заседаниях результаты по предметам, где "
                                       "качество знаний ниже среднего по ШМО на {pp} п. п. и более: {names}.")
        extend(out, rec, dynamics_sentences(kinds, "школа"))
        extend(out, rec, found.sentences(who.wrote, "Классным руководителям"))
        rec += sou_recommendation(s, "школу")
    elif who.unmarked:
        extend(out, rec, dynamics_sentences(kinds, "школа"))
        extend(out, rec, found.sentences(who.wrote, "Классным руководителям"))
    purpose = (f"Цель: оценить качество образования в школе {period_words(period)} по результатам мониторинговых "
               "работ, сравнить параллели, ШМО и предметы, проследить динамику, выявить слабо освоенные элементы "
               "содержания, обучающихся группы риска и признаки необъективности оценивания.")
    return Spravka(f"Аналитическая справка по итогам мониторинга качества образования {period_words(period)}",
                   period_meta(f, period, reference_date(on)), purpose, tuple(sections), tuple(out), finish(rec))

