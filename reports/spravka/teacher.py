"""The справка of one teacher over a period: the results of the classes and subjects they teach (teaching_load)
against the parallel and the school, works conducted, dynamics, weak elements, students at risk, ВПР objectivity,
and the qualification facts — category and its term, courses, attestations, olympiad results of their students.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from reports.analytics.dynamics import DYNAMICS_KINDS
from reports.analytics.groups import map_values
from reports.analytics.indicators import summarize
from reports.analytics.periods import in_period
from reports.analytics.staff import (
    EXPIRED,
    NO_COURSES,
    PERMANENT,
    PRIZE,
    WINNER,
    attestation_due,
    category_term,
    no_recent_courses,
)
from reports.analytics.teachers import teacher_facts
from reports.labels import fmt_date, person_label
from reports.spravka import sections as sec
from reports.spravka.document import Figures, Section, Spravka, table_or_text
from reports.spravka.narrative import pct_text
from reports.spravka.staff import ENTRY_COLUMNS, olympiad_entries
from sheets_schema import SCHEMA

Frames = Mapping[str, pd.DataFrame]
PAIR_COLUMNS = ("class", "subject", *sec.COUNTS, *sec.RATES, "quality_pct_vs_parallel", "quality_pct_vs_school")
WORK_COLUMNS = ("work", "kind", "date", "class", "missed", *sec.COUNTS, *sec.RATES)
ATTESTATION_COLUMNS = ("attestation_date", "attestation_category")
COURSE_COLUMNS = ("course_title", "provider", "course_hours", "course_end")


def _rows(frame: pd.DataFrame, column: str, value: Any) -> pd.DataFrame:
    return frame[(frame[column].astype(str) == str(value)).to_numpy()]


def find_teacher(frames: Frames, teacher_id: str) -> dict[str, Any]:
    hit = _rows(frames["teachers"], "id", teacher_id)
    if hit.empty:
        raise sec.TeacherNotFound(teacher_id)
    return hit.iloc[0].to_dict()


def _pairs(mine: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """The teacher's results per class and subject, against the parallel and the school in the same subject."""
    keys = ["parallel", "class_id", "subject_id"]
    table = sec.beside(mine, facts, keys, ["parallel", "subject_id"], column="quality_pct_vs_parallel")
    school = sec.beside(mine, facts, keys, ["subject_id"], column="quality_pct_vs_school")
    table["quality_pct_vs_school"] = school["quality_pct_vs_school"].to_numpy()
    table["class"] = sec.name_column(table, mine, "class_id", "class")
    table["subject"] = sec.name_column(table, mine, "subject_id", "subject")
    table["pair"] = table["class"].astype(str) + ", " + table["subject"].astype(str)
    return table


def _works(mine: pd.DataFrame) -> pd.DataFrame:
    table = sec.summaries(mine, ["work_id", "class_id"])
    works = mine.drop_duplicates("work_id")
    works = works.set_index(works["work_id"].astype(object))
    for c in ("work", "kind", "date"):
        table[c] = map_values(table["work_id"], works[c]).to_numpy()
    table["class"] = sec.name_column(table, mine, "class_id", "class")
    return table.sort_values(["date", "work", "class"], kind="stable").reset_index(drop=True)


def _planned(frames: Frames, subject_ids: set[str], period: str | None) -> bool:
    """Some monitoring work of the teacher's subjects is in the bank of works for the period."""
    works = frames["works"]
    subject = works["subject_id"].astype(str).isin(subject_ids).to_numpy(dtype=bool)
    return bool((subject & in_period(works["period"], works["date"], period).to_numpy(dtype=bool)).any())


def _olympiads(frames: Frames, load: pd.DataFrame, period: str | None) -> pd.DataFrame:
    """Olympiad entries of the period of students in the classes where the teacher teaches that subject."""
    entries = olympiad_entries(frames)
    pairs = set(zip(load["class_id"].astype(str), load["subject_id"].astype(str), strict=True))
    mine = [(c, s) in pairs for c, s in zip(entries["class_id"], entries["subject_id"], strict=True)]
    when = in_period(pd.Series(None, index=entries.index, dtype=object), entries["date"], period)
    return entries[(pd.Series(mine, index=entries.index, dtype=bool) & when).to_numpy()].reset_index(drop=True)


