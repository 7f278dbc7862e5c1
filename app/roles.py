"""The roles of the service and their Russian titles: light, so the command line can name them without pandas."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    TEACHER = "teacher"
    CLASS_TEACHER = "class_teacher"
    HEAD = "head_of_department"
    DEPUTY = "deputy"
    DB_ADMIN = "db_admin"
    METHODOLOGIST = "methodologist"


ROLE_TITLES: dict[str, str] = {
    Role.TEACHER: "учитель",
    Role.CLASS_TEACHER: "классный руководитель",
    Role.HEAD: "руководитель ШМО",
    Role.DEPUTY: "заместитель директора по УВР",
    Role.DB_ADMIN: "администратор баз данных",
    Role.METHODOLOGIST: "методист муниципальной лаборатории",
}


class LabRole(StrEnum):
    METHODOLOGIST = "lab_methodologist"
    UPLOADER = "lab_uploader"  # sends the bundles of one school; the account's link column holds the school code
    AUTHORITY = "lab_authority"  # the municipal education authority: reads, never changes


LAB_ROLE_TITLES: dict[str, str] = {
    LabRole.METHODOLOGIST: "методист лаборатории",
    LabRole.UPLOADER: "ответственный за передачу данных школы",
    LabRole.AUTHORITY: "управление образования (только чтение)",
}
