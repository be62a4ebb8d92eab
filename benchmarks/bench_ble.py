"""BLE stack throughput: decoder samples/s per profile, and the notification rate the recorder sustains.

1. Decode: each profile's stream decoder on realistic notifications (RSC with every field;
   WitMotion 20-byte frames, 1 per notification; Polar PMD compressed ACC frames of 36
   samples; Thingy:52 raw 18-byte values), best of ``REPEATS`` runs.
2. End to end: a fake BlueZ (tests/sensors/fake_bluez.py) in its own process on a private
   dbus-daemon streams as fast as the bus allows to 4 WitMotion sensors; the recorder
   (bleak's real BlueZ backend, raw log written and flushed, live decoding) records a
   fixed number of notifications per sensor. Rate = all notifications / wall time from
   the start of the recording to its end (connection set-up included, so it is a lower
   bound). Target: well above 4 sensors x 200 Hz = 800 notifications/s.

Run: .venv/bin/python benchmarks/bench_ble.py   (needs dbus-daemon)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "sensors"))  # fake_bluez.py: the BLE test harness

from motionrehab.sensors.ble.profiles import PROFILES, polar_pmd, rsc, thingy52, witmotion  # noqa: E402

REPEATS = 3
N_PACKETS = 20_000
N_SENSORS = 4
PER_SENSOR = 5_000


def _packets() -> dict[str, tuple[str, list[bytes]]]:
    pmd = []
    for f in range(N_PACKETS // 36):
        samples = [(10 + k % 7, -20 + k % 5, 1000 + (f + k) % 30) for k in range(36)]
        pmd.append(polar_pmd.encode_pmd_frame(polar_pmd.ACC, 10**12 + (f + 1) * 692_307_692, samples, compressed=True))
    return {
        "rsc": (rsc.MEASUREMENT_UUID, [rsc.encode_rsc(rsc.RscMeasurement(300 + i % 50, 100, False, 130, i))
                                       for i in range(N_PACKETS)]),  # fmt: skip
        "witmotion": (witmotion.NOTIFY_UUID, [witmotion.encode_frame((i % 9, 1, 2048, i % 500, 2, 3, 0, 0, 0))
                                              for i in range(N_PACKETS)]),  # fmt: skip
        "polar_pmd": (polar_pmd.DATA_UUID, pmd),
        "thingy52": (thingy52.RAW_DATA_UUID, [thingy52.encode_raw((i % 9, 1, 1024, i % 500, 2, 3, 4, 5, 6))
                                              for i in range(N_PACKETS)]),  # fmt: skip
    }


def bench_decoders() -> dict[str, float]:
    """Samples per second per profile (best of REPEATS)."""
    rates = {}
    for name, (characteristic, packets) in _packets().items():
        best = float("inf")
        samples = 0
        for _ in range(REPEATS):
            decoder = PROFILES[name].make_decoder()
            samples = 0
            start = time.perf_counter()
            for packet in packets:
                samples += len(decoder.feed(characteristic, packet).samples)
            best = min(best, time.perf_counter() - start)
        rates[name] = samples / best
    return rates


FAKE_SERVER = """
import sys
sys.path.insert(0, sys.argv[2])
from fake_bluez import FakeBlueZ, device_for_profile
from motionrehab.sensors.ble.profiles import witmotion
n, per = int(sys.argv[3]), int(sys.argv[4])
stream = [witmotion.encode_frame((i % 9, 1, 2048, i % 500, 2, 3, 0, 0, 0)) for i in range(per + 100)]
fake = FakeBlueZ(sys.argv[1]).start()
for k in range(n):
    fake.add_device(device_for_profile(f"C0:FF:EE:00:01:{k:02X}", f"WT901-{k}", "witmotion", stream, burst=32))
print("ready", flush=True)
sys.stdin.readline()
fake.stop()
"""


def bench_end_to_end() -> tuple[float, int, float]:
    """(notifications/s over all sensors, notifications recorded, seconds)."""
    from fake_bluez import start_private_bus

    from motionrehab.sensors.ble.recorder import record
    from motionrehab.sensors.ble.recording import SensorSpec
    from motionrehab.sensors.ble.transport import BleakTransport

    with tempfile.TemporaryDirectory() as tmp:
        bus, address = start_private_bus(Path(tmp))
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = address
        server = subprocess.Popen([sys.executable, "-c", FAKE_SERVER, address, str(ROOT / "tests" / "sensors"),
                                   str(N_SENSORS), str(PER_SENSOR)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  env={**os.environ})  # fmt: skip
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == b"ready"
            specs = [SensorSpec(f"C0:FF:EE:00:01:{k:02X}", "witmotion", "other") for k in range(N_SENSORS)]
            start = time.perf_counter()
            contents = record(BleakTransport(), specs, Path(tmp) / "rec", samples_per_sensor=PER_SENSOR,
                              duration_s=120.0)  # fmt: skip
            seconds = time.perf_counter() - start
            total = sum(s.n_notifications for s in contents.sensors)
        finally:
            assert server.stdin is not None
            server.stdin.write(b"\n")
            server.stdin.close()
            server.wait(timeout=30)
            bus.terminate()
            bus.wait(timeout=10)
    return total / seconds, total, seconds


def main() -> None:
    """Print both benchmarks."""
    print("Decoder throughput (samples/s, best of 3):")
    for name, rate in bench_decoders().items():
        print(f"  {name:<10} {rate:>12,.0f}")
    if shutil.which("dbus-daemon") is None:
        print("End to end: skipped (dbus-daemon not installed)")
        return
    rate, total, seconds = bench_end_to_end()
    target = N_SENSORS * 200
    print(f"End to end through bleak + fake BlueZ: {total} notifications from {N_SENSORS} sensors in {seconds:.2f} s "
          f"= {rate:,.0f} notifications/s ({rate / target:.1f} x the {N_SENSORS} x 200 Hz target)")


if __name__ == "__main__":
    main()
