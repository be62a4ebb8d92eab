"""`motionrehab sensors scan|record|replay|calibrate`: Bluetooth LE inertial sensors.

The work is in motionrehab.sensors.ble (transports, profiles, recorder, recording folder)
and motionrehab.sensors.calibration; these commands only parse options and print.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

import click

from motionrehab.cli.numbers import Quantity
from motionrehab.errors import InvalidDataError
from motionrehab.sensors.ble.profiles import PROFILES, get_profile
from motionrehab.sensors.ble.recorder import Recorder
from motionrehab.sensors.ble.recording import RecordingContents, SensorSpec, replay_recording
from motionrehab.sensors.ble.transport import Advertisement, BleakTransport, TransportError
from motionrehab.sensors.imu_recording import PLACEMENTS, SIDES


def parse_placement(text: str) -> tuple[str, str]:
    """'shin-left' -> ('shin', 'left'); 'trunk-t12' -> ('trunk_t12', 'none'); 'sacrum' -> ('sacrum', 'none')."""
    parts = text.strip().lower().replace("_", "-").split("-")
    side = "none"
    if len(parts) > 1 and parts[-1] in SIDES:
        side = parts.pop()
    placement = "_".join(parts)
    if placement not in PLACEMENTS:
        raise InvalidDataError(f"unknown placement {text!r}", where="--placement",
                               fix=f"use one of {', '.join(PLACEMENTS)}, optionally with -left or -right (e.g. shin-left)")  # fmt: skip
    return placement, side


def _scan(seconds: float) -> list[Advertisement]:
    try:
        return asyncio.run(BleakTransport().scan(seconds))
    except TransportError as error:
        raise InvalidDataError(str(error), where="Bluetooth",
                               fix="check that Bluetooth is on (bluetoothctl power on) and BlueZ is running") from None  # fmt: skip


@click.group()
def sensors() -> None:
    """Bluetooth LE inertial sensors and footpods: scan, record, replay, calibrate."""


@sensors.command()
@click.option("--seconds", type=Quantity(0.1, 86_400, "s"), default=5.0, show_default=True, help="How long to scan.")
@click.option("--all", "show_all", is_flag=True, help="Also list devices no profile matches.")
def scan(seconds: float, show_all: bool) -> None:
    """List advertising devices: name, address, RSSI and the matching profile."""
    found = _scan(seconds)
    shown = [a for a in found if show_all or a.profile_name]
    if not shown:
        click.echo(f"No known sensor found in {seconds:g} s ({len(found)} other device(s)); use --all to list them.")
        return
    click.echo(f"{'name':<24} {'address':<19} {'RSSI':>5}  profile")
    for ad in sorted(shown, key=lambda a: (a.profile_name is None, -(a.rssi_dbm or -999))):
        rssi = "" if ad.rssi_dbm is None else f"{ad.rssi_dbm}"
        click.echo(f"{(ad.name or '(no name)')[:24]:<24} {ad.address:<19} {rssi:>5}  {ad.profile_name or '-'}")


def _resolve(devices: tuple[str, ...], profiles: tuple[str, ...], placements: tuple[str, ...],
             scan_seconds: float) -> list[SensorSpec]:  # fmt: skip
    if len(placements) != len(devices):
        raise InvalidDataError(f"{len(devices)} --device but {len(placements)} --placement", where="sensors record",
                               fix="give one --placement per --device, in the same order")  # fmt: skip
    if profiles and len(profiles) != len(devices):
        raise InvalidDataError(f"{len(devices)} --device but {len(profiles)} --profile", where="sensors record",
                               fix="give one --profile per --device, or none to use the advertised services")  # fmt: skip
    for name in profiles:
        get_profile(name)
    is_address = [len(d) == 17 and d.count(":") == 5 for d in devices]
    seen: dict[str, Advertisement] = {}
    if not all(is_address) or not profiles:
        for found in _scan(scan_seconds):
            seen[found.address.upper()] = found
            seen.setdefault(found.name, found)
    specs = []
    for i, device in enumerate(devices):
        ad = seen.get(device.upper() if is_address[i] else device)
        if ad is None and not is_address[i]:
            raise InvalidDataError(f"no device named {device!r} found in {scan_seconds:g} s", where="--device",
                                   fix="wake the sensor, run `motionrehab sensors scan`, or give its address")  # fmt: skip
        profile = profiles[i] if profiles else (ad.profile_name if ad else None)
        if profile is None:
            raise InvalidDataError(f"cannot tell which profile {device!r} speaks", where="--device",
                                   fix=f"add --profile ({', '.join(PROFILES)})")  # fmt: skip
        placement, side = parse_placement(placements[i])
        specs.append(SensorSpec(ad.address if ad else device.upper(), profile, placement, side,
                                name=ad.name if ad else ""))  # fmt: skip
    return specs


def _summary(contents: RecordingContents) -> None:
    for sensor in contents.sensors:
        spec = sensor.spec
        rate = "" if sensor.sampling_rate_hz is None else f", {sensor.sampling_rate_hz:.1f} Hz"
        click.echo(f"{spec.placement} {spec.side} {spec.name or ''} {spec.address} ({spec.profile}): "
                   f"{sensor.n_samples} samples from {sensor.n_notifications} notifications{rate}, "
                   f"{sensor.malformed_count} malformed, {len(sensor.gaps)} gap(s)")  # fmt: skip
        for gap in sensor.gaps:
            back = "never reconnected" if gap.reconnected_s is None else f"reconnected at {gap.reconnected_s:.2f} s"
            missing = "" if gap.samples_missing is None else f", {gap.samples_missing} samples missing"
            click.echo(f"  gap: dropped at {gap.disconnected_s:.2f} s, {back}{missing}")
        for bad in sensor.malformed_examples[:3]:
            click.echo(f"  malformed at {bad.t_s:.2f} s: {bad.problem} (bytes {bad.hex or 'none'})")
    if contents.truncated_last_line:
        click.echo("The raw log's last line was cut short (recorder stopped mid-write); it was skipped.")
    click.echo(f"Wrote {contents.folder}")


@sensors.command()
@click.option("--device", "devices", multiple=True, required=True, help="Device name or address; repeat for several.")
@click.option("--profile", "profiles", multiple=True, help=f"Profile per device ({', '.join(PROFILES)}); default: from the advertisement.")
@click.option("--placement", "placements", multiple=True, required=True,
              help="Where each device is worn, in --device order: shin-left, foot-right, trunk-t12, sacrum, footpod-right ...")
@click.option("--duration", type=Quantity(0.1, 86_400, "s"), help="Stop after this many seconds (default: Ctrl-C).")
@click.option("--samples", type=click.IntRange(min=1), help="Stop when every device delivered this many samples.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path), help="New recording folder.")
@click.option("--scan-seconds", type=Quantity(0.1, 86_400, "s"), default=5.0, show_default=True,
              help="Scan time to find devices given by name.")
def record(devices: tuple[str, ...], profiles: tuple[str, ...], placements: tuple[str, ...], duration: float | None,
           samples: int | None, out_dir: Path, scan_seconds: float) -> None:  # fmt: skip
    """Record one or more sensors into a recording folder (raw log, CSV per sensor, recording.json)."""
    specs = _resolve(devices, profiles, placements, scan_seconds)
    recorder = Recorder(BleakTransport(), specs, out_dir, duration_s=duration, samples_per_sensor=samples,
                        on_event=lambda text: click.echo(text, err=True),
                        require_end=False)  # fmt: skip

    async def run() -> RecordingContents:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, recorder.stop)  # Ctrl-C ends the recording cleanly
        return await recorder.run()

    click.echo(f"Recording {len(specs)} sensor(s) into {out_dir}" + ("" if duration or samples else "; Ctrl-C stops"))
    _summary(asyncio.run(run()))


@sensors.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def replay(folder: Path) -> None:
    """Re-decode a recording folder's raw log into its CSVs and sidecar (also recovers a killed recording)."""
    _summary(replay_recording(folder))


