"""Spoken cues are real speech from the offline engine (espeak-ng here), written to a WAV and measured."""

import wave

import pytest

pytest.importorskip("pyttsx3", reason="spoken cues are optional: pip install 'motionrehab[speech]'")

from motionrehab.errors import MotionRehabError  # noqa: E402
from motionrehab.live.speech import save_cue_audio  # noqa: E402


def test_cue_is_spoken_into_audio_of_plausible_length(tmp_path):
    try:
        path = save_cue_audio("Hinge from the hips, keep the knees soft", tmp_path / "cue.wav")
    except MotionRehabError as error:
        pytest.skip(f"no offline speech engine on this machine: {error}")
    with wave.open(str(path)) as audio:
        seconds = audio.getnframes() / audio.getframerate()
        frames = audio.readframes(audio.getnframes())
    assert 1.0 < seconds < 6.0  # eight words at a speaking rate of roughly 2-4 words per second
    assert max(frames) > 0  # not silence
