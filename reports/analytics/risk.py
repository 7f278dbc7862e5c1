"""Students at risk: a rule-based list where every row says why, in words a class teacher can act on.

Rules (RiskRules, all configurable), applied to the facts passed in — select() them to a period first:
- at least `min_twos` unsatisfactory marks (`mark <= 2`: «2» and the rare «1»);
- at least `min_low` results far below the student's own usual level: z = (pct − own mean) / own standard
  deviation at most −z_below and at least `min_drop_pp` points below the own mean (the drop rule keeps a very even
  student from being flagged for a small dip). The own level is leave-one-out: the mean and sample deviation of the
  student's *other* written results (at least `min_results` of them), so a bad result does not lower the level it
  is measured against;
- optionally a falling trend (Theil–Sen slope of % of maximum) steeper than `falling_per_month`, over results
  at least `min_trend_days` apart (a trend sentence in the reasons needs the same span).
The own level is taken over the facts passed in: the whole year mixes subjects (the student's usual level across
everything they write); a work's справка passes only that work's subject.
Students are listed most severe first: more unsatisfactory marks, then more results far below the own level, then a
steeper fall, then a lower usual level; each student's reasons come in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.analytics.forecast import MONTH_DAYS, theil_sen
from reports.analytics.groups import first_rows, group_codes
from reports.analytics.indicators import PRESENT
from reports.labels import fmt_num

_COLUMNS = ("student_id", "student", "class_id", "class", "subject", "work", "date", "pct", "mark")
RISK_COLUMNS = ("student_id", "student", "class_id", "class", "n_twos", "n_low", "own_mean_pct", "slope_per_month",
                "reasons")


@dataclass(frozen=True)
class RiskRules:
    """Thresholds of the rules in the module docstring; the defaults flag two marks «2» or «1», or two results
    ≥ 20 points and ≥ 1 standard deviation below the mean of the student's other results (at least three)."""

    min_twos: int = 2
    z_below: float = 1.0
    min_drop_pp: float = 20.0
    min_results: int = 3  # other results the own level is taken over
    min_low: int = 2
    falling_per_month: float | None = None  # e.g. 5.0: flag a slope of −5 п. п. a month or steeper
    min_trend_days: int = 28  # a trend over results closer together than this is noise, not a trend


