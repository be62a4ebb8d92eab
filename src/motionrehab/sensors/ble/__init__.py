"""Bluetooth LE inertial sensors: transports, device profiles, recorder, raw-log replay.

See docs/sensors.md for the recording format and how the BLE stack is tested without a
radio (bleak's real BlueZ backend against a fake BlueZ on a private D-Bus).
"""
