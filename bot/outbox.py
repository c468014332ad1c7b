"""Delivers stored outgoing messages through the channel they belong to, at least once, in order.

Every reply, notice and advisor message is written to the store first (in the same transaction as
the state change that caused it) and only then sent, so a crash or a platform outage loses
nothing: the row stays `pending` until a channel confirms it. Rows are leased, so two processes
(the web server and the Telegram polling worker) never send the same row at the same time, and
only the oldest pending row of a conversation is leased, so messages arrive in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from .messages import ConversationKey, DeliveryError, OutgoingMessage, Sender
from .store.base import OutboxItem, Store
from .wakeup import Wakeup, poll_forever

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
MAX_BACKOFF = 300.0


def backoff(attempt: int) -> float:
    """1, 2, 4 … seconds after the first, second, third failure; capped at five minutes."""
    return min(float(2 ** max(attempt - 1, 0)), MAX_BACKOFF)


class Outbox:
    def __init__(self, store: Store, senders: Mapping[str, Sender], *, poll_interval: float = 1.0,
                 lease_seconds: float = 60.0, batch: int = 64, max_attempts: int = MAX_ATTEMPTS) -> None:
        self._store = store
        self._senders = dict(senders)
        self._poll_interval = poll_interval
        self._lease_seconds = lease_seconds
        self._batch = batch
        self._max_attempts = max_attempts
        self._wake = Wakeup()

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(self._senders)

    def wake(self) -> None:
        """Something was queued in this process: deliver now instead of at the next poll."""
        self._wake.ring()

    async def run(self) -> None:
        """Deliver until cancelled; rows queued by other processes are picked up by polling."""
        await poll_forever(self.deliver_due, self._wake, self._poll_interval, "outbox")

    async def deliver_due(self) -> int:
        """One round: lease what is due and send it, conversations side by side. Returns the count leased."""
        items = await self._store.lease_outbox(self.channels, self._batch, self._lease_seconds)
        if items:
            results = await asyncio.gather(*(self._deliver(item) for item in items))
            await self._store.mark_sent_many([item.id for item, sent in zip(items, results) if sent])
        return len(items)

    async def drain(self, rounds: int = 100) -> None:
        """Deliver until nothing is due (the console channel and tests)."""
        for _ in range(rounds):
            if not await self.deliver_due():
                return

    async def _deliver(self, item: OutboxItem) -> bool:
        """True when sent (the caller marks the round's sent messages together)."""
        sender = self._senders[item.channel]
        message = OutgoingMessage(
            key=ConversationKey(item.channel, item.chat_id), user_id=item.user_id, text=item.text,
            lang=item.lang or "en", choices=item.choices, reply_handle=item.reply_handle,
            reply_handle_at=item.reply_handle_at, delivery_id=f"madoguchi-{item.id}")
        attempt = item.attempts + 1
        try:
            await sender.send(message)
        except DeliveryError as exc:
            await self._failed(item, attempt, str(exc), exc.permanent, exc.retry_after)
            return False
        except Exception as exc:   # a bug or an SDK surprise: keep the message and try again later
            log.exception("delivery raised", extra={"message_id": item.id, "channel": item.channel})
            await self._failed(item, attempt, f"{type(exc).__name__}: {exc}", False, None)
            return False
        return True

    async def _failed(self, item: OutboxItem, attempt: int, error: str, permanent: bool,
                      retry_after: float | None) -> None:
        if permanent or attempt >= self._max_attempts:
            log.error("delivery failed", extra={"message_id": item.id, "channel": item.channel,
                                                "attempts": attempt, "error": error})
            await self._store.mark_failed(item.id, error)
            return
        delay = max(retry_after or 0.0, backoff(attempt))
        log.warning("delivery will be retried", extra={"message_id": item.id, "channel": item.channel,
                                                       "attempt": attempt, "delay": delay, "error": error})
        await self._store.mark_retry(item.id, delay, error)
