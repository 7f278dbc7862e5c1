"""Write commands: the only way anything changes a sheet. Validated against the schema before they are accepted."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import pandas as pd

from sheets_schema import Registry
from sheets_schema.errors import UserFacingError
from sheets_schema.lookup import current_rows
from sheets_schema.rows import RowProblem, check_rows_typed, stale_derived

Op = Literal["append", "update", "delete"]
OPS: tuple[str, ...] = ("append", "update", "delete")


class CommandRejected(UserFacingError):
    """A command that does not pass the schema rules; `problems` carry Russian messages per field."""

    def __init__(self, problems: Sequence[RowProblem], sheet_title: str = "") -> None:
        self.problems = list(problems)
        self.sheet_title = sheet_title
        super().__init__("; ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class WriteCommand:
    op: Op
    sheet: str  # sheet key
    row_id: str
    values: dict[str, str] = field(default_factory=dict)  # field key -> new cell text (append: the whole row)
    expected: dict[str, str] = field(default_factory=dict)  # field key -> the cell text the user saw (update)
    user: str = ""
    op_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    created_at: float = field(default_factory=time.time)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_id(prefix: str) -> str:
    """A row id that people can read and that never collides across concurrent writers."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"




class _Texts:
    """Typed cells back to the text of a candidate row, each distinct value of a field rendered once."""

    def __init__(self, types: Mapping[str, Any]) -> None:
        self.types, self.seen = types, dict[tuple[str, Any], str]()

    def __call__(self, key: str, value: Any) -> str:
        if isinstance(value, str):
            return value
        try:
            return self.seen[(key, value)]
        except KeyError:
            out = self.seen[(key, value)] = self.types[key].render(value)
            return out
        except TypeError:  # an unhashable value
            return str(self.types[key].render(value))


def validate_commands(schema: Registry, commands: Sequence[WriteCommand], frames: Mapping[str, pd.DataFrame]
                      ) -> tuple[list[WriteCommand], dict[str, pd.DataFrame]]:
    """Raise CommandRejected when any command breaks a rule; nothing is accepted partially.

    Returns the commands as accepted and, by sheet key, the typed rows their appends and updates become (what the
    cache lays over its frames), checked against `frames` only: the rows touched, their references and their
    cross-row rules. An update that changes what a derived cell is derived from (the scores of a result) and leaves
    that cell, while it holds the value derived from the old inputs, gets it derived again: the accepted command
    writes the new total and mark beside the scores (see sheets_schema.rows.stale_derived).
    """
    problems: list[RowProblem] = []
    typed: dict[str, pd.DataFrame] = {}
    accepted = {c.op_id: c for c in commands}
    title = ""
    for sheet_key in dict.fromkeys(c.sheet for c in commands):
        if sheet_key not in schema:
            raise CommandRejected([RowProblem(0, "", f"Нет такого листа: «{sheet_key}»")])
        sheet = schema[sheet_key]
        title = sheet.title
        mine = [c for c in commands if c.sheet == sheet_key]
        known = set(sheet.keys)
        for c in mine:
            if c.op not in OPS:
                raise CommandRejected([RowProblem(0, "", f"Неизвестная операция «{c.op}»")], title)
            unknown = set(c.values) - known
            if unknown:
                raise CommandRejected([RowProblem(0, "", f"Нет таких столбцов на листе «{title}»: "
                                                         + ", ".join(sorted(unknown)))], title)
        current = current_rows(frames.get(sheet_key), [c.row_id for c in mine if c.op != "append"])
        types = {f.key: f.type for f in sheet.fields}
        text = _Texts(types)
        candidates: list[dict[str, str]] = []
        replacing: list[str] = []
        edits: list[tuple[int, WriteCommand, dict[str, str]]] = []  # candidate position, update, the row before
        for c in mine:
            if c.op == "delete":
                continue
            if c.op == "update":
                base = current.get(c.row_id)
                if base is None:
                    problems.append(RowProblem(0, "id", f"Строка «{c.row_id}» не найдена на листе «{title}» — "
                                                        "возможно, её удалили; обновите страницу"))
                    continue
                row = {k: text(k, v) for k, v in base.items() if k in types}
                edits.append((len(candidates), c, dict(row)))
                row.update(c.values)
                replacing.append(c.row_id)
            else:
                row = dict(c.values)
                if row.get("id") != c.row_id:
                    row["id"] = c.row_id
            candidates.append(row)
        stale = stale_derived(schema, sheet_key, [e[2] for e in edits], [e[1].values for e in edits], frames)
        for (at, _, _), keys in zip(edits, stale, strict=True):
            candidates[at].update(dict.fromkeys(keys, ""))
        if candidates:
            found, typed[sheet_key] = check_rows_typed(schema, sheet_key, candidates, frames, replacing=replacing)
            problems += found
        if any(stale):
            rows = current_rows(typed[sheet_key], [e[1].row_id for e in edits])
            for (_, c, before), keys in zip(edits, stale, strict=True):
                if keys and c.row_id in rows:
                    derived = {k: "" if (v := rows[c.row_id][k]) is None or pd.isna(v) else types[k].render(v)
                               for k in sorted(keys, key=sheet.keys.index)}
                    derived = {k: v for k, v in derived.items() if v != str(before.get(k, "")).strip()}
                    if derived:
                        accepted[c.op_id] = replace(c, values={**c.values, **derived})
    errors = [p for p in problems if p.severity == "ошибка"]
    if errors:
        raise CommandRejected(errors, title)
    return list(accepted.values()), typed
