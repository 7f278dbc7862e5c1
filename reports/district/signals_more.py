"""The objectivity signals that follow a cohort across years (after the federal method of flagging schools): a ВПР
result above the rest of the school's group that a later external result of the same cohort (the next ВПР, ОГЭ,
ЕГЭ) does not confirm; a sharp drop of the same cohort from the 4th to the 5th grade; and the share of the town's
schools with signals, year by year. Signals are reasons to check, never verdicts; thresholds are settings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.district.town import summed

VPR = "ВПР"
EXAMS = ("ОГЭ (ГИА-9)", "ЕГЭ (ГИА-11)")
EXTERNAL = (VPR, *EXAMS)
SHORT = {VPR: "ВПР", "ОГЭ (ГИА-9)": "ОГЭ", "ЕГЭ (ГИА-11)": "ЕГЭ"}


@dataclass(frozen=True)
class CohortSettings:
    min_n: int = 15
    above_group_pp: float = 15.0  # a ВПР this far above the rest of its group is to be confirmed later …
    confirm_pp: float = 5.0  # … by a later external result at least this far above the rest of its group
    drop_pp: float = 20.0  # quality from the 4th to the 5th grade falls this much more than in the rest of the town


def above_rest(cube: pd.DataFrame, groups: Mapping[str, str], keys: Sequence[str]) -> pd.DataFrame:
    """Per school × `keys` (with year): N, quality and the quality of the other schools of its group on the same keys,
    and the difference (school minus the rest of its group) in points."""
    keys = list(keys)
    part = cube.assign(group=[groups.get(str(s), "") for s in cube["school"]])
    rows = summed(part, ["group", "school", *keys])
    totals = summed(part, ["group", *keys])[["group", *keys, "N", "n5", "n4"]]
    rows = rows.merge(totals, on=["group", *keys], how="left", suffixes=("", "_g"))
    rest_n = rows["N_g"] - rows["N"]
    rows["rest_n"] = rest_n
    rows["rest_quality_pct"] = (rows["n5_g"] + rows["n4_g"] - rows["n5"] - rows["n4"]) / rest_n.where(
        rest_n > 0) * 100.0
    rows["above_pp"] = rows["quality_pct"] - rows["rest_quality_pct"]
    return rows[["group", "school", *keys, "N", "quality_pct", "rest_n", "rest_quality_pct", "above_pp"]]


def not_confirmed(cube: pd.DataFrame, groups: Mapping[str, str], settings: CohortSettings | None = None
                  ) -> pd.DataFrame:
    """ВПР rows (year × school × subject × grade) noticeably above the rest of their group, each with the later
    external results of the same cohort — the next year's ВПР, ОГЭ or ЕГЭ one grade up, or the same year's ОГЭ / ЕГЭ
    of the same grade — and `not_confirmed` when such a result exists and none of them is above its group by
    `confirm_pp` (no later result: no signal, shown as «нет»)."""
    settings = settings or CohortSettings()
    ext = cube[cube["kind"].isin(EXTERNAL).to_numpy(dtype=bool)]
    a = above_rest(ext, groups, ["year", "subject", "parallel", "kind"])
    enough = (a["N"] >= settings.min_n) & (a["rest_n"] >= settings.min_n)
    cand = a[(enough & (a["kind"] == VPR) & (a["above_pp"] >= settings.above_group_pp)).to_numpy(dtype=bool)]
    later = a[enough.to_numpy(dtype=bool)][["school", "subject", "year", "parallel", "kind", "above_pp"]]
    cols = ["year", "school", "subject", "parallel", "N", "quality_pct", "rest_quality_pct", "above_pp"]
    cand = cand[cols].reset_index(drop=True).reset_index(names="_row")
    pairs = cand[["_row", "school", "subject", "year", "parallel"]].merge(
        later, on=["school", "subject"], suffixes=("", "_l"))
    hit = pairs[(((pairs["year_l"] == pairs["year"] + 1) & (pairs["parallel_l"] == pairs["parallel"] + 1))
                 | ((pairs["year_l"] == pairs["year"]) & (pairs["parallel_l"] == pairs["parallel"])
                    & pairs["kind"].isin(EXAMS))).to_numpy(dtype=bool)]
    hit = hit.assign(text=[f"{SHORT.get(k, k)} {int(p)} кл. {int(y)}/{int(y) + 1}" for k, p, y in
                           hit[["kind", "parallel_l", "year_l"]].itertuples(index=False)])
    found = hit.groupby("_row").agg(later=("text", ", ".join), later_above_pp=("above_pp", "max"))
    out = cand.join(found, on="_row")
    out["later"] = out["later"].fillna("нет")
    out["not_confirmed"] = (out["later_above_pp"] < settings.confirm_pp).fillna(False).astype(bool)
    return out[[*cols, "later", "later_above_pp", "not_confirmed"]].reset_index(drop=True)


def cohort_drop(cube: pd.DataFrame, settings: CohortSettings | None = None) -> pd.DataFrame:
    """Per school and subject: ВПР quality of the 4th grade in one year and of the 5th grade the next year (the same
    cohort), the drop in points against the rest of the town's drop; `sharp_drop` when it is `drop_pp` more. The row's
    year is the 5th grade's, when the drop shows."""
    settings = settings or CohortSettings()
    vpr = cube[(cube["kind"] == VPR).to_numpy(dtype=bool)]
    four = summed(vpr[(vpr["parallel"] == 4).to_numpy(dtype=bool)], ["year", "school", "subject"])
    five = summed(vpr[(vpr["parallel"] == 5).to_numpy(dtype=bool)], ["year", "school", "subject"])
    four = four.assign(year=four["year"].astype(int) + 1)
    cols = ["year", "school", "subject", "N", "n5", "n4", "quality_pct"]
    pair = four[cols].merge(five[cols], on=["year", "school", "subject"], suffixes=("_4", "_5"))
    if pair.empty:
        return pair.assign(drop_pp=pd.Series(dtype=float), rest_drop_pp=pd.Series(dtype=float),
                           sharp_drop=pd.Series(dtype=bool))
    town = pair.groupby(["year", "subject"], as_index=False)[["N_4", "n5_4", "n4_4", "N_5", "n5_5", "n4_5"]].sum()
    pair = pair.merge(town, on=["year", "subject"], suffixes=("", "_t"))

    def rest_quality(g: str) -> pd.Series:
        n = pair[f"N_{g}_t"] - pair[f"N_{g}"]
        return (pair[f"n5_{g}_t"] + pair[f"n4_{g}_t"] - pair[f"n5_{g}"] - pair[f"n4_{g}"]) / n.where(n > 0) * 100.0

    pair["drop_pp"] = pair["quality_pct_4"] - pair["quality_pct_5"]
    pair["rest_drop_pp"] = rest_quality("4") - rest_quality("5")
    enough = (pair["N_4"] >= settings.min_n) & (pair["N_5"] >= settings.min_n)
    pair["sharp_drop"] = (enough & (pair["drop_pp"] - pair["rest_drop_pp"] >= settings.drop_pp)).fillna(False)
    return pair[["year", "school", "subject", "N_4", "quality_pct_4", "N_5", "quality_pct_5", "drop_pp",
                 "rest_drop_pp", "sharp_drop"]].astype({"sharp_drop": bool}).reset_index(drop=True)


def share_by_year(judged: pd.DataFrame, fired: Sequence[pd.DataFrame], years: int = 3) -> pd.DataFrame:
    """The share of the town's schools with at least one signal, for each of the last `years` years: `judged` holds
    (year, school) of every school whose ВПР were looked at, each of `fired` the (year, school) rows with a signal."""
    base = judged[["year", "school"]].drop_duplicates()
    hit = pd.concat([f[["year", "school"]] for f in fired if len(f)], ignore_index=True).drop_duplicates() \
        if any(len(f) for f in fired) else base.iloc[0:0]
    keep = sorted(int(y) for y in base["year"].unique())[-years:]
    rows = []
    for y in keep:
        schools = set(base.loc[base["year"] == y, "school"].astype(str))
        flagged = set(hit.loc[hit["year"] == y, "school"].astype(str)) & schools
        rows.append({"year": y, "schools": len(schools), "flagged": len(flagged),
                     "share_pct": len(flagged) / len(schools) * 100.0 if schools else np.nan,
                     "flagged_schools": ", ".join(sorted(flagged))})
    return pd.DataFrame(rows, columns=["year", "schools", "flagged", "share_pct", "flagged_schools"])
