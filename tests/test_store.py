"""The SQLite store on a real file: migrations, atomic writes, de-duplication, the outbox lease."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.conversation import Mode
from bot.messages import Choice, ConversationKey
from bot.store import open_store, sqlite_path
from bot.store.base import (
    AuditNote, DuplicateAdvisor, DuplicateMessage, NewMessage, NotFound, StaleConversation, Transition,
)
from bot.store.migrations import MIGRATIONS
from bot.store.sqlite import SQLiteStore
from bot.config import ConfigError

KEY = ConversationKey("line", "U1")


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=[False, True], ids=["store-thread", "inline"])
async def store(tmp_path: Path, request: pytest.FixtureRequest):
    s = SQLiteStore(tmp_path / "test.db", clock=Clock(), inline=request.param)
    await s.open()
    yield s
    await s.close()


def reply(text: str, **kw) -> NewMessage:
    return NewMessage("out", "bot", text, lang="en", **kw)


def test_database_url_follows_the_sqlalchemy_convention() -> None:
    assert sqlite_path("sqlite:///madoguchi.db") == Path("madoguchi.db")
    assert sqlite_path("sqlite:////var/data/m.db") == Path("/var/data/m.db")
    with pytest.raises(ConfigError):
        open_store("postgresql://localhost/madoguchi")


async def test_migrations_run_once_and_are_versioned(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    for _ in range(2):                          # the second start finds the schema current
        s = SQLiteStore(path)
        await s.open()
        assert await s.schema_version() == MIGRATIONS[-1][0]
        await s.close()
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"users", "conversations", "messages", "advisors", "audit_log"} <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_an_inline_store_waits_for_another_process_lock_without_blocking_its_loop(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "lock.db", inline=True)
    await s.open()
    other = sqlite3.connect(tmp_path / "lock.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")                        # another process holds the write lock
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.005)
            ticks += 1

    ticker = asyncio.create_task(tick())
    waiting = asyncio.create_task(s.conversation_for(KEY, "U1"))
    await asyncio.sleep(0.1)
    assert not waiting.done() and ticks >= 5                 # waiting, and the loop kept running
    other.execute("COMMIT")
    conversation = await asyncio.wait_for(waiting, 5)
    assert conversation.chat_id == "U1"
    ticker.cancel()
    other.close()
    await s.close()


async def test_an_inbox_round_reads_known_conversations_without_the_write_lock(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "read.db", inline=True)
    await s.open()
    group = ConversationKey("line", "G1")
    await s.conversations_for([(KEY, "U1"), (group, "U1")])
    other = sqlite3.connect(tmp_path / "read.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")                        # a webhook is storing events
    known = await asyncio.wait_for(s.conversations_for([(KEY, "U1"), (group, "U1")]), 0.5)
    assert [c.chat_id for c in known] == ["U1", "G1"]
    newcomer = asyncio.create_task(s.conversations_for([(group, "U2")]))   # a new member must be written
    await asyncio.sleep(0.05)
    assert not newcomer.done()
    other.execute("COMMIT")
    assert (await asyncio.wait_for(newcomer, 5))[0].chat_id == "G1"
    assert other.execute("SELECT count(*) FROM users WHERE platform_user_id = 'U2'").fetchone()[0] == 1
    other.close()
    await s.close()


async def test_one_conversation_per_chat(store: SQLiteStore) -> None:
    first = await store.conversation_for(KEY, "U1")
    again = await store.conversation_for(KEY, "U1")
    other = await store.conversation_for(ConversationKey("telegram", "U1"), "U1")
    assert first.id == again.id != other.id
    assert first.state.mode is Mode.BOT and first.user_id == "U1"


async def test_commit_refuses_a_stale_conversation(store: SQLiteStore) -> None:
    conversation = await store.conversation_for(KEY, "U1")
    await store.commit(conversation, Transition(conversation.state.update(lang="vi"), None))
    with pytest.raises(StaleConversation):
        await store.commit(conversation, Transition(conversation.state.update(lang="th"), None))
    assert (await store.conversation(conversation.id)).state.lang == "vi"


async def test_a_redelivered_message_is_refused_and_nothing_of_its_turn_is_kept(store: SQLiteStore) -> None:
    conversation = await store.conversation_for(KEY, "U1")
    turn = (NewMessage("in", "user", "hi", platform_message_id="m1"), reply("hello"))
    conversation = await store.commit(conversation, Transition(conversation.state, None, turn))
    with pytest.raises(DuplicateMessage):
        await store.commit(conversation, Transition(conversation.state.update(lang="ko"), None, turn))
    assert [m.text for m in await store.messages(conversation.id)] == ["hi", "hello"]
    assert (await store.conversation(conversation.id)).state.lang is None


async def test_waiting_since_is_kept_through_claim_and_release(store: SQLiteStore) -> None:
    clock = store._clock
    advisor = await store.add_advisor("aiko", "h")
    conversation = await store.conversation_for(KEY, "U1")
    conversation = await store.commit(conversation, Transition(conversation.state.update(mode=Mode.WAITING), None))
    since = conversation.waiting_since
    assert since == clock.now
    clock.now += 60
    conversation, _ = await store.apply(conversation.id, lambda c: Transition(c.state.update(mode=Mode.CLAIMED), advisor.id))
    assert conversation.waiting_since == since and conversation.claimed_by == advisor.id
    conversation = await store.commit(conversation, Transition(conversation.state.update(mode=Mode.WAITING), None))
    assert conversation.waiting_since == since and conversation.claimed_by is None
    conversation = await store.commit(conversation, Transition(conversation.state.update(mode=Mode.BOT), None))
    assert conversation.waiting_since is None


async def test_apply_rolls_back_when_the_decision_refuses(store: SQLiteStore) -> None:
    conversation = await store.conversation_for(KEY, "U1")

    def refuse(c):
        raise PermissionError("no")

    with pytest.raises(PermissionError):
        await store.apply(conversation.id, refuse)
    with pytest.raises(NotFound):
        await store.apply(999, lambda c: Transition(c.state, None))
    assert (await store.conversation(conversation.id)).version == conversation.version


async def test_the_claim_check_constraint_guards_the_holder(store: SQLiteStore) -> None:
    conversation = await store.conversation_for(KEY, "U1")
    with pytest.raises(sqlite3.IntegrityError):     # claimed without a holder is not a state
        await store.commit(conversation, Transition(conversation.state.update(mode=Mode.CLAIMED), None))


async def test_outbox_leases_the_oldest_message_of_each_conversation(store: SQLiteStore) -> None:
    clock = store._clock
    a = await store.conversation_for(KEY, "U1")
    b = await store.conversation_for(ConversationKey("line", "U2"), "U2")
    await store.commit(a, Transition(a.state, None, (reply("a1", choices=(Choice("menu", "Menu"),), reply_handle="tok"),
                                                     reply("a2"))))
    await store.commit(b, Transition(b.state, None, (reply("b1"),)))
    leased = await store.lease_outbox(["line"], 10, 30)
    assert [i.text for i in leased] == ["a1", "b1"]
    assert leased[0].choices == (Choice("menu", "Menu"),) and leased[0].reply_handle == "tok"
    assert await store.lease_outbox(["line"], 10, 30) == []          # leased rows are not handed out twice
    assert await store.lease_outbox(["telegram"], 10, 30) == []
    await store.mark_sent_many([leased[0].id])
    await store.mark_retry(leased[1].id, 5.0, "HTTP 500")
    assert [i.text for i in await store.lease_outbox(["line"], 10, 30)] == ["a2"]
    clock.now += 6
    retried = await store.lease_outbox(["line"], 10, 30)
    assert [(i.text, i.attempts) for i in retried] == [("b1", 1)]
    await store.mark_failed(retried[0].id, "blocked")
    clock.now += 100                                               # an expired lease is handed out again
    assert [i.text for i in await store.lease_outbox(["line"], 10, 30)] == ["a2"]
    deliveries = {m.text: m.delivery for m in await store.messages(a.id) + await store.messages(b.id)}
    assert deliveries == {"a1": "sent", "a2": "pending", "b1": "failed"}


async def test_everything_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "restart.db"
    first = SQLiteStore(path)
    await first.open()
    advisor = await first.add_advisor("aiko", "hash1")
    conversation = await first.conversation_for(KEY, "U1")
    await first.apply(conversation.id, lambda c: Transition(c.state.update(mode=Mode.CLAIMED, lang="vi"), advisor.id,
                                                            (NewMessage("in", "user", "xin chào"),),
                                                            AuditNote(advisor.id, "claim")))
    await first.close()

    second = SQLiteStore(path)
    await second.open()
    again = await second.conversation_for(KEY, "U1")
    assert again.id == conversation.id and again.state.mode is Mode.CLAIMED and again.claimed_by == advisor.id
    assert again.state.lang == "vi"
    assert [m.text for m in await second.messages(again.id)] == ["xin chào"]
    assert [a.action for a in await second.audit(again.id)] == ["claim"]
    assert (await second.advisor_by_token("hash1")).name == "aiko"
    await second.close()


async def test_advisors_tokens_and_sessions(store: SQLiteStore) -> None:
    clock = store._clock
    aiko = await store.add_advisor("aiko", "h1")
    with pytest.raises(DuplicateAdvisor):
        await store.add_advisor("aiko", "h2")
    assert (await store.advisor_by_token("h1")) == aiko
    assert await store.advisor_by_token("nope") is None
    await store.add_session("s1", aiko.id, "csrf", clock.now + 10)
    assert (await store.session("s1")).csrf_token == "csrf"
    clock.now += 11
    assert await store.session("s1") is None                         # expired
    await store.add_session("s2", aiko.id, "csrf", clock.now + 100)
    await store.set_advisor_token("aiko", "h3")                      # a new token ends old sessions
    assert await store.session("s2") is None and await store.advisor_by_token("h1") is None
    await store.set_advisor_active("aiko", False)
    assert await store.advisor_by_token("h3") is None
    with pytest.raises(NotFound):
        await store.set_advisor_active("nobody", False)
