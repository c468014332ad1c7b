"""Command line: chat, ask, eval, kb, serve, worker, advisors, telegram, line.

With no tokens and no configuration everything runs on embedded defaults. This module only
parses; each subcommand lives in bot/cli/.
"""

from __future__ import annotations

import argparse
import os
import sys

from .cli.accounts import cmd_advisors
from .cli.content import cmd_eval, cmd_kb
from .cli.conversation import cmd_ask, cmd_chat
from .cli.platforms import cmd_line, cmd_telegram
from .cli.server import cmd_serve, cmd_worker
from .config import ConfigError, Settings
from .logs import setup_logging


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
    ev.add_argument("--min-style-accuracy", type=float, default=0.0, help="the worst style's accuracy")
    ev.add_argument("--min-reply-language", type=float, default=0.0, help="replies in the message's language")
    ev.add_argument("--max-false-alarms", type=float, default=1.0,
                    help="other messages answered as abuse, emergency or a request for a person")
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
