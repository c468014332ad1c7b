"""Storage behind one small interface (base.Store); `open_store` picks the implementation."""

from __future__ import annotations

from pathlib import Path

from ..config import ConfigError
from .base import Store
from .sqlite import SQLiteStore


def sqlite_path(database_url: str) -> Path:
    """SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute/path.db."""
    path = database_url.removeprefix("sqlite:///")
    if not path:
        raise ConfigError("DATABASE_URL=sqlite:/// names no file")
    return Path(path)


def open_store(database_url: str, *, worker: bool = False) -> Store:
    """The store for a DATABASE_URL, not yet opened (call `await store.open()`).

    `worker`: for a loop that answers messages (`madoguchi worker`, `serve`'s answering thread)
    and has no request to answer fast — SQLite runs on that loop (see SQLiteConnection), and its
    commits are not flushed one by one
    (synchronous=NORMAL; still atomic and crash-safe). The events it answers were flushed when the
    web process accepted them (synchronous=FULL), so a power cut can only undo the worker's last
    few steps, which it then does again: a reply may be sent twice, an event is never lost."""
    if database_url.startswith("sqlite:///"):
        return SQLiteStore(sqlite_path(database_url), inline=worker, synchronous="NORMAL" if worker else "FULL")
    raise ConfigError(f"DATABASE_URL: only sqlite:/// is supported so far, got {database_url.split(':')[0]}://…")
