"""advisors: the accounts that log in to the console and the API."""

from __future__ import annotations

import argparse
import sys

from ..config import Settings


def cmd_advisors(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from ..store import open_store
    from ..store.base import DuplicateAdvisor, NotFound
    from ..web.auth import new_token, token_hash

    async def run() -> int:
        store = open_store(settings.database_url)
        await store.open()
        try:
            if args.advisors_command == "list":
                for advisor in await store.advisors():
                    print(f"{advisor.id}\t{advisor.name}\t{'active' if advisor.active else 'disabled'}")
                return 0
            name = args.name.strip()
            if not name:
                print("advisors: give a name", file=sys.stderr)
                return 2
            if args.advisors_command in ("add", "token"):
                token = new_token()
                if args.advisors_command == "add":
                    await store.add_advisor(name, token_hash(token))
                    print(f"advisor {name!r} added; this token is shown once, keep it secret:")
                else:
                    await store.set_advisor_token(name, token_hash(token))
                    print(f"new token for {name!r} (the old one and its sessions no longer work):")
                print(token)
                return 0
            await store.set_advisor_active(name, args.advisors_command == "enable")
            print(f"advisor {name!r} {args.advisors_command}d")
            return 0
        except DuplicateAdvisor:
            print(f"advisors: {name!r} exists already (use `advisors token {name}` for a new token)", file=sys.stderr)
            return 1
        except NotFound:
            print(f"advisors: no advisor named {name!r}", file=sys.stderr)
            return 1
        finally:
            await store.close()

    return asyncio.run(run())
