"""The transport boundary: where notifications come from.

One small interface, three implementations; the recorder (and anything above it) never
knows which one it got:

- :class:`BleakTransport`: the real radio through bleak (BlueZ on Linux, CoreBluetooth,
  WinRT). Host receive time is taken in the notification callback.
- :class:`ReplayTransport`: the notifications of a recorded raw log, with their recorded
  host times, as fast as the consumer takes them.
- :class:`SyntheticTransport`: packets made by a profile's encoder from samples the
  caller provides (e.g. the motion generator in motionrehab.synth), at a nominal rate.

A transport scans (advertisements with name, RSSI and service UUIDs) and connects to an
address, returning a :class:`Link` that subscribes to characteristics, writes, reads
and disconnects, and calls ``on_disconnect`` when the link drops.
"""

from __future__ import annotations

import asyncio
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from motionrehab.sensors.ble.profiles import get_profile, match_profile
from motionrehab.sensors.ble.rawlog import RAW_LOG_NAME, read_raw_log

#: (characteristic uuid, data, host receive time in Unix seconds)
NotificationHandler = Callable[[str, bytes, float], None]


class TransportError(Exception):
    """A connection or GATT operation failed (the recorder retries with backoff)."""


@dataclass(frozen=True)
class Advertisement:
    """One device seen while scanning.

    Attributes:
        address: Bluetooth address (or the platform's device id).
        name: advertised local name ('' when none).
        rssi_dbm: received signal strength (dBm), or None.
        service_uuids: advertised service UUIDs (128-bit, lower case).
    """

    address: str
    name: str
    rssi_dbm: int | None
    service_uuids: tuple[str, ...]

    @property
    def profile_name(self) -> str | None:
        """The profile this advertisement matches, or None."""
        profile = match_profile(self.name, self.service_uuids)
        return None if profile is None else profile.name


class Link(ABC):
    """A connection to one device."""

    @abstractmethod
    async def start_notify(self, characteristic: str, handler: NotificationHandler) -> None:
        """Subscribe to ``characteristic``; ``handler`` gets every notification."""

    @abstractmethod
    async def write(self, characteristic: str, data: bytes, with_response: bool = True) -> None:
        """Write ``data`` to ``characteristic``."""

    @abstractmethod
    async def read(self, characteristic: str) -> bytes:
        """Read ``characteristic``."""

    @abstractmethod
    async def disconnect(self) -> None:
        """Close the connection (no error when it is already closed)."""


class Transport(ABC):
    """Where devices and their notifications come from.

    ``time_origin_unix_s``: the recording start a recorder should use (a replay keeps the
    original recording's, so that re-recording a replay reproduces its CSVs); None: now.
    """

    time_origin_unix_s: float | None = None

    @abstractmethod
    async def scan(self, timeout_s: float) -> list[Advertisement]:
        """Devices advertising during ``timeout_s`` seconds."""

    @abstractmethod
    async def connect(self, address: str, on_disconnect: Callable[[], None], timeout_s: float = 10.0) -> Link:
        """Connect to ``address``. Raises TransportError when it cannot."""


# ----------------------------------------------------------------------------- bleak


class _BleakLink(Link):
    def __init__(self, client: object) -> None:
        self._client = client

    async def start_notify(self, characteristic: str, handler: NotificationHandler) -> None:
        from bleak.exc import BleakError

        def callback(sender: object, data: bytearray) -> None:
            handler(characteristic, bytes(data), time.time())

        try:
            await self._client.start_notify(characteristic, callback)  # type: ignore[attr-defined]
        except (BleakError, EOFError, OSError, asyncio.TimeoutError) as error:
            raise TransportError(f"cannot subscribe to {characteristic}: {error}") from error

    async def write(self, characteristic: str, data: bytes, with_response: bool = True) -> None:
        from bleak.exc import BleakError

        try:
            await self._client.write_gatt_char(characteristic, data, response=with_response)  # type: ignore[attr-defined]
        except (BleakError, EOFError, OSError, asyncio.TimeoutError) as error:
            raise TransportError(f"cannot write {characteristic}: {error}") from error

    async def read(self, characteristic: str) -> bytes:
        from bleak.exc import BleakError

        try:
            return bytes(await self._client.read_gatt_char(characteristic))  # type: ignore[attr-defined]
        except (BleakError, EOFError, OSError, asyncio.TimeoutError) as error:
            raise TransportError(f"cannot read {characteristic}: {error}") from error

    async def disconnect(self) -> None:
        from bleak.exc import BleakError

        try:
            await self._client.disconnect()  # type: ignore[attr-defined]
        except (BleakError, EOFError, OSError, asyncio.TimeoutError):
            pass


class BleakTransport(Transport):
    """The real radio, through bleak."""

    async def scan(self, timeout_s: float) -> list[Advertisement]:
        """Scan with bleak's BleakScanner for ``timeout_s`` seconds."""
        from bleak import BleakScanner
        from bleak.exc import BleakError

        try:
            found = await BleakScanner.discover(timeout=timeout_s, return_adv=True)
        except (BleakError, EOFError, OSError) as error:
            raise TransportError(f"Bluetooth scan failed: {error}") from error
        return sorted((Advertisement(device.address, adv.local_name or device.name or "", adv.rssi,
                                     tuple(u.lower() for u in adv.service_uuids))
                       for device, adv in found.values()), key=lambda a: a.address)  # fmt: skip

    async def connect(self, address: str, on_disconnect: Callable[[], None], timeout_s: float = 10.0) -> Link:
        """Connect with bleak's BleakClient (which finds the device by address first)."""
        from bleak import BleakClient
        from bleak.exc import BleakError

        client = BleakClient(address, disconnected_callback=lambda _client: on_disconnect(), timeout=timeout_s)
        try:
            await client.connect()
        except (BleakError, EOFError, OSError, asyncio.TimeoutError) as error:
            raise TransportError(f"cannot connect to {address}: {error}") from error
        return _BleakLink(client)


