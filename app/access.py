"""Who may see and change what — declared once, enforced on the server for every page and every write command.

Hiding a button is a courtesy; the rules here are the protection: page guards call `can_open`, the write path
calls `authorize_commands`, every row a page, picker, search, download or template shows comes through
`visible_frames` (READ below), and analytics are filtered through `visible_facts` before any page renders them.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from app.roles import LAB_ROLE_TITLES as LAB_ROLE_TITLES  # re-exported: the lab pages name them from here
from app.roles import ROLE_TITLES as ROLE_TITLES
from app.roles import Role
from app.scope_codes import coded, member, spread
from app.scope_codes import text as _text
from sheets_schema import SCHEMA
from sheets_schema.base import SchemaError
from sheets_schema.lookup import id_positions, value_of
from sheets_schema.rows import RowProblem
from sync.users import Account
from sync.write.commands import CommandRejected, WriteCommand

STAFF_ROLES = {Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD}  # linked to a row of «Педагоги»
ALL = frozenset(Role)

# page key -> roles that may open it
PAGES: dict[str, frozenset[Role]] = {
    "overview": ALL,
    "issues": frozenset({Role.DEPUTY, Role.DB_ADMIN}),
    "entry": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY, Role.DB_ADMIN}),
    "grid": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "upload": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY, Role.DB_ADMIN}),
    "work": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "student": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "my": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "teacher_portfolio": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST}),
    "reports": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY, Role.METHODOLOGIST}),
    "snapshots": frozenset({Role.DB_ADMIN}),
    "restore": frozenset({Role.DB_ADMIN}),
    "users": frozenset({Role.DB_ADMIN}),
    "status": frozenset({Role.DB_ADMIN, Role.DEPUTY}),
    "lab_export": frozenset({Role.DEPUTY, Role.DB_ADMIN}),  # the school's page that builds the lab's bundle
    "audit": frozenset({Role.DB_ADMIN, Role.DEPUTY}),  # who changed what: the deputy answers for the data too
    "letterhead": frozenset({Role.DB_ADMIN, Role.DEPUTY}),  # the справка's Word template
    "calendar": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),  # a teacher sees own works
}

# sheet key -> roles that may write it; STAFF roles are further limited to their scope (see _in_scope)
WRITE: dict[str, frozenset[Role]] = {
    "results": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "period_marks": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "olympiads": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "portfolio": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "practices": frozenset({Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD, Role.DEPUTY}),
    "works": frozenset({Role.DEPUTY}),
    "work_stages": frozenset({Role.DEPUTY, Role.HEAD}),
    "tasks": frozenset({Role.DEPUTY}),
    **{k: frozenset({Role.DEPUTY, Role.DB_ADMIN}) for k in ("departments", "subjects", "teachers", "classes",
                                                           "students", "teaching_load", "courses",
                                                           "attestations", "movements")},
}


@dataclass(frozen=True)
class Scope:
    """What a staff member's rows are: (class, subject) pairs of the teaching load, own classes, department."""

    everything: bool = False
    pairs: frozenset[tuple[str, str]] = frozenset()
    classes: frozenset[str] = frozenset()  # as class teacher
    department: str = ""
    department_subjects: frozenset[str] = frozenset()
    teacher_id: str = ""
    extra_teachers: frozenset[str] = field(default_factory=frozenset)  # a head sees the department's teachers
    anonymous: bool = False  # sees every row, but students only by a code (the town's methodologist)

    @property
    def taught_classes(self) -> frozenset[str]:
        return frozenset(c for c, _ in self.pairs)


