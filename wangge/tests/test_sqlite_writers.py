"""SQLite writers queue for their turn (wangge/sqlite): held from BEGIN to COMMIT or ROLLBACK,
given up after the connection's timeout, and no write lost when many write at once."""

import fcntl
import os
import threading

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler


@pytest.fixture
def database(tmp_path, django_db_blocker):
    path = tmp_path / "writers.sqlite3"
    with django_db_blocker.unblock():
        db = connect(path)
        with db.cursor() as cursor:
            cursor.execute("CREATE TABLE report (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        db.close()
        yield path


def connect(path, timeout: float = 20):
    options = {"transaction_mode": "IMMEDIATE", "timeout": timeout}
    handler = ConnectionHandler(
        {"default": {"ENGINE": "wangge.sqlite", "NAME": str(path), "OPTIONS": options}}
    )
    return handler["default"]


def begin(db) -> None:
    """As `transaction.atomic` begins on SQLite."""
    db.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)


def end(db, *, commit: bool) -> None:
    """As `transaction.atomic` ends: commit or roll back, then back to autocommit."""
    if commit:
        db.commit()
    else:
        db.rollback()
    db.set_autocommit(True)


def write(db, text: str) -> None:
    with db.cursor() as cursor:
        cursor.execute("INSERT INTO report (text) VALUES (%s)", [text])


def turn_is_free(path) -> bool:
    """Whether another process could take the writers' turn now (a descriptor of our own
    conflicts with the backend's as another process's would)."""
    fd = os.open(f"{path}-writers", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_transaction_holds_the_turn_until_it_commits_or_rolls_back(database):
    db = connect(database)
    begin(db)
    write(db, "one")
    assert not turn_is_free(database)
    end(db, commit=True)
    assert turn_is_free(database)

    begin(db)
    write(db, "two")
    assert not turn_is_free(database)
    end(db, commit=False)
    assert turn_is_free(database)
    with db.cursor() as cursor:
        cursor.execute("SELECT text FROM report")
        assert cursor.fetchall() == [("one",)]
    db.close()


def test_a_writer_kept_waiting_past_its_timeout_fails_as_sqlite_would_and_can_try_again(
    database,
):
    holder = os.open(f"{database}-writers", os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another process in the middle of a long transaction
    db = connect(database, timeout=0.2)
    with pytest.raises(OperationalError, match="database is locked"):
        begin(db)
    db.set_autocommit(True)
    os.close(holder)

    begin(db)  # its own place in the queue was given back when it failed
    write(db, "after")
    end(db, commit=True)
    db.close()


def test_many_writers_at_once_each_write_everything_they_commit(database):
    failures = []

    def writer(number: int) -> None:
        db = connect(database)
        try:
            for step in range(40):
                begin(db)
                write(db, f"{number}-{step}")
                write(db, f"{number}-{step}-timeline")
                end(db, commit=True)
        except Exception as error:  # the test reports it below
            failures.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    db = connect(database)
    with db.cursor() as cursor:
        cursor.execute("SELECT count(*), count(DISTINCT text) FROM report")
        assert cursor.fetchone() == (640, 640)
    db.close()
    assert turn_is_free(database)
