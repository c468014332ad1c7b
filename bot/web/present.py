"""Stored records as the API and the console show them: ISO times, topics in Japanese and English."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..core import Core
from ..store.base import Conversation, QueueEntry, StoredMessage

PREVIEW_CHARS = 200


def iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return dt.datetime.fromtimestamp(moment, dt.timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def topic(core: Core, intent: str | None) -> dict[str, str | None]:
    label = core.labels.topic(intent)
    return {"intent": intent, "ja": label.ja, "en": label.en}


def conversation(core: Core, c: Conversation) -> dict[str, Any]:
    return {
        "id": c.id,
        "channel": c.channel,
        "lang": c.state.lang,
        "urgent": c.state.urgent,
        "status": c.state.mode.value,
        "claimed_by": c.claimed_by,
        "waiting_since": iso(c.waiting_since),
        "topic": topic(core, c.state.last_intent) if c.state.last_intent else None,
    }


def queue_entry(core: Core, e: QueueEntry) -> dict[str, Any]:
    return {
        **conversation(core, e.conversation),
        "claimed_by_name": e.claimed_by_name,
        "last_message": e.last_message[:PREVIEW_CHARS],
        "last_message_at": iso(e.last_message_at),
        "topics": [topic(core, i) for i in dict.fromkeys(e.recent_intents)],
    }


def message(m: StoredMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "direction": m.direction,
        "author": m.author,
        "advisor_id": m.advisor_id,
        "kind": m.kind,
        "text": m.text,
        "lang": m.lang,
        "intent": m.intent,
        "confidence": None if m.confidence is None else round(m.confidence, 3),
        "choices": [{"payload": c.payload, "label": c.label} for c in m.choices],
        "created_at": iso(m.created_at),
        "delivery": m.delivery,
    }
