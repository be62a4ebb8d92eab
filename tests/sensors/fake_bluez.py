# ruff: noqa: F722, F821, UP037  (dbus-fast reads D-Bus type signatures such as "a{sv}" from annotations)
"""A small fake BlueZ on a private D-Bus: the BLE stack's test harness (no radio, no bluetoothd).

bleak's Linux backend talks to BlueZ (``org.bluez``) over the D-Bus *system* bus. Tests
start a private ``dbus-daemon`` on a temporary socket (:func:`start_private_bus`), point
``DBUS_SYSTEM_BUS_ADDRESS`` at it, and serve this fake on it with dbus-fast (bleak's own
D-Bus library), so bleak's real BlueZ code path runs unchanged: scanning, connecting,
service discovery, StartNotify, writes, notifications and disconnections.

What is served (object paths as BlueZ names them):

- ``/`` ObjectManager (dbus-fast answers GetManagedObjects and emits InterfacesAdded /
  InterfacesRemoved for exported objects);
- ``/org/bluez/hci0`` Adapter1: StartDiscovery / StopDiscovery / SetDiscoveryFilter,
  Powered, Discovering;
- ``/org/bluez/hci0/dev_AA_BB_CC_DD_EE_FF`` Device1: Connect / Disconnect, Connected,
  ServicesResolved, RSSI, UUIDs, ManufacturerData, Name;
- below each device while connected: ``serviceXXXX`` GattService1 and ``serviceXXXX/
  charYYYY`` GattCharacteristic1 (ReadValue / WriteValue / StartNotify / StopNotify;
  a notification is a PropertiesChanged on ``Value``).

Details that matter to bleak: during discovery RSSI is re-emitted as PropertiesChanged
every ``advertise_interval_s`` (bleak reports devices on property changes); on Connect
the fake sets Connected, exports the GATT objects (InterfacesAdded), then sets
ServicesResolved; while streaming it yields to the event loop every ``burst``
notifications (a round trip to the bus daemon) so that neither the client nor the
socket is flooded.

A :class:`FakeDevice` plays a byte stream (test vectors or a profile's encoder output) on
one characteristic once it is subscribed (and, if ``start_on_write``, once a start
command was written), and can drop the link on cue after ``drop_after`` notifications,
optionally skipping ``missing_during_drop`` packets (samples the device made while
disconnected, which never arrive). The fake runs its own event loop in a thread so that
an in-process bleak client or a recorder subprocess can talk to it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dbus_fast import BusType, Message, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.service import PropertyAccess, ServiceInterface, dbus_property, method

ADAPTER_PATH = "/org/bluez/hci0"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def start_private_bus(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start a private dbus-daemon allowing everything; returns the process and its address.

    Synchronises on the daemon printing its address (no sleeping).
    """
    config = folder / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket=folder / "bus"), encoding="utf-8")
    process = subprocess.Popen(["dbus-daemon", f"--config-file={config}", "--nofork", "--print-address"],
                               stdout=subprocess.PIPE)  # fmt: skip
    assert process.stdout is not None
    address = process.stdout.readline().decode().strip()
    if not address:
        process.kill()
        raise RuntimeError("dbus-daemon did not start")
    return process, address


@dataclass
class FakeCharacteristic:
    """A characteristic: UUID, BlueZ flags ('read', 'write', 'write-without-response', 'notify', 'indicate')."""

    uuid: str
    flags: tuple[str, ...]
    value: bytes = b""


@dataclass
class FakeDevice:
    """A simulated peripheral (see module docstring)."""

    address: str
    name: str
    services: dict[str, list[FakeCharacteristic]]
    advertised_uuids: tuple[str, ...] = ()
    rssi: int = -60
    stream: Sequence[bytes] = ()
    stream_characteristic: str = ""
    start_on_write: bool = False
    drop_after: int | None = None
    missing_during_drop: int = 0
    burst: int = 16
    writes: list[tuple[str, bytes]] = field(default_factory=list)
    sent: int = 0
    connects: int = 0
    done: threading.Event = field(default_factory=threading.Event)

    @property
    def path(self) -> str:
        """BlueZ object path of the device."""
        return f"{ADAPTER_PATH}/dev_{self.address.replace(':', '_').upper()}"


