"""Real servers for tests: an ASGI app on uvicorn on 127.0.0.1, in a background thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import uvicorn

from bot.desk import HelpDesk
from bot.hours import AdvisorHours
from bot.messages import IncomingMessage
from bot.store.sqlite import SQLiteStore
from bot.web.app import create_app
from bot.web.auth import new_token, token_hash


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(app) -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class AdvisorServer:
    """The real server on a real SQLite file, plus a second process's view of that database (as a
    channel worker has), for putting users into the queue."""

    def __init__(self, base: str, core, path: Path, tokens: dict[str, str]) -> None:
        self.base, self.core, self.path, self.tokens = base, core, path, tokens

    def run(self, job):
        async def with_desk():
            store = SQLiteStore(self.path)
            await store.open()
            try:
                return await job(HelpDesk(self.core, store))
            finally:
                await store.close()
        # in a thread of its own: the caller may be inside an event loop (Playwright's, pytest-asyncio's)
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, with_desk()).result()

    def client(self, advisor: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[advisor]}"} if advisor else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=10)

    def user_says(self, text: str, user: str = "u1", channel: str = "console") -> int:
        """A user message through the help desk, the way a channel delivers it."""
        async def say(desk: HelpDesk) -> int:
            return (await desk.handle(IncomingMessage(channel, user, user, text))).conversation.id
        return self.run(say)


@contextlib.contextmanager
def advisor_server(path: Path, core, advisors: tuple[str, ...] = ("aiko", "ben")) -> Iterator[AdvisorServer]:
    """Advisors always at work (so replies do not depend on the hour the tests run)."""
    always = replace(core, hours=AdvisorHours.parse("always"))
    tokens = {name: new_token() for name in advisors}
    with serving(create_app(always, SQLiteStore(path))) as base:
        server = AdvisorServer(base, always, path, tokens)

        async def add(desk: HelpDesk) -> None:
            for name, token in tokens.items():
                await desk.store.add_advisor(name, token_hash(token))
        server.run(add)
        yield server
