"""What the lab's database pages (staff, olympiads, ППО and services) share: a table of a frame with Russian number
and date formats, a filter row whose choices open the page's own URL, and the scope of rows naming a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from nicegui import ui

from app.lab.access import can_open_lab, lab_role, lab_sees_people, lab_sees_school
from app.lab.dashboard import ru
from app.roles import LabRole
from sync.users import Account


def cell(column: str, v: Any) -> Any:
    """A value as the browser shows it: dates ДД.ММ.ГГГГ, shares with one decimal and a comma, missing empty."""
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, (pd.Timestamp, dt.datetime, dt.date, np.datetime64)):
        return pd.Timestamp(v).strftime("%d.%m.%Y")
    if isinstance(v, (bool, np.bool_)):
        return "да" if v else ""
    if isinstance(v, (float, np.floating)):
        return ru(v, 1) if column.endswith("_pct") or not float(v).is_integer() else ru(v, 0)
    if isinstance(v, (int, np.integer)):
        if column == "year":  # a partition's year is the first of the academic year
            return f"{int(v)}/{int(v) + 1}"
        return str(int(v)) if column in ("birth_year", "grade") else ru(v, 0)
    return str(v)


def show(frame: pd.DataFrame, columns: Sequence[str], titles: Mapping[str, str], marker: str,
         pagination: int = 30) -> None:
    cols = [c for c in columns if c in frame.columns]
    rows = [{c: cell(c, r[c]) for c in cols} for r in frame[cols].to_dict("records")]
    ui.table(columns=[{"name": c, "label": titles.get(c, c), "field": c, "align": "left"} for c in cols],
             rows=rows, pagination=pagination).classes("w-full").mark(marker)


def filters(path: str, current: Mapping[str, str], options: Mapping[str, tuple[str, Mapping[str, str]]]) -> None:
    """Selectors (key -> (label, value -> shown)); a choice opens `path` with that filter, the others kept."""
    with ui.row().classes("items-center gap-3"):
        for key, (label, values) in options.items():
            shown = {"": "все", **values}

            def go(e: Any, key: str = key) -> None:
                ui.navigate.to(link(path, {**current, key: e.value or ""}))

            value = current.get(key, "")
            ui.select(shown, value=value if value in shown else "", label=label, on_change=go).classes(
                "w-56").mark(f"filter-{key}")


def link(path: str, params: Mapping[str, Any]) -> str:
    q = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{path}?{q}" if q else path


def report_link(account: Account | None, report: str, **params: Any) -> None:
    """A link from a database page to its справка on the reports page (for the roles that may open that page)."""
    if can_open_lab(account, "lab_reports"):
        ui.link("Справка для управления образования (Word, Excel, PDF)",
                link("/lab/reports", {"report": report, **params})).mark(f"report-link-{report}")


def people_scope(frame: pd.DataFrame, account: Account | None, column: str = "school") -> pd.DataFrame:
    """The rows naming a person the account may see (a comma list of schools: any of them)."""
    if frame.empty:
        return frame
    keep = [any(lab_sees_people(account, s.strip()) for s in str(v).split(",")) for v in frame[column]]
    return frame[np.asarray(keep, dtype=bool)].reset_index(drop=True)


def school_rows(frame: pd.DataFrame, account: Account | None, column: str = "school") -> pd.DataFrame:
    """A table's rows of the schools the account may see (an uploader: their own; counts, not people)."""
    keep = np.asarray([lab_sees_school(account, str(s)) for s in frame[column]], dtype=bool)
    return frame[keep].reset_index(drop=True)


def visible_school(account: Account | None, code: str) -> str:
    """A school filter of the URL the account may use: another school's code from an uploader means no filter."""
    return code if code and lab_sees_school(account, code) else ""


def visible_schools(account: Account | None, names: dict[str, str]) -> dict[str, str]:
    """The schools a school filter offers the account."""
    return {c: n for c, n in names.items() if lab_sees_school(account, c)}


def sees_people(account: Account | None) -> bool:
    """Whether the account sees any row naming a person (the authority does not: counts only)."""
    return lab_role(account) in (LabRole.METHODOLOGIST, LabRole.UPLOADER)


def school_options(schools: pd.DataFrame) -> dict[str, str]:
    return dict(zip(schools["code"].astype(str), schools["short_name"].astype(str), strict=True))