class _Adapter(ServiceInterface):
    def __init__(self, fake: FakeBlueZ) -> None:
        super().__init__("org.bluez.Adapter1")
        self._fake = fake
        self._discovering = False
        self._sessions = 0

    @method()
    def SetDiscoveryFilter(self, properties: "a{sv}"):  # type: ignore[name-defined]
        return None

    # Discovery sessions are counted (as BlueZ does per client): two concurrent scanners,
    # e.g. two BleakClients looking up their addresses, must not stop each other's scan.
    @method()
    def StartDiscovery(self):
        self._sessions += 1
        if not self._discovering:
            self._discovering = True
            self.emit_properties_changed({"Discovering": True})
        self._fake.start_advertising()

    @method()
    def StopDiscovery(self):
        self._sessions = max(0, self._sessions - 1)
        if self._sessions == 0 and self._discovering:
            self._discovering = False
            self.emit_properties_changed({"Discovering": False})
            self._fake.stop_advertising()

    @method()
    def RemoveDevice(self, device: "o"):  # type: ignore[name-defined]
        return None

    @dbus_property(access=PropertyAccess.READ)
    def Address(self) -> "s":  # type: ignore[name-defined]
        return "00:11:22:33:44:55"

    @dbus_property(access=PropertyAccess.READ)
    def Name(self) -> "s":  # type: ignore[name-defined]
        return "fake-hci0"

    @dbus_property(access=PropertyAccess.READ)
    def Powered(self) -> "b":  # type: ignore[name-defined]
        return True

    @dbus_property(access=PropertyAccess.READ)
    def Roles(self) -> "as":  # type: ignore[name-defined]
        return ["central", "peripheral"]

    @dbus_property(access=PropertyAccess.READ)
    def Discovering(self) -> "b":  # type: ignore[name-defined]
        return self._discovering


class _Device(ServiceInterface):
    def __init__(self, fake: FakeBlueZ, device: FakeDevice) -> None:
        super().__init__("org.bluez.Device1")
        self._fake = fake
        self.device = device
        self.connected = False
        self.resolved = False
        self.written = False  # a start command was written during this connection

    @method()
    async def Connect(self):
        await self._fake.connect(self)

    @method()
    async def Disconnect(self):
        await self._fake.disconnect(self)

    @dbus_property(access=PropertyAccess.READ)
    def Address(self) -> "s":  # type: ignore[name-defined]
        return self.device.address

    @dbus_property(access=PropertyAccess.READ)
    def AddressType(self) -> "s":  # type: ignore[name-defined]
        return "public"

    @dbus_property(access=PropertyAccess.READ)
    def Name(self) -> "s":  # type: ignore[name-defined]
        return self.device.name

    @dbus_property(access=PropertyAccess.READ)
    def Alias(self) -> "s":  # type: ignore[name-defined]
        return self.device.name

    @dbus_property(access=PropertyAccess.READ)
    def Adapter(self) -> "o":  # type: ignore[name-defined]
        return ADAPTER_PATH

    @dbus_property(access=PropertyAccess.READ)
    def RSSI(self) -> "n":  # type: ignore[name-defined]
        return self.device.rssi

    @dbus_property(access=PropertyAccess.READ)
    def UUIDs(self) -> "as":  # type: ignore[name-defined]
        return list(self.device.advertised_uuids)

    @dbus_property(access=PropertyAccess.READ)
    def ManufacturerData(self) -> "a{qv}":  # type: ignore[name-defined]
        return {}

    @dbus_property(access=PropertyAccess.READ)
    def ServiceData(self) -> "a{sv}":  # type: ignore[name-defined]
        return {}

    @dbus_property(access=PropertyAccess.READ)
    def Paired(self) -> "b":  # type: ignore[name-defined]
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Bonded(self) -> "b":  # type: ignore[name-defined]
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Trusted(self) -> "b":  # type: ignore[name-defined]
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Blocked(self) -> "b":  # type: ignore[name-defined]
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Connected(self) -> "b":  # type: ignore[name-defined]
        return self.connected

    @dbus_property(access=PropertyAccess.READ)
    def ServicesResolved(self) -> "b":  # type: ignore[name-defined]
        return self.resolved


class _Service(ServiceInterface):
    def __init__(self, uuid: str, device_path: str) -> None:
        super().__init__("org.bluez.GattService1")
        self._uuid = uuid
        self._device_path = device_path

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> "s":  # type: ignore[name-defined]
        return self._uuid

    @dbus_property(access=PropertyAccess.READ)
    def Primary(self) -> "b":  # type: ignore[name-defined]
        return True

    @dbus_property(access=PropertyAccess.READ)
    def Device(self) -> "o":  # type: ignore[name-defined]
        return self._device_path

    @dbus_property(access=PropertyAccess.READ)
    def Includes(self) -> "ao":  # type: ignore[name-defined]
        return []


