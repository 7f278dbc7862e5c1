"""Students at risk: a rule-based list where every row says why, in words a class teacher can act on.

Rules (RiskRules, all configurable), applied to the facts passed in — select() them to a period first:
- at least `min_twos` marks «2»;
- at least `min_low` results far below the student's own usual level: z = (pct − own mean) / own standard
  deviation (sample, over the student's written results, at least `min_results` of them) at most −z_below and at
  least `min_drop_pp` points below the own mean (the drop rule keeps a very even student from being flagged for a
  small dip);
- optionally a falling trend (Theil–Sen slope of % of maximum) steeper than `falling_per_month`, over results
  at least `min_trend_days` apart (a trend sentence in the reasons needs the same span).
The own level mixes subjects on purpose: it is the student's usual level across everything they write.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .forecast import MONTH_DAYS, theil_sen
from .groups import first_rows, group_codes
from .indicators import PRESENT
from .labels import fmt_num

_COLUMNS = ("student_id", "student", "class_id", "class", "subject", "work", "date", "pct", "mark")
RISK_COLUMNS = ("student_id", "student", "class_id", "class", "n_twos", "n_low", "own_mean_pct", "slope_per_month",
                "reasons")


@dataclass(frozen=True)
class RiskRules:
    """Thresholds of the rules in the module docstring; the defaults flag two «2» or two results ≥ 20 points and
    ≥ 1 standard deviation below the student's own mean of at least four results."""

    min_twos: int = 2
    z_below: float = 1.0
    min_drop_pp: float = 20.0
    min_results: int = 4
    min_low: int = 2
    falling_per_month: float | None = None  # e.g. 5.0: flag a slope of −5 п. п. a month or steeper
    min_trend_days: int = 28  # a trend over results closer together than this is noise, not a trend


def students_at_risk(facts: pd.DataFrame, rules: RiskRules = RiskRules()) -> pd.DataFrame:
    """One row per student who meets a rule: counts, own mean, trend and the reasons text (Russian), in the
    order of the fact frame's student categories (class, then name)."""
    written = (facts["present"] == PRESENT).fillna(False).to_numpy(dtype=bool)
    usable = written & (facts["mark"].notna() | facts["pct"].notna()).to_numpy(dtype=bool)
    w = facts.loc[usable, list(_COLUMNS)].reset_index(drop=True)
    g, keys = group_codes(w, ["student_id"])
    n = len(keys)
    pct = w["pct"].to_numpy(dtype=float)
    has = ~np.isnan(pct) & (g >= 0)
    gh, ph = g[has], pct[has]
    count = np.bincount(gh, minlength=n).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.bincount(gh, weights=ph, minlength=n) / count
        var = (np.bincount(gh, weights=ph * ph, minlength=n) - count * mean * mean) / (count - 1)
        std = np.sqrt(np.clip(var, 0.0, None))
        gi = np.maximum(g, 0)
        z = (pct - mean[gi]) / np.where(std[gi] > 0, std[gi], np.nan)
    low = (g >= 0) & (count[gi] >= rules.min_results) & (z <= -rules.z_below) & \
        (mean[gi] - pct >= rules.min_drop_pp)
    two = (g >= 0) & (w["mark"] == 2).fillna(False).to_numpy(dtype=bool)
    n_twos = np.bincount(g[two], minlength=n)
    n_low = np.bincount(g[low], minlength=n)
    flagged = (n_twos >= rules.min_twos) | (n_low >= rules.min_low)
    if rules.falling_per_month is not None:
        slope = _slopes(w, g, n, np.ones(n, dtype=bool), rules.min_trend_days)
        flagged |= slope <= -rules.falling_per_month
    else:
        slope = _slopes(w, g, n, flagged, rules.min_trend_days)
    chosen = np.flatnonzero(flagged)
    if not len(chosen):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in RISK_COLUMNS})
    rows = first_rows(g, n)[chosen]
    twos_text, low_text = _details(w, g, flagged & (n_twos >= rules.min_twos), two, flagged & (n_low >= rules.min_low),
                                   low)
    out = pd.DataFrame({
        "student_id": keys["student_id"].array.take(chosen), "student": w["student"].array.take(rows),
        "class_id": w["class_id"].array.take(rows), "class": w["class"].array.take(rows),
        "n_twos": n_twos[chosen], "n_low": n_low[chosen], "own_mean_pct": mean[chosen],
        "slope_per_month": slope[chosen],
    })
    out["reasons"] = [_reasons(int(a), int(b), m, s, twos_text.get(k, ""), low_text.get(k, ""), rules)
                      for k, a, b, m, s in zip(chosen, n_twos[chosen], n_low[chosen], mean[chosen], slope[chosen],
                                               strict=True)]
    return out


