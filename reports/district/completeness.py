"""Campaign completeness: which schools sent, when, with how many problems, who was returned, who is late."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

NOT_SENT = "не прислан"
KEPT = "принят (повторная сдача отклонена)"  # the accepted data stays; the later attempt changed nothing
BOARD_TITLES: dict[str, str] = {
    "code": "Код школы", "short_name": "Школа", "method": "Способ передачи", "status": "Состояние",
    "sent_at": "Получено", "attempts": "Попыток", "problems": "Проблем в последней попытке",
    "comment": "Комментарий лаборатории", "late": "Просрочено",
}
DEBTOR_COLUMNS = ("code", "short_name", "status", "sent_at", "problems", "comment")


def board(schools: pd.DataFrame, academic_year: str, deadline: dt.date | None,
          submissions: Iterable[Mapping[str, Any]], today: dt.date) -> pd.DataFrame:
    """One row per registered school for one campaign (its academic year and deadline).

    `submissions`: dicts with school, academic_year, received_at (epoch s), status, problems (list), comment.
    The last submission decides the state; a school is late when nothing accepted arrived by the deadline.
    """
    last: dict[str, Mapping[str, Any]] = {}
    attempts: dict[str, int] = {}
    accepted_at: dict[str, float] = {}
    for s in sorted(submissions, key=lambda s: s["received_at"]):
        if s["academic_year"] != academic_year:
            continue
        code = s["school"]
        last[code] = s
        attempts[code] = attempts.get(code, 0) + 1
        if s["status"] == "принят":
            accepted_at[code] = s["received_at"]
    rows = []
    for code, name, method in schools[["code", "short_name", "method"]].astype(object).itertuples(index=False):
        got: Mapping[str, Any] | None = last.get(code)
        sent = dt.datetime.fromtimestamp(got["received_at"]) if got else None
        ok_at = dt.datetime.fromtimestamp(accepted_at[code]).date() if code in accepted_at else None
        status = got["status"] if got else NOT_SENT
        if status == "отклонён" and ok_at is not None:
            status = KEPT
        if status in ("принят", KEPT):
            late = deadline is not None and ok_at is not None and ok_at > deadline
        else:
            late = deadline is not None and today > deadline
        rows.append({"code": code, "short_name": name, "method": method, "status": status, "sent_at": sent,
                     "attempts": attempts.get(code, 0), "problems": len(got["problems"]) if got else 0,
                     "comment": got.get("comment", "") if got else "", "late": bool(late)})
    return pd.DataFrame(rows, columns=list(BOARD_TITLES))


def debtors(board_frame: pd.DataFrame) -> pd.DataFrame:
    """Schools whose data the lab does not hold in good order: not sent, refused, returned, or late."""
    bad = ~board_frame["status"].isin(["принят", KEPT]) | board_frame["late"]
    return board_frame[bad.to_numpy(dtype=bool)].reset_index(drop=True)


def summary(board_frame: pd.DataFrame) -> dict[str, int]:
    return {"schools": len(board_frame), "accepted": int(board_frame["status"].isin(["принят", KEPT]).sum()),
            "late": int(board_frame["late"].sum()), "not_sent": int((board_frame["status"] == NOT_SENT).sum())}
