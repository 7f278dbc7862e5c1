"""What the results grid offers a person: their own works and classes, and the draft of the grid they left.

Works: a teacher sees the works of the subjects and parallels of their teaching load (a class teacher also every
subject of the class they lead, a head of department every parallel of the department's subjects), the deputy
every work — newest first within each subject, labelled with the subject so the picker's search finds either.
Drafts: kept on the server per login, work and class (not per browser session: signing out or an expired session
keeps them; another person signing in on the same computer never sees them).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from nicegui import app

from app.access import scope_of
from app.visible import visible_workbook
from reports.labels import fmt_date
from sync.users import Account

DRAFTS_KEY = "grid_drafts"
DRAFTS_PER_PERSON = 40  # the oldest draft goes when a person keeps more


def work_pairs(account: Account, frames: Mapping[str, pd.DataFrame]) -> set[tuple[str, int | None]] | None:
    """(subject, parallel) the person enters results for — parallel None means every parallel, subject "" every
    subject; None when they may enter every work."""
    scope = scope_of(account, frames)
    if scope.everything:
        return None
    parallel = dict(zip(frames["classes"]["id"].astype(str), frames["classes"]["parallel"], strict=True))
    out: set[tuple[str, int | None]] = {(s, parallel.get(c)) for c, s in scope.pairs if c in parallel}
    out |= {("", parallel[c]) for c in scope.classes if c in parallel}
    out |= {(s, None) for s in scope.department_subjects}
    return out


def my_works(account: Account | None) -> dict[str, str]:
    """id -> «Математика — title (date)» of the works the person enters results for: subjects alphabetically,
    newest first within a subject."""
    if account is None:
        return {}
    frames = visible_workbook(account).frames
    works = frames["works"]
    if works.empty:
        return {}
    pairs = work_pairs(account, frames)
    if pairs is not None:
        subjects, parallels = works["subject_id"].astype(str), works["parallel"]
        keep = [(s, p) in pairs or (s, None) in pairs or ("", p) in pairs
                for s, p in zip(subjects, parallels, strict=True)]
        works = works[keep]
    names = dict(zip(frames["subjects"]["id"].astype(str), frames["subjects"]["name"].astype(str), strict=True))
    subject = works["subject_id"].astype(str).map(lambda s: names.get(s, s))
    table = pd.DataFrame({"id": works["id"].astype(str), "subject": subject.str[:1].str.upper() + subject.str[1:],
                          "title": works["title"].astype(str), "date": works["date"]})
    table = table.sort_values(["subject", "date", "title"], ascending=[True, False, True], key=_casefold)
    return {r.id: f"{r.subject} — {r.title} ({fmt_date(r.date)})" for r in table.itertuples(index=False)}


def _casefold(col: pd.Series) -> pd.Series:
    return col.str.casefold() if col.dtype == object else col


class StoredDraft:
    """The grid's draft box (forms.grid_draft.DraftBox) in the server's general storage."""

    def __init__(self, login: str, work_id: str, class_id: str) -> None:
        self.login, self.slot = login, f"{work_id}|{class_id}"

    def _mine(self) -> dict[str, Any]:
        drafts = app.storage.general.setdefault(DRAFTS_KEY, {})
        return drafts.setdefault(self.login, {})

    def load(self) -> Mapping[str, Any] | None:
        draft = app.storage.general.get(DRAFTS_KEY, {}).get(self.login, {}).get(self.slot)
        return draft if isinstance(draft, Mapping) else None

    def save(self, draft: Mapping[str, Any]) -> None:
        mine = self._mine()
        mine[self.slot] = dict(draft)
        if len(mine) > DRAFTS_PER_PERSON:
            oldest = min(mine, key=lambda k: float(mine[k].get("saved_at", 0)) if isinstance(mine[k], Mapping) else 0)
            del mine[oldest]

    def clear(self) -> None:
        mine = app.storage.general.get(DRAFTS_KEY, {}).get(self.login)
        if mine and self.slot in mine:
            del mine[self.slot]

