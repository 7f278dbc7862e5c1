"""The town dashboard's tables: indicators with N and their difference from the town, per drill level, with
schools compared among their own kind (type groups), never ranked into a bare league table."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from reports.analytics.indicators import COUNT_COLUMNS, RATE_COLUMNS
from reports.district.indicators import with_rates

SUMMED = ("N", *COUNT_COLUMNS)
DIFF_COLUMNS = tuple(f"{c}_diff" for c in RATE_COLUMNS)
# school type (sheets_schema.lab.SCHOOL_TYPES) -> the group it is compared within
TYPE_GROUPS: Mapping[str, str] = {
    "СОШ": "общеобразовательные", "ООШ": "общеобразовательные", "НОШ": "общеобразовательные",
    "центр образования": "общеобразовательные", "кадетская": "общеобразовательные",
    "СОШ с УИОП": "с углублённым изучением, гимназии, лицеи", "гимназия": "с углублённым изучением, гимназии, лицеи",
    "лицей": "с углублённым изучением, гимназии, лицеи",
    "вечерняя (сменная)": "вечерние и коррекционные", "коррекционная": "вечерние и коррекционные",
}
OTHER_GROUP = "прочие"
TITLES: dict[str, str] = {
    "school": "Код школы", "short_name": "Школа", "type": "Тип ОУ", "group": "Группа сравнения",
    "subject": "Предмет", "parallel": "Параллель", "kind": "Вид работы", "class_label": "Класс",
    "teacher": "Педагог", "N": "Писали", "success_pct": "Успеваемость, %", "quality_pct": "Качество, %",
    "sou_pct": "СОУ, %", "mean_mark": "Средний балл", "success_pct_diff": "± к городу (успев.), п.п.",
    "quality_pct_diff": "± к городу (кач.), п.п.", "sou_pct_diff": "± к городу (СОУ), п.п.",
    "mean_mark_diff": "± к городу (ср. балл)", "year_label": "Учебный год", "cluster": "Кластер",
}


@dataclass(frozen=True)
class Slice:
    """What a view shows: one year, and optionally one kind of work, subject and parallel (None: all)."""

    year: int | None = None
    kind: str | None = None
    subject: str | None = None
    parallel: int | None = None

    def apply(self, df: pd.DataFrame) -> pd.DataFrame:
        keep = pd.Series(True, index=df.index)
        for col, v in (("year", self.year), ("kind", self.kind), ("subject", self.subject),
                       ("parallel", self.parallel)):
            if v is not None and col in df:
                keep &= df[col].astype(object) == v
        return df[keep.to_numpy(dtype=bool)]


def group_of(school_type: object) -> str:
    return TYPE_GROUPS.get(str(school_type), OTHER_GROUP)


def summed(df: pd.DataFrame, by: Iterable[str]) -> pd.DataFrame:
    """Counts summed per `by` (an empty `by`: one row for everything) with their rates."""
    by = list(by)
    counts = df[list(SUMMED)].astype(float)
    if not by:
        out = pd.DataFrame([counts.sum().to_dict()]) if len(df) else pd.DataFrame([dict.fromkeys(SUMMED, 0.0)])
    else:
        out = pd.concat([df[by], counts], axis=1).groupby(by, dropna=False, as_index=False).sum()
    return with_rates(out)


def town_row(df: pd.DataFrame, sl: Slice) -> dict[str, float]:
    """The town's indicators for a slice: the reference every row's difference is taken from."""
    return summed(sl.apply(df), []).iloc[0].to_dict()


def against(rows: pd.DataFrame, reference: Mapping[str, float]) -> pd.DataFrame:
    """Adds the difference of each rate from the reference (the town): positive means above the town."""
    return rows.assign(**{f"{c}_diff": rows[c] - float(reference[c]) for c in RATE_COLUMNS})


def schools_table(cube: pd.DataFrame, schools: pd.DataFrame, sl: Slice) -> pd.DataFrame:
    """One row per school that wrote in the slice, ordered by type group and name (not by result), each with N,
    the four indicators and their difference from the town, and the group's own row beside its schools."""
    part = sl.apply(cube)
    rows = against(summed(part, ["school"]), town_row(cube, sl))
    info = schools[["code", "short_name", "type"]].astype(object).rename(columns={"code": "school"})
    rows = rows.merge(info, on="school", how="left")
    rows["short_name"] = rows["short_name"].fillna(rows["school"])
    rows["group"] = [group_of(t) for t in rows["type"]]
    return rows.sort_values(["group", "short_name"]).reset_index(drop=True)


def groups_table(cube: pd.DataFrame, schools: pd.DataFrame, sl: Slice) -> pd.DataFrame:
    """The type groups' own indicators against the town: like is compared with like."""
    part = sl.apply(cube)
    types = dict(zip(schools["code"].astype(str), schools["type"].astype(str), strict=True))
    part = part.assign(group=[group_of(types.get(str(s))) for s in part["school"]])
    return against(summed(part, ["group"]), town_row(cube, sl)).sort_values("group").reset_index(drop=True)


def breakdown(df: pd.DataFrame, town: pd.DataFrame, sl: Slice, by: list[str], school: str | None = None
              ) -> pd.DataFrame:
    """Rows of one school (or the whole town) by `by`, each against the town's same slice of the same keys
    (a parallel is compared with the town's same parallel, a subject with the town's same subject)."""
    part = sl.apply(df)
    if school is not None:
        part = part[(part["school"].astype(str) == school).to_numpy(dtype=bool)]
    rows = summed(part, by)
    keys = [k for k in by if k in ("subject", "parallel", "kind")]
    ref = summed(sl.apply(town), keys) if keys else None
    if ref is None:
        return against(rows, town_row(town, sl))
    ref = ref[[*keys, *RATE_COLUMNS]].rename(columns={c: f"{c}_town" for c in RATE_COLUMNS})
    rows = rows.merge(ref, on=keys, how="left")
    rows = rows.assign(**{f"{c}_diff": rows[c] - rows[f"{c}_town"] for c in RATE_COLUMNS})
    return rows.drop(columns=[f"{c}_town" for c in RATE_COLUMNS])


def class_label(parallel: Any, letter: Any) -> str:
    p = "" if parallel is None or pd.isna(parallel) else str(int(parallel))
    return f"{p}{'' if letter is None or pd.isna(letter) else letter}" or "без класса"


def teacher_name(last: object, first: object, middle: object) -> str:
    """«Фамилия И. О.» of a teacher (staff names are shown; students never are)."""
    parts = [str(last) if isinstance(last, str) else ""]
    parts += [f"{v[0]}." for v in (first, middle) if isinstance(v, str) and v]
    return " ".join(p for p in parts if p) or "—"


def options(cube: pd.DataFrame, column: str, sl: Slice | None = None) -> list:
    """The values of a column present in the (sliced) cube, sorted, for the view's selectors."""
    part = sl.apply(cube) if sl is not None else cube
    if part.empty or column not in part:
        return []
    values = part[column].dropna().unique().tolist()
    return sorted(int(v) if column in ("year", "parallel") else str(v) for v in values)
