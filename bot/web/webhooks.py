"""POST /webhooks/line and /webhooks/telegram: verify, store, answer at once.

The body is checked and its events stored in the inbox before the response; the answering
happens after it (LINE counts a response slower than 2 s as a failure and redelivers). A body the
channel refuses gets a 4xx and a warning, and nothing is stored; an event type the bot does not
know is ignored with a 200, because both platforms would otherwise keep redelivering it.

Webhooks are served as plain ASGI, in front of the Starlette app: they need none of its routing,
request objects or middleware, which cost as much CPU as verifying and parsing the body (0.2 of
the 0.7 ms a webhook took); the console and API keep all of it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from ..channels.line import LineChannel
from ..channels.telegram import TelegramChannel
from ..inbox import Inbox
from ..messages import IncomingMessage, PayloadRejected

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
JSON_HEADERS = [(b"content-type", b"application/json")]

Headers = Mapping[str, str]


@dataclass(frozen=True)
class Webhook:
    path: str
    channel: str
    parse: Callable[[bytes, Headers], list[IncomingMessage]]    # raises PayloadRejected
    inbox: Inbox

    async def receive(self, body: bytes | None, headers: Headers) -> tuple[int, dict | None]:
        """(status, JSON body) for one delivery; `body` None: it was larger than MAX_BODY."""
        if body is None:
            return _refused(self.channel, 413, "body too large")
        try:
            messages = self.parse(body, headers)
        except PayloadRejected as exc:
            return _refused(self.channel, exc.status, exc.reason)
        try:
            await self.inbox.accept(messages)
        except Exception:
            # nothing was stored: 503 makes the platform deliver the events again later
            log.exception("webhook events could not be stored", extra={"channel": self.channel})
            return 503, {"error": "temporarily unavailable"}
        return 200, None


def line_webhook(line: LineChannel, inbox: Inbox) -> Webhook:
    return Webhook("/webhooks/line", line.channel,
                   lambda body, headers: line.parse(body, headers.get("x-line-signature")), inbox)


def telegram_webhook(telegram: TelegramChannel, inbox: Inbox) -> Webhook:
    def parse(body: bytes, headers: Headers) -> list[IncomingMessage]:
        if not telegram.check_secret(headers.get("x-telegram-bot-api-secret-token")):
            raise PayloadRejected(403, "secret token mismatch")
        return telegram.parse(body)
    return Webhook("/webhooks/telegram", telegram.channel, parse, inbox)


class WebhookRoutes:
    """POSTs to a webhook path are answered here; everything else goes on to `app`."""

    def __init__(self, app: ASGIApp, webhooks: list[Webhook]) -> None:
        self.app = app
        self.webhooks = {w.path: w for w in webhooks}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        webhook = self.webhooks.get(scope["path"]) if scope["type"] == "http" else None
        if webhook is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] != "POST":
            await _respond(send, 405, {"error": "method not allowed"}, [(b"allow", b"POST")])
            return
        try:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            status, payload = await webhook.receive(await read_body(receive, headers), headers)
        except Exception:
            log.exception("webhook failed", extra={"channel": webhook.channel})
            status, payload = 500, {"error": "internal error"}
        await _respond(send, status, payload)


async def _respond(send: Send, status: int, payload: dict | None,
                   headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(payload).encode() if payload is not None else b""
    await send({"type": "http.response.start", "status": status,
                "headers": [*(JSON_HEADERS if payload is not None else []), *(headers or []),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def read_body(receive: Receive, headers: Headers, limit: int = MAX_BODY) -> bytes | None:
    """The whole request body, or None when it is (or is declared) larger than `limit`."""
    declared = headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _refused(channel: str, status: int, reason: str) -> tuple[int, dict]:
    log.warning("webhook refused", extra={"channel": channel, "status": status, "reason": reason})
    return status, {"error": reason}
