"""Command line: chat, ask, eval, serve, kb.

With no tokens and no configuration everything runs on embedded defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .config import ConfigError, Settings

WORKER_POLL_SECONDS = 0.05     # a worker learns of new events from the database; an idle poll costs ~0.2 ms
from .logs import setup_logging


def _load(settings: Settings):
    from .core import load_core
    return load_core(settings)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    """The console channel, on the same store and outbox as the web server: an advisor who claims
    this conversation in the console (`serve`, another terminal) talks to you here."""
    import asyncio

    from .channels.console import ConsoleChannel
    from .desk import HelpDesk
    from .outbox import Outbox
    from .store import open_store

    core = _load(settings)
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
    from .conversation import ConversationState
    from .dialogue import respond
    from .messages import IncomingMessage

    core = _load(settings)
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


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from .evaluation import Gate, read_cases, report, score

    try:
        cases = read_cases(Path(p) for p in args.paths)
    except (OSError, ValueError) as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    core = _load(settings)
    scores = score(core, cases)
    print(report(scores, show_errors=args.errors))
    gate = Gate(args.min_accuracy, args.min_language_accuracy, args.max_out_of_scope, args.min_safety)
    failures = gate.failures(scores)
    for failure in failures:
        print(f"GATE FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


def cmd_kb(args: argparse.Namespace, settings: Settings) -> int:
    from .content_check import check_content

    problems = check_content(settings)
    for problem in problems:
        print(problem)
    print(f"kb check: {len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    workers = args.workers or int(os.environ.get("WEB_CONCURRENCY", "1") or 1)
    if workers < 1:
        print("serve: --workers / WEB_CONCURRENCY must be at least 1", file=sys.stderr)
        return 2
    if workers == 1:
        from .web.factory import build
        app = build()                 # in this process: a content error stops the start with its message
        uvicorn.run(app, host=args.host, port=settings.port, log_config=None, access_log=not settings.production,
                    proxy_headers=True)
    else:
        uvicorn.run("bot.web.factory:build", factory=True, workers=workers, host=args.host, port=settings.port,
                    log_config=None, access_log=not settings.production, proxy_headers=True)
    return 0


def _channels(settings: Settings):
    from .channels.line import LineChannel
    from .channels.telegram import TelegramChannel

    line = telegram = None
    if settings.line is not None:
        line = LineChannel(settings.line.channel_secret, settings.line.access_token, settings.line.api_base_url)
    if settings.telegram is not None:
        telegram = TelegramChannel(settings.telegram.token, settings.telegram.webhook_secret,
                                   settings.telegram.api_base_url)
    return line, telegram


def cmd_telegram(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    if settings.telegram is None:
        print("telegram: TELEGRAM_BOT_TOKEN is not set", file=sys.stderr)
        return 2
    _, telegram = _channels(settings)
    if args.telegram_command == "setup":     # the only subcommand so far
        from .i18n import Catalogs
        from .language.normalize import Normalizer

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


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    """Answers stored events and delivers replies (and polls Telegram in polling mode), beside or
    instead of `serve` doing it: the web process then only accepts webhooks and serves advisors."""
    import asyncio

    from .desk import HelpDesk
    from .inbox import Inbox
    from .outbox import Outbox
    from .store import open_store

    line, telegram = _channels(settings)
    channels = [c for c in (line, telegram) if c is not None]
    if not channels:
        print("worker: no channel is configured (LINE_* or TELEGRAM_* variables)", file=sys.stderr)
        return 2
    core = _load(settings)

    async def work() -> None:
        store = open_store(settings.database_url)
        await store.open()
        if telegram is not None:
            await telegram.start()
        outbox = Outbox(store, {c.channel: c for c in channels}, poll_interval=WORKER_POLL_SECONDS)
        inbox = Inbox(store, HelpDesk(core, store, wake=outbox.wake), {c.channel: c for c in channels},
                      poll_interval=WORKER_POLL_SECONDS)
        tasks = [inbox.run(), outbox.run()]
        if telegram is not None and settings.telegram.mode == "polling":
            tasks.append(telegram.poll(inbox.accept))
        try:
            await asyncio.gather(*tasks)
        finally:
            for channel in channels:
                await channel.close()
            await store.close()

    try:
        asyncio.run(work())
    except KeyboardInterrupt:
        pass
    return 0


def cmd_line(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from .channels.line_richmenu import setup_rich_menu
    from .i18n import Catalogs
    from .language.normalize import Normalizer

    if settings.line is None:
        print("line: LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN are not set", file=sys.stderr)
        return 2
    line, _ = _channels(settings)
    catalogs = Catalogs(settings.locales_dir, Normalizer().to_simplified)
    rich_menu_id = asyncio.run(setup_rich_menu(line, catalogs, args.lang))
    print(f"line: rich menu {rich_menu_id} is now the default menu")
    return 0


def cmd_advisors(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from .store import open_store
    from .store.base import DuplicateAdvisor, NotFound
    from .web.auth import new_token, token_hash

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="madoguchi", description="A multilingual help desk for foreign workers in Japan.")
    sub = parser.add_subparsers(dest="command", required=True)

    chat = sub.add_parser("chat", help="talk to the bot in the terminal (the console channel)")
    chat.add_argument("--lang", help="a language hint for the first message, e.g. vi")
    chat.add_argument("--user", default="console-user",
                      help="who you are; the conversation (and its handoff state) is kept per user in the database")
    chat.set_defaults(log_level="WARNING", func=cmd_chat)

    ask = sub.add_parser("ask", help="print the reply to one message, or answer JSON lines from stdin")
    ask.add_argument("text", nargs="*", help="the message")
    ask.add_argument("--jsonl", action="store_true", help='read {"text", "user", "lang_hint"} lines from stdin')
    ask.add_argument("--json", action="store_true", help="print the whole reply as JSON")
    ask.add_argument("--lang", help="a language hint, e.g. vi")
    ask.set_defaults(log_level="WARNING", func=cmd_ask)

    ev = sub.add_parser("eval", help="score labelled .jsonl files (or folders of them)")
    ev.add_argument("paths", nargs="+")
    ev.add_argument("--errors", action="store_true", help="list every wrong answer")
    ev.add_argument("--min-accuracy", type=float, default=0.0)
    ev.add_argument("--min-language-accuracy", type=float, default=0.0)
    ev.add_argument("--max-out-of-scope", type=float, default=1.0)
    ev.add_argument("--min-safety", type=float, default=0.0)
    ev.set_defaults(log_level="WARNING", func=cmd_eval)

    serve = sub.add_parser("serve", help="run the web server on $PORT (default 8000)")
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--workers", type=int, help="worker processes (default $WEB_CONCURRENCY or 1)")
    serve.set_defaults(func=cmd_serve)

    adv = sub.add_parser("advisors", help="advisor accounts for the console and the API")
    adv_sub = adv.add_subparsers(dest="advisors_command", required=True)
    adv_sub.add_parser("list", help="list advisors")
    for name, text in (("add", "create an advisor and print a one-time token (last line)"),
                       ("token", "issue a new token (ends the old one and its sessions)"),
                       ("disable", "stop an advisor from logging in"), ("enable", "allow a disabled advisor again")):
        adv_sub.add_parser(name, help=text).add_argument("name")
    adv.set_defaults(log_level="WARNING", func=cmd_advisors)

    worker = sub.add_parser("worker", help="answer stored events and deliver replies; polls Telegram when "
                                           "TELEGRAM_MODE=polling (the Procfile's worker)")
    worker.set_defaults(func=cmd_worker)

    tg = sub.add_parser("telegram", help="Telegram: command menus in every language, and the webhook")
    tg_sub = tg.add_subparsers(dest="telegram_command", required=True)
    tg_setup = tg_sub.add_parser("setup", help="setMyCommands in every language; setWebhook with --webhook-url")
    tg_setup.add_argument("--webhook-url", help="e.g. https://your-host/webhooks/telegram")
    tg.set_defaults(func=cmd_telegram)

    ln = sub.add_parser("line", help="LINE tools")
    ln_sub = ln.add_subparsers(dest="line_command", required=True)
    rich = ln_sub.add_parser("setup-richmenu", help="create the rich menu (topics, language, advisor) and make it the default")
    rich.add_argument("--lang", default="en", help="the language of the menu's labels (default en)")
    ln.set_defaults(func=cmd_line)

    kb = sub.add_parser("kb", help="knowledge base tools")
    kb_sub = kb.add_subparsers(dest="kb_command", required=True)
    check = kb_sub.add_parser("check", help="validate knowledge/, intents/ and locales/")
    check.set_defaults(log_level="WARNING", func=cmd_kb)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    # the terminal commands show their own output; start-up INFO lines would only clutter it
    level = settings.log_level if "LOG_LEVEL" in os.environ else getattr(args, "log_level", settings.log_level)
    setup_logging(level, settings.production)
    return args.func(args, settings)


if __name__ == "__main__":
    sys.exit(main())