class _Characteristic(ServiceInterface):
    def __init__(self, fake: FakeBlueZ, owner: _Device, spec: FakeCharacteristic, service_path: str) -> None:
        super().__init__("org.bluez.GattCharacteristic1")
        self._fake = fake
        self._owner = owner
        self.spec = spec
        self._service_path = service_path
        self.notifying = False

    @method()
    def ReadValue(self, options: "a{sv}") -> "ay":  # type: ignore[name-defined]
        return self.spec.value

    @method()
    def WriteValue(self, value: "ay", options: "a{sv}"):  # type: ignore[name-defined]
        self._owner.device.writes.append((self.spec.uuid, bytes(value)))
        self._owner.written = True
        self._fake.maybe_stream(self._owner)

    @method()
    def StartNotify(self):
        self.notifying = True
        self._fake.maybe_stream(self._owner)

    @method()
    def StopNotify(self):
        self.notifying = False

    @dbus_property(access=PropertyAccess.READ)
    def UUID(self) -> "s":  # type: ignore[name-defined]
        return self.spec.uuid

    @dbus_property(access=PropertyAccess.READ)
    def Service(self) -> "o":  # type: ignore[name-defined]
        return self._service_path

    @dbus_property(access=PropertyAccess.READ)
    def Value(self) -> "ay":  # type: ignore[name-defined]
        return self.spec.value

    @dbus_property(access=PropertyAccess.READ)
    def Notifying(self) -> "b":  # type: ignore[name-defined]
        return self.notifying

    @dbus_property(access=PropertyAccess.READ)
    def Flags(self) -> "as":  # type: ignore[name-defined]
        return list(self.spec.flags)


