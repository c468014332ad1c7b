"""telegram setup and line setup-richmenu: one-off set-up calls to the platforms."""

from __future__ import annotations

import argparse
import sys

from ..config import Settings
from . import channels


def cmd_telegram(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    if settings.telegram is None:
        print("telegram: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    _, telegram = channels(settings)
    if args.telegram_command == "setup":     # the only subcommand so far
        from ..i18n import Catalogs
        from ..language.normalize import Normalizer

        catalogs = Catalogs(settings.locales_dir, Normalizer().to_simplified)

        async def setup() -> list[str]:
            await telegram.start()
            try:
                return await telegram.setup(catalogs, args.webhook_url)
            finally:
                await telegram.close()
        for line in asyncio.run(setup()):
            print(f"telegram: {line} set")
    return 0


def cmd_line(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from ..channels.line_richmenu import setup_rich_menu
    from ..i18n import Catalogs
    from ..language.normalize import Normalizer

    if settings.line is None:
        print("line: LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not set", file=sys.stderr)
        return 2
    line, _ = channels(settings)
    catalogs = Catalogs(settings.locales_dir, Normalizer().to_simplified)
    rich_menu_id = asyncio.run(setup_rich_menu(line, catalogs, args.lang))
    print(f"line: rich menu {rich_menu_id} is now the default menu")
    return 0
