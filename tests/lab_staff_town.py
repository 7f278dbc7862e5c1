"""A small generated town of three schools whose staff, courses, attestations, olympiad entries and the lab's
municipal protocols are set by hand, so the staff, olympiad and best-practice databases can be checked by hand.

Each school is the generator's school with its staff cut to four people set below (students keep the marker
names of lab_factory, so every page can be scanned for them). One teacher works in schools A and B (one person); a
namesake in C has another birth year, another has none (both to review, never merged)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from app.config import Settings
from app.demo.town import TownSchool, registry_grids
from app.lab.context import LabContext, build_lab_context
from reports.district import CUBE
from sheets_schema.bundle import render_grid
from sheets_schema.lab import LAB_SCHEMA
from sync.warehouse.intake import ingest_bundle
from tests.lab_factory import add_lab_accounts, make_bundle, school_workbook

ON = dt.date(2026, 6, 1)  # the report date of the hand-worked numbers
TOWN = [TownSchool("sch-a", "Школа А", "СОШ", 60), TownSchool("sch-b", "Гимназия Б", "гимназия", 60),
        TownSchool("sch-c", "Школа В", "ООШ", 60)]
D = pd.Timestamp
# school -> (last, first, middle, born, position, category, category date, education, experience)
STAFF = {
    "sch-a": [("Петрова", "Анна", "Ивановна", D(1975, 5, 5), "учитель", "высшая", D(2020, 3, 1), 25),
              ("Сидоров", "Олег", "Петрович", D(1985, 1, 1), "учитель", "первая", D(2024, 2, 1), 15),
              ("Кузнецова", "Мария", "Сергеевна", D(1990, 7, 7), "учитель", "соответствие занимаемой должности",
               D(2021, 10, 15), 10),
              ("Волков", "Игорь", "Андреевич", D(1968, 2, 2), "директор", "без категории", None, 35)],
    "sch-b": [("Петрова", "Анна", "Ивановна", D(1975, 5, 5), "учитель", "высшая", D(2020, 3, 1), 25),
              ("Орлова", "Елена", "Викторовна", D(1980, 3, 3), "учитель", "первая", D(2019, 6, 10), 20),
              ("Лебедев", "Павел", "Олегович", D(1995, 4, 4), "учитель", "педагог-наставник", D(2024, 9, 1), 8),
              ("Смирнова", "Ольга", "Николаевна", D(1970, 5, 5), "заместитель директора", "высшая", D(2023, 9, 1),
               30)],
    "sch-c": [("Орлова", "Елена", "Викторовна", D(1981, 3, 3), "учитель", "первая", D(2025, 1, 10), 19),
              ("Морозов", "Денис", "Ильич", D(2000, 6, 6), "учитель", "первая", D(2023, 8, 31), 3),
              ("Кузнецова", "Мария", "Сергеевна", None, "учитель", "соответствие занимаемой должности",
               D(2022, 4, 1), 9),
              ("Зайцев", "Антон", "Викторович", D(1960, 6, 6), "учитель", "высшая", None, 40)],
}
# school -> (teacher no. 1-4, title, provider, hours, end date)
COURSES = {
    "sch-a": [(1, "Курс X", "ИРО", 36, D(2022, 5, 1)), (1, "Курс Y", "ГМЦ", 72, D(2024, 3, 1)),
              (2, "Курс Z", "ИРО", 72, D(2025, 1, 10)), (3, "Курс Z", "ГМЦ", 36, D(2024, 11, 20))],
    "sch-b": [(1, "Курс Y", "ГМЦ", 72, D(2024, 3, 1)), (2, "Курс Z", "ИРО", 16, D(2025, 2, 2)),
              (3, "Курс W", "Академия", 108, D(2025, 3, 3)), (4, "Курс Z", "ГМЦ", 24, D(2024, 5, 5))],
    "sch-c": [(1, "Курс W", "Академия", 36, D(2025, 4, 4)), (2, "Курс X", "ИРО", 72, D(2023, 5, 1)),
              (3, "Курс Y", "ГМЦ", 18, D(2025, 5, 5)), (4, "Курс X", "ИРО", 36, D(2024, 6, 6))],
}
ATTESTATIONS = {"sch-c": [(4, D(2022, 1, 20), "высшая")]}  # Зайцев's category has no date in «Педагоги»
# school -> (student no., subject, stage, status, score, mentor no.)
OLYMPIADS = {
    "sch-a": [(0, "математика", "школьный", "победитель", 90, 2), (0, "математика", "муниципальный", "призёр", 70, 2),
              (0, "математика", "региональный", "участник", 40, 2), (1, "математика", "школьный", "участник", 30, 2),
              (2, "физика", "школьный", "призёр", 60, 1)],
    "sch-b": [(0, "математика", "школьный", "победитель", 88, 1), (0, "математика", "муниципальный", "участник", 35, 1),
              (1, "биология", "школьный", "участник", 20, None)],
    "sch-c": [(0, "русский язык", "школьный", "участник", 15, 1)],
}
# the lab's municipal protocol: (school row id, code, grade, subject, status, score, max score); sheet rows 2..
PROTOCOLS = [
    ("s-001", "М9-1", 9, "математика", "победитель", 48, 100),  # row 2: not above half the maximum
    ("s-002", "М9-2", 9, "математика", "призёр", 45, 100),
    ("s-003", "М9-3", 9, "математика", "участник", 40, 100),
    ("s-001", "Ф8-1", 8, "физика", "победитель", 80, 100),  # rows 5-8: three of four awarded (quota 45 %: 1)
    ("s-002", "Ф8-2", 8, "физика", "призёр", 70, 100),
    ("s-003", "Ф8-3", 8, "физика", "призёр", 60, 100),
    ("s-001", "Ф8-4", 8, "физика", "участник", 50, 100),
]


def school_frames(code: str, seed: int) -> dict[str, pd.DataFrame]:
    f = school_workbook(60, seed)
    ids = f["teachers"]["id"].head(4).tolist()
    t = pd.DataFrame([{"id": i, "last_name": a, "first_name": b, "middle_name": c, "birth_date": born,
                       "position": pos, "department_id": None, "category": cat, "category_date": since,
                       "education": "высшее педагогическое", "experience": exp}
                      for i, (a, b, c, born, pos, cat, since, exp) in zip(ids, STAFF[code], strict=True)])
    t["birth_date"], t["category_date"] = pd.to_datetime(t["birth_date"]), pd.to_datetime(t["category_date"])
    f["teachers"] = t
    f["classes"] = f["classes"].assign(class_teacher_id=None)
    f["departments"] = f["departments"].assign(head_id=None)
    f["courses"] = pd.DataFrame([{"id": f"k-{n}", "teacher_id": ids[no - 1], "title": title, "provider": prov,
                                  "hours": float(h), "start_date": end - pd.Timedelta(days=10), "end_date": end}
                                 for n, (no, title, prov, h, end) in enumerate(COURSES[code])])
    f["attestations"] = pd.DataFrame([{"id": f"at-{n}", "teacher_id": ids[no - 1], "date": d, "category": cat}
                                      for n, (no, d, cat) in enumerate(ATTESTATIONS.get(code, []))],
                                     columns=["id", "teacher_id", "date", "category"])
    students = older_students(f)
    subjects = dict(zip(f["subjects"]["name"], f["subjects"]["id"], strict=True))
    f["olympiads"] = pd.DataFrame([{"id": f"ol-{n}", "student_id": students[s], "subject_id": subjects[subj],
                                    "level": stage, "status": status, "score": float(score),
                                    "teacher_id": None if m is None else ids[m - 1], "date": D(2025, 10, 1)}
                                   for n, (s, subj, stage, status, score, m) in enumerate(OLYMPIADS[code])])
    f["practices"] = pd.DataFrame([{"id": "ppo-1", "teacher_id": ids[0], "topic": f"Опыт школы {code}: смысловое "
                                    "чтение", "level": "муниципальный", "date": D(2025, 11, 1), "description": None}])
    return f


def older_students(f: dict[str, pd.DataFrame]) -> list[str]:
    """Ids of the students of grades 7 and up, in sheet order (the olympiads' participants are taken from them)."""
    grade = f["students"]["class_id"].map(f["classes"].set_index("id")["parallel"])
    return f["students"].loc[(grade >= 7).fillna(False).to_numpy(dtype=bool), "id"].tolist()


def grade_of(f: dict[str, pd.DataFrame], student_no: int) -> int:
    sid = older_students(f)[student_no]
    cls = f["students"].set_index("id").loc[sid, "class_id"]
    return int(f["classes"].set_index("id").loc[cls, "parallel"])


def town_frames() -> dict[str, dict[str, pd.DataFrame]]:
    return {s.code: school_frames(s.code, 21 + i) for i, s in enumerate(TOWN)}


def build(root: Path, frames: dict[str, dict[str, pd.DataFrame]]) -> LabContext:
    ctx = build_lab_context(Settings(site="lab", data_dir=root, academic_year="2025/2026"))
    ctx.ensure_layout()
    grids = registry_grids(TOWN, "2025/2026")
    sheet = LAB_SCHEMA["municipal_olympiads"]
    rows = pd.DataFrame([{"id": f"mo-{i}", "school_id": s, "participant_code": code, "parallel": g, "subject": subj,
                          "status": st, "score": sc, "max_score": mx, "date": dt.date(2025, 12, 5)}
                         for i, (s, code, g, subj, st, sc, mx) in enumerate(PROTOCOLS)], columns=sheet.keys)
    grids[sheet.title] = render_grid(sheet, rows)
    for title, grid in grids.items():
        ctx.store.replace_sheet(title, grid)
    ctx.cache.refresh()
    for s in TOWN:
        bundle = make_bundle(root.parent / f"{s.code}.zip", frames[s.code], code=s.code)
        outcome = ingest_bundle(ctx.warehouse, ctx.receipts, bundle, "загрузка", CUBE, registered=ctx.registered())
        assert outcome.ok, outcome.problems
    ctx.engine.refresh()
    return ctx


def staff_town_dir(root: Path) -> Path:
    """The hand-set town stored in `root`, with the lab's three accounts (school A's uploader)."""
    build(root, town_frames()).engine.close()
    add_lab_accounts(root, "sch-a", "Ответственный школы А")
    return root

