"""Walking bouts, steps with left/right, and turns from one lower-back inertial sensor.

Everything is read in a frame fixed by gravity, so the sensor's axes matter only for
left/right: "up" is the direction of the acceleration low-passed at 0.3 Hz (gravity), the
*vertical acceleration* is the acceleration along it minus its median, and the *yaw rate*
is the angular rate about it (positive turning left, by the right-hand rule about up).

1. **Initial contacts** (IC): peaks of the vertical acceleration smoothed by a Gaussian of
   ``sigma_s`` = 60 ms (the Gaussian-CWT of integrated vertical acceleration of McCamley
   et al. 2012, Gait Posture 36:316, is this same smoothed acceleration), at least
   ``min_peak_m_s2`` = 0.3 m/s^2 high and ``min_step_s`` = 0.4 s apart (150 steps/min).
2. **Walking**: contacts no more than ``max_step_s`` = 1.5 s apart chain into a run
   (Mobilise-D's walking-bout rules also end a bout at a pause; Kluge et al. 2021, JMIR
   Form Res 5(5):e28156). At each end of a run, contacts weaker than half the run's median
   peak are dropped: these are the half-steps of starting, stopping and shuffling on the
   spot, which the reference systems do not count as contacts. A run needs
   ``min_contacts`` = 4 contacts (3 steps) to count as walking.
3. **Turns**: the yaw rate low-passed at 1.5 Hz; a turn is a stretch where its magnitude
   stays above 15 deg/s, reaches 50 deg/s and turns the body by at least 45 deg in
   0.5-10 s (the thresholds of El-Gohary et al. 2014, Sensors 14(1):356, also used by
   mobgap's turn detector).
4. **Bouts**: the straight stretches of a run between turns. The contacts inside a turn
   are counted as turn steps, not bout steps, so a shuttle walk of 17 lengths with 16
   turns gives 17 bouts and 16 turns.
5. **Left/right**: McCamley et al. 2012 read the side from the sign of the trunk's
   rotation at each contact; Ullrich et al. 2021 (IEEE EMBC, doi:10.1109/EMBC46164.2021.
   9630653) combine yaw with roll about the forward axis and band-pass both at
   0.5-2 Hz, negative = left (mobgap's LrcMcCamley). Steps alternate, so we read the
   signs of all contacts of a bout together and pick the one of the two alternating
   labellings they agree with most; a single contact with the wrong sign then cannot
   break the alternation. Without a known forward axis (convention 'device') only yaw
   is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import gaussian_filter1d
from scipy.signal import butter, find_peaks, sosfiltfilt

from motionrehab.events.gait_events import resample_uniform
from motionrehab.sensors.imu_recording import ImuRecording

FloatArray = NDArray[np.float64]

#: forward axis (index, sign) of lower-back conventions; left/right needs it for roll
FORWARD_AXIS: dict[str, tuple[int, float]] = {
    "mobgap_lower_back": (2, 1.0),  # x up, y right, z forward
    "trunk_posterior": (2, -1.0),  # z out of the back
    "apdm_lumbar": (2, -1.0),  # APDM Opal on the lower back: x down, y right, z out of the back
}


@dataclass(frozen=True)
class Turn:
    """A turn of the whole body, read from the lower back.

    Attributes:
        t_start_s: when the yaw rate rose above the boundary threshold (s).
        t_end_s: when it fell back below it (s).
        angle_deg: heading change, positive turning left (counter-clockwise seen from above).
        steps: contacts during the turn.
    """

    t_start_s: float
    t_end_s: float
    angle_deg: float
    steps: int = 0


@dataclass(frozen=True)
class Bout:
    """A straight walking bout: contacts ``first`` .. ``last`` (indices into the contact list).

    Attributes:
        first: index of the bout's first contact.
        last: index of its last contact (inclusive).
    """

    first: int
    last: int


@dataclass(frozen=True, eq=False)
class LumbarGaitEvents:
    """Contacts, sides, bouts and turns of one lower-back recording.

    Attributes:
        t_ic_s: (k,) every contact while walking (bouts and turns), seconds, increasing.
        side: (k,) 'left', 'right' or 'none' per contact ('none' for turn steps).
        peak_m_s2: (k,) height of each contact's vertical-acceleration peak.
        bouts: straight walking bouts, in time order.
        turns: turns, in time order.
        lr_signal: what the side was read from ('yaw + roll' or 'yaw').
        method: the methods, with references.
    """

    t_ic_s: FloatArray
    side: NDArray[np.str_]
    peak_m_s2: FloatArray
    bouts: tuple[Bout, ...]
    turns: tuple[Turn, ...]
    lr_signal: str
    method: str


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """[start, stop) index ranges where ``mask`` is True."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