def scope_of(account: Account, frames: Mapping[str, pd.DataFrame]) -> Scope:
    if account.role not in STAFF_ROLES:
        return Scope(everything=account.role in {Role.DEPUTY, Role.DB_ADMIN, Role.METHODOLOGIST},
                     anonymous=account.role == Role.METHODOLOGIST)
    tid = account.teacher_id
    load = frames["teaching_load"]
    mine = load[load["teacher_id"] == tid]
    pairs = frozenset(zip(mine["class_id"].astype(str), mine["subject_id"].astype(str), strict=True))
    # the classes sheet says who leads a class: that person sees the whole class whatever their account's role
    cl = frames["classes"]
    classes = frozenset(cl.loc[(cl["class_teacher_id"] == tid).fillna(False).to_numpy(dtype=bool), "id"].astype(str))
    department, subjects, colleagues = "", frozenset[str](), frozenset[str]()
    if account.role == Role.HEAD:
        t = frames["teachers"]
        row = t[t["id"] == tid]
        department = str(row["department_id"].iloc[0]) if len(row) and pd.notna(row["department_id"].iloc[0]) else ""
        s = frames["subjects"]
        subjects = frozenset(s.loc[s["department_id"] == department, "id"].astype(str)) if department else frozenset()
        colleagues = frozenset(t.loc[t["department_id"] == department, "id"].astype(str)) if department else frozenset()
    return Scope(False, pairs, classes, department, subjects, tid, colleagues)


_SCOPE_INPUTS = ("teaching_load", "classes", "teachers", "subjects")  # the frames scope_of reads
_SCOPES: dict[tuple[str, str], tuple[tuple[weakref.ref[pd.DataFrame], ...], Scope]] = {}


def _scope_of_writer(account: Account, frames: Mapping[str, pd.DataFrame]) -> Scope:
    """scope_of, kept while the frames it reads are the same objects (a save of results leaves them): the access
    check of every save does not filter the load again."""
    key = (str(account.role), account.teacher_id)
    hit = _SCOPES.get(key)
    if hit is not None and all(r() is frames.get(k) for r, k in zip(hit[0], _SCOPE_INPUTS, strict=True)):
        return hit[1]
    scope = scope_of(account, frames)
    if len(_SCOPES) > 4096:
        _SCOPES.clear()
    _SCOPES[key] = (tuple(weakref.ref(frames[k]) for k in _SCOPE_INPUTS), scope)
    return scope


def teacher_scope(frames: Mapping[str, pd.DataFrame], teacher_id: str) -> Scope:
    """The scope of a teacher's own classes as the deputy looks at them: the load's pairs plus the classes they
    lead as class teacher."""
    return scope_of(Account(login="", name="", role=Role.TEACHER, teacher_id=teacher_id), frames)


def scope_classes(scope: Scope, frames: Mapping[str, pd.DataFrame]) -> frozenset[str] | None:
    """Classes whose students a person may see (None = every class): the classes they teach, the class they lead,
    and for a head of department every class taught a subject of the department."""
    if scope.everything:
        return None
    out = set(scope.taught_classes) | set(scope.classes)
    if scope.department_subjects:
        load = frames["teaching_load"]
        out |= set(load.loc[load["subject_id"].astype(str).isin(scope.department_subjects), "class_id"].astype(str))
    return frozenset(out)


def can_see_student(scope: Scope, frames: Mapping[str, pd.DataFrame], student_id: str) -> bool:
    """A student of a class in `scope_classes` (an unknown student is nobody's but the whole school's)."""
    if scope.everything:
        return True
    allowed = scope_classes(scope, frames) or frozenset()
    return _lookup(frames, "students", student_id, "class_id") in allowed - {""}


def can_see_teacher(scope: Scope, teacher_id: str) -> bool:
    """The teacher themself, the head of their department (its teachers), or a person who sees everything."""
    return scope.everything or (teacher_id != "" and (teacher_id == scope.teacher_id
                                                      or teacher_id in scope.extra_teachers))


def can_open(account: Account | None, page: str) -> bool:
    return account is not None and not account.disabled and Role(account.role) in PAGES.get(page, frozenset())


