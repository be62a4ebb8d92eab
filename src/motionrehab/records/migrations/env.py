"""Alembic's entry point for the session store's migrations.

Run two ways:
- by motionrehab itself (``motionrehab.records.migrations.upgrade``): the connection, already
  inside the transaction that holds the store's migration lock, is handed over in
  ``config.attributes["connection"]``;
- by a developer with the ``alembic`` command from the repository root (``alembic.ini``): the
  database is ``-x url=...``, else $MOTIONREHAB_STORE, else the default store.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from motionrehab.records.store import default_store_url, metadata


def _run(connection: sa.Connection) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead,
    # and does plain ALTER on PostgreSQL. compare_type: autogenerate sees changed column types.
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or default_store_url()
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) mode is not supported: run the migrations against a database")
_run_online()
