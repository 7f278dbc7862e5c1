"""Pure analytics over the validated workbook's DataFrames: no I/O, no UI, no store.

Typical use: `facts = results_facts(workbook)` once per cache refresh, then any indicator over `select(facts, …)`.
"""

from reports.analytics.dynamics import DYNAMICS_KINDS, dynamics
from reports.analytics.facts import FACT_COLUMNS, results_facts, select
from reports.analytics.forecast import (
    Backtest,
    ExamForecast,
    backtest,
    exam_forecast,
    forecast_next,
    predict,
    theil_sen,
    trend_points,
)
from reports.analytics.indicators import (
    LEVEL_BANDS,
    SOU_WEIGHTS,
    SUMMARY_COLUMNS,
    Band,
    LevelBands,
    MarkSummary,
    classify,
    mark_summary,
    summarize,
    with_levels,
)
from reports.analytics.marks import marks_by_thresholds, pct_to_mark, threshold_problems
from reports.analytics.objectivity import Objectivity, ObjectivityRules, Signal, last_period_marks, objectivity
from reports.analytics.periods import CALENDAR, PeriodCalendar, in_period
from reports.analytics.risk import RiskRules, students_at_risk
from reports.analytics.rollup import (
    CLASS_AXIS,
    SUBJECT_AXIS,
    Level,
    children,
    class_rollup,
    parallel_label,
    rollup,
    subject_rollup,
)
from reports.analytics.staff import (
    AGE_BANDS,
    EXPERIENCE_BANDS,
    Bands,
    StaffComposition,
    attestation_due,
    no_recent_courses,
    olympiad_stats,
    staff_composition,
)
from reports.analytics.tasks import Cells, WeakRule, element_analysis, solved_share, task_analysis, unpack_scores
from reports.analytics.teachers import teacher_facts, teachers_by_profile
from reports.labels import INDICATOR_LABELS, Table, column_title, column_titles, titled
from reports.spravka.document import Chart, Figures, Paragraph, Section, Spravka, TableBlock
from reports.spravka.school import (
    ClassNotFound,
    ParallelNotFound,
    PeriodNotFound,
    SpravkaNotFound,
    TeacherNotFound,
    class_spravka,
    parallel_spravka,
    school_spravka,
    teacher_spravka,
)
from reports.spravka.staff import olympiad_document, staff_document

__all__ = [
    "AGE_BANDS", "CALENDAR", "CLASS_AXIS", "DYNAMICS_KINDS", "EXPERIENCE_BANDS", "FACT_COLUMNS", "INDICATOR_LABELS",
    "LEVEL_BANDS", "SOU_WEIGHTS", "SUBJECT_AXIS", "SUMMARY_COLUMNS", "Backtest", "Band", "Bands", "Cells",
    "ExamForecast", "Level", "LevelBands", "MarkSummary", "Objectivity", "ObjectivityRules", "PeriodCalendar",
    "RiskRules", "Signal", "StaffComposition", "Table", "WeakRule", "attestation_due", "backtest", "children",
    "class_rollup", "classify", "column_title", "column_titles", "dynamics", "element_analysis", "exam_forecast",
    "forecast_next", "in_period", "last_period_marks", "mark_summary", "marks_by_thresholds", "no_recent_courses",
    "objectivity", "olympiad_stats", "parallel_label", "pct_to_mark", "predict", "results_facts", "rollup", "select",
    "solved_share", "staff_composition", "students_at_risk", "subject_rollup", "summarize", "task_analysis",
    "teacher_facts", "teachers_by_profile", "theil_sen", "threshold_problems", "titled", "trend_points",
    "unpack_scores", "with_levels",
    # справки as documents (reports.spravka.document); the exporters (export_docx, export_xlsx, export_pdf) lay them out
    "Chart", "ClassNotFound", "Figures", "Paragraph", "ParallelNotFound", "PeriodNotFound", "Section", "Spravka",
    "SpravkaNotFound", "TableBlock", "TeacherNotFound", "class_spravka", "olympiad_document", "parallel_spravka",
    "school_spravka", "staff_document", "teacher_spravka",
]
