"""The справка of the level the dashboard stands on (the school's period, a parallel, a class, a teacher) and, for
those who see the whole school, the staff and olympiad workbooks — built off the event loop with a progress bar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from app.pages.downloads import XLSX, Export, export_buttons, file_name, report_exports
from reports.analytics.rollup import parallel_label
from reports.labels import class_label, person_label
from reports.spravka.document import Spravka
from reports.spravka.school import class_spravka, parallel_spravka, school_spravka, teacher_spravka
from sync.convert import docx_to_pdf


def level_spravka(level: str, keys: Mapping[str, Any], parallel: int | None, facts: pd.DataFrame,
                  frames: Mapping[str, pd.DataFrame], period: str | None, base: pd.DataFrame | None = None,
                  whole_school: bool = True) -> tuple[str, Callable[[], Spravka]] | None:
    """(file name stem, builder) of the справка for a dashboard level, or None where the level has none. The school
    and parallel справки are only for those who see the whole school (`whole_school`); `base` (all results of the
    school) gives the parallel's and the school's indicators the class and teacher справки compare with."""
    tag = period or "учебный год"
    if level == "school" and parallel is None:
        if not whole_school:
            return None
        return f"Справка школа {tag}", lambda: school_spravka(facts, frames, period)
    if level in ("school", "parallel") and parallel is not None:
        if not whole_school:
            return None
        return f"Справка {parallel_label(parallel)} {tag}", lambda: parallel_spravka(facts, frames, parallel, period,
                                                                                      base=base)
    if level == "class":
        cid = str(keys["class_id"])
        return f"Справка {_class_name(frames, cid)} {tag}", lambda: class_spravka(facts, frames, cid, period,
                                                                                   base=base)
    if level == "teacher":
        tid = str(keys["teacher_id"])
        return f"Справка {_teacher_name(frames, tid)} {tag}", lambda: teacher_spravka(facts, frames, tid, period,
                                                                                       base=base)
    return None


def _class_name(frames: Mapping[str, pd.DataFrame], class_id: str) -> str:
    """«9«А»» of one row of «Классы» (the id where the class is unknown): a file name, not an internal id."""
    row = frames["classes"][frames["classes"]["id"] == class_id]
    return str(class_label(row["parallel"], row["letter"]).iloc[0] or class_id) if len(row) else class_id


def _teacher_name(frames: Mapping[str, pd.DataFrame], teacher_id: str) -> str:
    """«Петрова А. В.» of one row of «Педагоги» (the id where the teacher is unknown)."""
    row = frames["teachers"][frames["teachers"]["id"] == teacher_id]
    if not len(row):
        return teacher_id
    return str(person_label(row["last_name"], row["first_name"], row["middle_name"], initials=True).iloc[0]
               ) or teacher_id


def _docx(spravka: Spravka) -> bytes:
    from reports.export.docx import spravka_docx  # the export libraries load with the first download, not the server

    return spravka_docx(spravka)


def _xlsx(spravka: Spravka) -> bytes:
    from reports.export.xlsx import spravka_xlsx

    return spravka_xlsx(spravka)


def _pdf(spravka: Spravka) -> bytes:
    from reports.export.pdf import spravka_pdf

    return spravka_pdf(spravka, docx_to_pdf)


def _staff(frames: Mapping[str, pd.DataFrame], today: dt.date) -> bytes:
    from reports.export.xlsx import staff_xlsx

    return staff_xlsx(frames, today)


def _olympiads(frames: Mapping[str, pd.DataFrame]) -> bytes:
    from reports.export.xlsx import olympiad_xlsx

    return olympiad_xlsx(frames)


def exports_panel(level: str, keys: Mapping[str, Any], parallel: int | None, facts: pd.DataFrame,
                  frames: Mapping[str, pd.DataFrame], period: str | None, whole_school: bool,
                  marker_prefix: str = "", base: pd.DataFrame | None = None) -> None:
    """Download buttons for the current level. `facts` are the detail rows the person may see, not filtered by
    kind, subject or parallel (the справка takes the period itself); `base` — all results of the school, used
    only for the parallel's and the school's indicators (`facts` when not given)."""
    found = level_spravka(level, keys, parallel, facts, frames, period, base, whole_school)
    exports: list[Export] = []
    if found is not None:
        stem, build = found
        exports += report_exports(stem, lambda: _docx(build()), lambda: _xlsx(build()), lambda: _pdf(build()),
                                  marker_prefix)
    if whole_school and level == "school" and parallel is None:
        today = dt.date.today()
        exports += [Export("Кадры (Excel)", "groups", "download-staff", file_name("Кадры на", f"{today:%d.%m.%Y}",
                                                                                  ext="xlsx"),
                           XLSX, lambda: _staff(frames, today)),
                    Export("Олимпиады (Excel)", "emoji_events", "download-olympiads",
                           file_name("Олимпиады", ext="xlsx"), XLSX, lambda: _olympiads(frames))]
    if exports:
        export_buttons(exports, f"{marker_prefix}exports")
