"""How a lab page changes the lab's own workbook: the commands pass the role rule on the server
(app.lab.access.authorize_lab_commands), then the write path (schema check, outbox, cache overlay)."""

from __future__ import annotations

from collections.abc import Sequence

from app.lab.access import authorize_lab_commands
from app.lab.pages import lab
from sheets_schema.rows import RowProblem
from sync.users import Account
from sync.write.commands import CommandRejected, WriteCommand

SESSION_ENDED = "Сеанс завершён: войдите заново — ничего не сохранено"


def submit_lab(account: Account | None, commands: Sequence[WriteCommand]) -> list[RowProblem]:
    """Blocking (run it off the event loop): the Russian problems of a refusal, nothing written then."""
    if account is None:
        return [RowProblem(0, "", SESSION_ENDED)]
    try:
        authorize_lab_commands(account, commands)
        lab().writer.submit(list(commands))
    except CommandRejected as exc:
        return list(exc.problems)
    return []
