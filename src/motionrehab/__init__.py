"""motionrehab: measure rehabilitation exercise with a webcam and optional BLE inertial sensors.

The package is laid out as the data flows (see docs/architecture.md):
capture/sensors -> signals -> kinematics -> events -> measures -> program -> records.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("motionrehab")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
