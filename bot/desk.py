"""The help desk: where a user's message and an advisor's action meet the store.

A user's message is read, answered by the dialogue and written back — the incoming message, the
reply (into the outbox) and the new conversation state in one transaction. Messages of one
conversation are handled one at a time (a lock per conversation in this process; a version check
against other processes), so two quick messages cannot both see the old state.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from . import handoff
from .conversation import ConversationState, Mode
from .core import Core
from .dialogue import respond
from .messages import ConversationKey, IncomingMessage, Reply
from .store.base import Advisor, Conversation, DuplicateMessage, NewMessage, StaleConversation, Store, Transition

log = logging.getLogger(__name__)

MAX_STALE_RETRIES = 5
MAX_STORED_CHARS = 10_000        # more than any platform sends; a bigger paste is cut in the transcript


@dataclass(frozen=True)
class Handled:
    reply: Reply
    conversation: Conversation


class HelpDesk:
    def __init__(self, core: Core, store: Store, *, wake: Callable[[], None] = lambda: None,
                 clock: Callable[[], dt.datetime] | None = None) -> None:
        """`wake` tells the outbox that something was queued; `clock` decides advisor hours (tests)."""
        self.core = core
        self.store = store
        self._wake = wake
        self._clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self._locks: weakref.WeakValueDictionary[ConversationKey, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, key: ConversationKey) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock

    async def handle(self, message: IncomingMessage, inbox_id: int | None = None) -> Handled | None:
        """Answer one user message; None when the platform redelivered a message already handled.
        `inbox_id`: the stored event this answers, marked done in the same transaction."""
        async with self._lock(message.key):
            for _ in range(MAX_STALE_RETRIES):
                conversation = await self.store.conversation_for(message.key, message.user_id)
                turn = respond(self.core, message, conversation.state, self._clock())
                transition = replace(self._user_transition(conversation, message, turn.reply, turn.state),
                                     inbox_id=inbox_id)
                try:
                    stored = await self.store.commit(conversation, transition)
                except StaleConversation:
                    continue            # an advisor acted in between: decide again on the new state
                except DuplicateMessage:
                    log.info("duplicate message dropped", extra={"channel": message.channel})
                    return None
                if not turn.reply.silent:
                    self._wake()
                self._log(message, turn.reply, stored)
                return Handled(turn.reply, stored)
            raise StaleConversation(f"{message.key}: kept changing while being answered")

    async def handle_many(self, items: Sequence[tuple[IncomingMessage, int | None]]) -> list[Handled | None]:
        """An inbox round: messages of different conversations, read in one transaction and written
        in one (a stale or duplicate one alone falls back to `handle`). Same answers as `handle`
        one by one, for a fraction of the database round trips."""
        keys = [m.key for m, _ in items]
        if len(set(keys)) != len(keys):
            return [await self.handle(m, inbox_id=i) for m, i in items]
        locks = [self._lock(k) for k in sorted(set(keys), key=str)]
        async with contextlib.AsyncExitStack() as stack:
            for lock in locks:
                await stack.enter_async_context(lock)
            conversations = await self.store.conversations_for([(m.key, m.user_id) for m, _ in items])
            now = self._clock()
            turns = []
            for (message, _), conversation in zip(items, conversations):
                turns.append(respond(self.core, message, conversation.state, now))
                await asyncio.sleep(0)      # let waiting webhooks in between: they must answer fast
            writes = [(c, replace(self._user_transition(c, m, t.reply, t.state), inbox_id=i))
                      for (m, i), c, t in zip(items, conversations, turns)]
            results = await self.store.commit_many(writes)
        handled: list[Handled | None] = []
        for (message, inbox_id), turn, result in zip(items, turns, results):
            if isinstance(result, DuplicateMessage):
                handled.append(None)
            elif isinstance(result, Exception):          # stale: decide again on the new state
                handled.append(await self.handle(message, inbox_id=inbox_id))
            else:
                self._log(message, turn.reply, result)
                handled.append(Handled(turn.reply, result))
        if any(h is not None and not h.reply.silent for h in handled):
            self._wake()
        return handled

    def _log(self, message: IncomingMessage, reply: Reply, stored: Conversation) -> None:
        log.info("message handled", extra={
            "channel": message.channel, "conversation": stored.id, "intent": reply.intent,
            "lang": reply.lang, "mode": stored.state.mode.value, "silent": reply.silent})

    def _user_transition(self, conversation: Conversation, message: IncomingMessage, reply: Reply,
                         state: ConversationState) -> Transition:
        shown = message.text or message.payload or ""      # a tapped button shows its payload to the advisor
        incoming = NewMessage(
            "in", "user", shown[:MAX_STORED_CHARS], lang=reply.lang, intent=reply.intent, confidence=reply.confidence,
            kind=message.kind, platform_message_id=message.message_id)
        messages = [incoming]
        if not reply.silent:
            messages.append(NewMessage("out", "bot", reply.text, lang=reply.lang, intent=reply.intent,
                                       confidence=reply.confidence, choices=reply.choices,
                                       reply_handle=message.reply_handle))
        claimed_by = conversation.claimed_by if state.mode is Mode.CLAIMED else None
        return Transition(state, claimed_by, tuple(messages), handoff.user_audit(conversation.state, state))

    # -- advisor actions (each one transaction: state, audit entry and the notice to the user) --

    async def claim(self, conversation_id: int, advisor: Advisor) -> Conversation:
        return await self._advisor_action(conversation_id, handoff.claim(self.core, advisor.id))

    async def release(self, conversation_id: int, advisor: Advisor) -> Conversation:
        return await self._advisor_action(conversation_id, handoff.release(self.core, advisor.id))

    async def close(self, conversation_id: int, advisor: Advisor) -> Conversation:
        return await self._advisor_action(conversation_id, handoff.close(self.core, advisor.id))

    async def send(self, conversation_id: int, advisor: Advisor, text: str) -> Conversation:
        return await self._advisor_action(conversation_id, handoff.advisor_message(advisor.id, text))

    async def _advisor_action(self, conversation_id: int, decide) -> Conversation:
        conversation, transition = await self.store.apply(conversation_id, decide)
        if transition.messages:
            self._wake()
        if transition.audit is not None:
            log.info("advisor action", extra={"conversation": conversation_id, "action": transition.audit.action,
                                              "advisor": transition.audit.advisor_id})
        return conversation