def students_at_risk(facts: pd.DataFrame, rules: RiskRules = RiskRules()) -> pd.DataFrame:
    """One row per student who meets a rule: counts, own mean (over all their results), trend and the reasons text
    (Russian), most severe first; equal severity keeps the fact frame's student order (class, then name)."""
    written = (facts["present"] == PRESENT).fillna(False).to_numpy(dtype=bool)
    usable = written & (facts["mark"].notna() | facts["pct"].notna()).to_numpy(dtype=bool)
    w = facts.loc[usable, list(_COLUMNS)].reset_index(drop=True)
    g, keys = group_codes(w, ["student_id"])
    n = len(keys)
    pct = w["pct"].to_numpy(dtype=float)
    has = ~np.isnan(pct) & (g >= 0)
    gh, ph = g[has], pct[has]
    count = np.bincount(gh, minlength=n).astype(float)
    total = np.bincount(gh, weights=ph, minlength=n)
    squares = np.bincount(gh, weights=ph * ph, minlength=n)
    gi = np.maximum(g, 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / count
        # leave-one-out: the level each result is measured against is that of the student's other results
        others = count[gi] - 1
        loo_mean = (total[gi] - pct) / others
        loo_var = (squares[gi] - pct * pct - others * loo_mean * loo_mean) / (others - 1)
        loo_std = np.sqrt(np.clip(loo_var, 0.0, None))
        z = (pct - loo_mean) / np.where(loo_std > 1e-9, loo_std, np.nan)
    low = (g >= 0) & (others >= rules.min_results) & (z <= -rules.z_below) & (loo_mean - pct >= rules.min_drop_pp)
    two = (g >= 0) & (w["mark"] <= 2).fillna(False).to_numpy(dtype=bool)
    n_twos = np.bincount(g[two], minlength=n)
    n_low = np.bincount(g[low], minlength=n)
    flagged = (n_twos >= rules.min_twos) | (n_low >= rules.min_low)
    if rules.falling_per_month is not None:
        slope = _slopes(w, g, n, np.ones(n, dtype=bool), rules.min_trend_days)
        flagged |= slope <= -rules.falling_per_month
    else:
        slope = _slopes(w, g, n, flagged, rules.min_trend_days)
    chosen = np.flatnonzero(flagged)
    # most severe first: more «2»/«1», more results far below, steeper fall, lower usual level (stable otherwise)
    chosen = chosen[np.lexsort((mean[chosen], np.nan_to_num(slope[chosen], nan=np.inf), -n_low[chosen],
                                -n_twos[chosen]))]
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
    out["reasons"] = [_reasons(int(a), int(b), m, s, twos_text.get(int(k), ""), low_text.get(int(k), ""), rules)
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
    """Per student (group number): the works with «2» or «1» (a «1» is named), and the works far below the usual
    level with their %."""
    gi = np.maximum(g, 0)
    two, low = two & want_two[gi], low & want_low[gi]
    rows = np.flatnonzero(two | low)
    rows = rows[np.argsort(w["date"].to_numpy()[rows], kind="stable")]
    codes, days = pd.factorize(w["date"].iloc[rows])  # a few dozen work dates: format each once
    dates = np.append(pd.Series(days).dt.strftime("%d.%m.%Y").fillna("").to_numpy(dtype=object), "")[codes]
    twos: dict[int, list[str]] = {}
    lows: dict[int, list[str]] = {}
    marks = w["mark"].to_numpy(dtype=float, na_value=np.nan)[rows]
    columns = zip(g[rows], w["subject"].to_numpy(dtype=object)[rows], w["work"].to_numpy(dtype=object)[rows], dates,
                  w["pct"].to_numpy(dtype=float)[rows], two[rows], low[rows], marks, strict=True)
    for student, subject, work, date, pct, is_two, is_low, mark in columns:
        text = f"{subject}, «{work}» ({date})"
        if is_two:
            twos.setdefault(student, []).append(text + (" — «1»" if mark == 1 else ""))
        if is_low:
            lows.setdefault(student, []).append(f"{text} — {fmt_num(pct, 0)} %")
    return ({k: "; ".join(v) for k, v in twos.items()}, {k: "; ".join(v) for k, v in lows.items()})


def _reasons(n_twos: int, n_low: int, own_mean: float, slope: float, twos: str, low: str, rules: RiskRules) -> str:
    parts = []
    if n_twos >= rules.min_twos:
        parts.append(f"Отметка «2» или «1» в {n_twos} {_works(n_twos)}: {twos}")
    if n_low >= rules.min_low:
        parts.append(f"Результат намного ниже своего обычного уровня ({fmt_num(own_mean, 0)} % от максимума) "
                     f"в {n_low} {_works(n_low)}: {low}")
    if not np.isnan(slope) and slope < 0:
        parts.append(f"Результаты снижаются: {fmt_num(slope)} п. п. в месяц")
    return ". ".join(parts) + "."


def risk_share_sentence(risk: pd.DataFrame, facts: pd.DataFrame) -> str:
    """«В списке 3 из 25 обучающихся, писавших работы (12 %).»: how much of the group the list holds."""
    wrote = facts[(facts["present"] == PRESENT).fillna(False).to_numpy(dtype=bool)]
    n_all = int(wrote["student_id"].dropna().nunique())
    if not n_all:
        return ""
    return f"В списке {len(risk)} из {n_all} обучающихся, писавших работы ({fmt_num(len(risk) / n_all * 100.0)} %)."


def _works(n: int) -> str:
    """Russian plural after «в N …»: в 1 работе, в 2 работах."""
    return "работе" if n % 10 == 1 and n % 100 != 11 else "работах"
