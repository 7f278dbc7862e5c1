"""Template download and upload through the user fixture: errors with cell addresses and nothing written, then the
corrected file written once, and the same file again writes nothing new."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from nicegui import ui
from nicegui.testing import User

from app.state import ctx
from tests.conftest import sign_in
from tests.test_grid_page import CLASS_ID, mark_of, new_work

pytestmark = pytest.mark.ui_app("manual_drain")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def fill(data: bytes, cells: dict[str, object]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb["Результаты"]
    for addr, value in cells.items():
        ws[addr] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def upload(user: User, marker: str, data: bytes, name: str = "результаты.xlsx") -> None:
    element = user.find(marker=marker).elements.pop()
    assert isinstance(element, ui.upload)
    await element.handle_uploads([ui.upload.SmallFileUpload(name, XLSX, data)])


def texts(user: User, marker: str) -> list[str]:
    return [e.text for e in sorted(user.find(marker=marker).elements, key=lambda e: e.id)]


def pending() -> int:
    return len(ctx().outbox.pending())


async def test_template_with_three_errors_then_corrected_then_uploaded_again(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    work_id = new_work()
    await user.open(f"/upload?work={work_id}&class={CLASS_ID}")
    user.find(marker="download-results").click()
    template = (await user.download.next()).content
    good = {}
    for r in range(4, 19):  # 15 students: present, then scores for tasks of maxima 1, 2, 2
        good.update({f"C{r}": "да", f"D{r}": r % 2, f"E{r}": r % 3, f"F{r}": 2})
    good.update({"C7": "нет", "D7": None, "E7": None, "F7": None})

    bad = fill(template, {**good, "E5": 5, "D9": "abc", "C12": "может"})
    await upload(user, "upload-results", bad)
    await user.should_see(marker="import-headline", retries=100)
    assert texts(user, "import-error") == [
        'Лист "Результаты", ячейка E5: Балл за задание 2 (5) больше максимального (2)',
        'Лист "Результаты", ячейка D9: Ожидается число',
        'Лист "Результаты", ячейка C12: Допустимые значения: да, нет',
    ]
    await user.should_see("Файл «результаты.xlsx» не загружен: ошибок 3. Исправьте ячейки и загрузите снова — "
                          "пока ничего не записано.")
    assert pending() == 0

    corrected = fill(template, good)
    await upload(user, "upload-results", corrected)
    await user.should_see("Записано. Результаты «Проверочная по математике», 5«А»: добавлено 15, изменено 0, "
                          "без изменений 0", retries=100)
    assert pending() == 15

    await upload(user, "upload-results", corrected)
    await user.should_see("Изменений нет. Результаты «Проверочная по математике», 5«А»: добавлено 0, изменено 0, "
                          "без изменений 15", retries=100)
    assert pending() == 15
    ctx().worker.drain()
    await upload(user, "upload-results", corrected, "ещё раз.xlsx")
    await user.should_see(marker="import-summary", retries=100)
    res = ctx().cache.workbook["results"]
    mine = res[res["work_id"] == work_id]
    assert len(mine) == 15 and pending() == 0
    assert sorted(mine["mark"].dropna().astype(int).tolist()) == sorted(mark_of(r % 2 + r % 3 + 2)
                                                                        for r in range(4, 19) if r != 7)


async def test_not_an_xlsx_and_any_sheet_upload(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/upload")
    await upload(user, "upload-sheet", "id;Фамилия\n1;Петров\n".encode(), "ученики.csv")
    await user.should_see("Файл «ученики.csv» не загружен: Это не книга Excel (.xlsx). Сохраните таблицу в формате "
                          ".xlsx и загрузите снова", retries=100)
    assert pending() == 0

    user.find(marker="download-sheet").click()
    template = (await user.download.next()).content
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ws = wb["Обучающиеся"]
    ws.append([None, "Кузнецова", "Ольга", None, CLASS_ID, "05.03.2014", "ж"])
    ws.append([None, "Кузнецов", "Олег", None, CLASS_ID, None, "м"])
    buf = io.BytesIO()
    wb.save(buf)
    for attempt in range(2):
        await upload(user, "upload-sheet", buf.getvalue(), f"ученики {attempt}.xlsx")
        await user.should_see(f"Лист «Обучающиеся»: добавлено {2 - 2 * attempt}, изменено 0, без изменений "
                              f"{2 * attempt}", retries=100)
    assert pending() == 2