@sensors.command()
@click.argument("csv_path", metavar="CSV", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--posture", type=click.Choice(["standing", "leg_flat"]), required=True,
              help="The still zeroing posture held at the start of the recording.")
@click.option("--window-s", type=Quantity(0.5, 600, "s"), default=2.0, show_default=True, help="Length of the still window.")
@click.option("--start-s", type=Quantity(0, 86_400, "s"), help="Start of the still window (s); default: the first sample.")
@click.option("--mounting", default="x,y,z", show_default=True,
              help="How the sensor is strapped on: segment x,y,z in sensor axes (e.g. -z,y,x).")
@click.option("--save", "save_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Profile file (default: calibration/sensor-<placement>-<side>.json).")
@click.option("--force", is_flag=True, help="Replace the profile if it already exists.")
def calibrate(csv_path: Path, posture: str, window_s: float, start_s: float | None, mounting: str,
              save_path: Path | None, force: bool) -> None:  # fmt: skip
    """Zero a sensor on a still posture and save its sensor-to-segment profile under calibration/."""
    from motionrehab.sensors.calibration import calibrate_sensor, default_profile_path
    from motionrehab.sensors.imu_csv import read_imu_csv

    recording = read_imu_csv(csv_path)
    calibration = calibrate_sensor(recording, posture, start_s=start_s, window_s=window_s, mounting=mounting)
    from motionrehab._files import refuse_overwrite

    path = calibration.save(refuse_overwrite(save_path or default_profile_path(recording.placement, recording.side), force=force, option="--save"))
    click.echo(f"{recording.placement} {recording.side}: gravity {calibration.gravity_m_s2:.3f} m/s^2, tilt correction "
               f"{calibration.tilt_correction_deg:.1f} deg, gyro bias "
               + ", ".join(f"{b:+.2f}" for b in calibration.gyro_bias_deg_s) + " deg/s")  # fmt: skip
    if calibration.tilt_correction_deg > 45.0:
        click.echo("The tilt correction is large: check --mounting (how the sensor is strapped on).")
    click.echo(f"Saved the sensor profile to {path}")