# ----------------------------------------------------------------------------- replay


class _QueueLink(Link):
    """A link that plays a list of (characteristic, data, host time) once subscribed."""

    def __init__(self, items: Sequence[tuple[str, bytes, float]], start_after_write: bool,
                 on_end: Callable[[], None] | None = None) -> None:  # fmt: skip
        self._items = items
        self._on_end = on_end
        self._handlers: dict[str, NotificationHandler] = {}
        self._task: asyncio.Task[None] | None = None
        self._start_after_write = start_after_write
        self.writes: list[tuple[str, bytes]] = []
        self.done = asyncio.Event()

    async def _play(self) -> None:
        for i, (characteristic, data, t_host) in enumerate(self._items):
            handler = self._handlers.get(characteristic)
            if handler is not None:
                handler(characteristic, data, t_host)
            if i % 64 == 63:
                await asyncio.sleep(0)  # let the consumer run now and then
        self.done.set()
        if self._on_end is not None:
            self._on_end()

    def _start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._play())

    async def start_notify(self, characteristic: str, handler: NotificationHandler) -> None:
        self._handlers[characteristic] = handler
        if not self._start_after_write and set(c for c, _, _ in self._items[:1]) <= set(self._handlers):
            self._start()

    async def write(self, characteristic: str, data: bytes, with_response: bool = True) -> None:
        self.writes.append((characteristic, data))
        if self._start_after_write:
            self._start()

    async def read(self, characteristic: str) -> bytes:
        raise TransportError(f"{characteristic} cannot be read from a replay or synthetic source")

    async def disconnect(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()


class ReplayTransport(Transport):
    """Replays a recorded raw log: each device's notifications with their recorded host times.

    Each recorded connection is replayed as one connection: when its notifications are
    played, the link reports a disconnection and the next ``connect`` plays the next one
    (so a recorder sees the same drops and starts fresh decoders at the same places).
    """

    def __init__(self, folder: str | Path) -> None:
        from motionrehab.sensors.ble.recording import read_sidecar

        self.folder = Path(folder)
        self.time_origin_unix_s, self.specs, body = read_sidecar(self.folder)
        log = read_raw_log(self.folder / body.get("raw_log", RAW_LOG_NAME))
        self._segments: dict[str, list[list[tuple[str, bytes, float]]]] = {s.address: [] for s in self.specs}
        for entry in log.entries:
            segments = self._segments.get(entry.device)
            if segments is None:
                continue
            if entry.event == "connected" or (entry.data is not None and not segments):
                segments.append([])
            if entry.data is not None:
                segments[-1].append((entry.characteristic, entry.data, entry.t_host_s))
        self.links: dict[str, _QueueLink] = {}

    async def scan(self, timeout_s: float) -> list[Advertisement]:
        """The recorded devices, as if they advertised their profile's service."""
        return [Advertisement(s.address, s.name, None, get_profile(s.profile).advertised_services[:1])
                for s in self.specs]  # fmt: skip

    async def connect(self, address: str, on_disconnect: Callable[[], None], timeout_s: float = 10.0) -> Link:
        """A link that plays this device's recorded notifications once subscribed."""
        segments = self._segments.get(address)
        if segments is None:
            raise TransportError(f"{address} is not in the recording {self.folder}")
        if not segments:
            raise TransportError(f"{address}: every recorded connection has been replayed")
        items = segments.pop(0)
        link = self.links[address] = _QueueLink(items, start_after_write=False,
                                                 on_end=on_disconnect if segments else None)  # fmt: skip
        if not items:
            link.done.set()
        return link


# ----------------------------------------------------------------------------- synthetic


@dataclass(frozen=True)
class SyntheticDevice:
    """A simulated device: its advertisement and the packets it sends, at ``rate_hz`` from ``t0_unix_s``.

    Attributes:
        address: the simulated address.
        name: advertised name.
        profile: profile name (decides the advertised service and the characteristic).
        packets: notification payloads, made with the profile's encoder.
        rate_hz: notifications per second (host times t0 + i / rate).
        t0_unix_s: host time of the first notification; None: the moment the link is made.
    """

    address: str
    name: str
    profile: str
    packets: tuple[bytes, ...]
    rate_hz: float
    t0_unix_s: float | None = None


class SyntheticTransport(Transport):
    """Devices whose packets were encoded from known samples (for tests, demos and benchmarks)."""

    def __init__(self, devices: Sequence[SyntheticDevice]) -> None:
        self.devices = {d.address: d for d in devices}

    async def scan(self, timeout_s: float) -> list[Advertisement]:
        """The simulated devices' advertisements."""
        return [Advertisement(d.address, d.name, -50, get_profile(d.profile).advertised_services[:1])
                for d in self.devices.values()]  # fmt: skip

    async def connect(self, address: str, on_disconnect: Callable[[], None], timeout_s: float = 10.0) -> Link:
        """A link that sends the device's packets once its data characteristic is subscribed."""
        device = self.devices.get(address)
        if device is None:
            raise TransportError(f"no synthetic device {address}")
        characteristic = get_profile(device.profile).notify_characteristics[-1]
        t0 = time.time() if device.t0_unix_s is None else device.t0_unix_s
        items = [(characteristic, p, t0 + i / device.rate_hz) for i, p in enumerate(device.packets)]
        return _QueueLink(items, start_after_write=False)
