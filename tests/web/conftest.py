"""Fixtures of the web view tests: the filled store (web_fixture.py) per backend, and the app over it."""

from __future__ import annotations

import pytest
from web_fixture import SECRET, TODAY, fill_store, store_url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def web_store(backend, tmp_path_factory):
    """One filled store per backend for all web tests: tests that change it add their own rows and look only at those."""
    store = fill_store(store_url(backend, tmp_path_factory.mktemp("web")))
    yield store
    store.close()


@pytest.fixture
def app(web_store):
    from motionrehab.web.app import create_app

    return create_app(web_store, secret_key=SECRET, today=lambda: TODAY)
