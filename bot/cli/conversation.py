"""chat and ask: talking to the bot from a terminal or a script."""

from __future__ import annotations

import argparse
import json
import sys

from ..config import Settings
from . import load


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """The console channel, on the same store and outbox as the web server: an advisor who claims
    this conversation in the console (`serve`, another terminal) talks to you here."""
    import asyncio

    from ..channels.console import ConsoleChannel
    from ..desk import HelpDesk
    from ..outbox import Outbox
    from ..store import open_store

    core = load(settings)
    console = ConsoleChannel(sys.stdout, user_id=args.user)
    interactive = sys.stdin.isatty()

    async def run() -> int:
        store = open_store(settings.database_url)
        await store.open()
        outbox = Outbox(store, {console.channel: console})
        desk = HelpDesk(core, store, wake=outbox.wake)
        delivery = asyncio.create_task(outbox.run())
        if interactive:
            print("madoguchi — type a message (Ctrl-D to quit)")
        try:
            while True:
                try:
                    line = await asyncio.to_thread(input, "> " if interactive else "")
                except (EOFError, KeyboardInterrupt):
                    print()
                    return 0
                message = console.parse(line, lang_hint=args.lang)
                if message is not None:
                    await desk.handle(message)
                    await outbox.drain()
        finally:
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
            await store.close()

    return asyncio.run(run())


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from ..conversation import ConversationState
    from ..dialogue import respond
    from ..messages import IncomingMessage

    core = load(settings)
    if not args.jsonl:
        if not args.text:
            print("ask: give a text, or --jsonl to read JSON lines from stdin", file=sys.stderr)
            return 2
        message = IncomingMessage("cli", "cli", "cli", " ".join(args.text), lang_hint=args.lang)
        reply = respond(core, message, ConversationState()).reply
        print(json.dumps(reply.as_dict(), ensure_ascii=False, indent=2) if args.json else reply.text)
        return 0

    states: dict[str, ConversationState] = {}
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError('expected an object with a string "text"')
            user = row.get("user")
            hint = row.get("lang_hint")
            if hint is not None and not isinstance(hint, str):
                raise ValueError('"lang_hint" must be a string')
        except ValueError as exc:
            print(json.dumps({"error": f"line {number}: {exc}"}, ensure_ascii=False), flush=True)
            continue
        key = str(user) if user is not None else f"\0line{number}"
        chat = key if user is not None else f"line{number}"
        message = IncomingMessage("cli", chat, chat, row["text"], lang_hint=hint)
        turn = respond(core, message, states.get(key, ConversationState()))
        if user is not None:
            states[key] = turn.state
        out = turn.reply.as_dict()
        if user is not None:
            out["user"] = user
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0
