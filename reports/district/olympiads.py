"""The town's olympiad database by stage (школьный → муниципальный → региональный → заключительный): the schools'
entries from their bundles (OLYMPIAD_COUNTS, OLYMPIAD_PASSED, OLYMPIAD_MENTORS) and the lab's own municipal-stage
protocols («Олимпиады — муниципальный этап»), with the municipal stage's status rule checked on every protocol.

The rule (ВсОШ): a winner must score more than a share of the maximum (half by default), and winners together with
prize-winners stay within the organiser's quota of the participants of a subject and grade; statuses follow the
ranking. The share and the quota are settings."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sheets_schema.choices import OLYMPIAD_LEVELS, OLYMPIAD_STATUSES
from sheets_schema.validation import ROW

PARTICIPANT, PRIZE, WINNER = OLYMPIAD_STATUSES
MUNICIPAL = OLYMPIAD_LEVELS[1]
COUNT_COLUMNS = ("participants", "prize_winners", "winners", "students")
TITLES: dict[str, str] = {
    "year": "Учебный год", "school": "Код школы", "short_name": "Школа", "subject": "Предмет", "grade": "Класс",
    "stage": "Этап", "source": "Источник", "participants": "Участий", "prize_winners": "Призёров",
    "winners": "Победителей", "students": "Участников (человек)", "passed": "Прошли на следующий этап",
    "teacher": "Наставник", "row": "Строка протокола", "message": "Нарушение правила",
}
FROM_SCHOOLS, FROM_PROTOCOLS = "по данным школ", "протоколы лаборатории"


@dataclass(frozen=True)
class OlympiadRule:
    winner_min_share: float = 0.5  # a winner scores more than this share of the maximum
    prize_quota: float = 0.45  # winners and prize-winners at most this share of a subject × grade's participants


def academic_year(dates: pd.Series, default: int) -> pd.Series:
    """The first year of the academic year a date falls in (September starts it); no date: `default`."""
    d = pd.to_datetime(dates, errors="coerce")
    y = (d.dt.year - (d.dt.month < 9).astype("Int64")).astype("Int64")
    return y.fillna(default).astype("int64")


def protocols(frame: pd.DataFrame, schools: pd.DataFrame, default_year: int) -> pd.DataFrame:
    """The lab's protocol rows with the school's code, the academic year and the sheet row they came from."""
    codes = dict(zip(schools["id"].astype(str), schools["code"].astype(str), strict=True))
    out = pd.DataFrame({
        "row": frame[ROW].to_numpy() if ROW in frame else np.arange(2, len(frame) + 2),
        "year": academic_year(frame["date"], default_year).to_numpy(),
        "school": [codes.get(str(s), str(s)) for s in frame["school_id"]],
        "participant": frame["participant_code"].astype(object).to_numpy(),
        "grade": pd.to_numeric(frame["parallel"], errors="coerce").to_numpy(),
        "subject": frame["subject"].astype(object).to_numpy(),
        "status": frame["status"].astype(object).to_numpy(),
        "score": pd.to_numeric(frame["score"], errors="coerce").to_numpy(dtype=float),
        "max_score": pd.to_numeric(frame["max_score"], errors="coerce").to_numpy(dtype=float),
    })
    return out


def _share_words(share: float) -> str:
    return "половины" if share == 0.5 else f"{share * 100:g} %".replace(".", ",")


def _num(v: float) -> str:
    return f"{v:g}".replace(".", ",")


def check_protocols(p: pd.DataFrame, rule: OlympiadRule) -> pd.DataFrame:
    """One row per broken rule: the protocol row(s) and a Russian message naming them. The groups of the quota
    and the ranking are the town's participants of one year, subject and grade."""
    problems: list[tuple[int, str]] = []
    for r in p.to_dict("records"):
        row, score, top = int(r["row"]), r["score"], r["max_score"]
        if not math.isnan(top) and score > top:
            problems.append((row, f"Строка {row}: балл {_num(score)} больше максимального {_num(top)}"))
        if r["status"] != WINNER:
            continue
        if math.isnan(top):
            problems.append((row, f"Строка {row}: у победителя не указан максимальный балл — правило "
                                  f"«больше {_share_words(rule.winner_min_share)} максимального балла» проверить "
                                  "нельзя"))
        elif score <= rule.winner_min_share * top:
            problems.append((row, f"Строка {row}: победитель набрал {_num(score)} из {_num(top)} — не больше "
                                  f"{_share_words(rule.winner_min_share)} максимального балла; победителем "
                                  "признаётся только участник, набравший больше"))
    for (year, subject, grade), g in p.groupby(["year", "subject", "grade"], sort=True, dropna=False):
        awarded = g[g["status"].isin([PRIZE, WINNER]).to_numpy(dtype=bool)]
        allowed = math.floor(rule.prize_quota * len(g) + 1e-9)
        what = f"{subject}, {int(grade) if grade == grade else '?'} класс, {int(year)}/{int(year) + 1}"
        if len(awarded) > allowed:
            rows = ", ".join(str(int(x)) for x in sorted(awarded["row"]))
            problems.append((int(awarded["row"].min()),
                             f"Строки {rows}: {what} — победителей и призёров {len(awarded)} из {len(g)} "
                             f"участников, больше квоты {_num(rule.prize_quota * 100)} % (не больше {allowed})"))
        plain = g[(g["status"] == PARTICIPANT).to_numpy(dtype=bool)]
        if plain.empty:
            continue
        best = plain.loc[plain["score"].idxmax()]
        for a in awarded[(awarded["score"] < best["score"]).to_numpy(dtype=bool)].to_dict("records"):
            problems.append((int(a["row"]), f"Строка {int(a['row'])}: {a['status']} ({what}) набрал "
                                            f"{_num(a['score'])}, а участник в строке {int(best['row'])} — "
                                            f"{_num(best['score'])}; статусы идут по рейтингу"))
    out = pd.DataFrame(problems, columns=["row", "message"])
    return out.sort_values("row", kind="stable").reset_index(drop=True)


