"""Record several BLE sensors at once: raw log first, decoded CSVs at the end.

For each sensor the recorder connects, reads the firmware revision when the device has
one, subscribes to the profile's characteristics, writes its start commands and appends
every notification to the raw log (rawlog.py) with its host receive time. Notifications
are also decoded live, only to count samples and malformed packets; the CSVs are written
at the end by re-decoding the raw log (recording.py), so a recording killed half-way is
recovered by ``sensors replay`` exactly as the recorder would have finished it.

When a sensor drops, the recorder logs the disconnection and reconnects with
exponential backoff (``reconnect_initial_s`` doubling up to ``reconnect_max_s``) until
the recording ends; the gap and, for devices with a sample clock, the number of samples
known to be missing are reported in the sidecar. Nothing received before the drop is
touched. A malformed notification is logged, counted and reported (device, bytes), never
fatal.

The recording ends after ``duration_s``, when every sensor has delivered
``samples_per_sensor`` samples (further notifications of a sensor that reached its
count are not logged), or when the task is cancelled.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from motionrehab._files import make_private_dir
from motionrehab.errors import InvalidDataError
from motionrehab.sensors.ble.profiles import get_profile
from motionrehab.sensors.ble.rawlog import RAW_LOG_NAME, RawLogWriter
from motionrehab.sensors.ble.recording import (
    SIDECAR_NAME,
    RecordingContents,
    SensorSpec,
    replay_recording,
    write_sidecar,
)
from motionrehab.sensors.ble.transport import Link, Transport, TransportError
from motionrehab.sensors.imu_recording import PLACEMENTS


@dataclass
class SensorProgress:
    """Live counters for one sensor (read them while recording; final figures are in the sidecar)."""

    samples: int = 0
    notifications: int = 0
    malformed: int = 0
    connections: int = 0
    disconnections: int = 0
    connected: bool = False


class Recorder:
    """Records ``sensors`` from ``transport`` into ``out_dir`` (see module docstring).

    Args:
        transport: where notifications come from (bleak, replay or synthetic).
        sensors: what to record; addresses must be distinct.
        out_dir: the recording folder (created owner-only; must not hold a recording yet).
        duration_s: stop after this many seconds (None: no time limit).
        samples_per_sensor: stop once every sensor delivered this many samples (None: no limit).
        flush_interval_s: the raw log is flushed at least this often (default 0.5 s).
        reconnect_initial_s, reconnect_max_s: reconnect backoff, doubling between attempts.
        connect_timeout_s: time allowed for one connection attempt.
        on_flush: called with the number of notifications safely written after each flush.
        on_event: called with a line of text for connections, drops and reconnects.
        require_end: refuse a recording with neither duration nor sample count (False: it
            runs until :meth:`stop`, e.g. Ctrl-C on the command line).
    """

    def __init__(self, transport: Transport, sensors: Sequence[SensorSpec], out_dir: str | Path, *,
                 duration_s: float | None = None, samples_per_sensor: int | None = None,
                 flush_interval_s: float = 0.5, reconnect_initial_s: float = 0.2, reconnect_max_s: float = 5.0,
                 connect_timeout_s: float = 10.0, on_flush: Callable[[int], None] | None = None,
                 on_event: Callable[[str], None] | None = None, require_end: bool = True) -> None:  # fmt: skip
        if not sensors:
            raise InvalidDataError("no sensor to record", where="recorder", fix="name at least one --device")
        if len({s.address for s in sensors}) != len(sensors):
            raise InvalidDataError("the same device is listed twice", where="recorder", fix="list each --device once")
        for spec in sensors:
            get_profile(spec.profile)
            if spec.placement not in PLACEMENTS:
                raise InvalidDataError(f"unknown placement {spec.placement!r}", where=f"device {spec.address}",
                                       fix=f"use one of {', '.join(PLACEMENTS)}")  # fmt: skip
        if require_end and duration_s is None and samples_per_sensor is None:
            raise InvalidDataError("the recording has no end", where="recorder",
                                   fix="give a duration or a number of samples per sensor")  # fmt: skip
        self.transport = transport
        self.sensors = list(sensors)
        self.out_dir = Path(out_dir)
        self.duration_s = duration_s
        self.samples_per_sensor = samples_per_sensor
        self.flush_interval_s = flush_interval_s
        self.reconnect_initial_s = reconnect_initial_s
        self.reconnect_max_s = reconnect_max_s
        self.connect_timeout_s = connect_timeout_s
        self._on_flush = on_flush
        self._on_event = on_event
        self.progress = {s.address: SensorProgress() for s in sensors}
        self.firmware: dict[str, str] = {}
        self._stop = asyncio.Event()
        self._log: RawLogWriter | None = None
        self._errors: list[Exception] = []
        self.started_unix_s = 0.0

    def _say(self, text: str) -> None:
        if self._on_event is not None:
            self._on_event(text)

    def stop(self) -> None:
        """Ask the recording to end (safe from a signal handler in the event loop's thread)."""
        self._stop.set()

    async def run(self) -> RecordingContents:
        """Record until the end condition, then decode the raw log into the CSVs and sidecar."""
        folder = make_private_dir(self.out_dir)
        if (folder / SIDECAR_NAME).exists() or (folder / RAW_LOG_NAME).exists():
            raise InvalidDataError("the folder already holds a recording", where=str(folder),
                                   fix="choose a new --out folder; recordings are never overwritten")  # fmt: skip
        origin = self.transport.time_origin_unix_s
        self.started_unix_s = time.time() if origin is None else origin
        write_sidecar(folder, self.started_unix_s, self.sensors)
        self._log = RawLogWriter(folder / RAW_LOG_NAME, flush_interval_s=self.flush_interval_s,
                                 on_flush=self._on_flush)  # fmt: skip
        flusher = asyncio.create_task(self._flush_periodically())
        tasks = [asyncio.create_task(self._record_sensor_guarded(spec)) for spec in self.sensors]
        try:
            if self.duration_s is not None:
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=self.duration_s)
                except asyncio.TimeoutError:
                    self._stop.set()
            else:
                await self._stop.wait()
            await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            self._stop.set()
            for task in tasks:
                if not task.done():
                    task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            flusher.cancel()
            self._log.close()
        if self.firmware:
            write_sidecar(folder, self.started_unix_s, self.sensors, {"firmware": self.firmware})
        contents = replay_recording(folder)
        if self._errors:
            # a bug, not a radio problem: everything received is decoded and saved, then it surfaces
            raise self._errors[0]
        return contents

    async def _record_sensor_guarded(self, spec: SensorSpec) -> None:
        try:
            await self._record_sensor(spec)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # noqa: BLE001 - recorded, the recording stopped, then re-raised by run()
            assert self._log is not None
            self._log.event(time.time(), spec.address, "recorder_error", f"{type(error).__name__}: {error}")
            self._errors.append(error)
            self._stop.set()

    async def _flush_periodically(self) -> None:
        while True:
            await asyncio.sleep(self.flush_interval_s)
            if self._log is not None:
                self._log.flush()

    def _reached_count(self, address: str) -> bool:
        return self.samples_per_sensor is not None and self.progress[address].samples >= self.samples_per_sensor

    async def _sleep_or_stop(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)
        except asyncio.TimeoutError:
            pass

    async def _record_sensor(self, spec: SensorSpec) -> None:
        assert self._log is not None
        log = self._log
        profile = get_profile(spec.profile)
        progress = self.progress[spec.address]
        backoff = self.reconnect_initial_s
        while not self._stop.is_set():
            dropped = asyncio.Event()
            link: Link | None = None
            try:
                link = await self.transport.connect(spec.address, dropped.set, timeout_s=self.connect_timeout_s)
                progress.connections += 1
                progress.connected = True
                log.event(time.time(), spec.address, "connected")
                self._say(f"{spec.address}: connected")
                if profile.firmware_characteristic and spec.address not in self.firmware and progress.connections == 1:
                    try:
                        self.firmware[spec.address] = (await link.read(profile.firmware_characteristic)).decode(
                            "utf-8", errors="replace").strip("\x00 ")  # fmt: skip
                    except TransportError:
                        pass
                decoder = profile.make_decoder()

                def handle(characteristic: str, data: bytes, t_host: float, *, _decoder=decoder) -> None:  # type: ignore[no-untyped-def]
                    if self._stop.is_set() or self._reached_count(spec.address):
                        return
                    log.notification(t_host, spec.address, characteristic, data)
                    progress.notifications += 1
                    decoded = _decoder.feed(characteristic, data)
                    progress.samples += len(decoded.samples)
                    if decoded.problem is not None:
                        progress.malformed += 1
                    if self._reached_count(spec.address) and all(self._reached_count(s.address) for s in self.sensors):
                        self._stop.set()

                for characteristic in profile.notify_characteristics:
                    await link.start_notify(characteristic, handle)
                for command in profile.start_commands:
                    await link.write(command.characteristic, command.data, command.with_response)
                backoff = self.reconnect_initial_s
                stop_wait = asyncio.ensure_future(self._stop.wait())
                drop_wait = asyncio.ensure_future(dropped.wait())
                await asyncio.wait({stop_wait, drop_wait}, return_when=asyncio.FIRST_COMPLETED)
                stop_wait.cancel()
                drop_wait.cancel()
                if dropped.is_set():
                    progress.connected = False
                    progress.disconnections += 1
                    log.event(time.time(), spec.address, "disconnected")
                    self._say(f"{spec.address}: disconnected; reconnecting")
                    continue
                for command in profile.stop_commands:
                    try:
                        await link.write(command.characteristic, command.data, command.with_response)
                    except TransportError:
                        pass
                await link.disconnect()
                progress.connected = False
                return
            except TransportError as error:
                if link is not None:
                    await link.disconnect()
                if progress.connected:
                    # the link dropped while subscribing or starting: a gap like any other drop
                    progress.disconnections += 1
                    log.event(time.time(), spec.address, "disconnected", str(error))
                else:
                    log.event(time.time(), spec.address, "connect_failed", str(error))
                progress.connected = False
                self._say(f"{spec.address}: {error}; retrying in {backoff:.1f} s")
                await self._sleep_or_stop(backoff)
                backoff = min(backoff * 2.0, self.reconnect_max_s)


def record(transport: Transport, sensors: Sequence[SensorSpec], out_dir: str | Path, **options: object) -> RecordingContents:
    """Run a :class:`Recorder` to completion in a new event loop (convenience for scripts and the CLI)."""
    recorder = Recorder(transport, sensors, out_dir, **options)  # type: ignore[arg-type]
    return asyncio.run(recorder.run())
