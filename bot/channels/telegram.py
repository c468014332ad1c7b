"""Telegram: updates in (webhook or long polling), messages out, through python-telegram-bot v22.

`parse`/`from_update` turn an Update into the core's message; commands become the same button
payloads the other channels use, so the dialogue never sees a platform detail. Sending goes
through PTB's ExtBot with its AIORateLimiter (Telegram's global and per-group limits); a 429's
`retry_after` is handed back to the outbox, which waits that long before trying again.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ExtBot
from telegram.warnings import PTBDeprecationWarning
from telegram.request import HTTPXRequest

from .. import replies
from ..i18n import Catalogs
from ..language import SUPPORTED
from ..language.hints import platform_hint
from ..messages import DeliveryError, IncomingMessage, OutgoingMessage, PayloadRejected

log = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT = 4096
POLL_TIMEOUT = 25
COMMANDS = {            # command -> the payload a button would send
    "start": replies.START,
    "help": replies.MENU,
    "language": replies.LANGUAGE,
    "human": replies.ADVISOR,
    "cancel": replies.CANCEL,
}
NON_TEXT = ("sticker", "photo", "voice", "audio", "video", "video_note", "document", "location", "animation",
            "contact")


@dataclass
class TelegramChannel:
    token: str
    webhook_secret: str | None = None
    base_url: str = "https://api.telegram.org/bot"
    channel: str = CHANNEL
    bot: ExtBot = field(init=False, repr=False)
    _username: str | None = field(default=None, init=False)
    _bot_id: int | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.bot = ExtBot(
            self.token, base_url=self.base_url,
            request=HTTPXRequest(connection_pool_size=32, read_timeout=15, connect_timeout=10),
            get_updates_request=HTTPXRequest(read_timeout=POLL_TIMEOUT + 10),
            rate_limiter=AIORateLimiter(max_retries=0))

    async def start(self) -> None:
        """getMe: the bot's username decides which group messages are meant for it."""
        await self.bot.initialize()
        self._username = (self.bot.username or "").lower()
        self._bot_id = self.bot.id

    async def close(self) -> None:
        await self.bot.shutdown()

    # -- in ---------------------------------------------------------------------------------------

    def check_secret(self, header: str | None) -> bool:
        return bool(self.webhook_secret) and header is not None and hmac.compare_digest(header, self.webhook_secret)

    def parse(self, body: bytes) -> list[IncomingMessage]:
        """One webhook body (one Update) -> zero or one message."""
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise PayloadRejected(400, "body is not JSON") from None
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise PayloadRejected(400, "body is not a Telegram Update (no update_id)")
        try:
            message = self.from_update(data)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise PayloadRejected(400, "malformed Telegram Update") from None
        return [message] if message else []

    def from_update(self, data: dict[str, Any]) -> IncomingMessage | None:
        update = Update.de_json(data, self.bot)
        event_id = str(update.update_id)
        if update.callback_query is not None:
            query = update.callback_query
            if query.message is None or not query.data:
                return None
            chat = query.message.chat
            return IncomingMessage(
                self.channel, str(query.from_user.id), str(chat.id), payload=query.data,
                lang_hint=platform_hint(query.from_user.language_code), message_id=event_id, reply_handle=query.id)
        message = update.message
        if message is None or message.from_user is None:
            return None                       # edits, channel posts, member updates: nothing to answer
        common = {"channel": self.channel, "user_id": str(message.from_user.id), "chat_id": str(message.chat.id),
                  "lang_hint": platform_hint(message.from_user.language_code), "message_id": event_id}
        group = message.chat.type != "private"
        if message.text:
            command = _command(message.text)
            if command is not None:
                name, addressee = command
                if addressee and addressee != self._username:
                    return None               # a command for another bot in the group
                payload = COMMANDS.get(name)
                if payload is not None:
                    return IncomingMessage(payload=payload, **common)
            text = message.text
            if group:
                text = self._addressed_text(message)
                if text is None:
                    return None
            return IncomingMessage(text=text, **common)
        if group:
            return None
        kind = next((k for k in NON_TEXT if getattr(message, k, None)), "other")
        return IncomingMessage(kind=kind, **common)

    def _addressed_text(self, message: Any) -> str | None:
        """In a group, the text of a message that mentions the bot or replies to it."""
        reply_to = message.reply_to_message
        if reply_to is not None and reply_to.from_user is not None and reply_to.from_user.id == self._bot_id:
            return message.text
        mention = f"@{self._username}" if self._username else None
        if mention and mention in message.text.lower():
            start = message.text.lower().index(mention)
            return (message.text[:start] + message.text[start + len(mention):]).strip()
        return None

    async def prepare(self, message: IncomingMessage) -> IncomingMessage:
        """A tapped inline button: stop its spinner (the answer itself comes as a message)."""
        if message.payload and message.reply_handle:
            try:
                await self.bot.answer_callback_query(message.reply_handle)
            except TelegramError as exc:      # too old or already answered: harmless
                log.info("callback query not answered", extra={"error": type(exc).__name__})
        return message

    async def poll(self, accept: Callable[[Sequence[IncomingMessage]], Awaitable[int]]) -> None:
        """Long polling (TELEGRAM_MODE=polling): fetch updates and store them; offset advances only
        after they are stored, so a crash re-fetches rather than loses them."""
        await self.bot.delete_webhook()
        offset: int | None = None
        while True:
            try:
                updates = await self.bot.get_updates(offset=offset, timeout=POLL_TIMEOUT,
                                                     allowed_updates=["message", "callback_query"])
            except RetryAfter as exc:
                await asyncio.sleep(_retry_after(exc))
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning("telegram polling failed; retrying", extra={"error": type(exc).__name__})
                await asyncio.sleep(3)
                continue
            messages = []
            for update in updates:
                try:
                    message = self.from_update(update.to_dict())
                except (KeyError, TypeError, ValueError, AttributeError):
                    log.warning("malformed telegram update skipped", extra={"update_id": update.update_id})
                    continue
                if message is not None:
                    messages.append(message)
            if messages:
                await accept(messages)
            if updates:
                offset = updates[-1].update_id + 1

    # -- out --------------------------------------------------------------------------------------

    async def send(self, out: OutgoingMessage) -> None:
        chunks = [out.text[i:i + MAX_TEXT] for i in range(0, len(out.text), MAX_TEXT)] or [" "]
        keyboard = None
        if out.choices:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(c.label, callback_data=c.payload[:64])]
                                             for c in out.choices])
        try:
            for i, chunk in enumerate(chunks):
                await self.bot.send_message(chat_id=int(out.key.chat_id), text=chunk,
                                            reply_markup=keyboard if i == len(chunks) - 1 else None)
        except RetryAfter as exc:
            raise DeliveryError("Telegram flood control (429)", retry_after=_retry_after(exc)) from None
        except (Forbidden, BadRequest, InvalidToken) as exc:
            raise DeliveryError(f"Telegram refused the message: {type(exc).__name__}", permanent=True) from None
        except (NetworkError, TelegramError) as exc:
            raise DeliveryError(f"Telegram: {type(exc).__name__}") from None

    async def setup(self, catalogs: Catalogs, webhook_url: str | None = None) -> list[str]:
        """setMyCommands in every language (and the default, English); setWebhook when given a URL."""
        done = []
        for lang in (None, *SUPPORTED):
            commands = [BotCommand(name, catalogs.text(lang or "en", f"command.{name}")) for name in COMMANDS]
            code = lang.split("-")[0] if lang else None          # Telegram knows "zh", not zh-Hant
            await self.bot.set_my_commands(commands, language_code=code)
            done.append(f"commands {code or 'default'}")
        if webhook_url:
            await self.bot.set_webhook(webhook_url, secret_token=self.webhook_secret,
                                       allowed_updates=["message", "callback_query"])
            done.append("webhook")
        return done


def _command(text: str) -> tuple[str, str | None] | None:
    if not text.startswith("/"):
        return None
    word = text.split(maxsplit=1)[0][1:]
    name, _, addressee = word.partition("@")
    return name.lower(), (addressee.lower() or None)


def _retry_after(exc: RetryAfter) -> float:
    """Seconds to wait; PTB 22 is moving `retry_after` from int to timedelta and warns on reading it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