def _qualification(frames: Frames, t: Mapping[str, Any], on: pd.Timestamp, olympiads: pd.DataFrame
                   ) -> tuple[Section, list[str], list[str]]:
    tid = str(t["id"])
    depts = frames["departments"]
    dept = _rows(depts, "id", t.get("department_id"))
    since = t.get("category_date")
    category = str(t.get("category") or "—")
    until, permanent = category_term(pd.Series([category]), pd.Series([since], dtype="datetime64[ns]"))
    expires: Any = PERMANENT if permanent[0] else (None if pd.isna(until.iloc[0]) else until.iloc[0])
    facts = Figures.of((
        ("position", str(t.get("position") or "—")),
        ("department", str(dept["name"].iloc[0]) if len(dept) else "—"),
        ("category", category), ("category_date", pd.Timestamp(since) if not pd.isna(since) else "—"),
        ("expires", expires if expires is not None else "—"),
        ("education", str(t.get("education") or "—")),
        ("experience", t.get("experience") if not pd.isna(t.get("experience")) else "—"),
    ))
    attest = _rows(frames["attestations"], "teacher_id", tid).sort_values("date").rename(
        columns={"date": "attestation_date", "category": "attestation_category"})
    courses = _rows(frames["courses"], "teacher_id", tid).sort_values("end_date", ascending=False).rename(
        columns={"title": "course_title", "hours": "course_hours", "end_date": "course_end"})
    blocks = (facts,
              *table_or_text(attest, ATTESTATION_COLUMNS, "Записей об аттестации нет."),
              *table_or_text(courses, COURSE_COLUMNS, "Курсов повышения квалификации нет."),
              *table_or_text(olympiads, ENTRY_COLUMNS, "Олимпиадных результатов обучающихся за период нет.",
                             sheet="Олимпиады"))

    out, rec = [], []
    sentence = f"Квалификационная категория — «{category}»"
    if expires == PERMANENT:
        sentence += (f", присвоена {fmt_date(since)}, действует бессрочно" if not pd.isna(since) else
                     ", действует бессрочно")
    elif expires is not None:
        sentence += f", присвоена {fmt_date(since)}, действует до {fmt_date(expires)}"
    experience = t.get("experience")
    if experience is not None and not pd.isna(experience):
        sentence += f"; педагогический стаж — {sec.count_words(int(experience), 'год', 'года', 'лет')}"
    out.append(sentence + ".")
    me = _rows(frames["teachers"], "id", tid)
    due = attestation_due(me, on, 12, frames["attestations"])
    if len(due):
        status, until = due["attestation_status"].iloc[0], fmt_date(due["expires"].iloc[0])
        if not until:
            out.append("Дата присвоения категории не указана.")
            rec.append("Внести дату присвоения квалификационной категории в лист «Педагоги».")
        else:
            out.append(f"Срок действия категории {'истёк' if status == EXPIRED else 'истекает'} {until}.")
            rec.append("Подать заявление на аттестацию и подготовить материалы профессиональной деятельности.")
    stale = no_recent_courses(me, frames["courses"], on)
    if len(stale):
        last = fmt_date(stale["last_course_end"].iloc[0])
        out.append("Курсов повышения квалификации нет." if stale["course_status"].iloc[0] == NO_COURSES else
                   f"Курсы повышения квалификации за последние три года не пройдены (последние окончены {last}).")
        rec.append("Пройти курсы повышения квалификации по преподаваемым предметам (не реже одного раза в три года).")
    elif len(courses):
        out.append(f"Последние курсы повышения квалификации окончены {fmt_date(courses['course_end'].iloc[0])}.")
    if len(olympiads):
        n, prizes = len(olympiads), int((olympiads["status"] == PRIZE).sum())
        wins = int((olympiads["status"] == WINNER).sum())
        times = sec.count_words(n, "раз", "раза", "раз")
        out.append(f"Обучающиеся педагога по его предметам участвовали в олимпиадах {times}: "
                   f"{sec.count_words(prizes, 'призёр', 'призёра', 'призёров')}, "
                   f"{sec.count_words(wins, 'победитель', 'победителя', 'победителей')}.")
    return Section("Сведения о педагоге", blocks), out, rec


