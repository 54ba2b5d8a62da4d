"""The embedded broker: kombu's SQLAlchemy transport on a SQLite file in DATA_DIR.

No server, queued messages survive restarts (they are rows), and it keeps up: each poll is
one indexed query instead of the filesystem transport's directory listing and file locks.
Tuned for SQLite shared by many processes (API, workers, beat): WAL so readers never wait
for the writer, a busy timeout instead of "database is locked", and a taken message is
deleted (kombu keeps it with ``visible = 0`` for ever, so the table would only grow).
Selected by ``CELERY_BROKER_URL=sqlite:///<path>`` (the alias is registered below).
"""

from __future__ import annotations

from datetime import datetime
from json import dumps, loads
from queue import Empty

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import sqlalchemy as kombu_sqlalchemy
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

BUSY_TIMEOUT_MS = 30_000
# Transport options the virtual transport reads itself; the rest go to create_engine().
_TRANSPORT_ONLY = ("polling_interval",)


class Channel(kombu_sqlalchemy.Channel):
    def _engine_from_config(self):
        options = self.connection.client.transport_options
        saved = {name: options.pop(name) for name in _TRANSPORT_ONLY if name in options}
        try:
            engine = super()._engine_from_config()
        finally:
            options.update(saved)
        event.listen(engine, "connect", _tune_sqlite)
        return engine

    def _queue_id(self, queue: str) -> int:
        # A queue's row never changes once made: look it up once per channel (kombu asks on every call).
        ids = self.__dict__.setdefault("_queue_ids", {})
        if queue not in ids:
            ids[queue] = self._get_or_create(queue).id
        return ids[queue]

    def _put(self, queue, payload, **kwargs):
        # One INSERT, without the ORM's unit of work (a third of the time of kombu's _put).
        session = self.session
        try:
            session.execute(
                text(f"INSERT INTO {self.message_tablename} (visible, timestamp, payload, version, queue_id) "
                     "VALUES (1, :sent_at, :payload, 1, :queue)"),
                {"sent_at": datetime.now().isoformat(" "), "payload": dumps(payload), "queue": self._queue_id(queue)})
            session.commit()
        except OperationalError:
            session.rollback()
            raise

    def _get(self, queue):
        queue_id = self._queue_id(queue)
        session = self.session
        # Look first without a lock: most polls find an empty queue, and the write lock they
        # would take stalls every publisher. Then take the row under the write lock
        # (BEGIN IMMEDIATE), so two consumers never get the same message.
        oldest = text(f"SELECT id FROM {self.message_tablename} WHERE queue_id = :queue AND visible = 1 "
                      "ORDER BY id LIMIT 1")
        if session.execute(oldest, {"queue": queue_id}).first() is None:
            session.commit()
            raise Empty()
        session.commit()
        session.execute(text("BEGIN IMMEDIATE TRANSACTION"))
        try:
            row = session.execute(
                text(f"DELETE FROM {self.message_tablename} WHERE id = ({oldest.text}) RETURNING payload"),
                {"queue": queue_id}).first()
            if row is None:  # another consumer took it meanwhile
                raise Empty()
            return loads(bytes_to_str(row.payload))
        finally:
            session.commit()

    def _size(self, queue) -> int:
        return self.session.execute(
            text(f"SELECT count(*) FROM {self.message_tablename} WHERE queue_id = :queue AND visible = 1"),
            {"queue": self._queue_id(queue)}).scalar_one()

    def _open(self):
        engine, session = super()._open()
        with engine.begin() as connection:  # the poll's index: a queue's oldest visible message
            connection.execute(text(f"CREATE INDEX IF NOT EXISTS ix_{self.message_tablename}_poll "
                                    f"ON {self.message_tablename} (queue_id, visible, id)"))
        return engine, session


def _tune_sqlite(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL stays durable across process crashes
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


class Transport(kombu_sqlalchemy.Transport):
    Channel = Channel


TRANSPORT_ALIASES["sqlite"] = "workers.broker:Transport"
