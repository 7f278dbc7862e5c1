"""Objectivity signals across the town's schools (after the federal method of flagging schools): a ВПР result
noticeably above the rest of the school's own type group, and ВПР marks raised against period marks. Signals are
reasons to check, never verdicts; thresholds are settings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.district.town import Slice, group_of, summed

VPR = "ВПР"


@dataclass(frozen=True)
class SignalSettings:
    min_n: int = 15  # fewer participants than this: no signal either way (too few to judge)
    above_group_pp: float = 15.0  # quality of ВПР this many points above the rest of the school's type group
    raised_share_pct: float = 30.0  # share of ВПР marks above the same student's period mark, %


SIGNAL_TITLES = {
    "above_group": "Результат ВПР заметно выше своей группы школ — проверить объективность проведения и проверки",
    "raised": "Большая доля отметок ВПР выше отметок за период — проверить объективность проведения и проверки",
    "anomalous": "Необычный профиль: базовые задания выполнены хуже города, сложные — лучше; проверить проведение",
}
COLUMNS = ("year", "school", "subject", "N", "quality_pct", "group_quality_pct", "quality_above_pp",
           "lowered_pct", "confirmed_pct", "raised_pct", "signals")


def vpr_above_group(cube: pd.DataFrame, types: dict[str, str], settings: SignalSettings,
                    groups: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per year × school × subject of ВПР: the school's quality and that of the other schools of its group (the type
    group, or `groups`: school → cluster, when the comparison is within clusters)."""
    part = Slice(kind=VPR).apply(cube)
    rows = summed(part, ["year", "school", "subject"])

    def group(s: object) -> str:
        return groups.get(str(s), "") if groups is not None else group_of(types.get(str(s)))

    rows["group"] = [group(s) for s in rows["school"]]
    totals = summed(part.assign(group=[group(s) for s in part["school"]]),
                    ["year", "group", "subject"])[["year", "group", "subject", "N", "n5", "n4"]]
    rows = rows.merge(totals, on=["year", "group", "subject"], how="left", suffixes=("", "_g"))
    rest_n = rows["N_g"] - rows["N"]  # the group without the school itself
    rest_q = (rows["n5_g"] + rows["n4_g"] - rows["n5"] - rows["n4"]) / rest_n.where(rest_n > 0) * 100.0
    rows["group_quality_pct"] = rest_q
    rows["quality_above_pp"] = rows["quality_pct"] - rest_q
    rows["above_group"] = ((rows["N"] >= settings.min_n) & (rest_n >= settings.min_n)
                           & (rows["quality_above_pp"] >= settings.above_group_pp)).fillna(False)
    return rows[["year", "school", "subject", "N", "quality_pct", "group_quality_pct", "quality_above_pp",
                 "above_group"]]


def marks_shares(vs_period: pd.DataFrame, settings: SignalSettings) -> pd.DataFrame:
    """Per year × school × subject of ВПР: shares of marks lowered / confirmed / raised against period marks."""
    part = Slice(kind=VPR).apply(vs_period)
    cols = ["lowered", "confirmed", "raised"]
    g = pd.concat([part[["year", "school", "subject"]], part[cols].astype(float)], axis=1).groupby(
        ["year", "school", "subject"], as_index=False, dropna=False).sum()
    total = g[cols].sum(axis=1)
    for c in cols:
        g[f"{c}_pct"] = g[c] / total.where(total > 0) * 100.0
    g["compared"] = total
    g["raised"] = ((total >= settings.min_n) & (g["raised_pct"] >= settings.raised_share_pct)).fillna(False)
    return g[["year", "school", "subject", "compared", "lowered_pct", "confirmed_pct", "raised_pct", "raised"]]


def objectivity(cube: pd.DataFrame, vs_period: pd.DataFrame, types: dict[str, str],
                settings: SignalSettings | None = None, profiles: pd.DataFrame | None = None,
                groups: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Every ВПР row (year × school × subject) with its numbers and the list of signals that fired on it;
    `profiles` (reports.district.tasks.anomalous_profiles) adds the anomalous task profile of any parallel;
    `groups` (school → cluster) compares each school within its cluster instead of its type group."""
    settings = settings or SignalSettings()
    a = vpr_above_group(cube, types, settings, groups)
    b = marks_shares(vs_period, settings)
    rows = a.merge(b, on=["year", "school", "subject"], how="outer")
    if profiles is not None and not profiles.empty:
        p = profiles.groupby(["year", "school", "subject"], as_index=False).agg(anomalous=("anomalous", "any"))
        rows = rows.merge(p, on=["year", "school", "subject"], how="left")
    else:
        rows["anomalous"] = False
    flags = [[SIGNAL_TITLES[k] for k in SIGNAL_TITLES if isinstance(r.get(k), (bool, np.bool_)) and bool(r.get(k))]
             for r in rows[["above_group", "raised", "anomalous"]].astype(object).to_dict("records")]
    rows["signals"] = ["; ".join(f) for f in flags]
    return rows[list(COLUMNS)].sort_values(["year", "school", "subject"]).reset_index(drop=True)


def flagged_schools(signals: pd.DataFrame) -> pd.DataFrame:
    """One row per school with any signal: how many subjects fired and which."""
    hit = signals[(signals["signals"] != "").to_numpy(dtype=bool)]
    if hit.empty:
        return pd.DataFrame({"year": pd.Series(dtype="int64"), "school": pd.Series(dtype=object),
                             "subjects": pd.Series(dtype=object), "count": pd.Series(dtype="int64")})
    out = hit.groupby(["year", "school"], as_index=False).agg(
        subjects=("subject", lambda s: ", ".join(sorted(map(str, s)))), count=("subject", "size"))
    return out.astype({"count": np.int64})
