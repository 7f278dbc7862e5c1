"""The distribution of total scores across the town's schools: each school's share of ВПР participants in the town's
lower and upper quartile (per year × grade × subject), and the objectivity signal of a distribution peaking just
above a mark threshold. The SQL only counts results per total score (a histogram, portable; stored per school-year
at intake, `STORED_SCORES`); the rest is here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.district.aggregates import Aggregate

SCORE_DISTRIBUTION = Aggregate(
    "score_distribution", "Распределение первичных баллов ВПР (по школам, с порогами отметок)",
    """SELECT r.year, r.school, s.name AS subject, w.parallel AS parallel, w.kind AS kind, w.max_score AS max_score,
       w.threshold_3 AS threshold_3, w.threshold_4 AS threshold_4, w.threshold_5 AS threshold_5, r.total AS total,
       COUNT(*) AS results
FROM results r
JOIN works w ON w.id = r.work_id AND w.year = r.year AND w.school = r.school
LEFT JOIN subjects s ON s.id = w.subject_id AND s.year = w.year AND s.school = w.school
WHERE r.present = 'да' AND r.total IS NOT NULL AND w.kind = 'ВПР'
GROUP BY r.year, r.school, s.name, w.parallel, w.kind, w.max_score, w.threshold_3, w.threshold_4, w.threshold_5,
         r.total""", ("results", "works", "subjects"))

# Intake stores the histogram of every school-year beside its cube (a table of this name, its rows those of
# SCORE_DISTRIBUTION over the school-year's own tables); the views read it instead of the raw results.
SCORES_TABLE = "score_dist"
STORED_SCORES = Aggregate(
    "stored_score_distribution", "Распределение первичных баллов ВПР, как его сохранил приём",
    f"""SELECT year, school, subject, parallel, kind, max_score, threshold_3, threshold_4, threshold_5, total, results
FROM {SCORES_TABLE}""", (SCORES_TABLE,))

VPR = "ВПР"
WORK = ["year", "subject", "parallel"]  # one ВПР across the town's schools
QUARTILE = 25.0


def vpr_percent(dist: pd.DataFrame) -> pd.DataFrame:
    """ВПР rows with the total as a percentage of the work's maximum (schools' copies of a work compare on it)."""
    part = dist[(dist["kind"] == VPR).to_numpy(dtype=bool)]
    part = part[(part["max_score"].astype(float) > 0).to_numpy(dtype=bool)]
    return part.assign(pct=part["total"].astype(float) / part["max_score"].astype(float) * 100.0,
                       results=part["results"].astype(np.int64))


def bounds(pct: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """(lower, upper) quartile boundaries of a weighted distribution: the lowest score at or below which a quarter
    of the participants are, and the highest score at or above which a quarter are (ties on the boundary count in)."""
    order = np.argsort(pct, kind="stable")
    p, w = pct[order], weight[order].astype(float)
    total = w.sum()
    up = np.cumsum(w) / total * 100.0
    down = np.cumsum(w[::-1])[::-1] / total * 100.0
    return float(p[np.argmax(up >= QUARTILE - 1e-9)]), float(p[::-1][np.argmax(down[::-1] >= QUARTILE - 1e-9)])


def with_quartiles(dist: pd.DataFrame) -> pd.DataFrame:
    """ВПР histogram rows marked `lower` / `upper` against the town's quartile boundaries of the same work."""
    part = vpr_percent(dist)
    if part.empty:
        return part.assign(lower=pd.Series(dtype=bool), upper=pd.Series(dtype=bool), q1=pd.Series(dtype=float),
                           q3=pd.Series(dtype=float))
    b = {k: bounds(g["pct"].to_numpy(), g["results"].to_numpy()) for k, g in part.groupby(WORK)}
    q = pd.DataFrame([(*k, lo, hi) for k, (lo, hi) in b.items()], columns=[*WORK, "q1", "q3"])
    part = part.merge(q, on=WORK)
    return part.assign(lower=part["pct"] <= part["q1"] + 1e-9, upper=part["pct"] >= part["q3"] - 1e-9)


