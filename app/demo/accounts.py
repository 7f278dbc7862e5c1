"""Demo accounts: one per role, each staff account linked to a real teacher of the demo school."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from app.access import Role
from reports.analytics.portfolio import full_names
from sync.users import UserStore


@dataclass(frozen=True)
class DemoAccount:
    login: str
    password: str
    role: str
    name: str
    teacher_id: str = ""


def _teacher_name(teachers: pd.DataFrame, tid: str) -> str:
    row = teachers[(teachers["id"] == tid).fillna(False).to_numpy(dtype=bool)]
    return tid if row.empty else str(full_names(row).iloc[0])


def pick_demo_staff(frames: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """role -> teacher id: the teacher with the largest load, a class teacher, a department head (all different)."""
    load, classes = frames["teaching_load"], frames["classes"]
    deps, teachers = frames["departments"], frames["teachers"]
    chosen: dict[str, str] = {}
    if not load.empty:
        # the teacher whose load has the most monitoring works: the demo teacher should have results to see
        works = frames["works"]
        parallel = classes.set_index("id")["parallel"]
        have = set(zip(works["subject_id"].astype(str), works["parallel"].astype("Int64"), strict=True))
        rows = load.assign(par=load["class_id"].map(parallel).astype("Int64"))
        with_works = rows[[(str(s), p) in have for s, p in zip(rows["subject_id"], rows["par"], strict=True)]]
        counts = (with_works if not with_works.empty else rows)["teacher_id"].value_counts()
        chosen[Role.TEACHER] = str(counts.index[0])
    for tid in classes["class_teacher_id"].dropna().astype(str):
        if tid not in chosen.values():
            chosen[Role.CLASS_TEACHER] = tid
            break
    for tid in deps["head_id"].dropna().astype(str):
        if tid not in chosen.values() and (teachers["id"] == tid).any():
            chosen[Role.HEAD] = tid
            break
    return chosen


def create_demo_accounts(users: UserStore, frames: Mapping[str, pd.DataFrame],
                         password: str | None = None) -> list[DemoAccount]:
    """Create the accounts that do not exist yet; returns those created (with their passwords, shown once)."""
    staff = pick_demo_staff(frames)
    plan = [
        ("uchitel", Role.TEACHER), ("klruk", Role.CLASS_TEACHER), ("shmo", Role.HEAD), ("zam", Role.DEPUTY),
        ("admin", Role.DB_ADMIN), ("metodist", Role.METHODOLOGIST),
    ]
    fixed_names = {Role.DEPUTY: "Заместитель директора по УВР", Role.DB_ADMIN: "Администратор баз данных",
                   Role.METHODOLOGIST: "Методист муниципальной лаборатории"}
    created = []
    for login, role in plan:
        if users.get(login) is not None:
            continue
        tid = staff.get(role, "")
        if role in (Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD) and not tid:
            continue
        name = fixed_names.get(role) or _teacher_name(frames["teachers"], tid)
        pw = password or secrets.token_urlsafe(9)
        users.add(login, name, role, pw, teacher_id=tid)
        created.append(DemoAccount(login, pw, role, name, tid))
    return created
