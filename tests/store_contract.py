"""The store contract: every SheetStore implementation must pass these, unchanged.

A test module subclasses `StoreContract` and provides a `store` fixture returning a fresh, empty store.
"""

from __future__ import annotations

import pytest

from sync.store import SheetLayout, SheetStore

CYR = "Результаты 9«А»"
HEADERS = ["id", "Обучающийся", "Баллы по заданиям", "Отметка"]
LAYOUT = SheetLayout(CYR, HEADERS, choices={"Отметка": ("2", "3", "4", "5")},
                     number_ranges={"Отметка": (1, 5)}, widths={"id": 90})
ODD = ["=1+1", "=IMPORTXML(\"http://x\", \"//a\")", "4,5", "007", "  пробелы  ", "😀 эмодзи", "'апостроф",
       "TRUE", "1e5", "", "строка\nвторая", "+79001234567", "-0", "12.10.2025", "3/4"]


class StoreContract:
    @pytest.fixture
    def store(self) -> SheetStore:  # pragma: no cover - overridden
        raise NotImplementedError

    def test_is_a_sheet_store(self, store: SheetStore) -> None:
        assert isinstance(store, SheetStore)
        assert store.kind in {"local", "google"}

    def test_ensure_layout_creates_header_and_is_idempotent(self, store: SheetStore) -> None:
        first = store.ensure_layout([LAYOUT])
        assert CYR in first.created
        assert store.read_all()[CYR] == [HEADERS]
        second = store.ensure_layout([LAYOUT])
        assert second.created == [] and CYR in second.existing
        assert store.read_all()[CYR] == [HEADERS]
        assert CYR in store.titles()

    def test_append_and_read_back_exact_strings(self, store: SheetStore) -> None:
        store.ensure_layout([LAYOUT])
        rows = [[f"r{i}", v, v, v] for i, v in enumerate(ODD)]
        store.append_rows(CYR, rows)
        grid = store.read_all()[CYR]
        assert grid[0] == HEADERS
        # trailing empty cells are trimmed, as Google returns them
        expected = [[c for c in r] for r in rows]
        for r in expected:
            while r and r[-1] == "":
                r.pop()
        assert grid[1:] == expected

    def test_formula_text_stays_text(self, store: SheetStore) -> None:
        store.ensure_layout([LAYOUT])
        store.append_rows(CYR, [["a", "=1+1", "=SUM(A1:A2)", "5"]])
        assert store.read_all()[CYR][1] == ["a", "=1+1", "=SUM(A1:A2)", "5"]

    def test_append_goes_after_last_row_and_ragged_rows_survive(self, store: SheetStore) -> None:
        store.ensure_layout([LAYOUT])
        store.append_rows(CYR, [["a", "x"], ["b"]])
        store.append_rows(CYR, [["c", "", "", "4"]])
        assert store.read_all()[CYR][1:] == [["a", "x"], ["b"], ["c", "", "", "4"]]

    def test_update_by_id_finds_rows_wherever_they_are(self, store: SheetStore) -> None:
        store.ensure_layout([LAYOUT])
        store.append_rows(CYR, [["a", "Иванов", "1 2", "3"], ["b", "Петров", "2 2", "4"], ["c", "Сидоров"]])
        res = store.update_rows(CYR, "id", {"c": {"Отметка": "5", "Баллы по заданиям": "2 2"},
                                            "zzz": {"Отметка": "2"}, "a": {"Обучающийся": "=2+2"}})
        assert sorted(res.applied) == ["a", "c"] and res.not_found == ["zzz"]
        grid = store.read_all()[CYR]
        assert grid[1] == ["a", "=2+2", "1 2", "3"]
        assert grid[2] == ["b", "Петров", "2 2", "4"]
        assert grid[3] == ["c", "Сидоров", "2 2", "5"]

    def test_update_locates_columns_by_header_text(self, store: SheetStore) -> None:
        # someone reordered the columns by hand
        store.replace_sheet(CYR, [["Отметка", "id", "Обучающийся"], ["3", "a", "Иванов"]])
        store.update_rows(CYR, "id", {"a": {"Отметка": "4"}})
        assert store.read_all()[CYR] == [["Отметка", "id", "Обучающийся"], ["4", "a", "Иванов"]]

    def test_read_rows_gives_the_header_and_the_rows_of_those_ids(self, store: SheetStore) -> None:
        # reordered columns, a blank row above the header, a repeated id, an id column missing elsewhere
        store.replace_sheet(CYR, [[], ["Отметка", "id", "Обучающийся"], ["3", "a", "Иванов"], ["4", "b"],
                                  ["5", "c", "=1+1"], ["2", "a", "повтор"]])
        assert store.read_rows(CYR, "id", ["c", "a", "нет такой"]) == [
            ["Отметка", "id", "Обучающийся"], ["3", "a", "Иванов"], ["5", "c", "=1+1"], ["2", "a", "повтор"]]
        assert store.read_rows(CYR, "id", []) == [["Отметка", "id", "Обучающийся"]]
        assert store.read_rows(CYR, "Нет столбца", ["a"]) == [["Отметка", "id", "Обучающийся"]]
        assert store.read_rows("Нет такого листа", "id", ["a"]) is None

    def test_delete_by_id(self, store: SheetStore) -> None:
        store.ensure_layout([LAYOUT])
        store.append_rows(CYR, [[x, x.upper()] for x in "abcde"])
        res = store.delete_rows(CYR, "id", ["b", "d", "nope"])
        assert sorted(res.applied) == ["b", "d"] and res.not_found == ["nope"]
        assert [r[0] for r in store.read_all()[CYR][1:]] == ["a", "c", "e"]
        store.append_rows(CYR, [["f"]])
        assert [r[0] for r in store.read_all()[CYR][1:]] == ["a", "c", "e", "f"]

    def test_replace_sheet_round_trips_odd_content(self, store: SheetStore) -> None:
        grid = [HEADERS, ["1", "Ёлкина", "", "5"], [], ["2", *ODD[:3]], ["3", "😀", "0042"]]
        store.replace_sheet(CYR, grid)
        assert store.read_all()[CYR] == grid
        store.replace_sheet(CYR, [HEADERS])
        assert store.read_all()[CYR] == [HEADERS]

    def test_blank_rows_in_the_middle_are_kept(self, store: SheetStore) -> None:
        store.replace_sheet(CYR, [HEADERS, ["a"], [], ["b"]])
        assert store.read_all()[CYR] == [HEADERS, ["a"], [], ["b"]]

    def test_header_drift_is_reported_and_data_kept(self, store: SheetStore) -> None:
        store.replace_sheet(CYR, [["id", "Ученик", "Баллы по заданиям", "Лишний"], ["a", "Иванов", "1", "x"]])
        rep = store.ensure_layout([LAYOUT])
        assert rep.missing_columns[CYR] == ["Обучающийся", "Отметка"]
        assert rep.extra_columns[CYR] == ["Ученик", "Лишний"]
        assert ("Обучающийся", "Ученик") in rep.renamed_columns[CYR]
        assert store.read_all()[CYR][1] == ["a", "Иванов", "1", "x"]

    def test_several_sheets_keep_tab_order(self, store: SheetStore) -> None:
        other = SheetLayout("Классы", ["id", "Параллель"])
        store.ensure_layout([LAYOUT, other])
        assert [t for t in store.titles() if t in (CYR, "Классы")] == [CYR, "Классы"]
        data = store.read_all()
        assert data["Классы"] == [["id", "Параллель"]]

    def test_unknown_sheet_write_raises_store_error(self, store: SheetStore) -> None:
        from sync.store import StoreError

        with pytest.raises(StoreError):
            store.append_rows("Нет такого листа", [["a"]])
