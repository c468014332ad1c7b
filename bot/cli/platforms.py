"""telegram setup and line setup-richmenu: one-off set-up calls to the platforms."""

from __future__ import annotations

import argparse
import sys

from ..config import Settings
from . import catalogs, channels


def cmd_telegram(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    if settings.telegram is None:
        print("telegram: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    _, telegram = channels(settings)
    if args.telegram_command == "setup":     # the only subcommand so far
        texts = catalogs(settings)

        async def setup() -> list[str]:
            await telegram.start()
            try:
                return await telegram.setup(texts, args.webhook_url)
            finally:
                await telegram.close()
        for line in asyncio.run(setup()):
            print(f"telegram: {line} set")
    return 0


def cmd_line(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from ..channels.line_richmenu import setup_rich_menu

    if settings.line is None:
        print("line: LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not set", file=sys.stderr)
        return 2
    line, _ = channels(settings)
    texts = catalogs(settings)
    rich_menu_id = asyncio.run(setup_rich_menu(line, texts, args.lang))
    print(f"line: rich menu {rich_menu_id} is now the default menu")
    return 0