@dataclass(frozen=True)
class LumbarGaitDetector:
    """Walking bouts, contacts with side, and turns from a lower-back IMU (module docstring).

    Args:
        sigma_s: Gaussian smoothing of the vertical acceleration (s).
        min_peak_m_s2: lowest contact peak (m/s^2).
        min_step_s: shortest step (s).
        max_step_s: longest step inside a walking run (s).
        min_contacts: fewest contacts of a walking run and of a bout.
        end_fraction: end contacts weaker than this fraction of the run's median are dropped.
        turn_boundary_deg_s: yaw rate that starts and ends a turn (deg/s).
        turn_peak_deg_s: yaw rate a turn must reach (deg/s).
        min_turn_deg: smallest heading change counted as a turn (deg).
        turn_duration_s: shortest and longest turn (s).
    """

    sigma_s: float = 0.06
    min_peak_m_s2: float = 0.3
    min_step_s: float = 0.4
    max_step_s: float = 1.5
    min_contacts: int = 4
    end_fraction: float = 0.5
    turn_boundary_deg_s: float = 15.0
    turn_peak_deg_s: float = 50.0
    min_turn_deg: float = 45.0
    turn_duration_s: tuple[float, float] = (0.5, 10.0)

    def detect(self, recording: ImuRecording) -> LumbarGaitEvents:
        """Contacts, sides, bouts and turns of ``recording`` (one segment without holes)."""
        fs = recording.sampling_rate_hz
        t, acc = resample_uniform(recording.t_s, recording.acc_m_s2, fs)
        _, gyr = resample_uniform(recording.t_s, np.nan_to_num(recording.gyr_deg_s), fs)
        up = sosfiltfilt(butter(2, 0.3, fs=fs, output="sos"), acc, axis=0)
        up /= np.linalg.norm(up, axis=1)[:, None]
        vertical = np.sum(acc * up, axis=1)
        vertical -= np.median(vertical)
        if fs > 40:
            vertical = sosfiltfilt(butter(4, 20.0, fs=fs, output="sos"), vertical)
        smooth = gaussian_filter1d(vertical, self.sigma_s * fs)
        peaks, _ = find_peaks(smooth, height=self.min_peak_m_s2, distance=max(1, int(self.min_step_s * fs)))
        yaw = np.sum(gyr * up, axis=1)
        turns = self._turns(t, yaw, fs)
        runs = self._walking_runs(t[peaks], smooth[peaks])
        keep = np.zeros(peaks.size, dtype=bool)
        for first, last in runs:
            keep[first : last + 1] = True
        peaks = peaks[keep]
        t_ic = t[peaks]
        in_turn = np.zeros(t_ic.size, dtype=bool)
        counted: list[Turn] = []
        for turn in turns:
            inside = (t_ic >= turn.t_start_s) & (t_ic <= turn.t_end_s)
            in_turn |= inside
            counted.append(Turn(turn.t_start_s, turn.t_end_s, turn.angle_deg, int(inside.sum())))
        # bouts: straight stretches of each run, cut where a turn or a pause interrupts
        bouts: list[Bout] = []
        breaks = np.concatenate([[True], np.diff(t_ic) > self.max_step_s]) if t_ic.size else np.array([], bool)
        label = np.cumsum(breaks | np.concatenate([[False], in_turn[:-1] != in_turn[1:]])) if t_ic.size else breaks
        for value in np.unique(label) if t_ic.size else []:
            members = np.flatnonzero((label == value) & ~in_turn)
            if members.size >= self.min_contacts:
                bouts.append(Bout(int(members[0]), int(members[-1])))
        lr, lr_name = self._lr_signal(recording, gyr, yaw, fs)
        side = np.full(t_ic.size, "none", dtype="<U5")
        for bout in bouts:
            index = np.arange(bout.first, bout.last + 1)
            values = lr[peaks[index]]
            # steps alternate: of the two alternating labellings, take the one the signs support
            pattern = np.where(np.arange(index.size) % 2 == 0, -1.0, 1.0)  # left first
            left_first = float(np.sum(np.sign(values) * pattern)) >= 0
            first_left = pattern < 0 if left_first else pattern > 0
            side[index] = np.where(first_left, "left", "right")
        method = (
            "lower-back IMU in a gravity frame: contacts as peaks of smoothed vertical acceleration "
            "(McCamley et al. 2012); walking runs and bouts split at pauses and turns; turns from the yaw rate "
            f"(El-Gohary et al. 2014); left/right from {lr_name} at each contact, alternating (Ullrich et al. 2021)"
        )
        return LumbarGaitEvents(
            t_ic_s=t_ic, side=side, peak_m_s2=smooth[peaks], bouts=tuple(bouts), turns=tuple(counted),
            lr_signal=lr_name, method=method,
        )  # fmt: skip

    def _walking_runs(self, t_peak: FloatArray, height: FloatArray) -> list[tuple[int, int]]:
        """[first, last] contact index ranges of walking runs, weak end contacts dropped."""
        runs: list[tuple[int, int]] = []
        if t_peak.size == 0:
            return runs
        breaks = np.flatnonzero(np.diff(t_peak) > self.max_step_s)
        for first, last in zip(np.concatenate([[0], breaks + 1]), np.concatenate([breaks, [t_peak.size - 1]]), strict=True):
            first, last = int(first), int(last)
            floor = self.end_fraction * float(np.median(height[first : last + 1]))
            while first <= last and height[first] < floor:
                first += 1
            while last >= first and height[last] < floor:
                last -= 1
            if last - first + 1 >= self.min_contacts:
                runs.append((first, last))
        return runs

    def _turns(self, t: FloatArray, yaw_deg_s: FloatArray, fs: float) -> list[Turn]:
        rate = sosfiltfilt(butter(2, min(1.5, 0.45 * fs), fs=fs, output="sos"), yaw_deg_s)
        turns: list[Turn] = []
        for start, stop in _runs(np.abs(rate) > self.turn_boundary_deg_s):
            duration = (stop - start) / fs
            angle = float(np.sum(rate[start:stop]) / fs)
            if (
                self.turn_duration_s[0] <= duration <= self.turn_duration_s[1]
                and np.max(np.abs(rate[start:stop])) >= self.turn_peak_deg_s
                and abs(angle) >= self.min_turn_deg
            ):
                turns.append(Turn(float(t[start]), float(t[stop - 1]), angle))
        return turns

    def _lr_signal(
        self, recording: ImuRecording, gyr: FloatArray, yaw: FloatArray, fs: float
    ) -> tuple[FloatArray, str]:
        band = sosfiltfilt(butter(4, (0.5, min(2.0, 0.45 * fs)), btype="bandpass", fs=fs, output="sos"), yaw)
        if recording.axis_convention in FORWARD_AXIS:
            axis, sign = FORWARD_AXIS[recording.axis_convention]
            roll = sosfiltfilt(butter(4, (0.5, min(2.0, 0.45 * fs)), btype="bandpass", fs=fs, output="sos"),
                               sign * gyr[:, axis])  # fmt: skip
            return band - roll, "yaw + roll"
        return band, "yaw"
