"""Fixtures for the BLE tests: one private dbus-daemon per session, one fake BlueZ per test.

bleak keeps one BlueZ manager per event loop, connected to the system bus named by
DBUS_SYSTEM_BUS_ADDRESS when it first connects. Each test runs its client in a new
event loop (asyncio.run), so a fresh manager reads the fake's objects; the bus address
is set once for the whole session.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/sensors/fake_bluez.py

from fake_bluez import FakeBlueZ, start_private_bus  # noqa: E402


@pytest.fixture(scope="session")
def private_bus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Address of a private dbus-daemon, also exported as DBUS_SYSTEM_BUS_ADDRESS."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (Debian package dbus-daemon)")
    process, address = start_private_bus(tmp_path_factory.mktemp("dbus"))
    previous = os.environ.get("DBUS_SYSTEM_BUS_ADDRESS")
    os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = address
    yield address
    if previous is None:
        os.environ.pop("DBUS_SYSTEM_BUS_ADDRESS", None)
    else:
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = previous
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def fake_bluez(private_bus: str) -> Iterator[FakeBlueZ]:
    """A fake BlueZ serving org.bluez on the private bus for one test."""
    fake = FakeBlueZ(private_bus).start()
    yield fake
    fake.stop()
