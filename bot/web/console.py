"""The advisor console (/advisor/): server-rendered pages, a little plain JavaScript for live updates.

Pages are Jinja2 templates; the queue and the transcript are fragments that the page re-fetches
every few seconds (no build step, works through any proxy). Every form carries the session's CSRF
token; every action goes through the same HelpDesk calls as the JSON API.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any

from babel.dates import format_datetime, format_timedelta
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import replies
from ..desk import HelpDesk
from ..handoff import HandoffError
from ..i18n import babel_locale
from ..store.base import NotFound
from ..ui_keys import TEMPLATE_KEYS
from . import present
from .auth import CSRF_FIELD, Session, csrf_ok, current_session, end_session, same_origin, start_session, token_hash

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
REFRESH_MS = 3000
CONSOLE_LOCALES = ("ja", "en")
NO_STORE = {"Cache-Control": "no-store"}
ACTIONS = ("claim", "release", "close", "messages")

_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))


def _render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), status_code=status, headers=NO_STORE)


def _desk(request: Request) -> HelpDesk:
    return request.app.state.desk


def language_names(lang: str | None) -> dict[str, str]:
    """'vi' -> {'ja': 'ベトナム語', 'en': 'Vietnamese'} from Babel's CLDR data."""
    if not lang:
        return {"ja": "—", "en": "—"}
    locale = babel_locale(lang)
    return {c: locale.get_display_name(c) or lang for c in CONSOLE_LOCALES}


def _ago(moment: float | None, now: float) -> dict[str, str]:
    if moment is None:
        return {"ja": "", "en": ""}
    delta = dt.timedelta(seconds=max(now - moment, 0))
    return {c: format_timedelta(delta, locale=c, threshold=1.1) for c in CONSOLE_LOCALES}


def _clock(moment: float, tz: Any) -> str:
    """A message's time in the advisors' time zone."""
    return format_datetime(dt.datetime.fromtimestamp(moment, dt.timezone.utc), "MM-dd HH:mm", tzinfo=tz, locale="ja")


async def _session_or_login(request: Request) -> Session | Response:
    session = await current_session(request, _desk(request).store)
    if session is None:
        if request.url.path.startswith("/advisor/partials/"):
            return Response(status_code=401)       # the page's script sends the advisor to the login page
        return RedirectResponse("/advisor/login", status_code=303)
    return session


async def login_page(request: Request) -> Response:
    return _render("login.html", error=None)


async def login(request: Request) -> Response:
    desk = _desk(request)
    form = await request.form()
    token = str(form.get("token", "")).strip()
    advisor = await desk.store.advisor_by_token(token_hash(token)) if token and same_origin(request) else None
    if advisor is None:
        log.warning("console: login refused")
        return _render("login.html", status=401, error=True)
    response = RedirectResponse("/advisor/", status_code=303)
    await start_session(desk.store, advisor, response, secure=request.url.scheme == "https")
    log.info("console: login", extra={"advisor": advisor.id})
    return response


async def logout(request: Request) -> Response:
    session = await current_session(request, _desk(request).store)
    form = await request.form()
    response = RedirectResponse("/advisor/login", status_code=303)
    if session is not None and csrf_ok(session, form.get(CSRF_FIELD)):
        await end_session(request, _desk(request).store, response)
    return response


async def _queue_context(desk: HelpDesk) -> dict[str, Any]:
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    rows = []
    for entry in await desk.store.queue():
        row = present.queue_entry(desk.core, entry)
        row["language_names"] = language_names(entry.conversation.state.lang)
        row["waited"] = _ago(entry.conversation.waiting_since, now)
        rows.append(row)
    return {"rows": rows}


async def queue_page(request: Request) -> Response:
    session = await _session_or_login(request)
    if isinstance(session, Response):
        return session
    context = await _queue_context(_desk(request))
    return _render("queue.html", session=session, refresh_ms=REFRESH_MS, **context)


async def queue_partial(request: Request) -> Response:
    session = await _session_or_login(request)
    if isinstance(session, Response):
        return session
    return _render("queue_rows.html", session=session, **await _queue_context(_desk(request)))


