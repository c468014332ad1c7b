"""SQL of the inbox (events accepted, not yet answered) and the outbox (replies not yet delivered).

Each function runs inside a transaction the caller opened (BEGIN IMMEDIATE). Both queues lease
only the oldest pending row of each chat, so a chat's messages are answered and delivered in
order, and a lease (not a lock) marks a row as taken, so a crashed process's rows come back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from . import sqlite_rows as rows
from .base import InboxEvent, LeasedEvent, OutboxItem


def accept(db: sqlite_utils.Database, events: Sequence[InboxEvent], now: float) -> list[bool]:
    """True for each event stored, False for a redelivery (same channel and event id)."""
    return [db.conn.execute(
        "INSERT INTO inbox (channel, event_id, chat_id, message, received_at, next_attempt_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (channel, event_id) DO NOTHING",
        (e.channel, e.event_id, e.chat_id, json.dumps(e.message, ensure_ascii=False), now, now)).rowcount == 1
        for e in events]


def _marks(values: Sequence[Any]) -> str:
    return ", ".join("?" for _ in values)


def lease_inbox(db: sqlite_utils.Database, channels: Sequence[str], limit: int, lease_seconds: float,
                now: float) -> list[LeasedEvent]:
    found = db.conn.execute(
        "SELECT * FROM inbox WHERE id IN (SELECT MIN(id) FROM inbox WHERE status = 'pending' "
        f"AND channel IN ({_marks(channels)}) GROUP BY channel, chat_id) "
        "AND next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY id LIMIT ?",
        (*channels, now, now, limit)).fetchall()
    if found:
        ids = [r["id"] for r in found]
        db.conn.execute(f"UPDATE inbox SET lease_until = ?, attempts = attempts + 1 WHERE id IN ({_marks(ids)})",
                        (now + lease_seconds, *ids))
    return [LeasedEvent(r["id"], r["channel"], r["chat_id"], json.loads(r["message"]), r["received_at"],
                        r["attempts"] + 1) for r in found]


def mark_inbox(db: sqlite_utils.Database, event_id: int, assignments: str, params: tuple[Any, ...]) -> None:
    db.conn.execute(f"UPDATE inbox SET {assignments} WHERE id = ? AND status = 'pending'", (*params, event_id))


def prune_inbox(db: sqlite_utils.Database, older_than: float) -> int:
    """Answered events are kept a while only to recognise redeliveries."""
    return db.conn.execute("DELETE FROM inbox WHERE status = 'done' AND received_at < ?", (older_than,)).rowcount


def lease_outbox(db: sqlite_utils.Database, channels: Sequence[str], limit: int, lease_seconds: float,
                 now: float) -> list[OutboxItem]:
    found = db.conn.execute(
        "SELECT m.*, c.chat_id, u.platform_user_id FROM messages m "
        "JOIN conversations c ON c.id = m.conversation_id JOIN users u ON u.id = c.user_id "
        "WHERE m.id IN (SELECT MIN(id) FROM messages WHERE delivery = 'pending' "
        f"AND channel IN ({_marks(channels)}) GROUP BY conversation_id) "
        "AND m.next_attempt_at <= ? AND (m.lease_until IS NULL OR m.lease_until < ?) "
        "ORDER BY m.id LIMIT ?", (*channels, now, now, limit)).fetchall()
    if found:
        ids = [r["id"] for r in found]
        db.conn.execute(f"UPDATE messages SET lease_until = ? WHERE id IN ({_marks(ids)})", (now + lease_seconds, *ids))
    return [OutboxItem(
        id=r["id"], conversation_id=r["conversation_id"], channel=r["channel"], chat_id=r["chat_id"],
        user_id=r["platform_user_id"], text=r["text"], lang=r["language"], choices=rows.choices(r["choices"]),
        reply_handle=r["reply_handle"], reply_handle_at=r["reply_handle_at"], attempts=r["attempts"],
    ) for r in found]


def mark_message(db: sqlite_utils.Database, message_ids: Sequence[int], assignments: str,
                 params: tuple[Any, ...]) -> None:
    db.conn.executemany(f"UPDATE messages SET {assignments} WHERE id = ? AND delivery = 'pending'",
                        [(*params, i) for i in message_ids])
