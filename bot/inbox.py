"""Platform events between "accepted" and "answered".

A webhook stores its events here and answers 200 at once (LINE counts a slow answer as a
failure); this loop then answers them. Because the event is stored first and marked done in the
same transaction that stores the bot's answer, an event is answered exactly once: a crash before
that transaction leaves it pending (answered after restart), a crash after it leaves it done, and
a redelivered event id is not stored again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Protocol

from .desk import HelpDesk
from .messages import IncomingMessage
from .outbox import backoff
from .store.base import InboxEvent, LeasedEvent, Store
from .wakeup import Wakeup, poll_forever

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
KEEP_SECONDS = 7 * 24 * 3600       # answered event ids are remembered this long, to drop redeliveries
PRUNE_EVERY = 3600.0


class Preparer(Protocol):
    """A channel's last look at a message before the core sees it (e.g. fetch the profile language,
    acknowledge a tapped button); it may do I/O, which parsing a webhook must not."""

    async def prepare(self, message: IncomingMessage) -> IncomingMessage: ...


class Inbox:
    def __init__(self, store: Store, desk: HelpDesk, preparers: Mapping[str, Preparer], *,
                 poll_interval: float = 1.0, lease_seconds: float = 60.0, batch: int = 32,
                 max_attempts: int = MAX_ATTEMPTS,
                 wakeup: Wakeup | None = None) -> None:
        """`wakeup`: shared with the inbox that accepts the webhooks when another one (on
        another thread, with a store of its own) answers them."""
        self._store = store
        self._desk = desk
        self._preparers = dict(preparers)
        self._poll_interval = poll_interval
        self._lease_seconds = lease_seconds
        self._batch = batch
        self._max_attempts = max_attempts
        self._wake = wakeup or Wakeup()
        self._pruned_at = 0.0
        self._pending: list[tuple[list[InboxEvent], asyncio.Future[int]]] = []
        self._flushing: asyncio.Task[None] | None = None

    @property
    def wakeup(self) -> Wakeup:
        return self._wake

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self._preparers)

    async def accept(self, messages: Sequence[IncomingMessage]) -> int:
        """Store events (idempotent by platform event id); returns how many were new.

        Webhooks arriving together are written in one transaction (a group commit): under load
        that is one disk write for many webhooks instead of one each."""
        events = [InboxEvent(m.channel, m.message_id or "", m.chat_id, m.to_record()) for m in messages]
        if any(not e.event_id for e in events):
            raise ValueError("every accepted message needs its platform event id")
        if not events:
            return 0
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append((events, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        new = await future
        if new < len(events):
            log.info("redelivered events dropped", extra={"count": len(events) - new})
        return new

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                stored = await self._store.accept_events([e for events, _ in batch for e in events])
            except Exception as exc:           # the webhooks answer 503 and the platform redelivers
                for _, future in batch:
                    future.set_exception(exc)
                continue
            offset = 0
            for events, future in batch:
                future.set_result(sum(stored[offset:offset + len(events)]))
                offset += len(events)
            self._wake.ring()

    async def run(self) -> None:
        await poll_forever(self._round, self._wake, self._poll_interval, "inbox")

    async def _round(self) -> int:
        handled = await self.process_due()
        await self._prune()
        return handled

    async def process_due(self) -> int:
        events = await self._store.lease_inbox(self.channels, self._batch, self._lease_seconds)
        if not events:
            return 0
        prepared = await asyncio.gather(*(self._prepare(e) for e in events))
        ready = [(e, m) for e, m in zip(events, prepared) if m is not None]
        try:
            results = await self._desk.handle_many([(m, e.id) for e, m in ready])
        except asyncio.CancelledError:
            raise
        except Exception:
            # one bad message must not hold up the others: answer them one by one
            log.exception("batched handling failed; handling one by one")
            await asyncio.gather(*(self._handle_one(e, m) for e, m in ready))
            return len(events)
        for (event, _), handled in zip(ready, results):
            if handled is None:                      # stored before under its message id
                await self._store.inbox_done(event.id)
        return len(events)

    async def _prepare(self, event: LeasedEvent) -> IncomingMessage | None:
        try:
            return await self._preparers[event.channel].prepare(IncomingMessage.from_record(event.message))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._failed(event, exc)
            return None

    async def _handle_one(self, event: LeasedEvent, message: IncomingMessage) -> None:
        try:
            if await self._desk.handle(message, inbox_id=event.id) is None:
                await self._store.inbox_done(event.id)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            await self._failed(event, exc)

    async def _failed(self, event: LeasedEvent, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        if event.attempts >= self._max_attempts:
            log.error("event given up", extra={"event": event.id, "channel": event.channel, "error": error})
            await self._store.inbox_failed(event.id, error)
        else:
            log.warning("event will be retried", extra={"event": event.id, "channel": event.channel,
                                                        "attempt": event.attempts, "error": error})
            await self._store.inbox_retry(event.id, backoff(event.attempts), error)

    async def _prune(self) -> None:
        now = time.time()
        if now - self._pruned_at >= PRUNE_EVERY:
            self._pruned_at = now
            removed = await self._store.prune_inbox(now - KEEP_SECONDS)
            if removed:
                log.info("inbox pruned", extra={"removed": removed})