async def _conversation_context(desk: HelpDesk, conversation_id: int) -> dict[str, Any]:
    conversation = await desk.store.conversation(conversation_id)
    names = {a.id: a.name for a in await desk.store.advisors()}
    messages = []
    for m in await desk.store.messages(conversation_id):
        item = present.message(m)
        item["clock"] = _clock(m.created_at, desk.core.hours.tz)
        item["advisor_name"] = names.get(m.advisor_id) if m.advisor_id else None
        item["topic"] = present.topic(desk.core, m.intent) if m.direction == "in" and m.intent else None
        messages.append(item)
    info = present.conversation(desk.core, conversation)
    info["claimed_by_name"] = names.get(conversation.claimed_by) if conversation.claimed_by else None
    info["language_names"] = language_names(conversation.state.lang)
    return {"conversation": info, "messages": messages}


def _templates(desk: HelpDesk, lang: str) -> list[dict[str, str]]:
    """Ready-made replies in the user's language: phrases first, then every fact's answer."""
    core = desk.core
    items = []
    for key in TEMPLATE_KEYS:
        label = core.labels.templates[key]
        items.append({"ja": label.ja, "en": label.en, "text": core.catalogs.text(lang, key)})
    for intent, fact in core.facts.items():
        label = core.labels.topic(intent)
        items.append({"ja": label.ja, "en": label.en, "text": replies.fact_text(core, fact, lang)})
    return items


async def conversation_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    session = await _session_or_login(request)
    if isinstance(session, Response):
        return session
    desk = _desk(request)
    conversation_id = request.path_params["conversation_id"]
    try:
        context = await _conversation_context(desk, conversation_id)
    except NotFound:
        return _render("not_found.html", status=404, session=session)
    lang = context["conversation"]["lang"] or "en"
    return _render("conversation.html", status=status, session=session, error=error, refresh_ms=REFRESH_MS,
                   templates=_templates(desk, lang), **context)


async def transcript_partial(request: Request) -> Response:
    session = await _session_or_login(request)
    if isinstance(session, Response):
        return session
    try:
        context = await _conversation_context(_desk(request), request.path_params["conversation_id"])
    except NotFound:
        return Response(status_code=404)
    return _render("transcript.html", session=session, **context)


async def action(request: Request) -> Response:
    session = await _session_or_login(request)
    if isinstance(session, Response):
        return session
    form = await request.form()
    if not csrf_ok(session, form.get(CSRF_FIELD)) or not same_origin(request):
        log.warning("console: CSRF check failed", extra={"advisor": session.advisor.id})
        return _render("forbidden.html", status=403, session=session)
    desk = _desk(request)
    conversation_id = request.path_params["conversation_id"]
    name = request.path_params["action"]
    if name not in ACTIONS:
        return _render("not_found.html", status=404, session=session)
    try:
        if name == "messages":
            await desk.send(conversation_id, session.advisor, str(form.get("text", "")))
        else:
            await getattr(desk, name)(conversation_id, session.advisor)
    except NotFound:
        return _render("not_found.html", status=404, session=session)
    except HandoffError as exc:
        return await conversation_page(request, error=str(exc), status=exc.status)
    target = "/advisor/" if name == "close" else f"/advisor/conversations/{conversation_id}"
    return RedirectResponse(target, status_code=303)


def routes() -> list[Route | Mount]:
    base = "/advisor/conversations/{conversation_id:int}"
    return [
        Route("/advisor", lambda r: RedirectResponse("/advisor/", status_code=307)),
        Route("/advisor/", queue_page, methods=["GET"]),
        Route("/advisor/login", login_page, methods=["GET"]),
        Route("/advisor/login", login, methods=["POST"]),
        Route("/advisor/logout", logout, methods=["POST"]),
        Route("/advisor/partials/queue", queue_partial, methods=["GET"]),
        Route("/advisor/partials/conversations/{conversation_id:int}", transcript_partial, methods=["GET"]),
        Route(base, conversation_page, methods=["GET"]),
        Route(base + "/{action:str}", action, methods=["POST"]),
        Mount("/advisor/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
