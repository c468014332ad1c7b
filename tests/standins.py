"""Local recording stand-ins of the LINE Messaging API and the Telegram Bot API.

Real HTTP on 127.0.0.1: the official SDKs talk to these exactly as they would to the platforms.
Each records what it was sent and can be told to fail the next calls (500, 429, a spent token).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 200                     # what the stand-in answered


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)
    failures: list[tuple[str, int, dict[str, str], Any]] = field(default_factory=list)   # (path part, status, headers, body)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, path_part: str, status: int, headers: dict[str, str] | None = None, body: Any = None) -> None:
        with self.lock:
            self.failures.append((path_part, status, headers or {}, body))

    def _failure(self, path: str) -> Response | None:
        with self.lock:
            for i, (part, status, headers, body) in enumerate(self.failures):
                if part in path:
                    del self.failures[i]
                    return JSONResponse(body if body is not None else {"message": "injected"}, status_code=status,
                                        headers=headers)
        return None

    def record(self, path: str, headers: dict[str, str], body: Any) -> Call:
        call = Call(path, headers, body)
        with self.lock:
            self.calls.append(call)
        return call

    def sent(self, part: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if part in c.path]

    def wait(self, part: str, count: int, timeout: float = 10.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent(part)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} calls to {part}, got {len(self.sent(part))}: {self.sent(part)}")


def line_api(recorder: Recorder, profile_language: str | None = "vi") -> Starlette:
    spent: set[str] = set()

    async def handle(request: Request) -> Response:
        path = request.url.path
        raw = await request.body()
        try:
            body: Any = json.loads(raw) if raw and request.headers.get("content-type", "").startswith("application/json") else raw
        except ValueError:
            body = raw
        call = recorder.record(path, dict(request.headers), body)
        failure = recorder._failure(path)
        if failure is not None:
            call.status = failure.status_code
            return failure
        if not request.headers.get("authorization", "").startswith("Bearer "):
            call.status = 401
            return JSONResponse({"message": "Authentication failed"}, status_code=401)
        if path == "/v2/bot/message/reply":
            token = body["replyToken"]
            if token in spent:
                call.status = 400
                return JSONResponse({"message": "Invalid reply token"}, status_code=400)
            spent.add(token)
            return JSONResponse({"sentMessages": [{"id": "1", "quoteToken": "q"}]})
        if path == "/v2/bot/message/push":
            return JSONResponse({"sentMessages": [{"id": "2", "quoteToken": "q"}]})
        if path.startswith("/v2/bot/profile/"):
            profile = {"displayName": "Test User", "userId": path.rsplit("/", 1)[1]}
            if profile_language:
                profile["language"] = profile_language
            return JSONResponse(profile)
        if path == "/v2/bot/richmenu":
            return JSONResponse({"richMenuId": "richmenu-0001"})
        if path.startswith("/v2/bot/richmenu/") and path.endswith("/content"):
            return JSONResponse({})
        if path.startswith("/v2/bot/user/all/richmenu/"):
            return JSONResponse({})
        return JSONResponse({"message": "Not found"}, status_code=404)

    return Starlette(routes=[Route("/{path:path}", handle, methods=["GET", "POST", "DELETE"])])


BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Madoguchi", "username": "madoguchi_bot"}


def telegram_api(recorder: Recorder, token: str) -> Starlette:
    counter = iter(range(1, 1_000_000))
    updates: list[dict] = []

    async def handle(request: Request) -> Response:
        path = request.url.path
        if not path.startswith(f"/bot{token}/"):
            return JSONResponse({"ok": False, "error_code": 401, "description": "Unauthorized"}, status_code=401)
        method = path.rsplit("/", 1)[1]
        if request.headers.get("content-type", "").startswith("application/json"):
            params = json.loads(await request.body() or b"{}")
        else:
            form = await request.form()
            params = {k: _maybe_json(v) for k, v in form.items()}
        call = recorder.record(method, dict(request.headers), params)
        failure = recorder._failure(method)
        if failure is not None:
            call.status = failure.status_code
            return failure
        if method == "getMe":
            return JSONResponse({"ok": True, "result": BOT_USER})
        if method == "sendMessage":
            message = {"message_id": next(counter), "date": int(time.time()),
                       "chat": {"id": int(params["chat_id"]), "type": "private"}, "text": params["text"],
                       "from": BOT_USER}
            return JSONResponse({"ok": True, "result": message})
        if method == "getUpdates":
            batch, updates[:] = list(updates), []
            return JSONResponse({"ok": True, "result": batch})
        if method in ("answerCallbackQuery", "setMyCommands", "setWebhook", "deleteWebhook"):
            return JSONResponse({"ok": True, "result": True})
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"}, status_code=404)

    app = Starlette(routes=[Route("/{path:path}", handle, methods=["GET", "POST"])])
    app.state.updates = updates
    return app


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def telegram_429(retry_after: int = 1) -> dict:
    return {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {retry_after}",
            "parameters": {"retry_after": retry_after}}
