"""The only types that channels and the core share.

Channels turn platform payloads into `IncomingMessage` and render `Reply`; nothing
platform-specific crosses this line, so the core can be tested without any SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class ConversationKey:
    """Identifies one conversation: one user in one chat on one channel."""

    channel: str
    chat_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.chat_id}"


@dataclass(frozen=True)
class Choice:
    """A button the user can tap instead of typing.

    `payload` is what comes back when tapped (`intent:<id>`, `lang:<tag>`, `advisor`, `cancel`);
    `label` is already in the user's language.
    """

    payload: str
    label: str


@dataclass(frozen=True)
class IncomingMessage:
    """One message from a user, the same for every channel."""

    channel: str
    user_id: str
    chat_id: str
    text: str = ""
    payload: str | None = None          # a tapped Choice's payload, when the user tapped one
    lang_hint: str | None = None        # the platform's idea of the user's language (BCP-47)
    kind: str = "text"                  # text, sticker, image, location, audio, video, file, follow
    message_id: str | None = None       # the platform's id, for de-duplication and audit
    reply_handle: str | None = None     # e.g. LINE's reply token
    raw: Any = field(default=None, compare=False, repr=False)  # for debugging only

    @property
    def key(self) -> ConversationKey:
        return ConversationKey(self.channel, self.chat_id)

    def to_record(self) -> dict[str, Any]:
        """JSON-ready, for the inbox (the raw platform payload is not kept)."""
        return {name: getattr(self, name) for name in _RECORD_FIELDS}

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> "IncomingMessage":
        return cls(**{name: record.get(name) for name in _RECORD_FIELDS if name in record})


_RECORD_FIELDS = ("channel", "user_id", "chat_id", "text", "payload", "lang_hint", "kind", "message_id", "reply_handle")


@dataclass(frozen=True)
class Reply:
    """What the core decided to say, before any channel renders it."""

    text: str
    lang: str
    intent: str
    confidence: float
    choices: tuple[Choice, ...] = ()
    handoff: bool = False
    urgent: bool = False
    silent: bool = False                # an advisor holds the conversation: say nothing

    def as_dict(self) -> dict[str, Any]:
        return {
            "lang": self.lang,
            "intent": self.intent,
            "confidence": round(self.confidence, 3),
            "handoff": self.handoff,
            "urgent": self.urgent,
            "reply": self.text,
            "choices": [{"payload": c.payload, "label": c.label} for c in self.choices],
        }


@dataclass(frozen=True)
class OutgoingMessage:
    """A reply addressed to a conversation, as the outbox hands it to a channel."""

    key: ConversationKey
    user_id: str
    text: str
    lang: str
    choices: tuple[Choice, ...] = ()
    reply_handle: str | None = None
    reply_handle_at: float | None = None    # epoch seconds; LINE reply tokens expire
    delivery_id: str | None = None          # stable across retries: an idempotency key for the platform


class PayloadRejected(Exception):
    """A webhook body a channel refuses (bad signature, not JSON, wrong shape): answered with
    `status` (4xx) and a log line, nothing stored."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class DeliveryError(Exception):
    """A send that did not happen. `permanent`: retrying cannot help (blocked bot, unknown chat);
    `retry_after`: the platform said when to try again (HTTP 429)."""

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.retry_after = retry_after


class Sender(Protocol):
    """What a channel implements so the core can deliver without knowing the platform.

    `send` returns when the platform accepted the message and raises DeliveryError otherwise.
    """

    channel: str

    async def send(self, message: OutgoingMessage) -> None: ...
