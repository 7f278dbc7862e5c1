"""The warehouse reads of the town's staff, olympiad and best-practice databases, as portable SQL (DuckDB, Spark).

Dates leave the SQL as ISO text (CAST … AS VARCHAR): both engines then hand pandas the same type, and the
pandas side parses them once. The statistics over people (matching one person across schools, attestation terms,
bands) are taken in reports.district.staff_db with the school's own rules, never restated here."""

from __future__ import annotations

from reports.district.aggregates import Aggregate

STAFF_ROWS = Aggregate(
    "staff_rows", "Педагоги и руководители школ (строки кадровой базы)",
    """SELECT t.year, t.school, t.id AS teacher_id, t.last_name, t.first_name, t.middle_name, t.birth_year,
       t.position, t.category, CAST(t.category_date AS VARCHAR) AS category_date, t.education, t.experience
FROM teachers t""", ("teachers",))

STAFF_COURSES = Aggregate(
    "staff_courses", "Курсы повышения квалификации педагогов школ",
    """SELECT c.year, c.school, c.teacher_id, c.title, c.provider, c.hours,
       CAST(c.end_date AS VARCHAR) AS end_date
FROM courses c""", ("courses",))

STAFF_ATTESTATIONS = Aggregate(
    "staff_attestations", "Аттестации педагогов школ",
    """SELECT a.year, a.school, a.teacher_id, CAST(a.date AS VARCHAR) AS date, a.category
FROM attestations a""", ("attestations",))

# One row per olympiad entry of a school's bundle with the grade of the participant's class (students are codes).
_ENTRIES = """
SELECT o.year, o.school, o.student_id AS participant, s.name AS subject, o.level AS stage, o.status, o.score,
       c.parallel AS grade, o.teacher_id,
       CASE o.level WHEN 'школьный' THEN 1 WHEN 'муниципальный' THEN 2 WHEN 'региональный' THEN 3
                    WHEN 'заключительный' THEN 4 ELSE 0 END AS stage_no
FROM olympiads o
LEFT JOIN subjects s ON s.id = o.subject_id AND s.year = o.year AND s.school = o.school
LEFT JOIN students st ON st.id = o.student_id AND st.year = o.year AND st.school = o.school
LEFT JOIN classes c ON c.id = st.class_id AND c.year = st.year AND c.school = st.school
"""
_OLYMPIAD_VIEWS = ("olympiads", "subjects", "students", "classes")

OLYMPIAD_COUNTS = Aggregate(
    "olympiad_counts", "Олимпиады: участники, призёры и победители по школам, предметам, классам и этапам",
    f"""SELECT year, school, subject, grade, stage, stage_no, COUNT(*) AS participants,
       SUM(CASE WHEN status = 'призёр' THEN 1 ELSE 0 END) AS prize_winners,
       SUM(CASE WHEN status = 'победитель' THEN 1 ELSE 0 END) AS winners,
       COUNT(DISTINCT participant) AS students
FROM ({_ENTRIES}) e
GROUP BY year, school, subject, grade, stage, stage_no""", _OLYMPIAD_VIEWS)

# Participants of a stage found at the next stage in the same subject and year: they passed.
OLYMPIAD_PASSED = Aggregate(
    "olympiad_passed", "Олимпиады: прошедшие на следующий этап",
    f"""SELECT a.year, a.school, a.subject, a.grade, a.stage, a.stage_no, COUNT(DISTINCT a.participant) AS passed
FROM ({_ENTRIES}) a
JOIN ({_ENTRIES}) b ON b.year = a.year AND b.school = a.school AND b.participant = a.participant
     AND b.subject = a.subject AND b.stage_no = a.stage_no + 1
GROUP BY a.year, a.school, a.subject, a.grade, a.stage, a.stage_no""", _OLYMPIAD_VIEWS)

OLYMPIAD_MENTORS = Aggregate(
    "olympiad_mentors", "Олимпиады: наставники участников, призёров и победителей",
    f"""SELECT e.year, e.school, e.teacher_id, t.last_name, t.first_name, t.middle_name, e.subject, e.stage,
       e.stage_no, COUNT(*) AS participants,
       SUM(CASE WHEN e.status = 'призёр' THEN 1 ELSE 0 END) AS prize_winners,
       SUM(CASE WHEN e.status = 'победитель' THEN 1 ELSE 0 END) AS winners
FROM ({_ENTRIES}) e
JOIN teachers t ON t.id = e.teacher_id AND t.year = e.year AND t.school = e.school
GROUP BY e.year, e.school, e.teacher_id, t.last_name, t.first_name, t.middle_name, e.subject, e.stage,
         e.stage_no""", (*_OLYMPIAD_VIEWS, "teachers"))

PRACTICE_ROWS = Aggregate(
    "practice_rows", "ППО педагогов школ (из пакетов)",
    """SELECT p.year, p.school, p.id AS practice_id, p.teacher_id, t.last_name, t.first_name, t.middle_name,
       p.topic, p.level, CAST(p.date AS VARCHAR) AS date, p.description, d.name AS department
FROM practices p
LEFT JOIN teachers t ON t.id = p.teacher_id AND t.year = p.year AND t.school = p.school
LEFT JOIN departments d ON d.id = t.department_id AND d.year = t.year AND d.school = t.school""",
    ("practices", "teachers", "departments"))

TEACHER_SUBJECTS = Aggregate(
    "teacher_subjects", "Предметы педагогов школ (по нагрузке)",
    """SELECT DISTINCT l.year, l.school, l.teacher_id, s.name AS subject
FROM teaching_load l
JOIN subjects s ON s.id = l.subject_id AND s.year = l.year AND s.school = l.school""",
    ("teaching_load", "subjects"))

STAFF_AGGREGATES = {a.key: a for a in (STAFF_ROWS, STAFF_COURSES, STAFF_ATTESTATIONS, OLYMPIAD_COUNTS,
                                       OLYMPIAD_PASSED, OLYMPIAD_MENTORS, PRACTICE_ROWS, TEACHER_SUBJECTS)}
