"""A wake-up call for a loop that polls (the inbox and the outbox), safe to ring from any thread.

The web server answers webhooks on one event loop and answers messages on another (its own
thread), so a webhook that stored an event must be able to wake the other loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Wakeup:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None
        self._early = False

    def ring(self) -> None:
        loop, event = self._loop, self._event
        if loop is None or event is None:
            self._early = True               # nobody waits yet: the first wait returns at once
            return
        try:
            same = asyncio.get_running_loop() is loop
        except RuntimeError:
            same = False
        if same:
            event.set()
        else:
            with contextlib.suppress(RuntimeError):      # the waiting loop has already closed
                loop.call_soon_threadsafe(event.set)

    async def wait(self, timeout: float) -> None:
        """Until rung or `timeout` seconds, whichever comes first."""
        if self._loop is not asyncio.get_running_loop():
            self._loop, self._event = asyncio.get_running_loop(), asyncio.Event()
            if self._early:
                self._event.set()
        assert self._event is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout=timeout)
        self._event.clear()


async def poll_forever(step: Callable[[], Awaitable[int]], wake: Wakeup, interval: float, name: str) -> None:
    """Run `step` until cancelled: again at once while it finds work, otherwise when rung or after
    `interval` seconds (work queued by another process is only seen by polling). A failing round
    is logged and the loop goes on."""
    while True:
        try:
            found = await step()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("round failed", extra={"loop": name})
            found = 0
        if not found:
            await wake.wait(interval)
