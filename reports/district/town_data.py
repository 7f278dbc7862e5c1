"""What the town's справки, forecasts and the management cycle read from the warehouse, gathered once: the cube, the
marks against period marks, the per-task sums, the per-result facts of the forecasts, the registry of schools and
the signal thresholds. `gather` takes the engine's `run` (sync executes the SQL; this package only declares it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from reports.district.aggregates import Aggregate
from reports.district.dynamics import STORED_CUBE
from reports.district.signals import SignalSettings, objectivity
from reports.district.tasks import anomalous_profiles, per_task_of
from reports.district.town_sql import MARKS_VS_PERIOD

Runner = Callable[[Aggregate], pd.DataFrame]

# One row per written result with its pseudonymous student code, date (as ISO text: the same on every engine) and
# total: the forecasts' input (codes only; the lab holds no names).
RESULT_FACTS = Aggregate(
    "result_facts", "Результаты работ с датами и долей от максимума (для прогнозов)",
    """SELECT r.year, r.school, r.student_id, st.class_id AS class_id, w.id AS work_id, w.parallel AS parallel,
       s.name AS subject, w.kind AS kind, CAST(w.date AS VARCHAR) AS date, w.max_score AS max_score,
       w.threshold_3 AS threshold_3, w.threshold_4 AS threshold_4, w.threshold_5 AS threshold_5, r.total AS total,
       CAST(r.mark AS DOUBLE) AS mark
FROM results r
JOIN works w ON w.id = r.work_id AND w.year = r.year AND w.school = r.school
LEFT JOIN subjects s ON s.id = w.subject_id AND s.year = w.year AND s.school = w.school
LEFT JOIN students st ON st.id = r.student_id AND st.year = r.year AND st.school = r.school
WHERE r.present = 'да'""", ("results", "works", "subjects", "students"))

# Students per parallel of each school-year (the contingent), from the students' classes.
CONTINGENT = Aggregate(
    "contingent", "Обучающиеся по параллелям школ",
    """SELECT st.year, st.school, c.parallel AS parallel, COUNT(*) AS students
FROM students st
JOIN classes c ON c.id = st.class_id AND c.year = st.year AND c.school = st.school
GROUP BY st.year, st.school, c.parallel""", ("students", "classes"))

FORECAST_AGGREGATES = {a.key: a for a in (RESULT_FACTS, CONTINGENT)}


@dataclass
class TownData:
    """The town's numbers as the lab's documents read them; `signals` and `per_task` are derived here once."""

    cube: pd.DataFrame
    vs_period: pd.DataFrame
    per_task: pd.DataFrame
    schools: pd.DataFrame
    settings: SignalSettings = field(default_factory=SignalSettings)
    facts: pd.DataFrame | None = None
    contingent: pd.DataFrame | None = None
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)  # tables a registered справка reads itself
    _signals: pd.DataFrame | None = None

    @property
    def types(self) -> dict[str, str]:
        return dict(zip(self.schools["code"].astype(str), self.schools["type"].astype(str), strict=True))

    @property
    def names(self) -> dict[str, str]:
        return dict(zip(self.schools["code"].astype(str), self.schools["short_name"].astype(str), strict=True))

    def name(self, code: str) -> str:
        return self.names.get(str(code), str(code))

    @property
    def signals(self) -> pd.DataFrame:
        if self._signals is None:
            self._signals = objectivity(self.cube, self.vs_period, self.types, self.settings,
                                        anomalous_profiles(self.per_task))
        return self._signals

    def years(self) -> list[int]:
        return sorted(int(y) for y in self.cube["year"].dropna().unique()) if len(self.cube) else []

    def latest_year(self) -> int | None:
        years = self.years()
        return years[-1] if years else None


def gather(run: Runner, schools: pd.DataFrame, settings: SignalSettings | None = None, *,
           forecasts: bool = False) -> TownData:
    """Everything a справка needs, through the engine's `run`; `forecasts` adds the per-result facts and the
    contingent (the forecast page and the school's profile). The cube is the one intake stored (the same rows as
    CUBE over the raw results)."""
    data = TownData(run(STORED_CUBE), run(MARKS_VS_PERIOD), per_task_of(run), schools,
                    settings or SignalSettings())
    if forecasts:
        data.facts = run(RESULT_FACTS)
        data.contingent = run(CONTINGENT)
    return data
