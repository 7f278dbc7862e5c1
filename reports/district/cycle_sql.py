"""The management cycle's indicators that read tables beyond the cube (olympiads, students and classes, teachers,
courses), as portable SQL like every aggregate of the lab."""

from __future__ import annotations

from reports.district.aggregates import Aggregate

CYCLE_OLYMPIADS = Aggregate(
    "cycle_olympiads", "Призёры и победители олимпиад по школам",
    """SELECT year, school, SUM(CASE WHEN status IN ('призёр', 'победитель') THEN 1 ELSE 0 END) AS prized,
       COUNT(*) AS entries
FROM olympiads GROUP BY year, school""", ("olympiads",))
CYCLE_STUDENTS = Aggregate(
    "cycle_students", "Обучающиеся школ: всего, в 10–11 классах, в профильных 10–11 классах",
    """SELECT st.year, st.school, COUNT(*) AS students,
       SUM(CASE WHEN c.parallel >= 10 THEN 1 ELSE 0 END) AS senior,
       SUM(CASE WHEN c.parallel >= 10 AND c.profile <> 'универсальный' THEN 1 ELSE 0 END) AS profiled
FROM students st JOIN classes c ON c.id = st.class_id AND c.year = st.year AND c.school = st.school
GROUP BY st.year, st.school""", ("students", "classes"))
CYCLE_TEACHERS = Aggregate(
    "cycle_teachers", "Педагоги школ: всего и с высшей, первой или новыми категориями",
    """SELECT year, school, COUNT(*) AS teachers,
       SUM(CASE WHEN category IN ('высшая', 'первая', 'педагог-методист', 'педагог-наставник') THEN 1 ELSE 0 END)
           AS categorised
FROM teachers GROUP BY year, school""", ("teachers",))
CYCLE_COURSES = Aggregate(
    "cycle_courses", "Последние курсы повышения квалификации каждого педагога",
    """SELECT year, school, teacher_id, CAST(MAX(end_date) AS VARCHAR) AS last_end
FROM courses GROUP BY year, school, teacher_id""",
    ("courses",))
CYCLE_AGGREGATES = {a.key: a for a in (CYCLE_OLYMPIADS, CYCLE_STUDENTS, CYCLE_TEACHERS, CYCLE_COURSES)}
