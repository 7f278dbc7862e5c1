"""What the administration commands and pages share: adding an account (with its link to «Педагоги»), reading the
audit log with filters, and the write path's status — one implementation behind `edumon users|audit|status` and
the /admin pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from app.roles import ROLE_TITLES, Role
from sheets_schema import SCHEMA
from sheets_schema.errors import UserFacingError
from sync.users import Account, UserError, UserStore
from sync.write.outbox import STATUS_RU, Entry, Outbox
from sync.write.writer import WriteStatus

STAFF = {Role.TEACHER, Role.CLASS_TEACHER, Role.HEAD}  # an account of these roles is one row of «Педагоги»
ROLES_HELP = "; ".join(f"{r.value} — {ROLE_TITLES[r]}" for r in Role)
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%Y %H:%M", "%Y-%m-%dT%H:%M")
FAILED_SIGN_INS_HOURS = 24


def add_user(users: UserStore, teacher_ids: Iterable[str], login: str, name: str, role: str, password: str,
             teacher_id: str = "") -> Account:
    """Add an account; raises UserError (Russian) for an unknown role, a staff role without a teacher of
    «Педагоги», a taken login or a weak password. Nothing is written unless everything is right."""
    if role not in {r.value for r in Role}:
        raise UserError(f"Нет роли «{role}». Роли: {ROLES_HELP}")
    if not name.strip():
        raise UserError("Укажите ФИО пользователя")
    if role in STAFF and teacher_id not in set(teacher_ids):
        raise UserError(f"Для роли «{ROLE_TITLES[role]}» укажите педагога, который есть на листе "
                        f"«{SCHEMA['teachers'].title}»")
    return users.add(login, name.strip(), role, password, teacher_id if role in STAFF else "")


def when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%d.%m.%Y %H:%M:%S") if ts else "—"


def parse_since(text: str | None) -> float | None:
    """«ДД.ММ.ГГГГ [ЧЧ:ММ]» (or ISO) as a timestamp; None for nothing; UserFacingError (Russian) for anything else."""
    if not text or not text.strip():
        return None
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).timestamp()
        except ValueError:
            continue
    raise UserFacingError(f"Дата «{text}» не распознана; пишите ДД.ММ.ГГГГ или ДД.ММ.ГГГГ ЧЧ:ММ")


def sheet_key(text: str | None) -> str | None:
    """A sheet by its tab title or key; None for nothing; UserFacingError (Russian) for an unknown sheet."""
    if not text:
        return None
    found = SCHEMA.by_title(text) or (SCHEMA[text] if text in SCHEMA else None)
    if found is None:
        raise UserFacingError(f"Нет листа «{text}». Листы: " + ", ".join(s.title for s in SCHEMA))
    return found.key


@dataclass(frozen=True)
class AuditLine:
    """One audit entry as a person reads it: who, when, which sheet and row, what changed (old → new)."""

    seq: int
    when: str
    user: str
    sheet: str
    op: str
    row_id: str
    status: str
    changes: tuple[str, ...]
    found: str
    error: str


OPS_RU = {"append": "добавление", "update": "изменение", "delete": "удаление"}


def audit_line(entry: Entry) -> AuditLine:
    c = entry.command
    s = SCHEMA[c.sheet]
    changes = tuple(f"{s.header_of(k)}: «{c.expected.get(k, '')}» → «{new}»" for k, new in c.values.items()
                    if c.op == "update" or new)
    found = ", ".join(f"{s.header_of(k) if k in s.keys else k} = «{v}»" for k, v in entry.found.items())
    return AuditLine(entry.seq, when(c.created_at), c.user or "—", s.title, c.op, c.row_id,
                     STATUS_RU.get(entry.status, entry.status), changes, found,
                     entry.last_error if entry.status != "applied" else "")


def audit(outbox: Outbox, sheet: str | None = None, user: str | None = None, since: float | None = None,
          until: float | None = None, limit: int | None = None) -> list[Entry]:
    """Entries matching the filters, oldest first; `until` (exclusive) bounds the time from above, `limit` keeps
    the newest ones."""
    entries = outbox.entries(sheet=sheet, user=user or None, since=since)
    if until is not None:
        entries = [e for e in entries if e.command.created_at < until]
    return entries[-limit:] if limit else entries


def status_lines(status: WriteStatus, users: UserStore, now: float | None = None) -> list[tuple[str, str]]:
    """(label, value) of what `edumon status` prints and the status page shows."""
    now = dt.datetime.now().timestamp() if now is None else now
    pending = str(status.pending) + (f" (самой старой {status.oldest_pending_age:.0f} с)"
                                     if status.oldest_pending_age else "")
    lines = [("Хранилище", status.store_kind), ("Ожидают записи", pending), ("Конфликтов", str(status.conflicts)),
             ("Последняя запись в таблицу", when(status.last_applied_at)),
             ("Последнее чтение таблицы", when(status.last_refresh_at)),
             ("Последняя ошибка", status.last_error or "нет")]
    if status.requests_last_minute is not None:
        lines.append(("Запросов к Google за минуту", f"{status.requests_last_minute} из 60 разрешённых"))
    failed = users.failed_sign_ins(since=now - FAILED_SIGN_INS_HOURS * 3600)
    lines.append(("Неудачные входы за сутки (3 и больше по одному имени с одного адреса)",
                  "нет" if not failed else "; ".join(f"{login} с адреса {client or '—'}: {n}, последняя попытка "
                                                    f"{when(last)}" for login, client, n, last in failed[:20])))
    return lines
