"""The page gate: at most `builds` page GETs at once, the rest wait their turn, and one that waited too long gets
the Russian «сервер занят» page — never an error; NiceGUI's own routes are never held."""

from __future__ import annotations

import asyncio

from app.page_gate import PageGate


class SlowApp:
    """An ASGI app that answers a page once `go` is set, counting how many are inside at once."""

    def __init__(self) -> None:
        self.inside = self.most = 0
        self.go = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        try:
            if scope["path"] != "/_nicegui/static/x.js":
                await self.go.wait()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
        finally:
            self.inside -= 1


async def get(gate: PageGate, path: str) -> tuple[int, bytes]:
    got: list[dict] = []

    async def send(message) -> None:
        got.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    await gate({"type": "http", "method": "GET", "path": path}, receive, send)
    return got[0]["status"], b"".join(m.get("body", b"") for m in got[1:])


def test_pages_wait_their_turn_and_the_ones_waiting_too_long_get_the_busy_page() -> None:
    async def run() -> None:
        inner = SlowApp()
        gate = PageGate(inner, builds=2, wait=0.2)
        pages = [asyncio.ensure_future(get(gate, "/dashboard")) for _ in range(5)]
        assert (await get(gate, "/_nicegui/static/x.js"))[0] == 200  # NiceGUI's routes are not held
        await asyncio.sleep(0.5)  # the three beyond the two slots give up waiting
        inner.go.set()
        answers = await asyncio.gather(*pages)
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200, 200, 503, 503, 503] and inner.most == 2
        busy = next(body for status, body in answers if status == 503).decode("utf-8")
        assert "Сервер занят" in busy and "Повторите" in busy
        assert gate.refused == 3
        # every slot came back: two more pages go in at once
        assert [s for s, _ in await asyncio.gather(get(gate, "/"), get(gate, "/my"))] == [200, 200]

    asyncio.run(run())


def test_a_request_that_goes_away_while_waiting_gives_no_slot_away() -> None:
    async def run() -> None:
        inner = SlowApp()
        gate = PageGate(inner, builds=1, wait=5)
        first = asyncio.ensure_future(get(gate, "/dashboard"))
        waiting = asyncio.ensure_future(get(gate, "/dashboard"))
        await asyncio.sleep(0.05)
        waiting.cancel()
        inner.go.set()
        assert (await first)[0] == 200
        assert (await asyncio.wait_for(get(gate, "/"), 2))[0] == 200

    asyncio.run(run())
