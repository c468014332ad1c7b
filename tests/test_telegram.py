"""Telegram end to end: Updates into the real server (webhook) or fetched by polling, PTB out to a
local stand-in of the Bot API."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from bot.channels.telegram import TelegramChannel
from bot.core import Core
from bot.desk import HelpDesk
from bot.hours import AdvisorHours
from bot.inbox import Inbox
from bot.outbox import Outbox
from bot.store.sqlite import SQLiteStore
from bot.web.app import create_app
from bot.web.auth import new_token, token_hash
from servers import AdvisorServer, serving
from standins import Recorder, telegram_429, telegram_api

TOKEN = "123456:TEST-token_abc"
SECRET = "webhook-secret-1"
_ids = iter(range(1000, 10_000_000))


@dataclass
class Setup:
    base: str
    api: Recorder
    advisors: AdvisorServer

    def post(self, update: dict | bytes, secret: str | None = SECRET) -> httpx.Response:
        raw = update if isinstance(update, bytes) else json.dumps(update).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return httpx.post(f"{self.base}/webhooks/telegram", content=raw, headers=headers, timeout=10)

    def sent(self, count: int, timeout: float = 10) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = [c for c in self.api.calls if c.path == "sendMessage" and c.status == 200]
            if len(done) >= count:
                return done
            time.sleep(0.02)
        raise AssertionError(f"expected {count} messages, got {[c.body for c in self.api.calls]}")


@pytest.fixture
def telegram(tmp_path: Path, core: Core) -> Iterator[Setup]:
    always = replace(core, hours=AdvisorHours.parse("always"))
    recorder = Recorder()
    with serving(telegram_api(recorder, TOKEN)) as api_base:
        path = tmp_path / "tg.db"
        channel = TelegramChannel(TOKEN, SECRET, f"{api_base}/bot")
        with serving(create_app(always, SQLiteStore(path), telegram=channel)) as base:
            tokens = {"aiko": new_token()}
            advisors = AdvisorServer(base, always, path, tokens)

            async def add(desk) -> None:
                await desk.store.add_advisor("aiko", token_hash(tokens["aiko"]))
            advisors.run(add)
            yield Setup(base, recorder, advisors)


def message(text: str, user: int = 77, lang: str | None = "en", chat_type: str = "private", chat: int | None = None,
            **extra) -> dict:
    sender = {"id": user, "is_bot": False, "first_name": "Test"}
    if lang:
        sender["language_code"] = lang
    body = {"message_id": next(_ids), "date": int(time.time()), "chat": {"id": chat or user, "type": chat_type},
            "from": sender, "text": text, **extra}
    if text.startswith("/"):
        body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": next(_ids), "message": body}


def tap(data: str, user: int = 77) -> dict:
    return {"update_id": next(_ids), "callback_query": {
        "id": f"cb{next(_ids)}", "chat_instance": "ci", "data": data,
        "from": {"id": user, "is_bot": False, "first_name": "Test", "language_code": "en"},
        "message": {"message_id": 5, "date": int(time.time()), "chat": {"id": user, "type": "private"}, "text": "menu"}}}


def test_the_secret_token_is_required(telegram: Setup) -> None:
    assert telegram.post(message("hello"), secret=None).status_code == 403
    assert telegram.post(message("hello"), secret="wrong").status_code == 403
    time.sleep(0.3)
    assert not [c for c in telegram.api.calls if c.path == "sendMessage"]


def test_start_greets_in_the_users_language_with_a_language_keyboard(telegram: Setup) -> None:
    assert telegram.post(message("/start", lang="vi")).status_code == 200
    [sent] = telegram.sent(1)
    assert sent.body["chat_id"] == 77 or str(sent.body["chat_id"]) == "77"
    assert "Xin chào" in sent.body["text"]
    keyboard = sent.body["reply_markup"]["inline_keyboard"]
    assert len(keyboard) == 9 and {"text": "Tiếng Việt", "callback_data": "lang:vi"} in [row[0] for row in keyboard]


def test_a_question_a_tap_and_a_duplicate_update(telegram: Setup) -> None:
    update = message("Berapa lama tokutei ginou 1 boleh tinggal di Jepang?", lang="id")
    for _ in range(3):
        assert telegram.post(update).status_code == 200                  # Telegram retried: answered once
    [answer] = telegram.sent(1)
    assert "5 tahun" in answer.body["text"]
    telegram.post(tap("intent:ssw.family"))
    answers = telegram.sent(2)
    assert [c for c in telegram.api.calls if c.path == "answerCallbackQuery"]
    assert answers[1].body["text"] != answer.body["text"]
    time.sleep(0.3)
    assert len([c for c in telegram.api.calls if c.path == "sendMessage"]) == 2


def test_flood_control_is_respected(telegram: Setup) -> None:
    telegram.api.fail_next("sendMessage", 429, body=telegram_429(1))
    started = time.monotonic()
    telegram.post(message("/help"))
    telegram.sent(1, timeout=15)
    attempts = [c for c in telegram.api.calls if c.path == "sendMessage"]
    assert [c.status for c in attempts] == [429, 200]
    assert time.monotonic() - started >= 1.0                             # waited retry_after


def test_human_then_silence_then_the_advisor_speaks(telegram: Setup) -> None:
    telegram.post(message("/human", user=88))
    telegram.sent(1)
    aiko = telegram.advisors.client("aiko")
    [entry] = aiko.get("/api/advisor/queue").json()["conversations"]
    assert entry["channel"] == "telegram"
    aiko.post(f"/api/advisor/conversations/{entry['id']}/claim")
    telegram.sent(2)                                                      # the joined notice
    telegram.post(message("are you there?", user=88))
    deadline = time.monotonic() + 10
    while "are you there?" not in [m["text"] for m in aiko.get(
            f"/api/advisor/conversations/{entry['id']}/messages").json()["messages"]]:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.3)
    assert len([c for c in telegram.api.calls if c.path == "sendMessage"]) == 2
    aiko.post(f"/api/advisor/conversations/{entry['id']}/messages", json={"text": "Yes, Aiko here."})
    assert telegram.sent(3)[-1].body["text"] == "Yes, Aiko here."


def test_in_a_group_only_commands_and_mentions_are_answered(telegram: Setup) -> None:
    group = {"chat_type": "group", "chat": -100123}
    telegram.post(message("how long can a technical intern stay?", **group))
    telegram.post(message("/help@other_bot", **group))
    telegram.post(message("@madoguchi_bot how long can a technical intern stay?", **group))
    [answer] = telegram.sent(1)
    assert int(answer.body["chat_id"]) == -100123
    time.sleep(0.4)
    assert len([c for c in telegram.api.calls if c.path == "sendMessage"]) == 1


@pytest.mark.parametrize("body, status", [
    (b"{not json", 400), (b"[1]", 400), (b'{"message": {}}', 400), (b'{"update_id": "x"}', 400),
    (b'\xff\xfe{"update_id": 1}', 400), (b'{"update_id": 5, "message": {"chat": 3}}', 400),
    (json.dumps({"update_id": 6, "a_future_update_kind": {"id": "1"}}).encode(), 200),   # nothing to answer
    (json.dumps(message("x" * 100_000)).encode(), 200),
])
def test_bad_payloads(telegram: Setup, body: bytes, status: int) -> None:
    assert telegram.post(body).status_code == status
    assert telegram.post(message("hello", user=99)).status_code == 200
    assert httpx.get(f"{telegram.base}/healthz", timeout=5).status_code == 200


async def test_long_polling_and_setup(tmp_path: Path, core: Core) -> None:
    recorder = Recorder()
    api = telegram_api(recorder, TOKEN)
    with serving(api) as api_base:
        channel = TelegramChannel(TOKEN, SECRET, f"{api_base}/bot")
        store = SQLiteStore(tmp_path / "poll.db")
        await store.open()
        await channel.start()
        outbox = Outbox(store, {"telegram": channel})
        inbox = Inbox(store, HelpDesk(core, store, wake=outbox.wake), {"telegram": channel})
        done = await channel.setup(core.catalogs, "https://example.org/webhooks/telegram")
        assert len(done) == 11
        commands = [c.body for c in recorder.calls if c.path == "setMyCommands"]
        assert {c.get("language_code") for c in commands} == {None, "en", "ko", "vi", "my", "id", "zh", "es", "pt", "th"}
        vi = next(c for c in commands if c.get("language_code") == "vi")
        assert [x["command"] for x in vi["commands"]] == ["start", "help", "language", "human", "cancel"]
        webhook = next(c.body for c in recorder.calls if c.path == "setWebhook")
        assert webhook["url"] == "https://example.org/webhooks/telegram" and webhook["secret_token"] == SECRET

        api.state.updates.append(message("hello", user=55))
        tasks = [asyncio.create_task(channel.poll(inbox.accept)), asyncio.create_task(inbox.run()),
                 asyncio.create_task(outbox.run())]
        deadline = time.monotonic() + 10
        while not [c for c in recorder.calls if c.path == "sendMessage"]:
            assert time.monotonic() < deadline, recorder.calls
            await asyncio.sleep(0.05)
        assert [c for c in recorder.calls if c.path == "deleteWebhook"]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await channel.close()
        await store.close()
