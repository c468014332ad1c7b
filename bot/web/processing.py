"""Answering and delivering on an event loop of their own, in a thread beside the web server's.

Why a thread: answering a message is CPU work (detection, matching, the SDKs' serialisation), and on
the web server's loop a burst of it kept webhooks waiting for their 200 — which LINE counts as a
failure after 2 s. With two loops, Python's thread switching lets a webhook in every few
milliseconds whatever the backlog. Everything that talks to a platform (the channels' HTTP clients)
lives on this loop; the web loop only parses webhooks and writes them to the inbox.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Sequence

from ..channels.line import LineChannel
from ..channels.telegram import TelegramChannel
from ..inbox import Inbox
from ..outbox import Outbox
from ..store.base import Store

log = logging.getLogger(__name__)
SWITCH_INTERVAL = 0.0005


class ProcessingThread:
    def __init__(self, inbox: Inbox, outbox: Outbox, channels: Sequence[LineChannel | TelegramChannel],
                 store: Store | None = None) -> None:
        """`store`: this thread's own store, opened and closed on its loop."""
        self._inbox, self._outbox, self._channels, self._store = inbox, outbox, list(channels), store
        self._thread = threading.Thread(target=self._main, name="processing", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def start(self, timeout: float = 30.0) -> None:
        # a webhook needs the interpreter a few times on its way through; at the default 5 ms
        # switch interval each of those waits could cost 5 ms behind a busy processing thread
        sys.setswitchinterval(SWITCH_INTERVAL)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError("the processing loop did not start")
        if self._error is not None:
            raise RuntimeError("the processing loop failed to start") from self._error

    def stop(self, timeout: float = 15.0) -> None:
        if self._loop is not None and self._stop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)

    def _main(self) -> None:
        try:
            asyncio.run(self._run())
        except BaseException as exc:       # noqa: BLE001 - reported to start() or logged
            self._error = exc
            self._ready.set()
            log.exception("processing loop stopped")

    async def _run(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        if self._store is not None:
            await self._store.open()
        for channel in self._channels:
            if isinstance(channel, TelegramChannel):
                await channel.start()
        tasks = [asyncio.create_task(self._inbox.run(), name="inbox"),
                 asyncio.create_task(self._outbox.run(), name="outbox")]
        self._ready.set()
        try:
            await self._stop.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for channel in self._channels:
                await channel.close()
            if self._store is not None:
                await self._store.close()
