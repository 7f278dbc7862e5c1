"""Students at risk: a rule-based list where every row says why, in words a class teacher can act on.

Rules (RiskRules, all configurable), applied to the facts passed in — select() them to a period first:
- at least `min_twos` marks «2»;
- at least `min_low` results far below the student's own usual level: z = (pct − own mean) / own standard
  deviation (sample, over the student's written results, at least `min_results` of them) at most −z_below and at
  least `min_drop_pp` points below the own mean (the drop rule keeps a very even student from being flagged for a
  small dip);
- optionally a falling trend (Theil–Sen slope of % of maximum) steeper than `falling_per_month`.
The own level mixes subjects on purpose: it is the student's usual level across everything they write.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .forecast import MONTH_DAYS, theil_sen, trend_points
from .indicators import PRESENT
from .labels import fmt_num

RISK_COLUMNS = ("student_id", "student", "class_id", "class", "n_twos", "n_low", "own_mean_pct", "slope_per_month",
                "reasons")


@dataclass(frozen=True)
class RiskRules:
    min_twos: int = 2
    z_below: float = 1.0
    min_drop_pp: float = 15.0
    min_results: int = 4
    min_low: int = 2
    falling_per_month: float | None = None  # e.g. 5.0: flag a slope of −5 п. п. a month or steeper


def _describe(rows: pd.DataFrame) -> pd.Series:
    """«Алгебра, «Входная» (15.09.2025)» per result row."""
    date = rows["date"].dt.strftime("%d.%m.%Y").fillna("")
    return rows["subject"].astype(str) + ", «" + rows["work"].astype(str) + "» (" + date + ")"


def students_at_risk(facts: pd.DataFrame, rules: RiskRules = RiskRules()) -> pd.DataFrame:
    """One row per student who meets a rule: counts, own mean, trend and the reasons text (Russian)."""
    written = (facts["present"] == PRESENT).fillna(False).to_numpy(dtype=bool)
    w = facts[written & (facts["mark"].notna() | facts["pct"].notna()).to_numpy()]
    w = w.sort_values(["student_id", "date"], kind="stable")
    is_two = (w["mark"] == 2).fillna(False).to_numpy(dtype=bool)
    grouped = w.groupby("student_id", sort=False)["pct"]
    count, mean, std = grouped.transform("count"), grouped.transform("mean"), grouped.transform("std")
    with np.errstate(divide="ignore", invalid="ignore"):
        z = ((w["pct"] - mean) / std.where(std > 0)).to_numpy(dtype=float)
    low = (count >= rules.min_results).to_numpy() & (z <= -rules.z_below) & \
        ((mean - w["pct"]).to_numpy(dtype=float) >= rules.min_drop_pp)
    per = pd.DataFrame({"student_id": w["student_id"].to_numpy(), "two": is_two.astype(np.int64),
                        "low": low.astype(np.int64), "pct": w["pct"].to_numpy(dtype=float)})
    stats = per.groupby("student_id", sort=False).agg(n_twos=("two", "sum"), n_low=("low", "sum"),
                                                      own_mean_pct=("pct", "mean"))
    flagged = (stats["n_twos"] >= rules.min_twos) | (stats["n_low"] >= rules.min_low)
    if rules.falling_per_month is not None:
        slopes = _slopes(w)
        flagged |= (slopes.reindex(stats.index) <= -rules.falling_per_month).fillna(False)
        stats["slope_per_month"] = slopes.reindex(stats.index)
    stats = stats[flagged.to_numpy()]
    if "slope_per_month" not in stats.columns:
        stats["slope_per_month"] = _slopes(w[w["student_id"].isin(stats.index)]).reindex(stats.index)
    if stats.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in RISK_COLUMNS})
    mine = w["student_id"].isin(stats.index).to_numpy()
    sel, sel_two, sel_low = w[mine], is_two[mine], low[mine]
    desc = _describe(sel)
    twos_text = desc[sel_two].groupby(sel["student_id"][sel_two], sort=False).agg("; ".join)
    low_rows = sel[sel_low]
    low_text = (desc[sel_low] + " — " + low_rows["pct"].map(lambda v: fmt_num(v, 0)) + " %").groupby(
        low_rows["student_id"], sort=False).agg("; ".join)
    info = sel.drop_duplicates("student_id").set_index("student_id")[["student", "class_id", "class"]]
    out = stats.join(info).reset_index()
    out["reasons"] = [_reasons(r, twos_text.get(r["student_id"], ""), low_text.get(r["student_id"], ""), rules)
                      for r in out.to_dict("records")]
    return out[list(RISK_COLUMNS)].sort_values(["class", "student"], kind="stable").reset_index(drop=True)


def _slopes(w: pd.DataFrame) -> pd.Series:
    """Theil–Sen slope of % of maximum per student, п. п. per month."""
    fit = theil_sen(trend_points(w, ["student_id"]), ["student_id"])
    return pd.Series(fit["slope"].to_numpy() * MONTH_DAYS, index=fit["student_id"].to_numpy())


def _reasons(row: dict, twos: str, low: str, rules: RiskRules) -> str:
    parts = []
    if row["n_twos"] >= rules.min_twos:
        parts.append(f"Отметка «2» в {row['n_twos']} {_works(row['n_twos'])}: {twos}")
    if row["n_low"] >= rules.min_low:
        parts.append(f"Результат намного ниже своего обычного уровня ({fmt_num(row['own_mean_pct'], 0)} % "
                     f"от максимума) в {row['n_low']} {_works(row['n_low'])}: {low}")
    slope = row["slope_per_month"]
    if slope is not None and not np.isnan(slope) and slope < 0:
        parts.append(f"Результаты снижаются: {fmt_num(slope)} п. п. в месяц")
    return ". ".join(parts) + "."


def _works(n: int) -> str:
    """Russian plural after «в N …»: в 1 работе, в 2 работах."""
    return "работе" if n % 10 == 1 and n % 100 != 11 else "работах"
