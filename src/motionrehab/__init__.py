"""motionrehab: measure rehabilitation exercise with a webcam and optional BLE inertial sensors.

The package is laid out as the data flows (see docs/architecture.md):
capture/sensors -> signals -> kinematics -> events -> measures -> program -> records.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # The version is looked up on first use: importlib.metadata costs ~0.1 s at start-up,
    # which every `motionrehab --help` would pay.
    if name != "__version__":
        raise AttributeError(f"module 'motionrehab' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("motionrehab")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0.0.0+unknown"
    globals()["__version__"] = found
    return found