def visible_facts(facts: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """Result facts a person may see: a teacher their (class, subject) pairs, a class teacher also all subjects of
    their class, a head of department also every class in their department's subjects."""
    if scope.anonymous and "student" in facts.columns:
        return facts.assign(student=student_code(facts["student_id"]))
    if scope.everything or facts.empty:
        return facts
    pair = facts["class_id"].astype(str) + "\x1f" + facts["subject_id"].astype(str)
    keep = pair.isin({f"{c}\x1f{s}" for c, s in scope.pairs})
    if scope.classes:
        keep |= facts["class_id"].astype(str).isin(scope.classes)
    if scope.department_subjects:
        keep |= facts["subject_id"].astype(str).isin(scope.department_subjects)
    return facts[keep.fillna(False).to_numpy(dtype=bool)]


# Read scope. Who sees everything: the deputy and the database administrator; the town's methodologist sees every
# row too, but never a student's name or birth date (STUDENT_PERSONAL becomes a code). A staff member (teacher,
# class teacher, head of department) sees the rows of each sheet by the rule below:
#   school   every row: the school's structure and its plans, no personal data
#   class    students of the classes in `scope_classes` (taught, led, or of the department's subjects)
#   pair     rows of a student in a (class, subject) of the write scope: own pairs, the whole led class,
#            the department's subjects (results take the subject of their work)
#   teacher  rows of a teacher in `can_see_teacher`: oneself, a head also the department's teachers
#   owner    portfolio: a teacher's entry by `teacher`, a student's by `class`
# «Педагоги» keeps every row (names label classes, heads and the load), with TEACHER_PERSONAL blank for those
# the viewer may not see.
READ: dict[str, str] = {
    "departments": "school", "subjects": "school", "teachers": "school", "classes": "school",
    "teaching_load": "school", "works": "school", "tasks": "school", "work_stages": "school",
    "students": "class", "results": "pair", "period_marks": "pair", "olympiads": "pair",
    "courses": "teacher", "attestations": "teacher", "practices": "teacher", "portfolio": "owner",
    "movements": "student",
}
READ_RULES = ("school", "class", "pair", "teacher", "owner", "student")
TEACHER_PERSONAL = ("birth_date", "category", "category_date", "education", "experience")
STUDENT_PERSONAL = ("last_name", "first_name", "middle_name", "birth_date", "gender")


def student_code(student_ids: pd.Series) -> pd.Series:
    """What the methodologist sees instead of a student's name: «Обучающийся <id>» (the id is the app's own)."""
    return ("Обучающийся " + student_ids.astype("string").fillna("")).astype(object)


def _isin(values: list[str], allowed: frozenset[str] | set[str]) -> np.ndarray:
    ok = set(allowed) - {""}
    return np.fromiter((v in ok for v in values), dtype=bool, count=len(values))


def _by_id(frame: pd.DataFrame, column: str) -> dict[str, str]:
    """id -> frame[column] (the first row of an id)."""
    out: dict[str, str] = {}
    for i, v in zip(_text(frame["id"]), _text(frame[column]), strict=True):
        out.setdefault(i, v)
    return out


class _Lookups:
    """The student's class and the work's subject, made once per read of the workbook."""

    def __init__(self, frames: Mapping[str, pd.DataFrame], scope: Scope) -> None:
        self.student_class = _by_id(frames["students"], "class_id")
        self.work_subject = _by_id(frames["works"], "subject_id")
        self.classes = scope_classes(scope, frames) or frozenset()


def _visible_mask(key: str, frame: pd.DataFrame, scope: Scope, look: _Lookups) -> np.ndarray | None:
    """Which rows of a sheet the (staff) scope reads, by READ; None: every row."""
    rule = READ.get(key, "none")
    if rule == "school":
        return None
    teachers = set(scope.extra_teachers) | {scope.teacher_id}
    if rule == "teacher":
        return member(frame["teacher_id"], teachers)
    if rule == "class":
        return member(frame["class_id"], look.classes)
    students, ids = coded(frame["student_id"])
    classes = [look.student_class.get(i, "") for i in ids]  # each student's current class
    if rule == "student":  # a row about a student the person may see (their current class is in scope)
        return spread(students, [c in look.classes and c != "" for c in classes])
    if rule not in ("pair", "owner"):
        return np.zeros(len(frame), dtype=bool)
    if rule == "owner":
        by_teacher = member(frame["owner"], {"учитель"})
        in_class = spread(students, [c in look.classes and c != "" for c in classes])
        return (by_teacher & member(frame["teacher_id"], teachers)) | (~by_teacher & in_class)
    things, texts = coded(frame["work_id"] if key == "results" else frame["subject_id"])
    subjects = [look.work_subject.get(t, "") for t in texts] if key == "results" else texts
    width = len(subjects) + 1  # a (student, subject) pair as one integer; a missing one is "" on its side
    pair_codes, pairs = np.unique(np.where(students < 0, len(classes), students) * width
                                  + np.where(things < 0, len(subjects), things), return_inverse=True)
    decided = []
    for code in pair_codes.tolist():
        c = classes[code // width] if code // width < len(classes) else ""
        s = subjects[code % width] if code % width < len(subjects) else ""
        decided.append((c, s) in scope.pairs or (c != "" and c in scope.classes)
                       or (s != "" and s in scope.department_subjects))
    return np.array(decided, dtype=bool)[pairs.reshape(-1)] if len(decided) else np.zeros(len(frame), dtype=bool)


def _visible_rows(key: str, frame: pd.DataFrame, scope: Scope, look: _Lookups) -> pd.DataFrame:
    keep = None if frame.empty else _visible_mask(key, frame, scope, look)
    return frame if keep is None else frame[keep]


def visible_frames(scope: Scope, frames: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The workbook as this scope may read it: READ's rows of every sheet, personal columns of people outside it
    left blank. The one filter between the cache and whatever a person is shown or can download."""
    if scope.everything and not scope.anonymous:
        return dict(frames)
    look = None if scope.everything else _Lookups(frames, scope)
    out: dict[str, pd.DataFrame] = {}
    for key, frame in frames.items():
        f = frame if look is None else _visible_rows(key, frame, scope, look)
        if key == "teachers" and not scope.everything and not f.empty:
            hidden = ~_isin(_text(f["id"]), set(scope.extra_teachers) | {scope.teacher_id})
            f = f.copy()
            for col in TEACHER_PERSONAL:
                f.loc[hidden, col] = pd.NA
        if key == "students" and scope.anonymous and not f.empty:
            f = f.copy()
            for col in STUDENT_PERSONAL:
                f[col] = pd.Series(pd.NA, index=f.index, dtype=f[col].dtype)
            f["last_name"] = student_code(f["id"]).astype(f["last_name"].dtype)
        out[key] = f
    return out


def visible_raw_rows(scope: Scope, frames: Mapping[str, pd.DataFrame], key: str,
                     rows: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The same rule over raw cells (id -> field key -> text), so a row that fails validation is judged by what
    its cells say: the edit form, the grid and the «С текущими строками» template read rows this way."""
    out = {i: dict(r) for i, r in rows.items()}
    if (scope.everything and not scope.anonymous) or not out:
        return out
    if not scope.everything:
        grid = pd.DataFrame.from_records(list(out.values()), index=list(out)).reindex(
            columns=SCHEMA[key].keys, fill_value="").fillna("").astype(str).apply(lambda c: c.str.strip())
        grid = _visible_rows(key, grid, scope, _Lookups(frames, scope))
        out = {str(i): out[str(i)] for i in grid.index}
    if key == "teachers" and not scope.everything:
        out = {i: r if can_see_teacher(scope, i) else {**r, **dict.fromkeys(TEACHER_PERSONAL, "")}
               for i, r in out.items()}
    if key == "students" and scope.anonymous:
        out = {i: {**r, **dict.fromkeys(STUDENT_PERSONAL, ""), "last_name": f"Обучающийся {i}"} for i, r in out.items()}
    return out


# the cells of a row `_in_scope` reads, by sheet: what the access check of a save looks up in the cached frames
SCOPE_FIELDS: dict[str, tuple[str, ...]] = {
    "results": ("work_id", "student_id"), "period_marks": ("student_id", "subject_id"),
    "olympiads": ("student_id", "subject_id"), "work_stages": ("work_id",), "practices": ("teacher_id",),
    "portfolio": ("owner", "teacher_id", "student_id"),
}


def _scope_cells(frames: Mapping[str, pd.DataFrame], key: str, ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """id -> the SCOPE_FIELDS cells (as text) of the rows of sheet `key` holding these ids (through the frame's
    kept id index and column lists: no take of the rows)."""
    frame = frames.get(key)
    positions = {} if frame is None or frame.empty else id_positions(frame)
    return {i: {c: _lookup(frames, key, i, c) for c in SCOPE_FIELDS.get(key, ())} for i in ids if i in positions}


def _row_values(cmd: WriteCommand, current: Mapping[str, Mapping[str, str]]) -> list[dict[str, str]]:
    """The row as it is now (update/delete) and as it will be (append/update): both must be in scope."""
    row = current.get(cmd.row_id) if cmd.op != "append" else None
    if cmd.op == "append":
        return [dict(cmd.values)]
    return [] if row is None else [dict(row)] + ([{**row, **cmd.values}] if cmd.op == "update" else [])


def _lookup(frames: Mapping[str, pd.DataFrame], sheet: str, row_id: str, column: str) -> str:
    value = value_of(frames[sheet], str(row_id), column)
    return "" if value is None or pd.isna(value) else str(value)


def _in_scope(cmd: WriteCommand, row: dict[str, str], scope: Scope, frames: Mapping[str, pd.DataFrame]) -> bool:
    def student_pair_ok(student_id: str, subject_id: str) -> bool:
        cls = _lookup(frames, "students", student_id, "class_id")
        return ((cls, subject_id) in scope.pairs or cls in scope.classes
                or (subject_id != "" and subject_id in scope.department_subjects))

    if cmd.sheet == "results":
        subject = _lookup(frames, "works", row.get("work_id", ""), "subject_id")
        return student_pair_ok(row.get("student_id", ""), subject)
    if cmd.sheet in ("period_marks", "olympiads"):
        return student_pair_ok(row.get("student_id", ""), row.get("subject_id", ""))
    if cmd.sheet == "work_stages":  # a head of department keeps the cycle of their department's works
        return _lookup(frames, "works", row.get("work_id", ""), "subject_id") in scope.department_subjects
    if cmd.sheet == "practices":
        return row.get("teacher_id", "") == scope.teacher_id
    if cmd.sheet == "portfolio":
        if row.get("owner") == "учитель":
            return row.get("teacher_id", "") == scope.teacher_id
        cls = _lookup(frames, "students", row.get("student_id", ""), "class_id")
        return cls in scope.classes or cls in scope.taught_classes
    return False


def authorize_commands(account: Account, commands: Sequence[WriteCommand], frames: Mapping[str, pd.DataFrame]
                       ) -> None:
    """Raise CommandRejected (Russian) unless every command is allowed for this account; nothing partial."""
    if account.disabled:
        raise CommandRejected([RowProblem(0, "", "Учётная запись отключена")])
    role = Role(account.role)
    scope: Scope | None = None
    current = {k: _scope_cells(frames, k, [c.row_id for c in commands if c.sheet == k and c.op != "append"])
               for k in dict.fromkeys(c.sheet for c in commands)} if role in STAFF_ROLES else {}
    for i, cmd in enumerate(commands):
        title = SCHEMA[cmd.sheet].title if cmd.sheet in SCHEMA else cmd.sheet
        if role not in WRITE.get(cmd.sheet, frozenset()):
            raise CommandRejected([RowProblem(i, "", f"Роль «{ROLE_TITLES[role]}» не может изменять лист «{title}»")],
                                  title)
        if role in STAFF_ROLES:
            scope = scope or _scope_of_writer(account, frames)
            if not all(_in_scope(cmd, row, scope, frames) for row in _row_values(cmd, current[cmd.sheet])):
                raise CommandRejected([RowProblem(i, "", f"Нет доступа: строка листа «{title}» относится к классу "
                                                         "или предмету вне вашей нагрузки")], title)


def _check_declarations() -> None:
    """At import: every rule names real sheets and a known read rule, and every sheet has a read rule — a typo here
    would silently hide a sheet from everybody or show it to everybody."""
    sheets = set(SCHEMA.keys)
    problems = [f"WRITE names unknown sheets {sorted(set(WRITE) - sheets)}"] if set(WRITE) - sheets else []
    if set(READ) ^ sheets:
        problems.append(f"READ does not match the sheets: extra {sorted(set(READ) - sheets)}, "
                        f"missing {sorted(sheets - set(READ))}")
    if bad := {k: v for k, v in READ.items() if v not in READ_RULES}:
        problems.append(f"READ uses unknown rules {bad}")
    if problems:
        raise SchemaError("; ".join(problems))


_check_declarations()
