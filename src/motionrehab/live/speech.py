"""Spoken cues (optional, off by default): offline text-to-speech on a background thread.

Uses pyttsx3 (PyPI, the ``speech`` extra) with the system's offline engine (espeak-ng on
Linux, SAPI5 on Windows, NSSpeechSynthesizer on macOS); nothing goes over the network.
Speaking never blocks the camera loop: cues go into a one-place mailbox and a newer cue
replaces one not yet spoken, so the voice never falls behind the exercise.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from motionrehab.errors import MotionRehabError


def _engine() -> Any:
    try:
        import pyttsx3
    except ImportError as error:
        raise MotionRehabError(
            "spoken cues need the pyttsx3 package",
            fix="pip install 'motionrehab[speech]' (and on Linux: apt-get install espeak-ng), or run without --speak",
        ) from error
    try:
        return pyttsx3.init()
    except Exception as error:  # pyttsx3 raises driver-specific errors when no engine is installed
        raise MotionRehabError(
            f"no offline speech engine found ({error})",
            fix="install espeak-ng (Linux: apt-get install espeak-ng), or run without --speak",
        ) from error


def describe_engine() -> str:
    """One line naming the offline speech engine spoken cues would use; raises MotionRehabError when there is none."""
    engine = _engine()
    driver = getattr(getattr(getattr(engine, "proxy", None), "_module", None), "__name__", "unknown").rsplit(".", 1)[-1]
    try:
        voice = engine.getProperty("voice")
    except Exception:  # a driver without voice selection still speaks
        voice = None
    from importlib import metadata

    return f"pyttsx3 {metadata.version('pyttsx3')}, {driver} driver" + (f", voice {voice}" if voice else "")


def save_cue_audio(text: str, path: str | Path) -> Path:
    """Speak ``text`` into a WAV file (used to check the voice without a loudspeaker)."""
    engine = _engine()
    engine.save_to_file(text, str(path))
    engine.runAndWait()
    return Path(path)


class CueSpeaker:
    """Speaks cues on its own thread; ``say`` returns at once. Use as a context manager."""

    def __init__(self) -> None:
        self._engine = _engine()
        self._pending: str | None = None
        self._condition = threading.Condition()
        self._closed = False
        self.spoken: list[str] = []
        self.replaced = 0
        self._thread = threading.Thread(target=self._run, name="motionrehab-speech", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        """Queue a cue; a cue not yet spoken is replaced by the newer one."""
        with self._condition:
            if self._pending is not None:
                self.replaced += 1
            self._pending = text
            self._condition.notify()

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None:
                    return
                text, self._pending = self._pending, None
            self._engine.say(text)
            self._engine.runAndWait()
            self.spoken.append(text)

    def close(self, timeout_s: float = 10.0) -> None:
        """Finish the cue being spoken and stop."""
        with self._condition:
            self._closed = True
            self._condition.notify()
        self._thread.join(timeout=timeout_s)

    def __enter__(self) -> CueSpeaker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
