"""A draft of the results grid: the rows typed but not saved yet, kept so that a reload, a closed tab or an expired
session loses nothing.

A draft is plain JSON — student id -> what was typed («не писал» and the score cells) and the saved result it was
typed over (`base`), so a restore can say whose result changed in the meantime.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .grid import GridRow, WorkSpec, changed_rows

CELL_LIMIT = 100  # characters of one cell kept in a draft: a score is never that long, a pasted novel is cut


def _base(raw: Mapping[str, str] | None) -> list[str] | None:
    return None if not raw else [raw.get("present", "").strip(), raw.get("scores", "").strip()]


def draft_of(spec: WorkSpec, rows: Sequence[GridRow], existing: Mapping[str, Mapping[str, str]]
             ) -> dict[str, Any] | None:
    """The unsaved rows as a draft; None when every row matches the saved results."""
    changed = changed_rows(spec, rows, existing)
    if not changed:
        return None
    return {"saved_at": time.time(),
            "rows": {r.student_id: {"absent": r.absent, "scores": [s[:CELL_LIMIT] for s in r.scores],
                                    "base": _base(existing.get(r.student_id))} for r in changed}}


@dataclass
class Restored:
    """What a restore did: rows taken from the draft, those whose saved result changed since, and the typed values
    that no longer fit (the work's tasks changed, or the student left the class) — shown so nothing is lost."""

    rows: list[str] = field(default_factory=list)
    changed_since: list[str] = field(default_factory=list)
    unfit: list[str] = field(default_factory=list)

    def notice(self) -> str:
        text = f"Восстановлен несохранённый черновик: обучающихся {len(self.rows)}. Сохраните его или отбросьте."
        if self.changed_since:
            text += (" Результаты изменились, пока черновик ждал, у: " + ", ".join(self.changed_since)
                     + " — проверьте их перед сохранением.")
        if self.unfit:
            text += " Не подошли к таблице (введите заново): " + "; ".join(self.unfit) + "."
        return text


def _typed(entry: Mapping[str, Any]) -> tuple[bool, list[str]] | None:
    scores = entry.get("scores")
    if not isinstance(scores, list) or not all(isinstance(s, str) for s in scores):
        return None
    return bool(entry.get("absent")), scores


def apply_draft(spec: WorkSpec, rows: Sequence[GridRow], existing: Mapping[str, Mapping[str, str]],
                draft: Mapping[str, Any]) -> Restored:
    """Lay a draft over the grid rows (in place)."""
    out = Restored()
    raw = draft.get("rows")
    entries: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    by_id = {r.student_id: r for r in rows}
    n = len(spec.tasks)
    for sid, entry in entries.items():
        typed = _typed(entry) if isinstance(entry, Mapping) else None
        if typed is None:
            continue
        absent, scores = typed
        row = by_id.get(str(sid))
        if row is None or len(scores) != n:
            who = row.student if row is not None else "обучающийся не в классе"
            out.unfit.append(f"{who}: {'не писал' if absent else ' '.join(s or '—' for s in scores)}")
            continue
        row.absent, row.scores = absent, list(scores)
        out.rows.append(row.student)
        if entry.get("base") != _base(existing.get(row.student_id)):
            out.changed_since.append(row.student)
    return out


class DraftBox(Protocol):
    """Where the page keeps the draft of one grid (one person, one work, one class)."""

    def load(self) -> Mapping[str, Any] | None: ...

    def save(self, draft: Mapping[str, Any]) -> None: ...

    def clear(self) -> None: ...
