"""The storage interface: what the help desk needs to remember, and nothing about how.

Every implementation runs the same tests (tests/test_store.py). Rules about who may do what
live in the core (bot/handoff.py); the store applies a decided `Transition` atomically, so a
claim, its audit entry and the notice to the user are written together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..conversation import ConversationState
from ..messages import Choice, ConversationKey


class StoreError(Exception):
    """Base class for the store's own errors."""


class NotFound(StoreError):
    pass


class StaleConversation(StoreError):
    """The conversation changed since it was read (another process or an advisor); read again."""


class DuplicateMessage(StoreError):
    """This platform message id was stored before: the platform redelivered it."""


class DuplicateAdvisor(StoreError):
    pass


@dataclass(frozen=True)
class Conversation:
    id: int
    channel: str
    chat_id: str
    user_id: str
    state: ConversationState
    claimed_by: int | None
    waiting_since: float | None
    created_at: float
    updated_at: float
    version: int

    @property
    def key(self) -> ConversationKey:
        return ConversationKey(self.channel, self.chat_id)


@dataclass(frozen=True)
class NewMessage:
    """A message to record; outgoing ones (`direction="out"`) also enter the outbox."""

    direction: str                      # "in" (from the user) or "out" (to the user)
    author: str                         # user, bot, advisor, system
    text: str
    lang: str | None = None
    intent: str | None = None
    confidence: float | None = None
    kind: str = "text"
    choices: tuple[Choice, ...] = ()
    advisor_id: int | None = None
    platform_message_id: str | None = None
    reply_handle: str | None = None     # a platform token that makes the first reply cheaper (LINE)


@dataclass(frozen=True)
class StoredMessage:
    id: int
    conversation_id: int
    direction: str
    author: str
    text: str
    lang: str | None
    intent: str | None
    confidence: float | None
    kind: str
    choices: tuple[Choice, ...]
    advisor_id: int | None
    created_at: float
    delivery: str | None                # None for incoming; pending, sent, failed for outgoing


@dataclass(frozen=True)
class AuditNote:
    advisor_id: int | None
    action: str                         # claim, release, close, message, cancel, ...
    detail: str = ""


@dataclass(frozen=True)
class Transition:
    """What one decision changes: the new state, who holds it, what to record and send."""

    state: ConversationState
    claimed_by: int | None
    messages: tuple[NewMessage, ...] = ()
    audit: AuditNote | None = None
    inbox_id: int | None = None         # the inbox event this answers: marked done in the same transaction


@dataclass(frozen=True)
class QueueEntry:
    conversation: Conversation
    last_message: str
    last_message_at: float | None
    recent_intents: tuple[str, ...]     # the matched intents of the last user messages, newest first
    claimed_by_name: str | None


@dataclass(frozen=True)
class Advisor:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class AdvisorSession:
    advisor: Advisor
    csrf_token: str
    expires_at: float


@dataclass(frozen=True)
class OutboxItem:
    """One outgoing message leased to this process for delivery."""

    id: int
    conversation_id: int
    channel: str
    chat_id: str
    user_id: str
    text: str
    lang: str | None
    choices: tuple[Choice, ...]
    reply_handle: str | None
    reply_handle_at: float | None       # when the handle was issued (LINE reply tokens expire)
    attempts: int


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    advisor_id: int | None
    conversation_id: int | None
    action: str
    detail: str


@dataclass(frozen=True)
class InboxEvent:
    """A platform event to keep until it is answered."""

    channel: str
    event_id: str
    chat_id: str
    message: dict[str, Any]             # IncomingMessage.to_record()


@dataclass(frozen=True)
class LeasedEvent:
    id: int
    channel: str
    chat_id: str
    message: dict[str, Any]
    received_at: float
    attempts: int


Decide = Callable[[Conversation], Transition]


class Store(Protocol):
    """Async, so that callers never block the event loop; each call is one transaction."""

    async def open(self) -> None: ...
    async def close(self) -> None: ...
    async def schema_version(self) -> int: ...

    # conversations
    async def conversation_for(self, key: ConversationKey, user_id: str) -> Conversation: ...
    async def conversation(self, conversation_id: int) -> Conversation: ...
    async def commit(self, conversation: Conversation, transition: Transition) -> Conversation: ...
    async def conversations_for(self, items: Sequence[tuple[ConversationKey, str]]) -> list[Conversation]: ...
    async def commit_many(self, items: Sequence[tuple[Conversation, Transition]]) -> list[Conversation | StoreError]: ...
    async def apply(self, conversation_id: int, decide: Decide) -> tuple[Conversation, Transition]: ...
    async def queue(self) -> list[QueueEntry]: ...
    async def messages(self, conversation_id: int, after_id: int = 0, limit: int = 500) -> list[StoredMessage]: ...
    async def audit(self, conversation_id: int | None = None) -> list[AuditEntry]: ...

    # advisors and their console sessions
    async def add_advisor(self, name: str, token_hash: str) -> Advisor: ...
    async def set_advisor_token(self, name: str, token_hash: str) -> Advisor: ...
    async def set_advisor_active(self, name: str, active: bool) -> Advisor: ...
    async def advisors(self) -> list[Advisor]: ...
    async def advisor_by_token(self, token_hash: str) -> Advisor | None: ...
    async def add_session(self, session_hash: str, advisor_id: int, csrf_token: str, expires_at: float) -> None: ...
    async def session(self, session_hash: str) -> AdvisorSession | None: ...
    async def end_session(self, session_hash: str) -> None: ...

    # the inbox: accepted platform events until they are answered
    async def accept_events(self, events: Sequence[InboxEvent]) -> list[bool]: ...
    async def lease_inbox(self, channels: Sequence[str], limit: int, lease_seconds: float) -> list[LeasedEvent]: ...
    async def inbox_done(self, event_id: int) -> None: ...
    async def inbox_retry(self, event_id: int, delay: float, error: str) -> None: ...
    async def inbox_failed(self, event_id: int, error: str) -> None: ...
    async def prune_inbox(self, older_than: float) -> int: ...

    # the outbox
    async def lease_outbox(self, channels: Sequence[str], limit: int, lease_seconds: float) -> list[OutboxItem]: ...
    async def mark_sent_many(self, message_ids: Sequence[int]) -> None: ...
    async def mark_retry(self, message_id: int, delay: float, error: str) -> None: ...
    async def mark_failed(self, message_id: int, error: str) -> None: ...
