"""The contingent next year by cohort shift, with the method's error on past years of the warehouse.

Next year's parallel p of a school is this year's parallel p − 1 times the school's survival ratio for that step
(students in p a year later over students in p − 1, from the last pair of consecutive years before the origin;
1 where the warehouse holds no such pair); parallel 1 keeps this year's intake. Only the parallels the school has
this year are forecast (an ООШ gets no 10th grade). The check replays the same method from every earlier year
whose next year is in the warehouse and compares with what came: the mean absolute error in students per
parallel and in % of the actual number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.labels import fmt_num
from reports.spravka.narrative import plural

COLUMNS = ("school", "parallel", "from_students", "ratio", "forecast")


def _table(contingent: pd.DataFrame) -> dict[tuple[int, str], dict[int, int]]:
    out: dict[tuple[int, str], dict[int, int]] = {}
    for y, s, p, n in contingent[["year", "school", "parallel", "students"]].itertuples(index=False):
        if p == p and n == n:
            out.setdefault((int(y), str(s)), {})[int(p)] = int(n)
    return out


def shift(contingent: pd.DataFrame, origin: int) -> pd.DataFrame:
    """Every school's students per parallel in `origin + 1` forecast from `origin` (data after origin unused)."""
    t = _table(contingent)
    rows = []
    for (y, school), now in sorted(t.items()):
        if y != origin:
            continue
        before = t.get((origin - 1, school), {})
        for p in sorted(now):
            if p == 1:
                rows.append((school, 1, now[1], 1.0, float(now[1])))
                continue
            if p - 1 not in now:
                continue
            ratio = now[p] / before[p - 1] if before.get(p - 1) else 1.0
            rows.append((school, p, now[p - 1], ratio, now[p - 1] * ratio))
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.assign(year=origin + 1)


@dataclass(frozen=True)
class ContingentCheck:
    cases: int  # school × parallel forecasts compared with what came
    years: tuple[int, ...]  # the years that were forecast
    mae: float  # students per parallel
    mape: float  # % of the actual number

    def sentence(self) -> str:
        if not self.cases:
            return ("Прогноз не проверен: в хранилище нет двух последовательных прошлых лет, на которых его можно "
                    "было бы проверить.")
        years = ", ".join(f"{y}/{y + 1}" for y in self.years)
        cases = f"{self.cases} {plural(self.cases, 'параллель', 'параллели', 'параллелей')}"
        return (f"На прошлых годах ({years}; {cases}) "
                f"прогноз ошибался в среднем на {fmt_num(self.mae)} обучающихся на параллель "
                f"({fmt_num(self.mape)} % от фактического числа).")


def backtest(contingent: pd.DataFrame, before: int | None = None) -> tuple[ContingentCheck, pd.DataFrame]:
    """The method replayed from every origin whose next year is known (and, with `before`, earlier than it)."""
    t = _table(contingent)
    years = sorted({y for y, _ in t})
    frames = []
    for origin in years:
        target = origin + 1
        if target not in years or (before is not None and target >= before):
            continue
        f = shift(contingent, origin)
        actual = [t.get((target, s), {}).get(int(p)) for s, p in f[["school", "parallel"]].itertuples(index=False)]
        f["actual"] = pd.array(actual, dtype="Int64")
        frames.append(f[f["actual"].notna().to_numpy()])
    errors = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*COLUMNS, "year", "actual"])
    if errors.empty:
        return ContingentCheck(0, (), float("nan"), float("nan")), errors
    err = errors["forecast"].to_numpy(dtype=float) - errors["actual"].to_numpy(dtype=float)
    errors["error"] = err
    actual = errors["actual"].to_numpy(dtype=float)
    mape = float(np.mean(np.abs(err[actual > 0]) / actual[actual > 0]) * 100.0) if (actual > 0).any() else np.nan
    return ContingentCheck(len(errors), tuple(sorted(int(y) for y in errors["year"].unique())),
                           float(np.abs(err).mean()), mape), errors


def next_year(contingent: pd.DataFrame) -> tuple[pd.DataFrame, ContingentCheck]:
    """The forecast from the latest year in the warehouse and the check of the method on the years before."""
    if contingent.empty:
        return pd.DataFrame(columns=[*COLUMNS, "year"]), ContingentCheck(0, (), float("nan"), float("nan"))
    latest = int(contingent["year"].max())
    return shift(contingent, latest), backtest(contingent, before=latest + 1)[0]
