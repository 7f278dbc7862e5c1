"""The id index the cache keeps for the read grids between settles: laying batches one after another with the
carried index gives the same grids as laying each batch with an index built afresh."""

from __future__ import annotations

from sheets_schema import SCHEMA
from sync.overlay import overlay
from sync.write.commands import WriteCommand

TITLE = SCHEMA["results"].title


def grids() -> dict[str, list[list[str]]]:
    return {TITLE: [SCHEMA["results"].headers] + [[f"r{i}", "w1", f"s{i}", "да", "", str(i), ""] for i in range(5)]}


BATCHES = [
    [WriteCommand("update", "results", "r1", {"present": "нет"}),
     WriteCommand("update", "results", "r3", {"total": "9"})],
    [WriteCommand("append", "results", "r9", {"id": "r9", "work_id": "w1", "student_id": "s9", "present": "да"})],
    [WriteCommand("update", "results", "r9", {"total": "4"}), WriteCommand("delete", "results", "r0")],
    [WriteCommand("update", "results", "r4", {"total": "7"}), WriteCommand("update", "results", "r9", {"mark": "5"})],
]


def test_a_carried_index_gives_the_same_grids_as_a_fresh_one() -> None:
    carried, fresh = grids(), grids()
    indexes: dict[str, dict[str, list[int]]] = {}
    for batch in BATCHES:
        carried, _ = overlay(SCHEMA, carried, batch, indexes)
        fresh, _ = overlay(SCHEMA, fresh, batch)
        assert carried == fresh
    rows = {r[0]: r for r in carried[TITLE][1:]}
    assert list(rows) == ["r1", "r2", "r3", "r4", "r9"]
    assert rows["r1"][3] == "нет" and rows["r3"][5] == "9" and rows["r4"][5] == "7"
    assert rows["r9"][5] == "4" and rows["r9"][6] == "5"
    assert indexes[TITLE] == {"r1": [1], "r2": [2], "r3": [3], "r4": [4], "r9": [5]}  # rebuilt after the delete
