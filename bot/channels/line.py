"""LINE: webhook events in, replies out, through the official SDK (line-bot-sdk v3, async API).

`parse` is pure (signature check and event conversion); `prepare` and `send` do the I/O. A reply
uses the free reply token while it is fresh and falls back to a push message otherwise; pushes
carry a retry key derived from the outbox row, so a retried push is not shown twice.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
)
from linebot.v3.webhook import SignatureValidator
from linebot.v3.webhooks import (
    AudioMessageContent,
    Event,
    FileMessageContent,
    FollowEvent,
    GroupSource,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    StickerMessageContent,
    TextMessageContent,
    VideoMessageContent,
)

from ..language.hints import platform_hint
from ..messages import (
    Choice,
    DeliveryError,
    IncomingMessage,
    OutgoingMessage,
    PayloadRejected,
)

log = logging.getLogger(__name__)

CHANNEL = "line"
REPLY_TOKEN_MAX_AGE = 50.0          # LINE reply tokens last about a minute; leave a margin
MAX_TEXT = 5000                     # characters in one text message
MAX_MESSAGES = 5                    # messages in one reply or push request
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
REQUEST_TIMEOUT = 10.0
REPLY_PATH = "/v2/bot/message/reply"
PUSH_PATH = "/v2/bot/message/push"
RETRY_KEY_NAMESPACE = uuid.UUID("6f1f7c1e-4d0b-4f2b-9a57-2f1a9d8e6c11")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
NON_TEXT = {
    ImageMessageContent: "image", VideoMessageContent: "video", AudioMessageContent: "audio",
    LocationMessageContent: "location", StickerMessageContent: "sticker", FileMessageContent: "file",
}


@dataclass
class LineChannel:
    channel_secret: str
    access_token: str
    base_url: str = "https://api.line.me"
    channel: str = CHANNEL
    _signatures: SignatureValidator = field(init=False, repr=False)
    _client: AsyncApiClient | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._signatures = SignatureValidator(self.channel_secret)

    # -- in ---------------------------------------------------------------------------------------

    def parse(self, body: bytes, signature: str | None) -> list[IncomingMessage]:
        """Verify X-Line-Signature and turn the events the bot answers into incoming messages."""
        if not signature:
            raise PayloadRejected(400, "missing X-Line-Signature")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise PayloadRejected(400, "body is not UTF-8") from None
        if not self._signatures.validate(text, signature):
            raise PayloadRejected(400, "signature mismatch")
        try:
            data = json.loads(text)
        except ValueError:
            raise PayloadRejected(400, "body is not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("events"), list):
            raise PayloadRejected(400, "body is not a LINE webhook (no events list)")
        messages = []
        for raw in data["events"]:
            try:
                event = Event.from_dict(raw) if isinstance(raw, dict) else None
            except (ValueError, TypeError, KeyError, AttributeError):
                event = None                  # an event type this SDK does not know, or a broken one
            message = self._message(event, raw) if event is not None else None
            if message is None:
                log.info("line event not answered",
                         extra={"type": raw.get("type") if isinstance(raw, dict) else type(raw).__name__})
                continue
            messages.append(message)
        return messages

    def _message(self, event: Any, raw: Any) -> IncomingMessage | None:
        if getattr(event, "mode", None) is not None and str(getattr(event.mode, "value", event.mode)) != "active":
            return None                       # standby: another channel module answers
        source = getattr(event, "source", None)
        user_id = getattr(source, "user_id", None)
        if user_id is None:
            return None
        chat_id = getattr(source, "group_id", None) or getattr(source, "room_id", None) or user_id
        common = {"channel": self.channel, "user_id": user_id, "chat_id": chat_id, "message_id": event_key(raw),
                  "reply_handle": getattr(event, "reply_token", None)}
        in_group = isinstance(source, (GroupSource, RoomSource))
        if isinstance(event, MessageEvent):
            content = event.message
            if isinstance(content, TextMessageContent):
                text = content.text
                if in_group:
                    text = _addressed_text(content)
                    if text is None:
                        return None           # a group conversation not meant for the bot
                return IncomingMessage(text=text, **common)
            if in_group:
                return None
            kind = next((k for cls, k in NON_TEXT.items() if isinstance(content, cls)), "other")
            return IncomingMessage(kind=kind, **common)
        if isinstance(event, PostbackEvent) and not in_group:
            return IncomingMessage(payload=event.postback.data, **common)
        if isinstance(event, FollowEvent):
            return IncomingMessage(kind="follow", **common)
        return None

    async def prepare(self, message: IncomingMessage) -> IncomingMessage:
        """A new friend: their profile's language is the first guess for the greeting."""
        if message.kind != "follow":
            return message
        try:
            profile = await self._api().get_profile(message.user_id, _request_timeout=REQUEST_TIMEOUT)
        except (ApiException, aiohttp.ClientError, asyncio.TimeoutError) as exc:
            log.warning("line profile unavailable", extra={"error": type(exc).__name__})
            return message
        hint = platform_hint(getattr(profile, "language", None))
        return _with_hint(message, hint) if hint else message

    # -- out --------------------------------------------------------------------------------------

    def client(self) -> AsyncApiClient:
        if self._client is None:
            self._client = AsyncApiClient(Configuration(access_token=self.access_token, host=self.base_url))
            session = self._client.rest_client.pool_manager
            if not any(os.environ.get(k) for k in PROXY_VARIABLES) and hasattr(session, "_trust_env"):
                # the SDK's aiohttp session re-reads proxy variables and ~/.netrc on every request
                # (a fifth of the send cost under load); with no proxy configured there is nothing to read
                session._trust_env = False
        return self._client

    def _api(self) -> AsyncMessagingApi:
        api = AsyncMessagingApi(self.client())
        api.line_base_path = self.base_url          # the SDK's default host is fixed per API class
        return api

    async def send(self, out: OutgoingMessage) -> None:
        messages = render(out)
        try:
            if out.reply_handle and out.reply_handle_at and time.time() - out.reply_handle_at < REPLY_TOKEN_MAX_AGE:
                try:
                    await self._post(REPLY_PATH, {"replyToken": out.reply_handle, "messages": messages})
                    return
                except ApiException as exc:
                    if exc.status != 400:
                        raise
                    log.info("line reply token refused; pushing instead")   # spent or expired
            retry_key = str(uuid.uuid5(RETRY_KEY_NAMESPACE, out.delivery_id or str(uuid.uuid4())))
            await self._post(PUSH_PATH, {"to": out.key.chat_id, "messages": messages},
                             {"X-Line-Retry-Key": retry_key})
        except ApiException as exc:
            if exc.status == 409:
                return                                   # this retry key was accepted before
            raise _delivery_error(exc) from None
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise DeliveryError(f"network: {type(exc).__name__}") from None

    async def _post(self, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        """A Messaging API call through the SDK's own client (its session, authorisation and
        ApiException on any non-2xx status), with the body already in wire form.

        The SDK's reply_message/push_message validate the request model twice (both are
        pydantic `validate_arguments` methods), serialise it again and parse the response into
        a model nobody reads: 0.65 ms of CPU a reply, a third of answering one message."""
        await self.client().call_api(
            path, "POST", header_params={"Content-Type": "application/json", **(headers or {})}, body=body,
            response_types_map={}, auth_settings=["Bearer"], _return_http_data_only=True,
            _request_timeout=REQUEST_TIMEOUT)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def event_key(raw: Any) -> str:
    """The webhook event id, plus a digest of the event: a redelivery (same event, only
    deliveryContext differs) gets the same key; distinct events never share one."""
    body = {k: v for k, v in raw.items() if k != "deliveryContext"} if isinstance(raw, dict) else raw
    digest = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    event_id = raw.get("webhookEventId", "") if isinstance(raw, dict) else ""
    return f"{event_id}:{digest}"


def _addressed_text(content: TextMessageContent) -> str | None:
    """The text without the bot's @mention, or None when the bot is not mentioned."""
    mentionees = content.mention.mentionees if content.mention else []
    own = [m for m in mentionees if getattr(m, "is_self", False)]
    if not own:
        return None
    text = content.text
    for mention in sorted(own, key=lambda m: m.index, reverse=True):
        text = text[:mention.index] + text[mention.index + mention.length:]
    return text.strip()


def _with_hint(message: IncomingMessage, hint: str) -> IncomingMessage:
    record = message.to_record()
    record["lang_hint"] = hint
    return IncomingMessage.from_record(record)


def render(out: OutgoingMessage) -> list[dict[str, Any]]:
    """Text in chunks LINE accepts, as Messaging API message objects; the choices as quick-reply
    buttons on the last one."""
    chunks = [out.text[i:i + MAX_TEXT] for i in range(0, len(out.text), MAX_TEXT)][:MAX_MESSAGES] or [" "]
    messages: list[dict[str, Any]] = [{"type": "text", "text": chunk} for chunk in chunks]
    if out.choices:
        messages[-1]["quickReply"] = quick_reply(out.choices)
    return messages


@functools.lru_cache(maxsize=1024)
def _quick_reply_model(choices: tuple[Choice, ...]) -> QuickReply:
    return QuickReply(items=[
        QuickReplyItem(action=PostbackAction(label=c.label[:MAX_LABEL], data=c.payload, display_text=c.label[:300]))
        for c in choices[:MAX_QUICK_REPLIES]])


@functools.lru_cache(maxsize=1024)
def quick_reply(choices: tuple[Choice, ...]) -> dict[str, Any]:
    """The same few menus recur in every language: built and validated by the SDK's models once
    each, then reused in their JSON form (shared between replies: nothing may modify it)."""
    return _quick_reply_model(choices).to_dict()


def _delivery_error(exc: ApiException) -> DeliveryError:
    status = exc.status or 0
    if status == 429:
        return DeliveryError("LINE rate limit (429)", retry_after=_retry_after(exc))
    if status >= 500:
        return DeliveryError(f"LINE server error ({status})")
    return DeliveryError(f"LINE refused the message ({status})", permanent=True)


def _retry_after(exc: ApiException) -> float | None:
    headers = exc.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
