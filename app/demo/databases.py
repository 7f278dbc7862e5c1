"""The demo town's databases beyond the schools' bundles: the lab's municipal olympiad protocols (two of them break
the status rule on purpose, so the check has something to show), the schools' services and the lab's own ППО; and
one teacher who works in two schools (matched as one person) with a namesake of another birth year (to review)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

SHARED_TEACHER = {"last_name": "Самойлова", "first_name": "Ирина", "middle_name": "Викторовна"}
SHARED_BORN = {"gim-002": 1979, "lic-004": 1979, "sch-007": 1980}  # two schools: one person; 1980: a namesake

# (subject, grade, school row id, code, score, status): math is in order; in Russian the winner has less than half
# the maximum; in biology three of four are awarded (above the quota)
_PROTOCOLS = (
    ("математика", 9, "s-001", "М9-01", 78, "победитель"), ("математика", 9, "s-002", "М9-02", 71, "призёр"),
    ("математика", 9, "s-004", "М9-03", 64, "призёр"), ("математика", 9, "s-005", "М9-04", 40, "участник"),
    ("математика", 9, "s-007", "М9-05", 35, "участник"), ("математика", 9, "s-009", "М9-06", 22, "участник"),
    ("математика", 9, "s-010", "М9-07", 55, "участник"),
    ("русский язык", 10, "s-002", "Р10-01", 48, "победитель"), ("русский язык", 10, "s-001", "Р10-02", 45, "призёр"),
    ("русский язык", 10, "s-004", "Р10-03", 40, "участник"), ("русский язык", 10, "s-007", "Р10-04", 30, "участник"),
    ("русский язык", 10, "s-011", "Р10-05", 20, "участник"),
    ("биология", 8, "s-004", "Б8-01", 80, "победитель"), ("биология", 8, "s-002", "Б8-02", 70, "призёр"),
    ("биология", 8, "s-010", "Б8-03", 60, "призёр"), ("биология", 8, "s-001", "Б8-04", 50, "участник"),
)
_SERVICES = (
    ("s-002", "кружок", "Робототехника", "5–8 классы", 24, 68),
    ("s-001", "секция", "Баскетбол", "5–11 классы", 30, 102),
    ("s-004", "курс", "Олимпиадная физика", "9–11 классы", 18, 68),
    ("s-004", "консультация", "Подготовка к ЕГЭ по математике", "11 класс", 40, 34),
    ("s-003", "студия", "Театральная студия «Ключик»", "1–4 классы", 15, 68),
    ("s-008", "кружок", "Шахматы", "1–4 классы", 22, 34),
    ("s-010", "мастер-класс", "Формирующее оценивание для учителей города", "педагоги", 35, 6),
    ("s-009", "семинар", "Проектная деятельность в 5–6 классах", "5, 6 классы", 28, 8),
)
_PRACTICES = (
    ("s-004", "Иванова Мария Петровна", "Формирующее оценивание на уроках физики", "муниципальный"),
    ("s-002", "Самойлова Ирина Викторовна", "Смысловое чтение на уроках русского языка", "региональный"),
    ("s-001", "Орлов Денис Игоревич", "Цифровые тренажёры для подготовки к ОГЭ по математике", "муниципальный"),
    ("s-010", "Кузнецова Ольга Андреевна", "Наставничество молодых педагогов в школе", "школьный"),
)


def database_rows(y0: int, school_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The lab workbook's protocols, services and ППО for the demo town of the academic year starting in `y0`
    (rows of schools not in `school_ids` left out: a smaller town)."""
    protocols = [{"id": f"mo-{i + 1:03d}", "school_id": s, "participant_code": code, "parallel": grade,
                  "subject": subject, "status": status, "score": score, "max_score": 100,
                  "date": dt.date(y0, 12, 1 + i % 10)}
                 for i, (subject, grade, s, code, score, status) in enumerate(_PROTOCOLS)]
    services = [{"id": f"sv-{i + 1:03d}", "school_id": s, "kind": kind, "title": title, "audience": who,
                 "participants": n, "hours": h} for i, (s, kind, title, who, n, h) in enumerate(_SERVICES)]
    practices = [{"id": f"pp-{i + 1:03d}", "school_id": s, "author": a, "topic": t, "level": lv,
                  "date": dt.date(y0, 10, 15 + i)} for i, (s, a, t, lv) in enumerate(_PRACTICES)]
    return {key: [r for r in rows if r["school_id"] in school_ids] for key, rows in
            (("municipal_olympiads", protocols), ("services", services), ("town_practices", practices))}


def share_teacher(code: str, frames: dict[str, pd.DataFrame], y0: int) -> dict[str, pd.DataFrame]:
    """In the schools of SHARED_BORN, the fourth teacher becomes the shared teacher (or her namesake)."""
    if code not in SHARED_BORN or len(frames["teachers"]) < 4:
        return frames
    t = frames["teachers"].copy()
    for k, v in SHARED_TEACHER.items():
        t.loc[t.index[3], k] = v
    t.loc[t.index[3], "birth_date"] = pd.Timestamp(SHARED_BORN[code], 3, 14)
    t.loc[t.index[3], "experience"] = min(int(y0 - SHARED_BORN[code] - 23), 70)
    return {**frames, "teachers": t}
