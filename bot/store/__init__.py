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


def open_store(database_url: str, *, inline: bool = False) -> Store:
    """The store for a DATABASE_URL, not yet opened (call `await store.open()`). `inline`: for a
    process whose event loop has no request to answer fast (see SQLiteConnection)."""
    if database_url.startswith("sqlite:///"):
        return SQLiteStore(sqlite_path(database_url), inline=inline)
    raise ConfigError(f"DATABASE_URL: only sqlite:/// is supported so far, got {database_url.split(':')[0]}://…")