def _shares(part: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    g = part.assign(n_lower=part["results"] * part["lower"], n_upper=part["results"] * part["upper"]).groupby(
        by, as_index=False, dropna=False).agg(N=("results", "sum"), n_lower=("n_lower", "sum"),
                                             n_upper=("n_upper", "sum"))
    return g.assign(lower_pct=g["n_lower"] / g["N"] * 100.0, upper_pct=g["n_upper"] / g["N"] * 100.0)


def quartile_shares(dist: pd.DataFrame, clusters: Mapping[str, str]) -> pd.DataFrame:
    """Per year × grade × subject of ВПР and school: N, the shares of its participants in the town's lower and upper
    quartile, and the same shares of its cluster (all the cluster's schools together) beside them."""
    part = with_quartiles(dist)
    part = part.assign(cluster=[clusters.get(str(s), "") for s in part["school"]])
    mine = _shares(part, [*WORK, "cluster", "school"])
    theirs = _shares(part, [*WORK, "cluster"])[[*WORK, "cluster", "lower_pct", "upper_pct"]]
    out = mine.merge(theirs, on=[*WORK, "cluster"], suffixes=("", "_cluster"))
    return out.sort_values([*WORK, "cluster", "school"]).reset_index(drop=True)


def lower_share_by_year(dist: pd.DataFrame) -> pd.DataFrame:
    """Per year and school, all its ВПР together: participants and the share in the town's lower quartile."""
    part = with_quartiles(dist)
    return _shares(part, ["year", "school"]) if len(part) else pd.DataFrame(
        columns=["year", "school", "N", "n_lower", "n_upper", "lower_pct", "upper_pct"])


@dataclass(frozen=True)
class PeakSettings:
    min_n: int = 15  # results in the two windows around the thresholds together
    ratio: float = 4.0  # results on a threshold and one point above it, against the two points below
    window: int = 2  # points on each side


def threshold_peaks(dist: pd.DataFrame, settings: PeakSettings | None = None) -> pd.DataFrame:
    """Per year × school × subject × grade of ВПР: results on a mark threshold or just above it (`at`: totals t … t+1
    for t the minimum score of «3», «4», «5») against just below it (`under`: t−2 … t−1), pooled over the three
    thresholds; `peak` when at ≥ ratio × under while the rest of the town's ratio stays below it."""
    settings = settings or PeakSettings()
    part = dist[(dist["kind"] == VPR).to_numpy(dtype=bool)]
    total, n = part["total"].astype(float).to_numpy(), part["results"].astype(float).to_numpy()
    at, under = np.zeros(len(part)), np.zeros(len(part))
    for col in ("threshold_3", "threshold_4", "threshold_5"):
        t = part[col].astype(float).to_numpy()
        at += np.where((total >= t) & (total < t + settings.window), n, 0)
        under += np.where((total >= t - settings.window) & (total < t), n, 0)
    keys = ["year", "school", "subject", "parallel"]
    g = part[keys].assign(at=at, under=under, N=n).groupby(keys, as_index=False, dropna=False).sum()
    town = g.groupby(["year", "subject", "parallel"], as_index=False)[["at", "under"]].sum()
    g = g.merge(town, on=["year", "subject", "parallel"], suffixes=("", "_town"))
    rest_at, rest_under = g["at_town"] - g["at"], g["under_town"] - g["under"]
    g["ratio"] = g["at"] / g["under"].where(g["under"] > 0)
    g.loc[(g["under"] == 0) & (g["at"] > 0), "ratio"] = np.inf
    g["rest_ratio"] = rest_at / rest_under.where(rest_under > 0)
    g["peak"] = ((g["at"] + g["under"] >= settings.min_n) & (g["at"] >= settings.ratio * g["under"])
                 & ~(g["rest_ratio"] >= settings.ratio)).astype(bool)
    return g[[*keys, "N", "at", "under", "ratio", "rest_ratio", "peak"]].astype(
        {"N": np.int64, "at": np.int64, "under": np.int64}).reset_index(drop=True)
