"""The SQLite store: one real file, WAL mode, every call one transaction on one worker thread.

Why one thread: sqlite3 connections are not shared across threads safely, and a single writer
per process is what SQLite wants anyway; the thread keeps the event loop free. Why BEGIN
IMMEDIATE: a read-then-write transaction must hold the write lock from its first read, or a
second process (the Telegram polling worker, an advisor's request) could change the row in
between — that is how a bot ends up talking over an advisor.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from ..conversation import ConversationState, Mode
from ..messages import Choice, ConversationKey
from .base import (
    Advisor, AdvisorSession, AuditEntry, Conversation, Decide, DuplicateAdvisor, DuplicateMessage, InboxEvent,
    LeasedEvent, NewMessage, NotFound, OutboxItem, QueueEntry, StaleConversation, StoredMessage, StoreError,
    Transition,
)
from .migrations import MIGRATIONS, statements

log = logging.getLogger(__name__)
T = TypeVar("T")

_CONVERSATION = """
SELECT c.*, u.platform_user_id FROM conversations c JOIN users u ON u.id = c.user_id
"""
RECENT_INTENTS = 3
SQLITE_BUSY_SECONDS = 0.002     # SQLite's own wait; longer waits are retried by _retrying
LOCK_POLL_SECONDS = 0.001


class SQLiteStore:
    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time,
                 busy_timeout: float = 10.0, synchronous: str = "NORMAL") -> None:
        self.path = Path(path)
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._synchronous = synchronous
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite_utils.Database | None = None

    # -- plumbing -----------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._retrying, fn, *args)

    def _retrying(self, fn: Callable[..., T], *args: Any) -> T:
        """Every call is one whole transaction, so when another process holds the write lock it is
        simply tried again. SQLite's own busy handler backs off to 100 ms sleeps, which made a webhook
        wait that long behind a worker's millisecond transaction; this polls every millisecond."""
        deadline = time.monotonic() + self._busy_timeout
        while True:
            try:
                return fn(*args)
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(LOCK_POLL_SECONDS)

    @property
    def db(self) -> sqlite_utils.Database:
        if self._db is None:
            raise RuntimeError("store not opened")
        return self._db

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite_utils.Database]:
        db = self.db
        db.conn.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")

    async def open(self) -> None:
        await self._run(self._open)

    def _open(self) -> None:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                               timeout=SQLITE_BUSY_SECONDS)
        conn.row_factory = sqlite3.Row
        self._db = sqlite_utils.Database(conn)
        self._db.enable_wal()
        conn.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_SECONDS * 1000)}")
        conn.execute(f"PRAGMA synchronous = {self._synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        self._migrate()

    def _migrate(self) -> None:
        for number, script in MIGRATIONS:
            with self._tx() as db:
                # read inside the write lock: two processes starting together migrate once
                if db.conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                    continue
                for statement in statements(script):
                    db.conn.execute(statement)
                db.conn.execute(f"PRAGMA user_version = {number}")
            log.info("database migrated", extra={"version": number, "path": str(self.path)})

    async def schema_version(self) -> int:
        return await self._run(lambda: self.db.conn.execute("PRAGMA user_version").fetchone()[0])

    async def close(self) -> None:
        if self._db is not None:
            await self._run(self.db.close)
            self._db = None
        self._executor.shutdown(wait=True)

    # -- conversations ------------------------------------------------------------------------

    async def conversation_for(self, key: ConversationKey, user_id: str) -> Conversation:
        return await self._run(self._conversation_for, key, user_id)

    def _conversation_for(self, key: ConversationKey, user_id: str) -> Conversation:
        with self._tx():
            return self._conversation_for_in_tx(key, user_id)

    def _conversation_for_in_tx(self, key: ConversationKey, user_id: str) -> Conversation:
        now = self._clock()
        conn = self.db.conn
        row = conn.execute(
            "INSERT INTO users (channel, platform_user_id, first_seen, last_seen) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (channel, platform_user_id) DO UPDATE SET last_seen = excluded.last_seen "
            "RETURNING id", (key.channel, user_id, now, now)).fetchone()
        found = conn.execute(_CONVERSATION + "WHERE c.channel = ? AND c.chat_id = ?", (key.channel, key.chat_id)).fetchone()
        if found is not None:
            return _conversation(found)
        conn.execute("INSERT INTO conversations (channel, chat_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                     (key.channel, key.chat_id, row["id"], now, now))
        return _conversation(conn.execute(_CONVERSATION + "WHERE c.channel = ? AND c.chat_id = ?",
                                          (key.channel, key.chat_id)).fetchone())

    async def conversations_for(self, items: Sequence[tuple[ConversationKey, str]]) -> list[Conversation]:
        """Many at once (an inbox round), in one transaction."""
        def read() -> list[Conversation]:
            with self._tx():
                return [self._conversation_for_in_tx(key, user_id) for key, user_id in items]
        return await self._run(read)

    async def commit_many(self, items: Sequence[tuple[Conversation, Transition]]) -> list[Conversation | StoreError]:
        """Many commits in one transaction, each in a savepoint: a stale conversation or a duplicate
        message fails alone (its error is returned in its place) and the others are kept."""
        def write() -> list[Conversation | StoreError]:
            results: list[Conversation | StoreError] = []
            with self._tx() as db:
                for conversation, transition in items:
                    db.conn.execute("SAVEPOINT item")
                    try:
                        self._write(conversation, transition, expect_version=True)
                    except (StaleConversation, DuplicateMessage) as exc:
                        db.conn.execute("ROLLBACK TO item")
                        db.conn.execute("RELEASE item")
                        results.append(exc)
                        continue
                    db.conn.execute("RELEASE item")
                    results.append(self._conversation(conversation.id))
            return results
        return await self._run(write)

    async def conversation(self, conversation_id: int) -> Conversation:
        return await self._run(self._conversation, conversation_id)

    def _conversation(self, conversation_id: int) -> Conversation:
        row = self.db.conn.execute(_CONVERSATION + "WHERE c.id = ?", (conversation_id,)).fetchone()
        if row is None:
            raise NotFound(f"conversation {conversation_id}")
        return _conversation(row)

    async def commit(self, conversation: Conversation, transition: Transition) -> Conversation:
        return await self._run(self._commit, conversation, transition)

    def _commit(self, conversation: Conversation, transition: Transition) -> Conversation:
        with self._tx():
            self._write(conversation, transition, expect_version=True)
            return self._conversation(conversation.id)

    async def apply(self, conversation_id: int, decide: Decide) -> tuple[Conversation, Transition]:
        return await self._run(self._apply, conversation_id, decide)

    def _apply(self, conversation_id: int, decide: Decide) -> tuple[Conversation, Transition]:
        with self._tx():
            current = self._conversation(conversation_id)
            transition = decide(current)
            self._write(current, transition, expect_version=False)
            return self._conversation(conversation_id), transition

    def _write(self, old: Conversation, transition: Transition, expect_version: bool) -> None:
        now = self._clock()
        state = transition.state
        waiting = state.mode in (Mode.WAITING, Mode.CLAIMED)
        waiting_since = (old.waiting_since or now) if waiting else None
        sql = ("UPDATE conversations SET status = ?, urgent = ?, claimed_by = ?, language = ?, "
               "language_chosen = ?, fallbacks_in_row = ?, last_intent = ?, waiting_since = ?, "
               "updated_at = ?, version = version + 1 WHERE id = ?")
        params: list[Any] = [state.mode.value, int(state.urgent), transition.claimed_by, state.lang,
                             int(state.lang_chosen), state.fallbacks_in_row, state.last_intent,
                             waiting_since, now, old.id]
        if expect_version:
            sql += " AND version = ?"
            params.append(old.version)
        if self.db.conn.execute(sql, params).rowcount != 1:
            raise StaleConversation(f"conversation {old.id} changed")
        if state.lang:
            self.db.conn.execute("UPDATE users SET language = ? WHERE channel = ? AND platform_user_id = ?",
                                 (state.lang, old.channel, old.user_id))
        for message in transition.messages:
            self._insert_message(old, message, now)
        if transition.inbox_id is not None:
            self.db.conn.execute("UPDATE inbox SET status = 'done', lease_until = NULL WHERE id = ?",
                                 (transition.inbox_id,))
        if transition.audit is not None:
            self.db["audit_log"].insert({
                "at": now, "advisor_id": transition.audit.advisor_id, "conversation_id": old.id,
                "action": transition.audit.action, "detail": transition.audit.detail})

    def _insert_message(self, conversation: Conversation, message: NewMessage, now: float) -> None:
        outgoing = message.direction == "out"
        try:
            self.db.conn.execute(
                "INSERT INTO messages (conversation_id, channel, direction, author, advisor_id, kind, text, "
                "language, intent, confidence, choices, platform_message_id, created_at, delivery, "
                "next_attempt_at, reply_handle, reply_handle_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (conversation.id, conversation.channel, message.direction, message.author, message.advisor_id,
                 message.kind, message.text, message.lang, message.intent, message.confidence,
                 _choices_json(message.choices), message.platform_message_id, now,
                 "pending" if outgoing else None, now if outgoing else None,
                 message.reply_handle, now if message.reply_handle else None))
        except sqlite3.IntegrityError as exc:
            if message.platform_message_id and "UNIQUE" in str(exc):
                raise DuplicateMessage(message.platform_message_id or "") from None
            raise

    async def queue(self) -> list[QueueEntry]:
        return await self._run(self._queue)

    def _queue(self) -> list[QueueEntry]:
        rows = self.db.conn.execute(
            _CONVERSATION + "WHERE c.status IN ('waiting', 'claimed') "
            "ORDER BY c.urgent DESC, c.waiting_since ASC, c.id ASC").fetchall()
        entries = []
        for row in rows:
            conversation = _conversation(row)
            recent = self.db.conn.execute(
                "SELECT text, intent, created_at FROM messages WHERE conversation_id = ? AND direction = 'in' "
                "ORDER BY id DESC LIMIT ?", (conversation.id, RECENT_INTENTS)).fetchall()
            holder = None
            if conversation.claimed_by is not None:
                holder = self.db.conn.execute("SELECT name FROM advisors WHERE id = ?",
                                              (conversation.claimed_by,)).fetchone()["name"]
            entries.append(QueueEntry(
                conversation=conversation,
                last_message=recent[0]["text"] if recent else "",
                last_message_at=recent[0]["created_at"] if recent else None,
                recent_intents=tuple(r["intent"] for r in recent if r["intent"]),
                claimed_by_name=holder))
        return entries

    async def messages(self, conversation_id: int, after_id: int = 0, limit: int = 500) -> list[StoredMessage]:
        return await self._run(self._messages, conversation_id, after_id, limit)

    def _messages(self, conversation_id: int, after_id: int, limit: int) -> list[StoredMessage]:
        self._conversation(conversation_id)   # NotFound for an unknown id, not an empty list
        rows = self.db.conn.execute(
            "SELECT * FROM (SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id DESC LIMIT ?) "
            "ORDER BY id", (conversation_id, after_id, limit)).fetchall()
        return [_message(r) for r in rows]

    async def audit(self, conversation_id: int | None = None) -> list[AuditEntry]:
        return await self._run(self._audit, conversation_id)

    def _audit(self, conversation_id: int | None) -> list[AuditEntry]:
        if conversation_id is None:
            rows = self.db.conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
        else:
            rows = self.db.conn.execute("SELECT * FROM audit_log WHERE conversation_id = ? ORDER BY id",
                                        (conversation_id,)).fetchall()
        return [AuditEntry(r["id"], r["at"], r["advisor_id"], r["conversation_id"], r["action"], r["detail"])
                for r in rows]

    # -- advisors -----------------------------------------------------------------------------

    async def add_advisor(self, name: str, token_hash: str) -> Advisor:
        return await self._run(self._add_advisor, name, token_hash)

    def _add_advisor(self, name: str, token_hash: str) -> Advisor:
        try:
            with self._tx() as db:
                db.conn.execute("INSERT INTO advisors (name, token_hash, created_at) VALUES (?, ?, ?)",
                                (name, token_hash, self._clock()))
                db["audit_log"].insert({"at": self._clock(), "action": "advisor.add", "detail": name})
        except sqlite3.IntegrityError:
            raise DuplicateAdvisor(name) from None
        return self._advisor_named(name)

    def _advisor_named(self, name: str) -> Advisor:
        row = self.db.conn.execute("SELECT * FROM advisors WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise NotFound(f"advisor {name!r}")
        return _advisor(row)

    async def set_advisor_token(self, name: str, token_hash: str) -> Advisor:
        return await self._run(self._update_advisor, name, "token_hash", token_hash, "advisor.token")

    async def set_advisor_active(self, name: str, active: bool) -> Advisor:
        action = "advisor.enable" if active else "advisor.disable"
        return await self._run(self._update_advisor, name, "active", int(active), action)

    def _update_advisor(self, name: str, column: str, value: Any, action: str) -> Advisor:
        with self._tx() as db:
            advisor = self._advisor_named(name)
            db.conn.execute(f"UPDATE advisors SET {column} = ? WHERE id = ?", (value, advisor.id))
            # a new token or a disabled account ends every console session of that advisor
            db.conn.execute("DELETE FROM advisor_sessions WHERE advisor_id = ?", (advisor.id,))
            db["audit_log"].insert({"at": self._clock(), "advisor_id": advisor.id, "action": action, "detail": name})
        return self._advisor_named(name)

    async def advisors(self) -> list[Advisor]:
        return await self._run(lambda: [_advisor(r) for r in self.db.conn.execute("SELECT * FROM advisors ORDER BY name")])

    async def advisor_by_token(self, token_hash: str) -> Advisor | None:
        def find() -> Advisor | None:
            row = self.db.conn.execute("SELECT * FROM advisors WHERE token_hash = ? AND active = 1",
                                       (token_hash,)).fetchone()
            return _advisor(row) if row else None
        return await self._run(find)

    async def advisor(self, advisor_id: int) -> Advisor | None:
        def find() -> Advisor | None:
            row = self.db.conn.execute("SELECT * FROM advisors WHERE id = ?", (advisor_id,)).fetchone()
            return _advisor(row) if row else None
        return await self._run(find)

    async def add_session(self, session_hash: str, advisor_id: int, csrf_token: str, expires_at: float) -> None:
        def add() -> None:
            with self._tx() as db:
                now = self._clock()
                db.conn.execute("DELETE FROM advisor_sessions WHERE expires_at < ?", (now,))
                db.conn.execute("INSERT INTO advisor_sessions VALUES (?, ?, ?, ?, ?)",
                                (session_hash, advisor_id, csrf_token, now, expires_at))
                db["audit_log"].insert({"at": now, "advisor_id": advisor_id, "action": "login"})
        await self._run(add)

    async def session(self, session_hash: str) -> AdvisorSession | None:
        def find() -> AdvisorSession | None:
            row = self.db.conn.execute(
                "SELECT s.csrf_token, s.expires_at, a.* FROM advisor_sessions s JOIN advisors a ON a.id = s.advisor_id "
                "WHERE s.session_hash = ? AND s.expires_at > ? AND a.active = 1",
                (session_hash, self._clock())).fetchone()
            return AdvisorSession(_advisor(row), row["csrf_token"], row["expires_at"]) if row else None
        return await self._run(find)

    async def end_session(self, session_hash: str) -> None:
        def end() -> None:
            with self._tx() as db:
                db.conn.execute("DELETE FROM advisor_sessions WHERE session_hash = ?", (session_hash,))
        await self._run(end)

    # -- the inbox ----------------------------------------------------------------------------

    async def accept_events(self, events: Sequence[InboxEvent]) -> list[bool]:
        return await self._run(self._accept, tuple(events))

    def _accept(self, events: tuple[InboxEvent, ...]) -> list[bool]:
        """One transaction for many webhooks; True for each event stored, False for a redelivery."""
        now = self._clock()
        with self._tx() as db:
            return [db.conn.execute(
                "INSERT INTO inbox (channel, event_id, chat_id, message, received_at, next_attempt_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, event_id) DO NOTHING",
                (e.channel, e.event_id, e.chat_id, json.dumps(e.message, ensure_ascii=False), now, now)).rowcount == 1
                for e in events]

    async def lease_inbox(self, channels: Sequence[str], limit: int, lease_seconds: float) -> list[LeasedEvent]:
        return await self._run(self._lease_inbox, tuple(channels), limit, lease_seconds)

    def _lease_inbox(self, channels: tuple[str, ...], limit: int, lease_seconds: float) -> list[LeasedEvent]:
        if not channels:
            return []
        now = self._clock()
        marks = ", ".join("?" for _ in channels)
        with self._tx() as db:
            # the oldest pending event of each chat only: a chat's messages are answered in order
            rows = db.conn.execute(
                "SELECT * FROM inbox WHERE id IN (SELECT MIN(id) FROM inbox WHERE status = 'pending' "
                f"AND channel IN ({marks}) GROUP BY channel, chat_id) "
                "AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT ?",
                (*channels, now, now, limit)).fetchall()
            if rows:
                ids = [r["id"] for r in rows]
                db.conn.execute(f"UPDATE inbox SET lease_until = ?, attempts = attempts + 1 "
                                f"WHERE id IN ({', '.join('?' for _ in ids)})", (now + lease_seconds, *ids))
        return [LeasedEvent(r["id"], r["channel"], r["chat_id"], json.loads(r["message"]), r["received_at"],
                            r["attempts"] + 1) for r in rows]

    async def inbox_done(self, event_id: int) -> None:
        await self._run(self._mark_inbox, event_id, "status = 'done', lease_until = NULL", ())

    async def inbox_retry(self, event_id: int, delay: float, error: str) -> None:
        await self._run(self._mark_inbox, event_id, "next_attempt_at = ?, lease_until = NULL, last_error = ?",
                        (self._clock() + delay, error[:500]))

    async def inbox_failed(self, event_id: int, error: str) -> None:
        await self._run(self._mark_inbox, event_id, "status = 'failed', lease_until = NULL, last_error = ?",
                        (error[:500],))

    def _mark_inbox(self, event_id: int, assignments: str, params: tuple[Any, ...]) -> None:
        with self._tx() as db:
            db.conn.execute(f"UPDATE inbox SET {assignments} WHERE id = ? AND status = 'pending'", (*params, event_id))

    async def prune_inbox(self, older_than: float) -> int:
        """Answered events are kept a while only to recognise redeliveries."""
        def prune() -> int:
            with self._tx() as db:
                return db.conn.execute("DELETE FROM inbox WHERE status = 'done' AND received_at < ?",
                                       (older_than,)).rowcount
        return await self._run(prune)

    # -- the outbox ---------------------------------------------------------------------------

    async def lease_outbox(self, channels: Sequence[str], limit: int, lease_seconds: float) -> list[OutboxItem]:
        return await self._run(self._lease, tuple(channels), limit, lease_seconds)

    def _lease(self, channels: tuple[str, ...], limit: int, lease_seconds: float) -> list[OutboxItem]:
        if not channels:
            return []
        now = self._clock()
        marks = ", ".join("?" for _ in channels)
        with self._tx() as db:
            # only the oldest undelivered message of each conversation: messages arrive in order
            rows = db.conn.execute(
                "SELECT m.*, c.chat_id, u.platform_user_id FROM messages m "
                "JOIN conversations c ON c.id = m.conversation_id JOIN users u ON u.id = c.user_id "
                "WHERE m.id IN (SELECT MIN(id) FROM messages WHERE delivery = 'pending' "
                f"AND channel IN ({marks}) GROUP BY conversation_id) "
                "AND m.next_attempt_at <= ? AND (m.lease_until IS NULL OR m.lease_until < ?) "
                "ORDER BY m.id LIMIT ?", (*channels, now, now, limit)).fetchall()
            if rows:
                ids = [r["id"] for r in rows]
                db.conn.execute(f"UPDATE messages SET lease_until = ? WHERE id IN ({', '.join('?' for _ in ids)})",
                                (now + lease_seconds, *ids))
        return [OutboxItem(
            id=r["id"], conversation_id=r["conversation_id"], channel=r["channel"], chat_id=r["chat_id"],
            user_id=r["platform_user_id"], text=r["text"], lang=r["language"], choices=_choices(r["choices"]),
            reply_handle=r["reply_handle"], reply_handle_at=r["reply_handle_at"], attempts=r["attempts"],
        ) for r in rows]

    async def mark_sent(self, message_id: int) -> None:
        await self._run(self._mark, message_id,
                        "delivery = 'sent', delivered_at = ?, lease_until = NULL, attempts = attempts + 1",
                        (self._clock(),))

    async def mark_retry(self, message_id: int, delay: float, error: str) -> None:
        await self._run(self._mark, message_id,
                        "next_attempt_at = ?, lease_until = NULL, attempts = attempts + 1, last_error = ?",
                        (self._clock() + delay, error[:500]))

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self._run(self._mark, message_id,
                        "delivery = 'failed', lease_until = NULL, attempts = attempts + 1, last_error = ?",
                        (error[:500],))

    async def mark_sent_many(self, message_ids: Sequence[int]) -> None:
        """One transaction for a whole delivery round."""
        def mark() -> None:
            with self._tx() as db:
                now = self._clock()
                db.conn.executemany(
                    "UPDATE messages SET delivery = 'sent', delivered_at = ?, lease_until = NULL, "
                    "attempts = attempts + 1 WHERE id = ? AND delivery = 'pending'", [(now, i) for i in message_ids])
        if message_ids:
            await self._run(mark)

    def _mark(self, message_id: int, assignments: str, params: tuple[Any, ...]) -> None:
        with self._tx() as db:
            db.conn.execute(f"UPDATE messages SET {assignments} WHERE id = ? AND delivery = 'pending'",
                            (*params, message_id))


def _conversation(row: sqlite3.Row) -> Conversation:
    state = ConversationState(
        lang=row["language"], lang_chosen=bool(row["language_chosen"]), fallbacks_in_row=row["fallbacks_in_row"],
        mode=Mode(row["status"]), urgent=bool(row["urgent"]), last_intent=row["last_intent"])
    return Conversation(
        id=row["id"], channel=row["channel"], chat_id=row["chat_id"], user_id=row["platform_user_id"],
        state=state, claimed_by=row["claimed_by"], waiting_since=row["waiting_since"],
        created_at=row["created_at"], updated_at=row["updated_at"], version=row["version"])


def _message(row: sqlite3.Row) -> StoredMessage:
    return StoredMessage(
        id=row["id"], conversation_id=row["conversation_id"], direction=row["direction"], author=row["author"],
        text=row["text"], lang=row["language"], intent=row["intent"], confidence=row["confidence"],
        kind=row["kind"], choices=_choices(row["choices"]), advisor_id=row["advisor_id"],
        created_at=row["created_at"], delivery=row["delivery"])


def _advisor(row: sqlite3.Row) -> Advisor:
    return Advisor(row["id"], row["name"], bool(row["active"]))


def _choices_json(choices: tuple[Choice, ...]) -> str | None:
    return json.dumps([[c.payload, c.label] for c in choices], ensure_ascii=False) if choices else None


def _choices(text: str | None) -> tuple[Choice, ...]:
    return tuple(Choice(p, label) for p, label in json.loads(text)) if text else ()
