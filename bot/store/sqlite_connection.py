"""The SQLite file itself: opening it (WAL, migrations), one worker thread, transactions.

Why one thread: sqlite3 connections are not shared across threads safely, and a single writer
per process is what SQLite wants anyway; the thread keeps the event loop free. Why BEGIN
IMMEDIATE: a read-then-write transaction must hold the write lock from its first read, or a
second process (the worker, an advisor's request) could change the row in between — that is how
a bot ends up talking over an advisor. synchronous=FULL: a committed transaction survives a power
cut, which "a message once accepted is never lost" needs; webhooks are group-committed, so the
cost is one flush per batch, not per message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from .migrations import MIGRATIONS, statements

log = logging.getLogger(__name__)
T = TypeVar("T")

SQLITE_BUSY_SECONDS = 0.002     # SQLite's own wait; longer waits are retried by _retrying
LOCK_POLL_SECONDS = 0.001


class SQLiteConnection:
    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time,
                 busy_timeout: float = 10.0, synchronous: str = "FULL", inline: bool = False) -> None:
        """`inline`: run each transaction on the event loop's own thread instead of the store's.

        For a loop that answers messages and has no request to answer fast (`madoguchi worker`,
        `serve`'s answering thread): its transactions take well under a millisecond of work, but
        on a thread of their own each of their statements waited for the interpreter behind the
        answering work — up to a switch interval each, while holding SQLite's write lock, so
        webhooks waited for the lock (transactions of 4-13 ms instead of under 1). Waits for
        another process's lock are still asynchronous."""
        self.path = Path(path)
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._synchronous = synchronous
        self._executor = None if inline else ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite_utils.Database | None = None

    # -- plumbing -----------------------------------------------------------------------------

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._executor is not None:
            return await asyncio.get_running_loop().run_in_executor(self._executor, self._retrying, fn, *args)
        deadline = time.monotonic() + self._busy_timeout
        while (done := self._attempt(fn, args, deadline))[0] is False:
            await asyncio.sleep(LOCK_POLL_SECONDS)
        return done[1]

    def _retrying(self, fn: Callable[..., T], *args: Any) -> T:
        """Every call is one whole transaction, so when another process holds the write lock it is
        simply tried again. SQLite's own busy handler backs off to 100 ms sleeps, which made a webhook
        wait that long behind a worker's millisecond transaction; this polls every millisecond."""
        deadline = time.monotonic() + self._busy_timeout
        while (done := self._attempt(fn, args, deadline))[0] is False:
            time.sleep(LOCK_POLL_SECONDS)
        return done[1]

    @staticmethod
    def _attempt(fn: Callable[..., T], args: tuple[Any, ...], deadline: float) -> tuple[bool, Any]:
        """(True, the result), or (False, None) while another process holds the write lock."""
        try:
            return True, fn(*args)
        except sqlite3.OperationalError as exc:
            if not _locked(exc) or time.monotonic() > deadline:
                raise
            return False, None

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

    def _in_tx(self, fn: Callable[..., T], *args: Any) -> T:
        """fn(db, *args) inside one BEGIN IMMEDIATE transaction."""
        with self._tx() as db:
            return fn(db, *args)

    async def open(self) -> None:
        await self._run(self._open)

    def _open(self) -> None:
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        busy = SQLITE_BUSY_SECONDS if self._executor is not None else 0.0   # inline: never block the loop
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=busy)
        conn.row_factory = sqlite3.Row
        self._db = sqlite_utils.Database(conn)
        self._db.enable_wal()
        conn.execute(f"PRAGMA busy_timeout = {int(busy * 1000)}")
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
        if self._executor is not None:
            self._executor.shutdown(wait=True)


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)
