"""The monitoring cycle of one work on its page (DOMAIN.md: problem → goals and tasks → tactics and tools →
conducting → processing → analysis → recommendations): where the work is, what was done at each stage, and a form
to record the next stage. Notes go to «Этапы мониторинга» through the write path like every other change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
from nicegui import ui

from app.access import authorize_commands
from app.pages.services import can_write, submit_changes
from forms.changes import RowChange
from forms.ids import new_row_id
from reports.labels import fmt_date
from sheets_schema import SCHEMA
from sheets_schema.choices import CYCLE_STAGES
from sync.users import Account
from sync.write.commands import CommandRejected, WriteCommand

STAGES = SCHEMA["work_stages"]


def _own_stage(work: Mapping[str, Any]) -> str:
    value = work.get("stage")
    return str(value) if isinstance(value, str) else ""


def reached_stage(work: Mapping[str, Any], notes: pd.DataFrame) -> int:
    """Index in CYCLE_STAGES of the furthest stage the work has reached: its «Этап мониторинга» cell or the
    furthest stage with a note, whichever is further; -1 when neither says anything."""
    marks = [CYCLE_STAGES.index(str(s)) for s in notes["stage"].dropna() if str(s) in CYCLE_STAGES]
    own = _own_stage(work)
    if own in CYCLE_STAGES:
        marks.append(CYCLE_STAGES.index(own))
    return max(marks, default=-1)


def stage_changes(work: Mapping[str, Any], stage: str, note: str, account: Account, today: dt.date
                  ) -> list[RowChange]:
    """A note for `stage`; when the deputy records a stage further than the work's own cell, the cell moves too."""
    row = {"id": new_row_id("work_stages"), "work_id": str(work["id"]), "stage": stage,
           "date": today.strftime("%d.%m.%Y"), "note": note.strip(), "author": account.name}
    changes = [RowChange("append", "work_stages", row["id"], row)]
    own = _own_stage(work)
    own_index = CYCLE_STAGES.index(own) if own in CYCLE_STAGES else -1
    if can_write("works", account) and stage in CYCLE_STAGES and CYCLE_STAGES.index(stage) > own_index:
        changes.append(RowChange("update", "works", str(work["id"]), {"stage": stage}, {"stage": own}))
    return changes


def may_keep_cycle(account: Account | None, work_id: str, frames: Mapping[str, pd.DataFrame]) -> bool:
    """Whether the server would accept a stage note on this work from this person: the same rule decides whether
    the form is shown, so nobody fills in a note that is refused on saving."""
    if account is None:
        return False
    probe = WriteCommand("append", "work_stages", "probe", {"work_id": work_id}, user=account.login)
    try:
        authorize_commands(account, [probe], frames)
    except CommandRejected:
        return False
    return True


def cycle_panel(work: Mapping[str, Any], frames: Mapping[str, pd.DataFrame], account: Account) -> None:
    """The stepper of stages with their notes and, for those who may keep the cycle, the form for the next note."""
    all_notes = frames["work_stages"]
    notes = all_notes[all_notes["work_id"].astype(str) == str(work["id"])].sort_values("date", kind="stable")
    reached = reached_stage(work, notes)
    ui.label("Этапы мониторингового цикла").classes("text-h6")
    current = CYCLE_STAGES[reached] if reached >= 0 else "не начат"
    ui.label(f"Текущий этап: {current}").classes("text-subtitle1").mark("work-stage")
    with ui.timeline(side="right").classes("w-full max-w-[900px]").mark("work-cycle"):
        for i, stage in enumerate(CYCLE_STAGES):
            mine = notes[notes["stage"].astype(str) == stage]
            done = i <= reached
            with ui.timeline_entry(title=f"{i + 1}. {stage.capitalize()}",
                                   subtitle=", ".join(fmt_date(d) for d in mine["date"].dropna()) or None,
                                   icon="check" if done else "radio_button_unchecked",
                                   color="positive" if done else "grey-5").mark(f"stage-{i + 1}"):
                if mine.empty:
                    ui.label("Записей нет." if done else "Этап ещё не пройден.").classes("text-grey-7")
                for rec in mine.to_dict("records"):
                    author = f" — {rec['author']}" if isinstance(rec.get("author"), str) and rec["author"] else ""
                    ui.label(f"{rec['note']}{author}").classes("whitespace-pre-line")
    if may_keep_cycle(account, str(work["id"]), frames):
        _stage_form(work, reached, account)


def _stage_form(work: Mapping[str, Any], reached: int, account: Account) -> None:
    following = CYCLE_STAGES[min(reached + 1, len(CYCLE_STAGES) - 1)]
    with ui.card().classes("w-full max-w-[900px]").mark("stage-form"):
        ui.label("Записать этап").classes("text-subtitle1")
        stage = ui.select(list(CYCLE_STAGES), value=following, label=STAGES.field("stage").header).classes(
            "w-72").mark("stage-select")
        note = ui.textarea(STAGES.field("note").header, placeholder=STAGES.field("note").help).classes(
            "w-full").mark("stage-note")

        async def save() -> None:
            text = (note.value or "").strip()
            if not text:
                ui.notify("Опишите, что сделано на этапе: пустая запись не сохраняется", type="warning")
                return
            problems = await submit_changes(stage_changes(work, str(stage.value), text, account,
                                                          dt.date.today()), account)
            if problems:
                ui.notify("; ".join(p.message for p in problems), type="negative", multi_line=True)
                return
            ui.notify("Этап записан", type="positive")
            ui.navigate.reload()

        ui.button("Записать", icon="save", on_click=save).mark("stage-save")
