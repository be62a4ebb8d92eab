"""Device clock -> host clock: offset and drift from notification arrival times.

A sensor that stamps its samples (Polar PMD: ns since 2000-01-01) runs on its own
crystal: its clock is offset from the host's and drifts by tens of ppm. Each
notification gives one pair (device time of the newest sample it carries, host receive
time). Host receive time = device time + offset + drift x elapsed + radio/stack latency,
and the latency is never negative. So the model is a straight line under the pairs:
the drift is the least-squares slope through the lower envelope (the smallest lag in
each of up to 20 equal stretches of device time: the notifications that waited least,
so stack latency, which is skewed and ms-large, does not bias it), and the offset is
lowered to the smallest residual, so that no mapped sample is later than the moment it
was received.

Samples from profiles without a device clock take their host receive time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ClockModel:
    """host_s = device_s + offset_s + drift_ppm x 1e-6 x (device_s - reference_device_s).

    Attributes:
        kind: 'device' (samples mapped from the device clock) or 'host' (host receive time).
        offset_s: host minus device time at ``reference_device_s`` (s), on the lower envelope.
        drift_ppm: device clock rate error relative to the host, parts per million.
        reference_device_s: device time of the first pair (s).
        pairs: number of (device, host) pairs the model was fitted on.
        latency_spread_s: largest minus smallest latency around the line (s): the jitter.
    """

    kind: str
    offset_s: float = 0.0
    drift_ppm: float = 0.0
    reference_device_s: float = 0.0
    pairs: int = 0
    latency_spread_s: float = 0.0

    def to_host(self, device_s: np.ndarray | float) -> np.ndarray:
        """Map device times (s) to host times (s)."""
        elapsed = np.asarray(device_s, dtype=np.float64) - self.reference_device_s
        return np.asarray(self.reference_device_s + elapsed + self.offset_s + self.drift_ppm * 1e-6 * elapsed)

    def to_json_dict(self) -> dict[str, float | int | str]:
        """The model as plain JSON values (for the recording's sidecar)."""
        return {"kind": self.kind, "offset_s": self.offset_s, "drift_ppm": self.drift_ppm,
                "reference_device_s": self.reference_device_s, "pairs": self.pairs,
                "latency_spread_s": self.latency_spread_s}  # fmt: skip


#: fewer pairs than this, or a span shorter than MIN_SPAN_S, gives no drift estimate (drift 0)
MIN_PAIRS_FOR_DRIFT = 10
MIN_SPAN_S = 5.0
#: quartz clocks of BLE sensors are within about +-50 ppm; a fitted drift beyond this means
#: the notifications were not received in real time (buffered, replayed), so none is applied
MAX_PLAUSIBLE_DRIFT_PPM = 1000.0


def fit_clock(device_s: np.ndarray, host_s: np.ndarray) -> ClockModel:
    """Fit the device -> host clock model on (device time, host receive time) pairs."""
    device = np.asarray(device_s, dtype=np.float64)
    host = np.asarray(host_s, dtype=np.float64)
    if device.size == 0:
        return ClockModel(kind="device")
    reference = float(device[0])
    elapsed = device - reference
    lag = host - device
    lag = lag - lag[0]  # Unix seconds are ~1.7e9: work on differences to keep precision
    drift = 0.0
    if device.size >= MIN_PAIRS_FOR_DRIFT and float(elapsed[-1] - elapsed[0]) >= MIN_SPAN_S:
        edges = np.linspace(float(elapsed.min()), float(elapsed.max()), min(20, device.size // 5) + 1)
        stretch = np.clip(np.searchsorted(edges, elapsed, side="right") - 1, 0, edges.size - 2)
        lowest = [int(np.flatnonzero(stretch == k)[np.argmin(lag[stretch == k])])
                  for k in range(edges.size - 1) if np.any(stretch == k)]  # fmt: skip
        if len(lowest) >= 2:
            drift = float(np.polyfit(elapsed[lowest], lag[lowest], 1)[0])
        if abs(drift) * 1e6 > MAX_PLAUSIBLE_DRIFT_PPM:
            drift = 0.0
    residual = lag - drift * elapsed + (host[0] - device[0])
    return ClockModel(kind="device", offset_s=float(residual.min()), drift_ppm=drift * 1e6,
                      reference_device_s=reference, pairs=int(device.size),
                      latency_spread_s=float(residual.max() - residual.min()))  # fmt: skip