def _slopes(w: pd.DataFrame, g: np.ndarray, n: int, which: np.ndarray, min_days: int) -> np.ndarray:
    """Theil–Sen slope of % of maximum (п. п. per month) for the chosen students, NaN for the rest and for those
    whose results span fewer than `min_days` days (two works three days apart make no monthly trend)."""
    mine = (g >= 0) & which[np.maximum(g, 0)] & w["pct"].notna().to_numpy()
    out = np.full(n, np.nan)
    if not mine.any():
        return out
    pts = pd.DataFrame({"_g": g[mine], "date": w["date"].to_numpy()[mine], "pct": w["pct"].to_numpy()[mine]})
    pts = pts.groupby(["_g", "date"], sort=True)["pct"].mean().reset_index()
    fit = theil_sen(pts, ["_g"])
    out[fit["_g"].to_numpy()] = fit["slope"].to_numpy() * MONTH_DAYS
    dates = pts["date"].to_numpy(dtype="datetime64[ns]")
    gs = pts["_g"].to_numpy()
    first = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    last = first.copy()
    order = np.argsort(gs, kind="stable")  # pts are sorted by (_g, date): first and last date of each student
    starts = np.r_[0, np.flatnonzero(np.diff(gs[order])) + 1]
    ends = np.r_[starts[1:], len(order)] - 1
    first[gs[order][starts]], last[gs[order][starts]] = dates[order][starts], dates[order][ends]
    span = (last - first) / np.timedelta64(1, "D")
    out[~(span >= min_days)] = np.nan
    return out


def _details(w: pd.DataFrame, g: np.ndarray, want_two: np.ndarray, two: np.ndarray, want_low: np.ndarray,
             low: np.ndarray) -> tuple[dict[int, str], dict[int, str]]:
    """Per student (group number): the works with «2», and the works far below the usual level with their %."""
    gi = np.maximum(g, 0)
    two, low = two & want_two[gi], low & want_low[gi]
    rows = np.flatnonzero(two | low)
    rows = rows[np.argsort(w["date"].to_numpy()[rows], kind="stable")]
    codes, days = pd.factorize(w["date"].iloc[rows])  # a few dozen work dates: format each once
    dates = np.append(pd.Series(days).dt.strftime("%d.%m.%Y").fillna("").to_numpy(dtype=object), "")[codes]
    twos: dict[int, list[str]] = {}
    lows: dict[int, list[str]] = {}
    columns = zip(g[rows], w["subject"].to_numpy(dtype=object)[rows], w["work"].to_numpy(dtype=object)[rows], dates,
                  w["pct"].to_numpy(dtype=float)[rows], two[rows], low[rows], strict=True)
    for student, subject, work, date, pct, is_two, is_low in columns:
        text = f"{subject}, «{work}» ({date})"
        if is_two:
            twos.setdefault(student, []).append(text)
        if is_low:
            lows.setdefault(student, []).append(f"{text} — {fmt_num(pct, 0)} %")
    return ({k: "; ".join(v) for k, v in twos.items()}, {k: "; ".join(v) for k, v in lows.items()})


def _reasons(n_twos: int, n_low: int, own_mean: float, slope: float, twos: str, low: str, rules: RiskRules) -> str:
    parts = []
    if n_twos >= rules.min_twos:
        parts.append(f"Отметка «2» в {n_twos} {_works(n_twos)}: {twos}")
    if n_low >= rules.min_low:
        parts.append(f"Результат намного ниже своего обычного уровня ({fmt_num(own_mean, 0)} % от максимума) "
                     f"в {n_low} {_works(n_low)}: {low}")
    if not np.isnan(slope) and slope < 0:
        parts.append(f"Результаты снижаются: {fmt_num(slope)} п. п. в месяц")
    return ". ".join(parts) + "."


def _works(n: int) -> str:
    """Russian plural after «в N …»: в 1 работе, в 2 работах."""
    return "работе" if n % 10 == 1 and n % 100 != 11 else "работах"
