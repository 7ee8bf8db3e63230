"""Django's SQLite backend, with writers that wait their turn instead of sleeping.

Every transaction here begins with BEGIN IMMEDIATE (wangge/settings.py), which takes SQLite's
write lock. A writer that finds it taken waits in SQLite's busy handler, which sleeps 1, 2, 5, 10,
15, 20, 25, 25, 25, 50, 50, 100 ms between tries, whether or not the lock has meanwhile come free:
under concurrent reports the lock often sits free while the next writer sleeps, and the slowest
reports wait hundreds of milliseconds (bench/intake.py, docs/performance.md).

So writers first queue for a turn: the threads of a process on a lock of their own (a waiting
thread wakes the moment it is free), and then the processes on an advisory lock of the database
file's `<name>-writers` file, tried every POLL_SECONDS by at most one thread per process. The
turn is held from BEGIN to COMMIT or ROLLBACK; SQLite's own lock and busy timeout stay as they
were, for writers outside a transaction and for other programs. A writer that cannot get its turn
within the connection's timeout fails as SQLite would, with "database is locked". The kernel
drops a killed process's lock with the process. In-memory databases (the tests) have no queue.
"""

import fcntl
import os
import sqlite3
import threading
import time

from django.db.backends.sqlite3 import base

POLL_SECONDS = 0.0005


class WriterQueue:
    """This process's place in the queue of writers to one database file."""

    def __init__(self, database_path: str):
        self.pid = os.getpid()
        self.threads = threading.Lock()
        # One descriptor per process: flock belongs to it, so the threads take turns above.
        self.fd = os.open(f"{database_path}-writers", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)

    def enter(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if not self.threads.acquire(timeout=timeout):
            raise sqlite3.OperationalError("database is locked")
        try:
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise sqlite3.OperationalError("database is locked") from None
                    time.sleep(POLL_SECONDS)
        except BaseException:
            self.threads.release()
            raise

    def leave(self) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.threads.release()


_queues: dict[str, WriterQueue] = {}
_queues_lock = threading.Lock()


def writer_queue(database_path: str) -> WriterQueue:
    """The process's queue for this file (a forked child makes its own: a shared descriptor
    would share the lock)."""
    with _queues_lock:
        queue = _queues.get(database_path)
        if queue is None or queue.pid != os.getpid():
            queue = _queues[database_path] = WriterQueue(database_path)
        return queue


class DatabaseWrapper(base.DatabaseWrapper):
    writers: WriterQueue | None = None
    in_turn = False

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        self.writer_timeout = float(conn_params.get("timeout", 5))
        if not self.is_in_memory_db() and self.transaction_mode == "IMMEDIATE":
            self.writers = writer_queue(os.path.abspath(str(self.settings_dict["NAME"])))
        return connection

    def _start_transaction_under_autocommit(self):
        if self.writers is not None and not self.in_turn:
            with self.wrap_database_errors:
                self.writers.enter(self.writer_timeout)
            self.in_turn = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_turn()
            raise

    def _leave_turn(self) -> None:
        if self.in_turn:
            self.in_turn = False
            self.writers.leave()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_turn()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_turn()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_turn()
