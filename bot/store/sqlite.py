"""The SQLite store: conversations, messages, advisors, the inbox and the outbox on one real file.

Each method is one transaction on the connection's worker thread (sqlite_connection.py); the
inbox's and outbox's SQL lives in sqlite_queues.py, row conversion in sqlite_rows.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from ..conversation import Mode
from ..messages import ConversationKey
from . import sqlite_queues as queues
from . import sqlite_rows as rows
from .base import (
    Advisor, AdvisorSession, AuditEntry, Conversation, Decide, DuplicateAdvisor, DuplicateMessage, InboxEvent,
    LeasedEvent, NewMessage, NotFound, OutboxItem, QueueEntry, StaleConversation, StoredMessage, StoreError,
    Transition,
)
from .sqlite_connection import SQLiteConnection

RECENT_INTENTS = 3


class SQLiteStore(SQLiteConnection):
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
        found = conn.execute(rows.CONVERSATION_SELECT + "WHERE c.channel = ? AND c.chat_id = ?", (key.channel, key.chat_id)).fetchone()
        if found is not None:
            return rows.conversation(found)
        conn.execute("INSERT INTO conversations (channel, chat_id, user_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                     (key.channel, key.chat_id, row["id"], now, now))
        return rows.conversation(conn.execute(rows.CONVERSATION_SELECT + "WHERE c.channel = ? AND c.chat_id = ?",
                                          (key.channel, key.chat_id)).fetchone())

    async def conversations_for(self, items: Sequence[tuple[ConversationKey, str]]) -> list[Conversation]:
        """Many at once (an inbox round), in one transaction: a read-only one when every chat and
        user is known already (all but a chat's first message), so that the round neither waits
        for nor holds the write lock that webhooks need."""
        def read() -> list[Conversation]:
            known = self._known_conversations(items)
            if known is not None:
                return known
            with self._tx():
                return [self._conversation_for_in_tx(key, user_id) for key, user_id in items]
        return await self._run(read)

    def _known_conversations(self, items: Sequence[tuple[ConversationKey, str]]) -> list[Conversation] | None:
        conn = self.db.conn
        conn.execute("BEGIN")                      # one snapshot for all the reads; takes no lock in WAL mode
        try:
            found = []
            for key, user_id in items:
                row = conn.execute(rows.CONVERSATION_SELECT + "WHERE c.channel = ? AND c.chat_id = ?",
                                   (key.channel, key.chat_id)).fetchone()
                if row is None:
                    return None
                if row["platform_user_id"] != user_id and conn.execute(   # someone else in a group chat
                        "SELECT 1 FROM users WHERE channel = ? AND platform_user_id = ?",
                        (key.channel, user_id)).fetchone() is None:
                    return None
                found.append(rows.conversation(row))
            return found
        finally:
            conn.execute("COMMIT")

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
        row = self.db.conn.execute(rows.CONVERSATION_SELECT + "WHERE c.id = ?", (conversation_id,)).fetchone()
        if row is None:
            raise NotFound(f"conversation {conversation_id}")
        return rows.conversation(row)

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
        self.db.conn.execute("UPDATE users SET language = COALESCE(?, language), last_seen = ? "
                             "WHERE channel = ? AND platform_user_id = ?",
                             (state.lang or None, now, old.channel, old.user_id))
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
                 rows.choices_json(message.choices), message.platform_message_id, now,
                 "pending" if outgoing else None, now if outgoing else None,
                 message.reply_handle, now if message.reply_handle else None))
        except sqlite3.IntegrityError as exc:
            if message.platform_message_id and "UNIQUE" in str(exc):
                raise DuplicateMessage(message.platform_message_id or "") from None
            raise

    async def queue(self) -> list[QueueEntry]:
        return await self._run(self._queue)

    def _queue(self) -> list[QueueEntry]:
        waiting = self.db.conn.execute(
            rows.CONVERSATION_SELECT + "WHERE c.status IN ('waiting', 'claimed') "
            "ORDER BY c.urgent DESC, c.waiting_since ASC, c.id ASC").fetchall()
        entries = []
        for row in waiting:
            conversation = rows.conversation(row)
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
        found = self.db.conn.execute(
            "SELECT * FROM (SELECT * FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id DESC LIMIT ?) "
            "ORDER BY id", (conversation_id, after_id, limit)).fetchall()
        return [rows.message(r) for r in found]

    async def audit(self, conversation_id: int | None = None) -> list[AuditEntry]:
        return await self._run(self._audit, conversation_id)

    def _audit(self, conversation_id: int | None) -> list[AuditEntry]:
        if conversation_id is None:
            found = self.db.conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
        else:
            found = self.db.conn.execute("SELECT * FROM audit_log WHERE conversation_id = ? ORDER BY id",
                                         (conversation_id,)).fetchall()
        return [AuditEntry(r["id"], r["at"], r["advisor_id"], r["conversation_id"], r["action"], r["detail"])
                for r in found]

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
        return rows.advisor(row)

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
        return await self._run(lambda: [rows.advisor(r) for r in self.db.conn.execute("SELECT * FROM advisors ORDER BY name")])

    async def advisor_by_token(self, token_hash: str) -> Advisor | None:
        def find() -> Advisor | None:
            row = self.db.conn.execute("SELECT * FROM advisors WHERE token_hash = ? AND active = 1",
                                       (token_hash,)).fetchone()
            return rows.advisor(row) if row else None
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
            return AdvisorSession(rows.advisor(row), row["csrf_token"], row["expires_at"]) if row else None
        return await self._run(find)

    async def end_session(self, session_hash: str) -> None:
        def end() -> None:
            with self._tx() as db:
                db.conn.execute("DELETE FROM advisor_sessions WHERE session_hash = ?", (session_hash,))
        await self._run(end)

    # -- the inbox and the outbox (SQL in sqlite_queues.py) -------------------------------------

    async def accept_events(self, events: Sequence[InboxEvent]) -> list[bool]:
        """One transaction for many webhooks (the inbox groups them)."""
        return await self._run(self._in_tx, queues.accept, tuple(events), self._clock())

    async def lease_inbox(self, channels: Sequence[str], limit: int, lease_seconds: float) -> list[LeasedEvent]:
        if not channels:
            return []
        return await self._run(self._in_tx, queues.lease_inbox, tuple(channels), limit, lease_seconds, self._clock())

    async def inbox_done(self, event_id: int) -> None:
        await self._run(self._in_tx, queues.mark_inbox, event_id, "status = 'done', lease_until = NULL", ())

    async def inbox_retry(self, event_id: int, delay: float, error: str) -> None:
        await self._run(self._in_tx, queues.mark_inbox, event_id,
                        "next_attempt_at = ?, lease_until = NULL, last_error = ?", (self._clock() + delay, error[:500]))

    async def inbox_failed(self, event_id: int, error: str) -> None:
        await self._run(self._in_tx, queues.mark_inbox, event_id,
                        "status = 'failed', lease_until = NULL, last_error = ?", (error[:500],))

    async def prune_inbox(self, older_than: float) -> int:
        return await self._run(self._in_tx, queues.prune_inbox, older_than)

    async def lease_outbox(self, channels: Sequence[str], limit: int, lease_seconds: float) -> list[OutboxItem]:
        if not channels:
            return []
        return await self._run(self._in_tx, queues.lease_outbox, tuple(channels), limit, lease_seconds, self._clock())

    async def mark_sent_many(self, message_ids: Sequence[int]) -> None:
        """One transaction for a whole delivery round."""
        if message_ids:
            await self._run(self._in_tx, queues.mark_message, tuple(message_ids),
                            "delivery = 'sent', delivered_at = ?, lease_until = NULL, attempts = attempts + 1",
                            (self._clock(),))

    async def mark_retry(self, message_id: int, delay: float, error: str) -> None:
        await self._run(self._in_tx, queues.mark_message, (message_id,),
                        "next_attempt_at = ?, lease_until = NULL, attempts = attempts + 1, last_error = ?",
                        (self._clock() + delay, error[:500]))

    async def mark_failed(self, message_id: int, error: str) -> None:
        await self._run(self._in_tx, queues.mark_message, (message_id,),
                        "delivery = 'failed', lease_until = NULL, attempts = attempts + 1, last_error = ?",
                        (error[:500],))
