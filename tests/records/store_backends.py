"""Store URLs for the tests: a fresh SQLite file, and the real PostgreSQL named by MOTIONREHAB_TEST_POSTGRES_URL."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

POSTGRES_ENV = "MOTIONREHAB_TEST_POSTGRES_URL"


def empty_postgres_url() -> str:
    """The test PostgreSQL URL with every table dropped; skips when the variable is absent."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against (.ci/run starts one)")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def store_url(backend: str, tmp_path) -> str:
    """A store URL with an empty database for ``backend`` ('sqlite' or 'postgresql')."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'sessions' / 'store.sqlite'}"
    return empty_postgres_url()