def protocol_counts(p: pd.DataFrame) -> pd.DataFrame:
    """The protocols as OLYMPIAD_COUNTS rows of the municipal stage (participants are the protocol's codes)."""
    if p.empty:
        return pd.DataFrame(columns=["year", "school", "subject", "grade", "stage", "stage_no", *COUNT_COLUMNS])
    g = p.assign(prize_winners=(p["status"] == PRIZE).astype(np.int64), winners=(p["status"] == WINNER)
                 .astype(np.int64), participants=1).groupby(["year", "school", "subject", "grade"], as_index=False)
    out = g.agg(participants=("participants", "sum"), prize_winners=("prize_winners", "sum"),
                winners=("winners", "sum"), students=("participant", "nunique"))
    return out.assign(stage=MUNICIPAL, stage_no=2)


def totals(counts: pd.DataFrame, by: Sequence[str], passed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Counts summed by `by`, with the number who passed to the next stage when `passed` is given."""
    by = list(by)
    out = counts.groupby(by, as_index=False, dropna=False)[list(COUNT_COLUMNS)].sum()
    if passed is not None:
        moved = passed.groupby(by, as_index=False, dropna=False)["passed"].sum()
        out = out.merge(moved, on=by, how="left").fillna({"passed": 0})
        out["passed"] = out["passed"].astype(np.int64)
    return out.sort_values(by, kind="stable").reset_index(drop=True)


def stages(counts: pd.DataFrame, passed: pd.DataFrame, protocol: pd.DataFrame) -> pd.DataFrame:
    """The town's stages in order, from the schools' data, and the municipal stage by the lab's protocols."""
    schools = totals(counts, ["stage_no", "stage"], passed).assign(source=FROM_SCHOOLS)
    rows = [schools]
    if not protocol.empty:
        rows.append(totals(protocol, ["stage_no", "stage"]).assign(source=FROM_PROTOCOLS, passed=np.nan))
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["stage_no", "source"], kind="stable").reset_index(drop=True)
