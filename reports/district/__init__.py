"""The lab's aggregates over the warehouse, declared engine-neutral (SQL); `sync` executes them, never this package."""

from reports.district.aggregates import AGGREGATES, CUBE, TOWN_BY_SCHOOL_FROM_CUBE, TOWN_BY_SCHOOL_FROM_RAW, Aggregate
from reports.district.cycle_sql import CYCLE_AGGREGATES
from reports.district.dynamics import STORED_CUBE
from reports.district.indicators import with_rates
from reports.district.scores import SCORE_DISTRIBUTION, SCORES_TABLE, STORED_SCORES
from reports.district.staff_sql import STAFF_AGGREGATES
from reports.district.tasks import MATERIALISED_TASKS, TASK_AGGREGATES
from reports.district.town_data import FORECAST_AGGREGATES
from reports.district.town_sql import TOWN_AGGREGATES

# one registry: every engine (and its parity test) runs the town's aggregates too
AGGREGATES.update({**TOWN_AGGREGATES, **TASK_AGGREGATES, **STAFF_AGGREGATES,
                   **FORECAST_AGGREGATES, **CYCLE_AGGREGATES, SCORE_DISTRIBUTION.key: SCORE_DISTRIBUTION,
                   STORED_CUBE.key: STORED_CUBE, STORED_SCORES.key: STORED_SCORES})

# The tables intake stores for every school-year beside the bundle's own, each with the aggregate that makes it from
# that school-year's raw tables — also what an engine reads instead where a school-year lacks the stored table.
MATERIALISED: dict[str, Aggregate] = {"cube": CUBE, SCORES_TABLE: SCORE_DISTRIBUTION, **MATERIALISED_TASKS}
MATERIALISED_SQL = {name: a.sql for name, a in MATERIALISED.items()}  # what an engine computes where one is missing

__all__ = ["AGGREGATES", "CUBE", "MATERIALISED", "MATERIALISED_SQL", "TOWN_BY_SCHOOL_FROM_CUBE",
           "TOWN_BY_SCHOOL_FROM_RAW", "Aggregate", "with_rates"]
