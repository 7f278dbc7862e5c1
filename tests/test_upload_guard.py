"""The upload route itself: a body over the limit is refused while it streams, and only a signed-in session with
upload rights may post; a hostile workbook through the page gets a message and the page keeps working."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from nicegui import core, ui
from nicegui.testing import User

from app.upload_guard import FORBIDDEN
from tests.conftest import sign_in
from tests.hostile_xlsx import book, sheet_xml, with_sheet
from tests.test_import_page import XLSX, pending, upload

pytestmark = pytest.mark.ui_app("manual_drain")
MB = 1024 * 1024
BOUNDARY = "edumonboundary"


def _route(user: User, marker: str = "upload-sheet") -> str:
    element = user.find(marker=marker).elements.pop()
    assert isinstance(element, ui.upload)
    return str(element.props["url"])


def _multipart(content: bytes, name: str = "a.xlsx") -> bytes:
    return (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: {XLSX}\r\n\r\n").encode() + content + f"\r\n--{BOUNDARY}--\r\n".encode()


HEADERS = {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


async def test_a_60_mb_post_is_refused_by_its_length_and_while_streaming(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/upload")
    route = _route(user)
    body = _multipart(bytes(60 * MB))
    response = await user.http_client.post(route, content=body, headers=HEADERS)
    assert response.status_code == 413 and "Файл больше 10 МБ" in response.json()["detail"]

    sent = 0

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the guard counts what arrives
        nonlocal sent
        head, rest = body[:1000], body[1000:]
        yield head
        for i in range(0, len(rest), MB):
            sent += 1
            yield rest[i:i + MB]

    response = await user.http_client.post(route, content=chunks(), headers=HEADERS)
    assert response.status_code == 413
    assert sent <= 12  # stopped just past the 10 MB limit, not after reading 60 MB
    assert pending() == 0


async def test_a_post_without_a_session_or_without_upload_rights_is_refused(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/upload")
    route = _route(user)
    body = _multipart("id;Фамилия\n1;Петров\n".encode(), "a.csv")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test") as stranger:
        response = await stranger.post(route, content=body, headers=HEADERS)
    assert response.status_code == 403 and response.json()["detail"] == FORBIDDEN
    await user.should_not_see(marker="import-headline")  # the page never saw the file

    response = await user.http_client.post(route, content=body, headers=HEADERS)  # the signed-in deputy may
    assert response.status_code == 200
    await user.should_see("Файл «a.csv» не загружен: Это не книга Excel (.xlsx)", retries=100)


async def test_a_signed_in_account_without_upload_rights_is_refused(data_dir: Path, user: User) -> None:
    await sign_in(user, "zam")
    await user.open("/upload")
    route = _route(user)
    methodist = User(httpx.AsyncClient(transport=httpx.ASGITransport(core.app), base_url="http://test"))
    await sign_in(methodist, "metodist")
    response = await methodist.http_client.post(route, content=_multipart(book()), headers=HEADERS)
    assert response.status_code == 403


async def test_hostile_workbooks_through_the_page_get_messages_and_the_page_keeps_working(data_dir: Path,
                                                                                          user: User) -> None:
    await sign_in(user, "uchitel")
    await user.open("/upload")
    far = with_sheet(sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v>'
                               '</c></row>'))
    await upload(user, "upload-sheet", far, "далеко.xlsx")
    await user.should_see("Файл «далеко.xlsx» не загружен: Лист «Лист1»: заполнена ячейка XFD1048576", retries=100)
    deep = book(**{"xl/styles.xml": "<a>" * 100_000 + "</a>" * 100_000})
    await upload(user, "upload-sheet", deep, "глубоко.xlsx")
    await user.should_see("Файл «глубоко.xlsx» не загружен: Файл отклонён: вложенность XML", retries=100)
    await upload(user, "upload-sheet", b"id;x\n", "после.csv")
    await user.should_see("Файл «после.csv» не загружен: Это не книга Excel (.xlsx)", retries=100)
    assert pending() == 0
