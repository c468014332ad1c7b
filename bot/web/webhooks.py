"""POST /webhooks/line and /webhooks/telegram: verify, store, answer at once.

The body is checked and its events stored in the inbox before the response; the answering
happens after it (LINE counts a response slower than 2 s as a failure and redelivers). A body the
channel refuses gets a 4xx and a warning, and nothing is stored; an event type the bot does not
know is ignored with a 200, because both platforms would otherwise keep redelivering it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..channels.line import LineChannel
from ..channels.telegram import TelegramChannel
from ..inbox import Inbox
from ..messages import IncomingMessage, PayloadRejected

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024


class BodyTooLarge(Exception):
    pass


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _refused(channel: str, status: int, reason: str) -> Response:
    log.warning("webhook refused", extra={"channel": channel, "status": status, "reason": reason})
    return JSONResponse({"error": reason}, status_code=status)


def line_route(line: LineChannel, inbox: Inbox) -> Route:
    async def webhook(request: Request) -> Response:
        signature = request.headers.get("x-line-signature")
        return await _receive(request, inbox, line.channel, lambda body: line.parse(body, signature))
    return Route("/webhooks/line", webhook, methods=["POST"])


def telegram_route(telegram: TelegramChannel, inbox: Inbox) -> Route:
    async def webhook(request: Request) -> Response:
        if not telegram.check_secret(request.headers.get("x-telegram-bot-api-secret-token")):
            return _refused(telegram.channel, 403, "secret token mismatch")
        return await _receive(request, inbox, telegram.channel, telegram.parse)
    return Route("/webhooks/telegram", webhook, methods=["POST"])


async def _receive(request: Request, inbox: Inbox, channel: str,
                   parse: Callable[[bytes], list[IncomingMessage]]) -> Response:
    try:
        messages = parse(await read_body(request))
    except BodyTooLarge:
        return _refused(channel, 413, "body too large")
    except PayloadRejected as exc:
        return _refused(channel, exc.status, exc.reason)
    return await _accept(inbox, channel, messages)


async def _accept(inbox: Inbox, channel: str, messages: list[IncomingMessage]) -> Response:
    try:
        await inbox.accept(messages)
    except Exception:
        # nothing was stored: 503 makes the platform deliver the events again later
        log.exception("webhook events could not be stored", extra={"channel": channel})
        return JSONResponse({"error": "temporarily unavailable"}, status_code=503)
    return Response(status_code=200)
