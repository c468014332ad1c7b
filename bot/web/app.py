"""The ASGI application `python -m bot serve` runs (and a PaaS runs from the Procfile).

The core is loaded before the app is built, so a content error stops the process at start; the
store is opened and the outbox started in the lifespan, so the server answers only once both are
ready, and stops delivering cleanly on shutdown.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Mapping

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__
from ..core import Core
from ..desk import HelpDesk
from ..messages import Sender
from ..outbox import Outbox
from ..store.base import Store
from . import api, console

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


def create_app(core: Core, store: Store, senders: Mapping[str, Sender] | None = None) -> Starlette:
    outbox = Outbox(store, senders or {})
    desk = HelpDesk(core, store, wake=outbox.wake)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.open()
        delivery = asyncio.create_task(outbox.run(), name="outbox")
        log.info("server ready", extra={"channels": ",".join(outbox.channels) or "none"})
        try:
            yield
        finally:
            delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivery
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
    return app