class FakeBlueZ:
    """Serves ``org.bluez`` on the bus at ``bus_address`` from a background thread."""

    def __init__(self, bus_address: str, advertise_interval_s: float = 0.02) -> None:
        self.bus_address = bus_address
        self.advertise_interval_s = advertise_interval_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name="fake-bluez")
        self._bus: MessageBus | None = None
        self._devices: dict[str, _Device] = {}
        self._gatt: dict[str, list[tuple[str, ServiceInterface]]] = {}
        self._advertiser: asyncio.Task[None] | None = None
        self._streams: dict[str, asyncio.Task[None]] = {}

    # -- life cycle (called from the test thread) --------------------------------------
    def start(self) -> FakeBlueZ:
        """Connect to the bus, own org.bluez and export the adapter."""
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    async def _start(self) -> None:
        self._bus = await MessageBus(bus_address=self.bus_address, bus_type=BusType.SYSTEM).connect()
        self._bus.export(ADAPTER_PATH, _Adapter(self))
        await self._bus.request_name("org.bluez")

    def add_device(self, device: FakeDevice) -> FakeDevice:
        """Make ``device`` known (as if it had been seen advertising before)."""

        def add() -> None:
            assert self._bus is not None
            interface = _Device(self, device)
            self._devices[device.address] = interface
            self._bus.export(device.path, interface)

        self._call(add)
        return device

    def drop(self, address: str) -> None:
        """Drop the link to ``address`` now (as if the sensor went out of range)."""
        self._call(lambda: self._loop.create_task(self.disconnect(self._devices[address])))

    def stop(self) -> None:
        """Disconnect from the bus and stop the thread."""

        async def close() -> None:
            for task in self._streams.values():
                task.cancel()
            if self._advertiser is not None:
                self._advertiser.cancel()
            if self._bus is not None:
                self._bus.disconnect()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _call(self, function: Any) -> None:
        async def run() -> None:
            function()

        asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=10)

    # -- behaviour (runs on the fake's loop) -------------------------------------------
    def start_advertising(self) -> None:
        if self._advertiser is None or self._advertiser.done():
            self._advertiser = self._loop.create_task(self._advertise())

    def stop_advertising(self) -> None:
        if self._advertiser is not None:
            self._advertiser.cancel()

    async def _advertise(self) -> None:
        while True:
            for interface in self._devices.values():
                if not interface.connected:
                    interface.emit_properties_changed({"RSSI": interface.device.rssi})
            await asyncio.sleep(self.advertise_interval_s)

    async def connect(self, interface: _Device) -> None:
        assert self._bus is not None
        if interface.connected:
            return
        device = interface.device
        device.connects += 1
        interface.written = False
        interface.connected = True
        interface.emit_properties_changed({"Connected": True})
        exported: list[tuple[str, ServiceInterface]] = []
        handle = 0x000A
        for service_uuid, characteristics in device.services.items():
            service_path = f"{device.path}/service{handle:04x}"
            service = _Service(service_uuid, device.path)
            self._bus.export(service_path, service)
            exported.append((service_path, service))
            handle += 1
            for spec in characteristics:
                char_path = f"{service_path}/char{handle:04x}"
                characteristic = _Characteristic(self, interface, spec, service_path)
                self._bus.export(char_path, characteristic)
                exported.append((char_path, characteristic))
                handle += 2
            handle += 1
        self._gatt[device.address] = exported
        interface.resolved = True
        interface.emit_properties_changed({"ServicesResolved": True})

    async def disconnect(self, interface: _Device) -> None:
        assert self._bus is not None
        if not interface.connected:
            return
        task = self._streams.pop(interface.device.address, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        interface.resolved = False
        interface.connected = False
        interface.emit_properties_changed({"ServicesResolved": False})
        interface.emit_properties_changed({"Connected": False})
        for path, _ in reversed(self._gatt.pop(interface.device.address, [])):
            self._bus.unexport(path)

    def _characteristic(self, interface: _Device, uuid: str) -> _Characteristic | None:
        for _, exported in self._gatt.get(interface.device.address, []):
            if isinstance(exported, _Characteristic) and exported.spec.uuid == uuid:
                return exported
        return None

    def maybe_stream(self, interface: _Device) -> None:
        device = interface.device
        target = self._characteristic(interface, device.stream_characteristic)
        if target is None or not target.notifying or device.address in self._streams:
            return
        if device.start_on_write and not interface.written:
            return
        self._streams[device.address] = self._loop.create_task(self._stream(interface, target))

    async def _round_trip(self) -> None:
        """Wait until the bus daemon has read everything sent so far (a Ping to the daemon).

        Flow control: dbus-fast writes to a non-blocking socket and treats EAGAIN as a
        fatal error, so the fake must never fill the socket buffer; one round trip per
        burst keeps at most ``burst`` notifications in flight.
        """
        assert self._bus is not None
        await self._bus.call(Message(destination="org.freedesktop.DBus", path="/org/freedesktop/DBus",
                                     interface="org.freedesktop.DBus.Peer", member="Ping"))  # fmt: skip

    async def _stream(self, interface: _Device, target: _Characteristic) -> None:
        device = interface.device
        await asyncio.sleep(0)  # let the StartNotify/WriteValue reply go out first
        while device.sent < len(device.stream):
            if device.drop_after is not None and device.sent == device.drop_after and device.connects == 1:
                device.sent += device.missing_during_drop
                self._streams.pop(device.address, None)
                await self.disconnect(interface)
                return
            target.emit_properties_changed({"Value": device.stream[device.sent]})
            device.sent += 1
            if device.sent % device.burst == 0:
                await self._round_trip()
        device.done.set()


def bus_environment(address: str) -> dict[str, str]:
    """Environment for a subprocess that should use the private bus as its system bus."""
    return {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": address}


__all__ = ["FakeBlueZ", "FakeCharacteristic", "FakeDevice", "Variant", "bus_environment", "device_for_profile",
           "start_private_bus"]


def device_for_profile(address: str, name: str, profile_name: str, stream: Sequence[bytes], *,
                       firmware: bytes = b"1.0.0", **options: Any) -> FakeDevice:  # fmt: skip
    """A fake peripheral with the GATT layout a motionrehab profile expects.

    One service holding the profile's notify characteristics and the targets of its start
    commands, plus a Device Information service (0x180A) with a readable firmware
    revision (0x2A26). The stream is played on the profile's last notify characteristic,
    once subscribed and, for profiles with start commands, once a command was written.
    """
    from motionrehab.sensors.ble.profiles import get_profile
    from motionrehab.sensors.ble.profiles.base import uuid16

    profile = get_profile(profile_name)
    characteristics: dict[str, FakeCharacteristic] = {}
    for uuid in profile.notify_characteristics:
        characteristics[uuid] = FakeCharacteristic(uuid, ("notify", "write", "indicate"))
    for command in (*profile.start_commands, *profile.stop_commands):
        if command.characteristic not in characteristics:
            characteristics[command.characteristic] = FakeCharacteristic(
                command.characteristic, ("write", "write-without-response"))  # fmt: skip
    services = {
        profile.advertised_services[-1]: list(characteristics.values()),
        uuid16(0x180A): [FakeCharacteristic(uuid16(0x2A26), ("read",), firmware)],
    }
    options.setdefault("start_on_write", bool(profile.start_commands))
    return FakeDevice(address=address, name=name, services=services, advertised_uuids=profile.advertised_services,
                      stream=stream, stream_characteristic=profile.notify_characteristics[-1], **options)  # fmt: skip
