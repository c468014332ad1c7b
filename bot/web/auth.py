"""Who is asking: advisor tokens (Bearer, for the API and scripts) and console sessions (cookie).

Tokens are 256 random bits shown once; only their SHA-256 is stored, which is enough for a secret
that cannot be guessed (a slow password hash protects weak human passwords, which these are not).
The console keeps a server-side session so that logging out, disabling an advisor or issuing a new
token ends it at once; forms carry the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from ..store.base import Advisor, AdvisorSession, Store

TOKEN_PREFIX = "mdg_"
SESSION_COOKIE = "madoguchi_session"
SESSION_SECONDS = 12 * 3600
CSRF_FIELD = "csrf"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def bearer_advisor(request: Request, store: Store) -> Advisor | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return await store.advisor_by_token(token_hash(token.strip()))


@dataclass(frozen=True)
class Session:
    advisor: Advisor
    csrf_token: str


async def start_session(store: Store, advisor: Advisor, response: Response, secure: bool) -> None:
    session_id = secrets.token_urlsafe(32)
    await store.add_session(token_hash(session_id), advisor.id, secrets.token_urlsafe(24),
                            time.time() + SESSION_SECONDS)
    response.set_cookie(SESSION_COOKIE, session_id, max_age=SESSION_SECONDS, httponly=True,
                        samesite="strict", secure=secure, path="/")


async def current_session(request: Request, store: Store) -> Session | None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    found: AdvisorSession | None = await store.session(token_hash(session_id))
    return Session(found.advisor, found.csrf_token) if found else None


async def end_session(request: Request, store: Store, response: Response) -> None:
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        await store.end_session(token_hash(session_id))
    response.delete_cookie(SESSION_COOKIE, path="/")


def csrf_ok(session: Session, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf_token, submitted)


def same_origin(request: Request) -> bool:
    """Browsers send Origin on POST; a mismatch is a cross-site form (checked besides the token)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    return origin == f"{request.url.scheme}://{request.url.netloc}"
