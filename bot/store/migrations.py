"""Numbered schema migrations, applied in order at start; `PRAGMA user_version` records the last.

Never edit a migration that has shipped: add the next number. Each one runs in one transaction,
so a failed upgrade leaves the previous schema intact.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, str], ...] = (
    (1, """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        platform_user_id TEXT NOT NULL,
        language TEXT,
        first_seen REAL NOT NULL,
        last_seen REAL NOT NULL,
        UNIQUE (channel, platform_user_id)
    );
    CREATE TABLE advisors (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        token_hash TEXT NOT NULL UNIQUE,
        active INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL
    );
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        user_id INTEGER NOT NULL REFERENCES users(id),
        status TEXT NOT NULL DEFAULT 'bot' CHECK (status IN ('bot', 'waiting', 'claimed', 'closed')),
        urgent INTEGER NOT NULL DEFAULT 0,
        claimed_by INTEGER REFERENCES advisors(id),
        language TEXT,
        language_chosen INTEGER NOT NULL DEFAULT 0,
        fallbacks_in_row INTEGER NOT NULL DEFAULT 0,
        last_intent TEXT,
        waiting_since REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        version INTEGER NOT NULL DEFAULT 0,
        UNIQUE (channel, chat_id),
        CHECK ((status = 'claimed') = (claimed_by IS NOT NULL))
    );
    CREATE INDEX conversations_queue ON conversations (status, urgent, waiting_since);
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id),
        channel TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        author TEXT NOT NULL CHECK (author IN ('user', 'bot', 'advisor', 'system')),
        advisor_id INTEGER REFERENCES advisors(id),
        kind TEXT NOT NULL DEFAULT 'text',
        text TEXT NOT NULL,
        language TEXT,
        intent TEXT,
        confidence REAL,
        choices TEXT,
        platform_message_id TEXT,
        created_at REAL NOT NULL,
        -- the outbox: outgoing messages until a channel has delivered them
        delivery TEXT CHECK (delivery IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL,
        lease_until REAL,
        last_error TEXT,
        delivered_at REAL,
        reply_handle TEXT,
        reply_handle_at REAL
    );
    CREATE INDEX messages_transcript ON messages (conversation_id, id);
    CREATE UNIQUE INDEX messages_platform_id ON messages (channel, platform_message_id)
        WHERE platform_message_id IS NOT NULL;
    CREATE INDEX messages_outbox ON messages (delivery, channel, next_attempt_at)
        WHERE delivery = 'pending';
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        advisor_id INTEGER REFERENCES advisors(id),
        conversation_id INTEGER REFERENCES conversations(id),
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX audit_by_conversation ON audit_log (conversation_id, id);
    CREATE TABLE advisor_sessions (
        session_hash TEXT PRIMARY KEY,
        advisor_id INTEGER NOT NULL REFERENCES advisors(id),
        csrf_token TEXT NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL
    );
    """),
    (2, """
    -- platform events accepted by a webhook (or polled) and not yet answered: written before the
    -- webhook answers 200, so an event once accepted is never lost; unique per platform event id,
    -- so a redelivered event is stored (and answered) once
    CREATE TABLE inbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        event_id TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        message TEXT NOT NULL,
        received_at REAL NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL,
        lease_until REAL,
        last_error TEXT,
        UNIQUE (channel, event_id)
    );
    CREATE INDEX inbox_pending ON inbox (channel, chat_id, id) WHERE status = 'pending';
    CREATE INDEX inbox_received ON inbox (received_at)
    """),
)


def statements(script: str) -> list[str]:
    """Split a migration into statements: comments dropped first (they may contain semicolons);
    none of our statements has a semicolon inside a string literal."""
    code = "\n".join(line.split("--", 1)[0] for line in script.splitlines())
    return [s.strip() for s in code.split(";") if s.strip()]
