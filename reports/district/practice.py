"""The town's best-practice bank (ППО) and its services catalogue: the schools' ППО from their bundles
(PRACTICE_ROWS, with the author's subjects from the teaching load) and the lab's own «ППО города», searchable by
subject, topic, level of dissemination and school; the lab's «Услуги ОУ» by kind, grade and school."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reports.district.town import teacher_name
from sheets_schema.choices import LEVELS

BANK_COLUMNS = ("school", "short_name", "author", "subjects", "topic", "level", "date", "description", "source")
SERVICE_COLUMNS = ("school", "short_name", "kind", "title", "audience", "grades", "participants", "hours", "link")
TITLES: dict[str, str] = {
    "school": "Код школы", "short_name": "Школа", "author": "Автор", "subjects": "Предметы", "topic": "Тема опыта",
    "level": "Уровень распространения", "date": "Дата", "description": "Описание", "source": "Источник",
    "kind": "Вид услуги", "title": "Название", "audience": "Для кого", "grades": "Классы",
    "participants": "Участников", "hours": "Часов в год", "link": "Ссылка", "count": "Записей",
    "services": "Услуг", "grade": "Класс",
}
FROM_SCHOOL, FROM_LAB = "пакет школы", "таблица лаборатории"


def _key(v: object) -> str:
    return re.sub(r"\s+", " ", str(v).lower().replace("ё", "е")).strip() if isinstance(v, str) else ""


def bank(rows: pd.DataFrame, subjects: pd.DataFrame, town: pd.DataFrame, schools: pd.DataFrame,
         staff: pd.DataFrame | None = None) -> pd.DataFrame:
    """One table of practices: the schools' (PRACTICE_ROWS of each school's latest year, subjects by the author's
    teaching load) and the lab's «ППО города» (subjects found when the author, by full name, is one of that school's
    teachers in `staff`, STAFF_ROWS)."""
    names = dict(zip(schools["code"].astype(str), schools["short_name"].astype(str), strict=True))
    codes = dict(zip(schools["id"].astype(str), schools["code"].astype(str), strict=True))
    latest = rows.groupby("school")["year"].transform("max") if len(rows) else rows["year"]
    rows = rows[(rows["year"] == latest).to_numpy(dtype=bool)]
    subj = subjects[(subjects["year"] == subjects.groupby("school")["year"].transform("max")).to_numpy(dtype=bool)] \
        if len(subjects) else subjects
    of_teacher = subj.groupby(["school", "teacher_id"])["subject"].agg(lambda s: ", ".join(sorted(set(s))))
    school_part = pd.DataFrame({
        "school": rows["school"].astype(str).to_numpy(),
        "author": [teacher_name(a, b, c) for a, b, c in zip(rows["last_name"], rows["first_name"],
                                                            rows["middle_name"], strict=True)],
        "subjects": [of_teacher.get((s, t), "") for s, t in zip(rows["school"], rows["teacher_id"], strict=True)],
        "topic": rows["topic"].astype(object).to_numpy(), "level": rows["level"].astype(object).to_numpy(),
        "date": pd.to_datetime(rows["date"], errors="coerce").to_numpy(),
        "description": rows["description"].astype(object).to_numpy(), "source": FROM_SCHOOL})
    full = {}  # (school, normalised «Фамилия Имя Отчество») -> the author's subjects, for the lab's own rows
    people = rows if staff is None else staff
    if len(people):
        for s, t, a, b, c in people[["school", "teacher_id", "last_name", "first_name", "middle_name"]] \
                .astype(object).itertuples(index=False):
            full[(str(s), _key(" ".join(x for x in (a, b, c) if isinstance(x, str))))] = of_teacher.get((s, t), "")
    lab_codes = [codes.get(str(s), str(s)) for s in town["school_id"]]
    lab_part = pd.DataFrame({
        "school": lab_codes, "author": town["author"].astype(object).to_numpy(),
        "subjects": [full.get((c, _key(a)), "") for c, a in zip(lab_codes, town["author"], strict=True)],
        "topic": town["topic"].astype(object).to_numpy(), "level": town["level"].astype(object).to_numpy(),
        "date": pd.to_datetime(town["date"], errors="coerce").to_numpy(),
        "description": town["description"].astype(object).to_numpy(), "source": FROM_LAB})
    out = pd.concat([p for p in (school_part, lab_part) if len(p)], ignore_index=True) if len(school_part) + len(
        lab_part) else school_part
    out.insert(1, "short_name", [names.get(s, s) for s in out["school"]])
    order = {lv: i for i, lv in enumerate(LEVELS)}
    out["_lv"] = [-order.get(str(v), -1) for v in out["level"]]
    return out.sort_values(["_lv", "short_name", "topic"], kind="stable").drop(columns="_lv").reset_index(drop=True)


@dataclass(frozen=True)
class Search:
    """What the bank's search asks for: each field empty means «any»; `text` is looked for in topic and
    description, case and «ё» ignored."""

    text: str = ""
    subject: str = ""
    level: str = ""
    school: str = ""

    def apply(self, b: pd.DataFrame) -> pd.DataFrame:
        keep = np.ones(len(b), dtype=bool)
        if self.text.strip():
            words = _key(self.text).split()
            hay = [_key(f"{t} {d if isinstance(d, str) else ''}") for t, d in zip(b["topic"], b["description"],
                                                                                  strict=True)]
            keep &= np.array([all(w in h for w in words) for h in hay], dtype=bool)
        if self.subject:
            keep &= np.array([self.subject in [s.strip() for s in str(v).split(",")] for v in b["subjects"]],
                             dtype=bool)
        if self.level:
            keep &= (b["level"].astype(object) == self.level).to_numpy(dtype=bool)
        if self.school:
            keep &= (b["school"].astype(str) == self.school).to_numpy(dtype=bool)
        return b[keep].reset_index(drop=True)


def bank_counts(b: pd.DataFrame, by: str) -> pd.DataFrame:
    """How many practices per level (in the order of levels), school or subject (a practice of two subjects counts
    under each; «не указан» last)."""
    if by == "subjects":
        values = [s.strip() or "не указан" for v in b["subjects"] for s in (str(v).split(",") if v else ["не указан"])]
        out = pd.Series(values, dtype=object).value_counts().rename_axis("subjects").reset_index(name="count")
        return out.sort_values("subjects", key=lambda s: s.map(lambda v: (v == "не указан", v))) \
            .reset_index(drop=True)
    out = b.groupby(by, as_index=False).size().rename(columns={"size": "count"})
    order = {lv: i for i, lv in enumerate(LEVELS)}
    key = (lambda s: s.map(lambda v: (order.get(v, len(order)), str(v)))) if by == "level" else None
    return out.sort_values(by, key=key).reset_index(drop=True)


_RANGE = re.compile(r"(\d{1,2})\s*[–—-]\s*(\d{1,2})")
_ONE = re.compile(r"\d{1,2}")


def grades_of(audience: object) -> tuple[int, ...]:
    """The grades a service's «Для кого» names: «5–8 классы» -> 5..8, «9, 11 класс» -> 9, 11; none named: ()."""
    if not isinstance(audience, str):
        return ()
    found: set[int] = set()
    rest = audience
    for a, b in _RANGE.findall(audience):
        lo, hi = sorted((int(a), int(b)))
        found.update(range(lo, hi + 1))
    rest = _RANGE.sub(" ", audience)
    found.update(int(x) for x in _ONE.findall(rest))
    return tuple(sorted(g for g in found if 1 <= g <= 11))


