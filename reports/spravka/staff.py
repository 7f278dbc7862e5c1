"""Staff statistics and the olympiad report for the municipal lab as documents (reports.spravka.document.Spravka); the
exporters lay them out (export_xlsx.staff_xlsx and olympiad_xlsx give the workbooks).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from reports.analytics.staff import (
    EXPIRED,
    NEW_CATEGORIES,
    NO_COURSES,
    PRIZE,
    WINNER,
    StaffComposition,
    attestation_due,
    category_term,
    no_recent_courses,
    olympiad_stats,
    staff_composition,
)
from reports.analytics.teachers import teacher_names
from reports.labels import class_label, column_title, fmt_date, person_label
from reports.spravka.document import Chart, Paragraph, Section, Spravka, TableBlock, table_or_text
from reports.spravka.narrative import pct_text, plural
from sheets_schema.choices import OLYMPIAD_LEVELS, OLYMPIAD_STATUSES

Frames = Mapping[str, pd.DataFrame]
SHARE_COLUMNS = ("count", "share_pct")
DUE_COLUMNS = ("teacher", "position", "category", "category_date", "expires", "attestation_status")
COURSE_COLUMNS = ("teacher", "position", "last_course_end", "course_status")
STATS_COLUMNS = ("subject", "olympiad_level", "participants", "prize_winners", "winners", "students")
LEVEL_COLUMNS = ("olympiad_level", "participants", "prize_winners", "winners", "students")
ENTRY_COLUMNS = ("student", "class", "subject", "olympiad_level", "status", "olympiad_score", "mentor")
DUE_MONTHS = 12


def teachers_word(n: int) -> str:
    return f"{n} {plural(n, 'педагог', 'педагога', 'педагогов')}"


def _share(table: pd.DataFrame, value: str) -> tuple[int, float]:
    row = table[table.iloc[:, 0].astype(object) == value]
    return (int(row["count"].iloc[0]), float(row["share_pct"].iloc[0])) if len(row) else (0, float("nan"))


def staff_document(frames: Frames, on: Any) -> Spravka:
    """Composition by category, education, experience and age (count and share), attestation due within 12
    months of `on` and teachers without courses in three years."""
    on = pd.Timestamp(on)
    teachers = frames["teachers"]
    comp = staff_composition(teachers, on)
    due = attestation_due(teachers, on, DUE_MONTHS, frames["attestations"])
    stale = no_recent_courses(teachers, frames["courses"], on)
    chart = Chart("bar", "Состав по квалификационной категории", tuple(comp.by_category["category"].astype(str)),
                  {column_title("count"): comp.by_category["count"].tolist()}, y_title=column_title("count"))
    sections = [
        Section(f"Состав по признаку «{table.title}»",
                (TableBlock(table.frame, (table.frame.columns[0], *SHARE_COLUMNS)), *((chart,) if key ==
                                                                                        "by_category" else ())))
        for key, table in comp.tables().items()
    ]
    sections.append(Section(f"Аттестация в ближайшие {DUE_MONTHS} месяцев", table_or_text(
        due, DUE_COLUMNS, "Педагогов, которым предстоит аттестация, нет.",
        weak=(due["attestation_status"] == EXPIRED).tolist(), sheet="Аттестация")))
    sections.append(Section("Курсы повышения квалификации", table_or_text(
        stale, COURSE_COLUMNS, "Все педагоги прошли курсы повышения квалификации за последние три года.",
        weak=(stale["course_status"] == NO_COURSES).tolist(), sheet="Курсы")))

    _, permanent = category_term(teachers["category"], teachers["category_date"])
    out, rec = staff_findings(comp, int(permanent.sum()), due, stale, DUE_MONTHS)
    out.insert(0, f"Педагогический состав на {fmt_date(on)}: {teachers_word(comp.total)}.")
    return Spravka(f"Кадровый состав педагогических работников на {fmt_date(on)}",
                   (("Дата", pd.Timestamp(on)), ("Педагогов", int(comp.total))),
                   "Цель: состав педагогов по категории, образованию, стажу и возрасту; сроки аттестации и курсов "
                   "повышения квалификации.", tuple(sections), tuple(out),
                   tuple(rec or ["Кадровый состав стабильный: продолжить плановую работу по аттестации и курсам."]))


def staff_findings(comp: StaffComposition, permanent: int, due: pd.DataFrame, stale: pd.DataFrame,
                   months: int) -> tuple[list[str], list[str]]:
    """Conclusions and recommendations from the composition, the people with a permanent category, those due for
    attestation within `months` and those without courses in three years (the school's справка and the town's)."""
    out: list[str] = []
    rec: list[str] = []
    high, high_pct = _share(comp.by_category, "высшая")
    first, first_pct = _share(comp.by_category, "первая")
    out.append(f"Педагогов с высшей квалификационной категорией — {high} ({pct_text(high_pct)}), с первой — "
               f"{first} ({pct_text(first_pct)}).")
    for name in NEW_CATEGORIES:
        n_new, new_pct = _share(comp.by_category, name)
        if n_new:
            out.append(f"Квалификационная категория «{name}» — у {n_new} ({pct_text(new_pct)}).")
    if permanent:
        out.append(f"Бессрочные категории (установленные с 01.09.2023 по Приказу Минпросвещения России от 24.03.2023 "
                   f"№ 196) — у {teachers_word(permanent)}; им повторная аттестация не требуется.")
    young, young_pct = _share(comp.by_experience, "до 5 лет")
    if young:
        out.append(f"Педагогов со стажем до 5 лет — {young} ({pct_text(young_pct)}).")
        rec.append("Закрепить наставников за педагогами со стажем до 5 лет.")
    old, old_pct = _share(comp.by_age, "60 лет и старше")
    if old:
        out.append(f"Педагогов в возрасте 60 лет и старше — {old} ({pct_text(old_pct)}).")
    if len(due):
        expired = int((due["attestation_status"] == EXPIRED).sum())
        out.append(f"Педагогов, которым в ближайшие {months} месяцев нужна аттестация, — {len(due)}; у {expired} "
                   "из них категория уже истекла.")
        rec.append("Составить график аттестации педагогов на год: подать заявления до истечения пятилетнего срока "
                   "категорий, установленных до 01.09.2023, и провести аттестацию на соответствие занимаемой "
                   "должности (раз в пять лет).")
    if len(stale):
        never = int((stale["course_status"] == NO_COURSES).sum())
        out.append(f"Педагогов без курсов повышения квалификации за последние три года — {len(stale)}; у {never} "
                   "из них курсов не было совсем.")
        rec.append("Включить в план повышения квалификации педагогов без курсов за последние три года.")
    return out, rec


def olympiad_entries(frames: Frames) -> pd.DataFrame:
    """Every olympiad entry with the student's name and class, the subject and the mentor (ENTRY_COLUMNS plus
    class_id, subject_id, date)."""
    o, st, classes = frames["olympiads"], frames["students"], frames["classes"]
    students = st.set_index(st["id"].astype(str))
    klass = classes.set_index(classes["id"].astype(str))
    subjects = frames["subjects"].set_index(frames["subjects"]["id"].astype(str))["name"]
    sid = o["student_id"].astype(str)
    class_id = sid.map(students["class_id"].astype(str))
    out = pd.DataFrame({
        "student": sid.map(person_label(students["last_name"], students["first_name"])).to_numpy(),
        "class": class_id.map(class_label(klass["parallel"], klass["letter"])).to_numpy(),
        "class_id": class_id.to_numpy(), "subject_id": o["subject_id"].astype(str).to_numpy(),
        "subject": o["subject_id"].astype(str).map(subjects).to_numpy(),
        "olympiad_level": o["level"].to_numpy(), "status": o["status"].to_numpy(),
        "olympiad_score": o["score"].to_numpy(),
        "mentor": o["teacher_id"].astype(object).map(teacher_names(frames["teachers"])).to_numpy(),
        "date": o["date"].to_numpy(),
    })
    # the highest stage first, winners before prize-winners before participants
    rank = {"level": {v: -i for i, v in enumerate(OLYMPIAD_LEVELS)}, "status": {v: -i for i, v in
                                                                               enumerate(OLYMPIAD_STATUSES)}}
    keys = out.assign(_l=out["olympiad_level"].astype(object).map(rank["level"]),
                      _s=out["status"].astype(object).map(rank["status"]))
    order = keys.sort_values(["_l", "_s", "subject", "student"], kind="stable", na_position="last").index
    return out.loc[order].reset_index(drop=True)


def olympiad_document(frames: Frames) -> Spravka:
    """Participants, prize-winners and winners by subject and stage, a chart by stage, and the list of winners
    and prize-winners with class and subject."""
    o, subjects = frames["olympiads"], frames["subjects"]
    stats = olympiad_stats(o, subjects)
    by_level = olympiad_stats(o, subjects, by=("olympiad_level",))
    levels = [lv for lv in OLYMPIAD_LEVELS if lv in set(by_level["olympiad_level"].astype(object))]
    at = by_level.set_index(by_level["olympiad_level"].astype(object))
    chart = Chart("bar", "Итоги олимпиад по этапам", tuple(levels),
                  {column_title(c): [int(at.loc[lv, c]) for lv in levels] for c in ("participants", "prize_winners",
                                                                                     "winners")},
                  y_title=column_title("count"))
    entries = olympiad_entries(frames)
    honoured = entries[entries["status"].astype(object).isin([PRIZE, WINNER]).to_numpy()].reset_index(drop=True)
    sections = [
        Section("Итоги по этапам", (*table_or_text(by_level, LEVEL_COLUMNS, "Олимпиадных результатов нет."),
                                    *((chart,) if levels else ()))),
        Section("По предметам и этапам", table_or_text(stats, STATS_COLUMNS, "Олимпиадных результатов нет.",
                                                       sheet="По предметам")),
        Section("Победители и призёры", (*table_or_text(honoured, ENTRY_COLUMNS, "Победителей и призёров нет.",
                                                        weak=(honoured["status"] == WINNER).tolist(),
                                                        sheet="Победители и призёры"),
                                         Paragraph("Победители выделены.", note=True))),
    ]
    n, students = len(o), int(o["student_id"].nunique())
    prizes, wins = int((o["status"] == PRIZE).sum()), int((o["status"] == WINNER).sum())
    out = [f"Участий в олимпиадах — {n} ({students} {plural(students, 'обучающийся', 'обучающихся', 'обучающихся')})"
           f", призёров — {prizes}, победителей — {wins}."]
    best = stats.assign(honours=stats["prize_winners"] + stats["winners"]).groupby("subject")["honours"].sum()
    best = best[best > 0].sort_values(ascending=False, kind="stable")
    if len(best):
        out.append("Больше всего призёров и победителей по предметам: " + ", ".join(
            f"{subject} ({int(k)})" for subject, k in best.head(3).items()) + ".")
    if levels:
        out.append(f"Наиболее высокий этап, на который вышли обучающиеся, — {levels[-1]}.")
    rec = ["Отметить победителей и призёров и их наставников; включить подготовку к олимпиадам в планы ШМО."]
    if prizes + wins == 0 and n:
        rec.append("Организовать систематическую подготовку обучающихся к олимпиадам: результативных участий нет.")
    return Spravka("Итоги олимпиад обучающихся", (("Участий", n),), "Цель: итоги участия обучающихся в "
                   "олимпиадах по предметам и этапам.", tuple(sections), tuple(out), tuple(rec))
