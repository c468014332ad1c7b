"""The app as uvicorn builds it in each worker process (`serve --workers N`, WEB_CONCURRENCY).

Everything comes from the environment, as on a PaaS; each worker loads the core and opens the
shared SQLite file (WAL: one writer at a time, readers in parallel; the inbox and outbox leases
keep workers from doing the same work twice).
"""

from __future__ import annotations

from starlette.types import ASGIApp

from ..channels.line import LineChannel
from ..channels.telegram import TelegramChannel
from ..config import Settings
from ..core import load_core
from ..logs import setup_logging
from ..store import open_store
from .app import create_app


def channels(settings: Settings) -> tuple[LineChannel | None, TelegramChannel | None]:
    """The platforms whose credentials are set; None for the others."""
    line = telegram = None
    if settings.line is not None:
        line = LineChannel(settings.line.channel_secret, settings.line.access_token, settings.line.api_base_url)
    if settings.telegram is not None:
        telegram = TelegramChannel(settings.telegram.token, settings.telegram.webhook_secret,
                                   settings.telegram.api_base_url)
    return line, telegram


def build() -> ASGIApp:
    settings = Settings.from_env()
    setup_logging(settings.log_level, settings.production)
    line, telegram = channels(settings)
    return create_app(load_core(settings), open_store(settings.database_url), line=line, telegram=telegram,
                      telegram_webhook=settings.telegram is not None and settings.telegram.mode == "webhook",
                      processing=settings.web_processing,
                      processing_store=open_store(settings.database_url, worker=True) if settings.web_processing else None)