def services(frame: pd.DataFrame, schools: pd.DataFrame) -> pd.DataFrame:
    codes = dict(zip(schools["id"].astype(str), schools["code"].astype(str), strict=True))
    names = dict(zip(schools["code"].astype(str), schools["short_name"].astype(str), strict=True))
    out = frame.assign(school=[codes.get(str(s), str(s)) for s in frame["school_id"]])
    out["short_name"] = [names.get(s, s) for s in out["school"]]
    out["grades"] = [grades_of(a) for a in out["audience"]]
    return out[list(SERVICE_COLUMNS)].sort_values(["short_name", "kind", "title"], kind="stable") \
        .reset_index(drop=True)


def services_for(s: pd.DataFrame, kind: str = "", grade: int | None = None, school: str = "") -> pd.DataFrame:
    """Services of a kind, for a grade (a service naming no grade is for any), of a school; empty means «any»."""
    keep = np.ones(len(s), dtype=bool)
    if kind:
        keep &= (s["kind"].astype(object) == kind).to_numpy(dtype=bool)
    if grade is not None:
        keep &= np.array([not g or grade in g for g in s["grades"]], dtype=bool)
    if school:
        keep &= (s["school"].astype(str) == school).to_numpy(dtype=bool)
    return s[keep].reset_index(drop=True)


def services_counts(s: pd.DataFrame, by: str) -> pd.DataFrame:
    """Services, their participants and hours per kind, school or grade (a service of several grades counts under
    each of them; one naming none under «все классы»)."""
    if by == "grade":
        s = s.assign(grade=[list(g) or ["все классы"] for g in s["grades"]]).explode("grade")
        s["grade"] = s["grade"].astype(str)
    part = s.assign(participants=pd.to_numeric(s["participants"], errors="coerce"),
                    hours=pd.to_numeric(s["hours"], errors="coerce"))
    out = part.groupby(by, as_index=False).agg(services=("title", "size"), participants=("participants", "sum"),
                                                hours=("hours", "sum"))
    if by == "grade":
        out["_o"] = [int(g) if g.isdigit() else 99 for g in out["grade"]]
        out = out.sort_values("_o").drop(columns="_o")
    return out.reset_index(drop=True)
