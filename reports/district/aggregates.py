"""Every aggregate of the lab, defined once as portable SQL over the warehouse's views (DuckDB, Spark SQL).

Views are named after the bundle tables (results, works, subjects, students, classes, …) plus `cube`; each has the
hive partition columns `year` and `school`. Only ANSI constructs are used (CASE inside SUM, no FILTER, no
engine-specific functions), so the same text runs on DuckDB embedded and on a cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

MARKS = (5, 4, 3, 2, 1)
COUNTS = ("N", *(f"n{m}" for m in MARKS), "absent", "enrolled")
CUBE_KEYS = ("parallel", "subject", "kind", "period")


@dataclass(frozen=True)
class Aggregate:
    key: str
    title: str  # Russian, for pages and the benchmark
    sql: str
    views: tuple[str, ...]


# One row per result with the keys the lab groups by; joins stay inside one school-year.
FACTS = """
SELECT r.year, r.school, c.parallel AS parallel, s.name AS subject, w.kind AS kind, w.period AS period,
       r.present AS present, r.mark AS mark
FROM results r
JOIN works w ON w.id = r.work_id AND w.year = r.year AND w.school = r.school
LEFT JOIN subjects s ON s.id = w.subject_id AND s.year = w.year AND s.school = w.school
LEFT JOIN students st ON st.id = r.student_id AND st.year = r.year AND st.school = r.school
LEFT JOIN classes c ON c.id = st.class_id AND c.year = st.year AND c.school = st.school
"""

_COUNTS_SQL = ",\n       ".join([
    "SUM(CASE WHEN present = 'да' AND mark BETWEEN 1 AND 5 THEN 1 ELSE 0 END) AS N",
    *(f"SUM(CASE WHEN present = 'да' AND mark = {m} THEN 1 ELSE 0 END) AS n{m}" for m in MARKS),
    "SUM(CASE WHEN present = 'нет' THEN 1 ELSE 0 END) AS absent",
    "COUNT(*) AS enrolled",
])
_SUMS_SQL = ",\n       ".join(f"SUM({c}) AS {c}" for c in COUNTS)
_RAW_VIEWS = ("results", "works", "subjects", "students", "classes")

CUBE = Aggregate(
    "cube", "Куб показателей школы-года (параллель × предмет × вид работы × период)",
    f"""SELECT year, school, parallel, subject, kind, period,
       {_COUNTS_SQL}
FROM ({FACTS}) f
GROUP BY year, school, parallel, subject, kind, period""", _RAW_VIEWS)

TOWN_BY_SCHOOL_FROM_CUBE = Aggregate(
    "town_by_school", "Показатели школ города по видам работ (из кубов)",
    f"""SELECT year, school, kind,
       {_SUMS_SQL}
FROM cube
GROUP BY year, school, kind""", ("cube",))

TOWN_BY_SCHOOL_FROM_RAW = Aggregate(
    "town_by_school_raw", "Показатели школ города по видам работ (из исходных фактов)",
    f"""SELECT year, school, kind,
       {_COUNTS_SQL}
FROM ({FACTS}) f
GROUP BY year, school, kind""", _RAW_VIEWS)

TOWN_BY_SUBJECT = Aggregate(
    "town_by_subject", "Показатели города по параллелям и предметам (из кубов)",
    f"""SELECT year, parallel, subject, kind,
       {_SUMS_SQL}
FROM cube
GROUP BY year, parallel, subject, kind""", ("cube",))

STAFF_BY_CATEGORY = Aggregate(
    "staff_by_category", "Педагоги школ по квалификационным категориям",
    """SELECT year, school, category, COUNT(*) AS teachers
FROM teachers
GROUP BY year, school, category""", ("teachers",))

ROW_COUNTS = Aggregate(
    "row_counts", "Строк результатов по школам",
    """SELECT year, school, COUNT(*) AS results FROM results GROUP BY year, school""", ("results",))

AGGREGATES = {a.key: a for a in (CUBE, TOWN_BY_SCHOOL_FROM_CUBE, TOWN_BY_SCHOOL_FROM_RAW, TOWN_BY_SUBJECT,
                                 STAFF_BY_CATEGORY, ROW_COUNTS)}
