"""The advisor JSON API (/api/advisor/...): the same actions as the console, for scripts and tests.

Authenticated with `Authorization: Bearer TOKEN`. Status codes: 401 without a valid token, 404
for an unknown conversation, 409 when the conversation's state does not allow the action (a claim
that another advisor already holds), 403 when another advisor holds it, 400 for a bad body.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..desk import HelpDesk
from ..handoff import HandoffError
from ..store.base import Advisor, NotFound
from . import present
from .auth import bearer_advisor

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024

Handler = Callable[[Request, HelpDesk, Advisor], Awaitable[Response]]


def error(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers or None)


def authenticated(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        desk: HelpDesk = request.app.state.desk
        advisor = await bearer_advisor(request, desk.store)
        if advisor is None:
            log.warning("api: unauthenticated", extra={"path": request.url.path})
            return error(401, "a valid advisor token is required", **{"WWW-Authenticate": "Bearer"})
        try:
            return await handler(request, desk, advisor)
        except NotFound:
            return error(404, "no such conversation")
        except HandoffError as exc:
            return error(exc.status, str(exc))
    return endpoint


def _conversation_id(request: Request) -> int:
    return int(request.path_params["conversation_id"])


async def queue(request: Request, desk: HelpDesk, advisor: Advisor) -> Response:
    entries = await desk.store.queue()
    return JSONResponse({"conversations": [present.queue_entry(desk.core, e) for e in entries]})


def _action(name: str) -> Handler:
    async def act(request: Request, desk: HelpDesk, advisor: Advisor) -> Response:
        conversation = await getattr(desk, name)(_conversation_id(request), advisor)
        return JSONResponse({"conversation": present.conversation(desk.core, conversation)})
    return act


async def messages(request: Request, desk: HelpDesk, advisor: Advisor) -> Response:
    try:
        after = int(request.query_params.get("after", "0"))
    except ValueError:
        return error(400, "after must be a message id")
    found = await desk.store.messages(_conversation_id(request), after_id=after)
    return JSONResponse({"messages": [present.message(m) for m in found]})


async def send(request: Request, desk: HelpDesk, advisor: Advisor) -> Response:
    body = await request.body()
    if len(body) > MAX_BODY:
        return error(413, "body too large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return error(400, "the body must be JSON")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return error(400, 'expected {"text": "..."}')
    conversation = await desk.send(_conversation_id(request), advisor, data["text"])
    return JSONResponse({"conversation": present.conversation(desk.core, conversation)}, status_code=201)


def routes() -> list[Route]:
    base = "/api/advisor/conversations/{conversation_id:int}"
    return [
        Route("/api/advisor/queue", authenticated(queue), methods=["GET"]),
        Route(f"{base}/claim", authenticated(_action("claim")), methods=["POST"]),
        Route(f"{base}/release", authenticated(_action("release")), methods=["POST"]),
        Route(f"{base}/close", authenticated(_action("close")), methods=["POST"]),
        Route(f"{base}/messages", authenticated(messages), methods=["GET"]),
        Route(f"{base}/messages", authenticated(send), methods=["POST"]),
    ]
