"""The lab's demo accounts: a methodologist, the uploader of our school, a read-only account of the authority."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from app.lab.access import LAB_ROLE_TITLES
from app.roles import LabRole
from sync.users import UserStore


@dataclass(frozen=True)
class LabAccount:
    login: str
    password: str
    role: str
    title: str


PLAN = (("metodist", "Методист лаборатории", LabRole.METHODOLOGIST, ""),
        ("school1", "Ответственный СОШ № 1", LabRole.UPLOADER, "sch-001"),
        ("uo", "Управление образования", LabRole.AUTHORITY, ""))


def create_lab_accounts(users: UserStore, password: str | None = None) -> list[LabAccount]:
    """Create the accounts that do not exist yet; returns those created with their passwords (shown once)."""
    out = []
    for login, name, role, school in PLAN:
        if users.get(login) is not None:
            continue
        pw = password or secrets.token_urlsafe(9)
        users.add(login, name, role, pw, teacher_id=school)
        out.append(LabAccount(login, pw, role, f"{LAB_ROLE_TITLES[role]} — {name}"
                              + (f" (школа {school})" if school else "")))
    return out
