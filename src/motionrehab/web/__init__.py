"""The clinician's web view (``motionrehab serve``): patients at a glance, sessions in detail, safe by default.

Beside the data flow like cli/ and live/: it reads the store and the program and records
functions; nothing in the flow imports it. Needs the ``web`` extra. See docs/web.md.
"""
