"""Like with like: schools grouped into clusters by the programme they run (from «Тип ОУ») and by the social
passport kept in «Школы» (which fields — a setting); each school against its own cluster; and the schools with
persistently low results (ШНОР) over a window of years, with a risk tier and their trajectory."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.district.town import Slice, against, summed

PROGRAMMES: Mapping[str, str] = {
    "СОШ с УИОП": "углублённое изучение", "гимназия": "гимназия", "лицей": "лицей",
    "вечерняя (сменная)": "вечерняя, коррекционная", "коррекционная": "вечерняя, коррекционная",
}
GENERAL = "общеобразовательная"
PASSPORT_TITLES: Mapping[str, str] = {"low_income_pct": "малообеспеченные", "ovz_pct": "ОВЗ",
                                      "non_native_pct": "русский неродной"}
CLUSTER_FIELDS = ("programme", *PASSPORT_TITLES)
NO_DATA = "нет сведений"


def programme_of(school_type: object) -> str:
    return PROGRAMMES.get(str(school_type), GENERAL)


def parse_fields(setting: str) -> tuple[str, ...]:
    """EDUMON_CLUSTER_FIELDS («programme,low_income_pct») as a tuple of known fields, in the given order."""
    return tuple(f for f in (x.strip() for x in setting.split(",")) if f in CLUSTER_FIELDS)


def clusters_of(schools: pd.DataFrame, fields: Sequence[str]) -> dict[str, str]:
    """School code → cluster label. The programme comes from the school type; a social-passport field splits the
    town at its median (a school above the median of the schools that filled it in is «выше медианы»)."""
    parts: list[list[str]] = [[] for _ in range(len(schools))]
    for f in fields:
        if f == "programme":
            labels = [programme_of(t) for t in schools["type"]]
        elif f in schools:
            values = pd.to_numeric(schools[f], errors="coerce").astype(float)
            median = values.median()
            labels = [f"{PASSPORT_TITLES[f]}: {NO_DATA}" if pd.isna(v) else
                      f"{PASSPORT_TITLES[f]}: {'выше' if v > median else 'не выше'} медианы" for v in values]
        else:
            continue
        for part, label in zip(parts, labels, strict=True):
            part.append(label)
    return {str(c): (" · ".join(p) or "все школы") for c, p in zip(schools["code"], parts, strict=True)}


def passport(schools: pd.DataFrame, clusters: Mapping[str, str]) -> pd.DataFrame:
    """The schools with their programme, social passport and cluster, ordered by cluster and name."""
    cols = ["code", "short_name", "type", *[f for f in PASSPORT_TITLES if f in schools]]
    out = schools[cols].copy()
    out["programme"] = [programme_of(t) for t in out["type"]]
    out["cluster"] = [clusters.get(str(c), "") for c in out["code"]]
    return out.sort_values(["cluster", "short_name"]).reset_index(drop=True)


def within_clusters(cube: pd.DataFrame, clusters: Mapping[str, str], sl: Slice) -> pd.DataFrame:
    """Each school's indicators against its own cluster's (not the town's): the «±» of a row is the school minus its
    cluster on the same slice; the cluster's own row (school empty) comes first in each cluster."""
    part = sl.apply(cube)
    part = part.assign(cluster=[clusters.get(str(s), "") for s in part["school"]])
    mine = summed(part, ["cluster", "school"])
    theirs = summed(part, ["cluster"])
    rows = []
    for label, own in theirs.groupby("cluster"):
        ref = own.iloc[0].to_dict()
        rows.append(against(own.assign(school=""), ref))
        rows.append(against(mine[(mine["cluster"] == label).to_numpy(dtype=bool)], ref))
    if not rows:
        return against(mine, dict.fromkeys(("success_pct", "quality_pct", "sou_pct", "mean_mark"), np.nan))
    return pd.concat(rows, ignore_index=True)


@dataclass(frozen=True)
class ShnorSettings:
    low_share_pct: float = 40.0  # a year in the low group: this share of the school's ВПР participants or more is in
    # the town's lower quartile (a quarter would be usual)
    window_years: int = 3
    min_n: int = 15


TIERS = ("высокий", "средний", "низкий")


def shnor(lower_by_year: pd.DataFrame, settings: ShnorSettings | None = None) -> pd.DataFrame:
    """Per school with any year in the low group over the last `window_years` years the warehouse holds: the years
    in the low group, the risk tier (every year of the window: высокий; two or more: средний; one: низкий) and the
    trajectory — «остаётся» (low in the latest year), «выходит» (low before, not in the latest year), «входит» (low
    only in the latest year). The ШНОР list is the schools of tiers высокий and средний."""
    settings = settings or ShnorSettings()
    years = sorted(int(y) for y in lower_by_year["year"].unique())[-settings.window_years:]
    part = lower_by_year[lower_by_year["year"].isin(years).to_numpy(dtype=bool)]
    part = part.assign(low=(part["N"] >= settings.min_n) & (part["lower_pct"] >= settings.low_share_pct))
    out = []
    for school, g in part.groupby("school"):
        g = g.sort_values("year")
        low_years = [int(y) for y, low in zip(g["year"], g["low"], strict=True) if low]
        if not low_years:
            continue
        k, latest = len(low_years), years[-1]
        tier = TIERS[0] if k >= len(years) and len(years) >= 2 else TIERS[1] if k >= 2 else TIERS[2]
        trajectory = ("остаётся" if latest in low_years and k > 1 else "входит" if latest in low_years
                      else "выходит")
        shares = dict(zip(g["year"].astype(int), g["lower_pct"].astype(float), strict=True))
        out.append({"school": str(school), "low_years": k, "window": len(years), "tier": tier,
                    "trajectory": trajectory, "on_list": tier != TIERS[2],
                    "first_lower_pct": shares.get(years[0], np.nan), "last_lower_pct": shares.get(latest, np.nan),
                    "years": ", ".join(f"{y}/{y + 1}" for y in low_years)})
    cols = ["school", "low_years", "window", "tier", "trajectory", "on_list", "first_lower_pct", "last_lower_pct",
            "years"]
    frame = pd.DataFrame(out, columns=cols)
    rank = {t: i for i, t in enumerate(TIERS)}
    return frame.sort_values(["tier", "school"], key=lambda s: s.map(rank) if s.name == "tier" else s
                             ).reset_index(drop=True)

