"""The town dashboard's aggregates below the school (class, teacher) and the signals' inputs, as portable SQL."""

from __future__ import annotations

from reports.district.aggregates import _COUNTS_SQL, _RAW_VIEWS, Aggregate

# One row per result with its class and subject ids (the class drill and the teacher drill join on them).
_FACTS_IDS = """
SELECT r.year, r.school, c.parallel AS parallel, c.id AS class_id, c.letter AS letter, w.subject_id AS subject_id,
       s.name AS subject, w.kind AS kind, r.present AS present, r.mark AS mark
FROM results r
JOIN works w ON w.id = r.work_id AND w.year = r.year AND w.school = r.school
LEFT JOIN subjects s ON s.id = w.subject_id AND s.year = w.year AND s.school = w.school
LEFT JOIN students st ON st.id = r.student_id AND st.year = r.year AND st.school = r.school
LEFT JOIN classes c ON c.id = st.class_id AND c.year = st.year AND c.school = st.school
"""

TOWN_BY_CLASS = Aggregate(
    "town_by_class", "Показатели классов школ (параллель × класс × предмет × вид работы)",
    f"""SELECT year, school, parallel, class_id, letter, subject, kind,
       {_COUNTS_SQL}
FROM ({_FACTS_IDS}) f
GROUP BY year, school, parallel, class_id, letter, subject, kind""", _RAW_VIEWS)

# A result counts for every teacher who teaches that subject in the student's class (a class split into groups
# shows under each of its teachers).
TOWN_BY_TEACHER = Aggregate(
    "town_by_teacher", "Показатели педагогов школ по предметам и видам работ (по нагрузке)",
    f"""SELECT f.year, f.school, f.subject, f.kind, t.id AS teacher_id, t.last_name AS last_name,
       t.first_name AS first_name, t.middle_name AS middle_name,
       {_COUNTS_SQL}
FROM ({_FACTS_IDS}) f
JOIN teaching_load l ON l.class_id = f.class_id AND l.subject_id = f.subject_id AND l.year = f.year
     AND l.school = f.school
JOIN teachers t ON t.id = l.teacher_id AND t.year = l.year AND t.school = l.school
GROUP BY f.year, f.school, f.subject, f.kind, t.id, t.last_name, t.first_name, t.middle_name""",
    (*_RAW_VIEWS, "teaching_load", "teachers"))

# A work's mark against the same student's period mark in that subject and period (ВПР objectivity: lowered,
# confirmed, raised). The mark the work gave minus the period mark: < 0 lowered, 0 confirmed, > 0 raised.
MARKS_VS_PERIOD = Aggregate(
    "marks_vs_period", "Отметки за работу против отметок за период, по школам",
    """SELECT r.year, r.school, s.name AS subject, w.parallel AS parallel, w.kind AS kind,
       SUM(CASE WHEN r.mark < p.mark THEN 1 ELSE 0 END) AS lowered,
       SUM(CASE WHEN r.mark = p.mark THEN 1 ELSE 0 END) AS confirmed,
       SUM(CASE WHEN r.mark > p.mark THEN 1 ELSE 0 END) AS raised
FROM results r
JOIN works w ON w.id = r.work_id AND w.year = r.year AND w.school = r.school
LEFT JOIN subjects s ON s.id = w.subject_id AND s.year = w.year AND s.school = w.school
JOIN period_marks p ON p.student_id = r.student_id AND p.subject_id = w.subject_id AND p.period = w.period
     AND p.year = r.year AND p.school = r.school
WHERE r.present = 'да' AND r.mark BETWEEN 1 AND 5 AND p.mark BETWEEN 1 AND 5
GROUP BY r.year, r.school, s.name, w.parallel, w.kind""",
    ("results", "works", "subjects", "period_marks"))

TOWN_AGGREGATES = {a.key: a for a in (TOWN_BY_CLASS, TOWN_BY_TEACHER, MARKS_VS_PERIOD)}
