"""serve and worker: the processes a deployment runs (the Procfile's web and worker)."""

from __future__ import annotations

import argparse
import os
import sys

from ..config import Settings
from . import channels, load

WORKER_POLL_SECONDS = 0.05     # a worker learns of new events from the database; an idle poll costs ~0.2 ms


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", "1") or 1)
    if workers < 1:
        print("serve: --workers / WEB_CONCURRENCY must be at least 1", file=sys.stderr)
        return 2
    if workers == 1:
        from ..web.factory import build
        app = build()                 # in this process: a content error stops the start with its message
        uvicorn.run(app, host=args.host, port=settings.port, log_config=None, access_log=not settings.production,
                    proxy_headers=True)
    else:
        uvicorn.run("bot.web.factory:build", factory=True, workers=workers, host=args.host, port=settings.port,
                    log_config=None, access_log=not settings.production, proxy_headers=True)
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Answers stored events and delivers replies (and polls Telegram in polling mode), beside or
    instead of `serve` doing it: the web process then only accepts webhooks and serves advisors."""
    import asyncio

    from ..desk import HelpDesk
    from ..inbox import Inbox
    from ..outbox import Outbox
    from ..store import open_store

    line, telegram = channels(settings)
    configured = [c for c in (line, telegram) if c is not None]
    if not configured:
        print("worker: no channel is configured (LINE_* or TELEGRAM_* variables)", file=sys.stderr)
        return 2
    core = load(settings)

    async def work() -> None:
        store = open_store(settings.database_url, worker=True)
        await store.open()
        if telegram is not None:
            await telegram.start()
        outbox = Outbox(store, {c.channel: c for c in configured}, poll_interval=WORKER_POLL_SECONDS)
        inbox = Inbox(store, HelpDesk(core, store, wake=outbox.wake), {c.channel: c for c in configured},
                      poll_interval=WORKER_POLL_SECONDS)
        tasks = [inbox.run(), outbox.run()]
        if telegram is not None and settings.telegram.mode == "polling":
            tasks.append(telegram.poll(inbox.accept))
        try:
            await asyncio.gather(*tasks)
        finally:
            for channel in configured:
                await channel.close()
            await store.close()

    try:
        asyncio.run(work())
    except KeyboardInterrupt:
        pass
    return 0
