"""Rows of the SQLite tables as the store's records."""

from __future__ import annotations

import json
import sqlite3

from ..conversation import ConversationState, Mode
from ..messages import Choice
from .base import Advisor, Conversation, StoredMessage

CONVERSATION_SELECT = """
SELECT c.*, u.platform_user_id FROM conversations c JOIN users u ON u.id = c.user_id
"""


def conversation(row: sqlite3.Row) -> Conversation:
    state = ConversationState(
        lang=row["language"], lang_chosen=bool(row["language_chosen"]), fallbacks_in_row=row["fallbacks_in_row"],
        mode=Mode(row["status"]), urgent=bool(row["urgent"]), last_intent=row["last_intent"])
    return Conversation(
        id=row["id"], channel=row["channel"], chat_id=row["chat_id"], user_id=row["platform_user_id"],
        state=state, claimed_by=row["claimed_by"], waiting_since=row["waiting_since"],
        created_at=row["created_at"], updated_at=row["updated_at"], version=row["version"])


def message(row: sqlite3.Row) -> StoredMessage:
    return StoredMessage(
        id=row["id"], conversation_id=row["conversation_id"], direction=row["direction"], author=row["author"],
        text=row["text"], lang=row["language"], intent=row["intent"], confidence=row["confidence"],
        kind=row["kind"], choices=choices(row["choices"]), advisor_id=row["advisor_id"],
        created_at=row["created_at"], delivery=row["delivery"])


def advisor(row: sqlite3.Row) -> Advisor:
    return Advisor(row["id"], row["name"], bool(row["active"]))


def choices_json(choices: tuple[Choice, ...]) -> str | None:
    return json.dumps([[c.payload, c.label] for c in choices], ensure_ascii=False) if choices else None


def choices(text: str | None) -> tuple[Choice, ...]:
    return tuple(Choice(p, label) for p, label in json.loads(text)) if text else ()
