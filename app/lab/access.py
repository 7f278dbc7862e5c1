"""Access rules of the municipal lab's site (EDUMON_SITE=lab): its own accounts, roles and pages, enforced on the
server like the school's (app/access.py). The lab reads aggregates and pseudonymous codes; rows naming an adult
(staff, mentors, authors) follow `lab_sees_people`."""

from __future__ import annotations

from collections.abc import Sequence

from app.access import PAGES
from app.roles import LAB_ROLE_TITLES as LAB_ROLE_TITLES  # re-exported: the lab pages name them from here
from app.roles import LabRole
from sheets_schema.base import SchemaError
from sheets_schema.rows import RowProblem
from sync.users import Account
from sync.write.commands import CommandRejected, WriteCommand

LAB_PAGES: dict[str, frozenset[LabRole]] = {
    "lab_board": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY, LabRole.UPLOADER}),
    "lab_upload": frozenset({LabRole.UPLOADER, LabRole.METHODOLOGIST}),
    "lab_debtors": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY}),
    "lab_entry": frozenset({LabRole.METHODOLOGIST}),
    "lab_town": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY, LabRole.UPLOADER}),  # aggregates
    "lab_class": frozenset({LabRole.METHODOLOGIST, LabRole.UPLOADER}),  # a class's results (students as codes)
    "lab_teacher": frozenset({LabRole.METHODOLOGIST}),  # by teacher: the lab's methodical work, not a rating
    "lab_signals": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY}),
    "lab_tasks": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY}),  # the town's weak elements, by school
    # the staff, olympiad and best-practice databases: every role reads the town's counts; rows naming a person
    # follow lab_sees_people (an adult's personal data: the methodologist, and an uploader for their own school)
    "lab_staff": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY, LabRole.UPLOADER}),
    "lab_staff_review": frozenset({LabRole.METHODOLOGIST}),  # matches across schools
    "lab_staff_xlsx": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY}),  # every school's counts
    "lab_olympiads": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY, LabRole.UPLOADER}),
    "lab_practices": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY, LabRole.UPLOADER}),

    "lab_reports": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY}),  # справки for the authority
    "lab_forecast": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY}),  # forecasts with their past error
    "lab_cycle": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY}),  # the management cycle (edited: LAB_WRITE)

    "lab_clusters": frozenset({LabRole.METHODOLOGIST, LabRole.AUTHORITY}),  # clusters, quartiles, ШНОР: all schools
}
LAB_WRITE = frozenset({LabRole.METHODOLOGIST})  # every sheet of the lab's workbook


def lab_role(account: Account | None) -> LabRole | None:
    if account is None or account.disabled or account.role not in set(LabRole):
        return None
    return LabRole(account.role)


def can_open_lab(account: Account | None, page: str) -> bool:
    role = lab_role(account)
    return role is not None and role in LAB_PAGES.get(page, frozenset())


def uploader_school(account: Account) -> str | None:
    """The one school an uploader may send for (None for other roles: the methodologist sends for any)."""
    return account.teacher_id if lab_role(account) == LabRole.UPLOADER else None


def authorize_lab_commands(account: Account, commands: Sequence[WriteCommand]) -> None:
    if lab_role(account) not in LAB_WRITE:
        raise CommandRejected([RowProblem(0, "", "Изменять таблицы лаборатории может только методист лаборатории")])


def lab_sees_school(account: Account | None, code: str) -> bool:
    """A school's own rows (its drill, its submissions): the methodologist and the authority see every school,
    an uploader only the school of their account."""
    role = lab_role(account)
    if role in (LabRole.METHODOLOGIST, LabRole.AUTHORITY):
        return True
    return role == LabRole.UPLOADER and account is not None and account.teacher_id == code


def lab_sees_people(account: Account | None, code: str) -> bool:
    """Rows naming a teacher, leader or author of a school (staff lists, mentors, ППО authors, protocol rows): the
    methodologist for every school, an uploader for their own; the authority reads counts only."""
    role = lab_role(account)
    if role == LabRole.METHODOLOGIST:
        return True
    return role == LabRole.UPLOADER and account is not None and account.teacher_id == code


def lab_can_drill(account: Account | None, page: str, code: str) -> bool:
    """Both rules at once: the role may open this level, and may see this school."""
    return can_open_lab(account, page) and lab_sees_school(account, code)


if set(PAGES) & set(LAB_PAGES):  # one key, one site: a typo would open a school page's rule on the lab
    raise SchemaError(f"page keys declared for both sites {sorted(set(PAGES) & set(LAB_PAGES))}")
