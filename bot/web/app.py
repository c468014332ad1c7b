"""The ASGI application `python -m bot serve` runs (and a PaaS runs from the Procfile).

The core is loaded before the app is built, so a content error stops the process at start; the
store is opened and the outbox started in the lifespan, so the server answers only once both are
ready, and stops delivering cleanly on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from ..core import Core
from ..desk import HelpDesk
from ..channels.line import LineChannel
from ..channels.telegram import TelegramChannel
from ..inbox import Inbox
from ..outbox import Outbox
from ..store.base import Store
from . import api, console
from . import webhooks as webhooks_
from .processing import ProcessingThread

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"same-origin",   # with no-referrer, Chromium sends "Origin: null" on our own forms
    b"content-security-policy": b"default-src 'self'; frame-ancestors 'none'; form-action 'self'",
}


class SecurityHeaders:
    """Adds the headers every page of the console should carry (no inline script is allowed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in SECURITY_HEADERS.items() if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(core: Core, store: Store, *, line: LineChannel | None = None,
               telegram: TelegramChannel | None = None, telegram_webhook: bool = True,
               processing: bool = True, processing_store: Store | None = None) -> ASGIApp:
    """A platform whose channel is None is not mounted. Telegram in polling mode
    (`telegram_webhook=False`) is still used here to deliver advisors' messages. With
    `processing=False` this process only stores events and serves advisors; `madoguchi worker`
    answers and delivers. `processing_store`: a second store on the same database for the
    answering thread (opened there, see open_store's `worker`), so that its transactions never
    wait on the web loop's store thread, nor hold the write lock while they do."""
    channels: list[LineChannel | TelegramChannel] = [c for c in (line, telegram) if c is not None]
    preparers = {c.channel: c for c in channels if c is not telegram or telegram_webhook}
    answering_store = processing_store or store
    outbox = Outbox(answering_store, {c.channel: c for c in channels})
    desk = HelpDesk(core, store, wake=outbox.wake)
    inbox = Inbox(store, desk, preparers)
    answering = inbox if answering_store is store else Inbox(
        answering_store, HelpDesk(core, answering_store, wake=outbox.wake), preparers, wakeup=inbox.wakeup)
    webhooks: list[webhooks_.Webhook] = []
    if line is not None:
        webhooks.append(webhooks_.line_webhook(line, inbox))
    if telegram is not None and telegram_webhook:
        webhooks.append(webhooks_.telegram_webhook(telegram, inbox))
    for name, on in (("line", line is not None), ("telegram", telegram is not None and telegram_webhook)):
        log.info("webhook " + ("mounted" if on else "not mounted (no credentials or polling mode)"),
                 extra={"channel": name})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.open()
        worker = ProcessingThread(answering, outbox, channels, store=processing_store) if processing else None
        if worker is not None:
            worker.start()
        else:                                  # the channels still parse webhooks here
            for channel in channels:
                if isinstance(channel, TelegramChannel):
                    await channel.start()
        log.info("server ready", extra={"channels": ",".join(outbox.channels) or "none", "processing": processing})
        try:
            yield
        finally:
            if worker is not None:
                await asyncio.to_thread(worker.stop)
            else:
                for channel in channels:
                    await channel.close()
            await store.close()

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__, "facts": len(core.facts),
                             "schema": await store.schema_version()})

    async def server_error(request: Request, exc: Exception) -> Response:
        log.exception("request failed", extra={"path": request.url.path})
        return JSONResponse({"error": "internal error"}, status_code=500)

    app = Starlette(
        routes=[Route("/healthz", healthz, methods=["GET"]), *api.routes(), *console.routes()],
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={Exception: server_error},
        lifespan=lifespan,
    )
    app.state.core = core
    app.state.desk = desk
    app.state.outbox = outbox
    app.state.inbox = inbox
    return webhooks_.WebhookRoutes(app, webhooks)