def teacher_spravka(facts: pd.DataFrame, frames: Frames, teacher_id: str, period: str | None = None, *,
                    on: Any = None, base: pd.DataFrame | None = None) -> Spravka:
    """A teacher's classes and subjects against the parallel and the school, the works conducted, dynamics, weak
    elements and students at risk in their classes, ВПР objectivity, and qualification facts. `base` (all results
    of the school, `facts` by default) gives only the parallel's and the school's indicators compared with."""
    t = find_teacher(frames, teacher_id)
    tid = str(t["id"])
    day = sec.reference_date(on)
    name = str(person_label(pd.Series([t["last_name"]]), pd.Series([t["first_name"]]),
                            pd.Series([t.get("middle_name")]), initials=True).iloc[0])
    f = sec.period_facts(facts, period)
    whole = f if base is None else sec.period_facts(base, period)
    tf = teacher_facts(f, frames)
    mine = tf[(tf["teacher_id"].astype(object) == tid).to_numpy(dtype=bool)].reset_index(drop=True)
    load = _rows(frames["teaching_load"], "teacher_id", tid)
    class_ids = set(load["class_id"].astype(str))
    enrolled = int(frames["students"]["class_id"].astype(str).isin(class_ids).sum())
    who = sec.participants(mine, enrolled)
    s = who.summary
    subject_ids = set(load["subject_id"].astype(str))
    same = whole[whole["subject_id"].astype(object).isin(subject_ids).to_numpy(dtype=bool)]
    pairs = _pairs(mine, whole) if len(mine) else pd.DataFrame(columns=[*PAIR_COLUMNS, "pair", "written"])
    several = mine["subject_id"].nunique() > 1
    kinds = sec.by_kind(mine, DYNAMICS_KINDS, group="subject_id" if several else None)
    if several:
        kinds = kinds.assign(subject=sec.name_column(kinds, mine, "subject_id", "subject"))
    found = sec.findings(mine, frames)
    prev = None
    if period not in (None, sec.PERIOD_YEAR):
        every = teacher_facts(facts, frames)
        prev = sec.previous(every[(every["teacher_id"].astype(object) == tid).to_numpy(dtype=bool)], period)
    olympiads = _olympiads(frames, load, period)
    qualification, q_out, q_rec = _qualification(frames, t, day, olympiads)

    sections = [
        qualification,
        who.section((("classes_count", len(class_ids)),)),
        sec.indicator_table_section("Результаты по классам и предметам", pairs, PAIR_COLUMNS,
                                "Результатов в классах педагога за период нет.", "параллели по тому же предмету",
                                lag_column="quality_pct_vs_parallel"),
        sec.comparison_section("Сравнение со школой", [(name, s), *sec.previous_rows(prev),
                                                  ("Школа: те же предметы", summarize(same)),
                                                  ("Школа: все предметы", summarize(whole))]),
        Section("Проведённые работы", table_or_text(_works(mine) if len(mine) else pd.DataFrame(), WORK_COLUMNS,
                                                     "Работ за период нет.", sheet="Работы")),
        sec.dynamics_section(kinds, ("subject", *sec.KIND_COLUMNS) if several else sec.KIND_COLUMNS,
                         group_label="subject" if several else None),
        *found.sections(),
    ]

    names = frames["subjects"].set_index(frames["subjects"]["id"].astype(str))["name"]
    subjects = ", ".join(sorted({str(names.get(s, s)) for s in subject_ids})) or "—"
    where = f"В классах педагога ({sec.count_words(len(class_ids), 'класс', 'класса', 'классов')})"
    opening, no_marks = who.sentences(where, "В классах педагога", period)
    if load.empty:  # nothing to enter results for: say why the справка has no numbers instead
        opening, no_marks = [f"У педагога нет учебной нагрузки (лист «{SCHEMA['teaching_load'].title}»): классов и "
                             "предметов для анализа результатов нет."], []
    elif who.empty and not who.unmarked and not _planned(frames, subject_ids, period):
        opening, no_marks = [f"По предметам педагога ({subjects}) мониторинговые работы {sec.period_words(period)} "
                             "не проводились: показатели не рассчитываются."], []
    out, rec = [*q_out, *opening], [*q_rec, *no_marks]
    if not who.empty:
        out += sec.indicator_sentences(name, s)
        out += sec.previous_sentences(name, s, prev)
        out.append(sec.against_sentence("обучающиеся педагога", s, summarize(same),
                                    "среднего по школе по тем же предметам"))
        out += [x for x in (sec.extremes_sentence(pairs, "pair", "в ", quote=False),) if x]
        lag = pairs[sec.lagging(pairs, "quality_pct_vs_parallel").to_numpy()]
        if len(lag):
            listed = "; ".join(f"{r['pair']} ({pct_text(r['quality_pct'])}, параллель — "
                               f"{pct_text(r['quality_pct'] - r['quality_pct_vs_parallel'])})"
                               for r in lag.to_dict("records"))
            out.append(f"Качество знаний заметно ниже параллели: {listed}.")
            rec.append("Проанализировать причины отставания от параллели в этих классах, скорректировать рабочие "
                       "программы и организовать взаимопосещение уроков с коллегами ШМО.")
        sec.extend(out, rec, sec.dynamics_sentences(sec.by_kind(mine, DYNAMICS_KINDS), name))
        sec.extend(out, rec, found.sentences(who.wrote, "Педагогу совместно с классными руководителями"))
        rec += sec.sou_recommendation(s, "результаты педагога")
    elif who.unmarked:
        sec.extend(out, rec, sec.dynamics_sentences(sec.by_kind(mine, DYNAMICS_KINDS), name))
        sec.extend(out, rec, found.sentences(who.wrote, "Педагогу совместно с классными руководителями"))
    meta = (("Педагог", name), ("Предметы", subjects), *sec.period_meta(f, period, day))
    purpose = (f"Цель: оценить результаты обучающихся педагога {sec.period_words(period)} в сравнении с параллелью и "
               "школой, выявить слабо освоенные элементы содержания и обучающихся группы риска, подвести итоги "
               "повышения квалификации.")
    heading = f"Аналитическая справка по результатам мониторинга {sec.period_words(period)}: педагог {name}"
    return Spravka(heading, meta, purpose, tuple(sections), tuple(out), sec.finish(rec))
