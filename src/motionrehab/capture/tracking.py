"""Person tracking across frames, and the choice of which tracked person is the patient.

MediaPipe's multi-person output has no identities: the order of people changes from frame
to frame, one person is sometimes reported twice, and people are missed for a few frames
(e.g. when occluded). ``PersonTracker`` gives each person a stable id by associating each
frame's detections with the open tracks:

- size of a person = diagonal of the box around their 33 landmarks (pixels; works for a
  person standing or lying down);
- cost of giving detection d to track k = distance between d's hip midpoint and where
  track k's hips are expected (last position + smoothed velocity x time since, at most
  1 s ahead) / size of the person in track k, plus (1 - IoU of their boxes); pairs
  further apart than ``max_jump`` sizes are not allowed;
- the Hungarian algorithm (scipy.optimize.linear_sum_assignment) finds the cheapest
  assignment; unmatched detections open new tracks; a track not seen for more than
  ``max_gap_s`` seconds is closed;
- duplicates (two detections whose boxes overlap by IoU > ``duplicate_iou``) are merged
  first, keeping the more visible one.

Tracks still break where a person is hidden or out of the picture for longer than the
tracker waits, or reappears far from where they were expected. ``join_fragments`` then
joins the pieces (fragments) of one person after the whole video is read (see
``FragmentJoiner``), so that ids, and ``--max-people``, count people, not fragments.

``choose_patient`` picks the patient with an explainable rule (see its docstring).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from motionrehab.capture.landmarks import N_LANDMARKS
from motionrehab.capture.pose_estimator import PoseDetection
from motionrehab.capture.pose_track import PoseTrack

FloatArray = NDArray[np.float64]
_NOT_ALLOWED = 1e6
#: longest time a track's last velocity is carried forward to predict where a missed person is (s)
MAX_PREDICTION_S = 1.0
#: weight of the newest hip displacement in the smoothed velocity (exponential smoothing)
VELOCITY_SMOOTHING = 0.3


def box_iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two (x_min, y_min, x_max, y_max) boxes."""
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def person_size_px(detection: PoseDetection) -> float:
    """Diagonal of the box around the landmarks, pixels (at least 1)."""
    x0, y0, x1, y1 = detection.bounding_box_px()
    return max(float(np.hypot(x1 - x0, y1 - y0)), 1.0)


@dataclass
class _OpenTrack:
    track_id: int
    last: PoseDetection
    last_t_s: float
    frames: dict[int, PoseDetection] = field(default_factory=dict)
    #: hip velocity, pixels per second (smoothed over the last few frames)
    velocity_px_s: FloatArray = field(default_factory=lambda: np.zeros(2))

    def predicted_hip_px(self, t_s: float) -> FloatArray:
        # constant velocity for at most MAX_PREDICTION_S: people stop or turn
        return np.asarray(self.last.hip_midpoint_px() + self.velocity_px_s * min(t_s - self.last_t_s, MAX_PREDICTION_S))


class PersonTracker:
    """Give detections stable person ids across frames (see the module docstring).

    Args:
        max_jump: largest hip-midpoint move between a track's last detection and a new one,
            in person sizes (box diagonals). 0.5 allows fast movement at 15 fps and gaps of
            a few frames while keeping two people side by side apart.
        max_gap_s: a track unseen for longer than this is closed; a person reappearing later gets a new id.
        duplicate_iou: detections overlapping more than this in one frame are one person.

    Attributes:
        tracks_: every track so far, by id: {frame index: detection}.
    """

    def __init__(self, *, max_jump: float = 0.5, max_gap_s: float = 2.0, duplicate_iou: float = 0.6) -> None:
        self.max_jump = max_jump
        self.max_gap_s = max_gap_s
        self.duplicate_iou = duplicate_iou
        self._open: list[_OpenTrack] = []
        self._all: list[_OpenTrack] = []

    @property
    def tracks_(self) -> dict[int, dict[int, PoseDetection]]:
        """Detections of every track by id, then by frame index."""
        return {track.track_id: track.frames for track in self._all}

    def _without_duplicates(self, detections: Sequence[PoseDetection]) -> list[PoseDetection]:
        order = sorted(detections, key=lambda d: -float(np.nanmean(d.visibility)))
        kept: list[PoseDetection] = []
        for detection in order:
            box = detection.bounding_box_px()
            if all(box_iou(box, other.bounding_box_px()) <= self.duplicate_iou for other in kept):
                kept.append(detection)
        return kept

    def update(self, frame_index: int, t_s: float, detections: Sequence[PoseDetection]) -> list[tuple[int, PoseDetection]]:
        """Assign this frame's detections to tracks; returns (track id, detection) pairs."""
        self._open = [track for track in self._open if t_s - track.last_t_s <= self.max_gap_s]
        kept = self._without_duplicates(detections)
        assigned: list[tuple[int, PoseDetection]] = []
        unmatched = set(range(len(kept)))
        if self._open and kept:
            cost = np.full((len(self._open), len(kept)), _NOT_ALLOWED)
            for i, track in enumerate(self._open):
                size = person_size_px(track.last)
                box = track.last.bounding_box_px()
                predicted = track.predicted_hip_px(t_s)
                for j, detection in enumerate(kept):
                    jump = float(np.linalg.norm(detection.hip_midpoint_px() - predicted)) / size
                    if np.isfinite(jump) and jump <= self.max_jump:
                        cost[i, j] = jump + 1.0 - box_iou(box, detection.bounding_box_px())
            rows, cols = linear_sum_assignment(cost)
            for i, j in zip(rows, cols, strict=True):
                if cost[i, j] < _NOT_ALLOWED:
                    self._extend(self._open[i], frame_index, t_s, kept[j])
                    assigned.append((self._open[i].track_id, kept[j]))
                    unmatched.discard(int(j))
        for j in sorted(unmatched):
            track = _OpenTrack(track_id=len(self._all), last=kept[j], last_t_s=t_s)
            track.frames[frame_index] = kept[j]
            self._open.append(track)
            self._all.append(track)
            assigned.append((track.track_id, kept[j]))
        return assigned

    @staticmethod
    def _extend(track: _OpenTrack, frame_index: int, t_s: float, detection: PoseDetection) -> None:
        dt = t_s - track.last_t_s
        if dt > 0:
            step = (detection.hip_midpoint_px() - track.last.hip_midpoint_px()) / dt
            if np.isfinite(step).all():
                track.velocity_px_s = (1 - VELOCITY_SMOOTHING) * track.velocity_px_s + VELOCITY_SMOOTHING * step
        track.frames[frame_index] = detection
        track.last = detection
        track.last_t_s = t_s


#: body segments whose lengths, relative to the trunk, describe a person's build: pairs of
#: landmark indices, left and right averaged (a left/right swap of the model cannot change them)
_SEGMENTS: tuple[tuple[tuple[int, int], tuple[int, int]], ...] = (
    ((11, 12), (11, 12)),  # shoulder width
    ((23, 24), (23, 24)),  # hip width
    ((11, 13), (12, 14)),  # upper arm
    ((13, 15), (14, 16)),  # forearm
    ((23, 25), (24, 26)),  # thigh
    ((25, 27), (26, 28)),  # shank
)


def body_proportions(detection: PoseDetection, min_visibility: float = 0.5) -> FloatArray:
    """(6,) segment lengths / trunk length (shoulder midpoint to hip midpoint); NaN where unseen.

    Segments: shoulder width, hip width, upper arm, forearm, thigh, shank (left and right
    averaged). Ratios do not depend on the distance to the camera; they change with the
    view angle and pose, so a person is described by the median over many frames.
    """
    xy, seen = detection.landmarks_px, detection.visibility >= min_visibility
    trunk_seen = seen[[11, 12, 23, 24]].all()
    trunk = float(np.linalg.norm((xy[11] + xy[12]) / 2 - (xy[23] + xy[24]) / 2)) if trunk_seen else 0.0
    out = np.full(len(_SEGMENTS), np.nan)
    if trunk <= 1.0:
        return out
    for k, (left, right) in enumerate(_SEGMENTS):
        lengths = [np.linalg.norm(xy[a] - xy[b]) for a, b in (left, right) if seen[a] and seen[b]]
        if lengths:
            out[k] = float(np.mean(lengths)) / trunk
    return out


@dataclass(frozen=True)
class Fragment:
    """What the joiner knows about one track piece.

    Attributes:
        track_id: the tracker's id.
        first_frame, last_frame: frame indices of its first and last detection.
        t_start_s, t_end_s: their times.
        start_hip_px, end_hip_px: hip midpoint at its first and last detection.
        start_velocity_px_s, end_velocity_px_s: hip velocity over its first and last 0.5 s.
        size_px: median person size (landmark box diagonal).
        proportions: median body proportions (see body_proportions).
        n_frames: detections in the piece.
    """

    track_id: int
    first_frame: int
    last_frame: int
    t_start_s: float
    t_end_s: float
    start_hip_px: FloatArray
    end_hip_px: FloatArray
    start_velocity_px_s: FloatArray
    end_velocity_px_s: FloatArray
    size_px: float
    proportions: FloatArray
    n_frames: int


def _velocity(times: FloatArray, hips: FloatArray) -> FloatArray:
    if times.size < 2 or times[-1] <= times[0]:
        return np.zeros(2)
    return np.asarray((hips[-1] - hips[0]) / (times[-1] - times[0]))


def describe_fragment(track_id: int, frames: dict[int, PoseDetection], t_s: FloatArray, window_s: float = 0.5) -> Fragment:
    """Summarise one track piece for joining (``t_s``: the time of every frame index)."""
    order = sorted(frames)
    times = t_s[order]
    hips = np.array([frames[i].hip_midpoint_px() for i in order])
    head = times <= times[0] + window_s
    tail = times >= times[-1] - window_s
    with np.errstate(all="ignore"):
        proportions = np.nanmedian(np.array([body_proportions(frames[i]) for i in order]), axis=0)
    return Fragment(
        track_id=track_id, first_frame=order[0], last_frame=order[-1], t_start_s=float(times[0]),
        t_end_s=float(times[-1]), start_hip_px=hips[0], end_hip_px=hips[-1],
        start_velocity_px_s=_velocity(times[head], hips[head]), end_velocity_px_s=_velocity(times[tail], hips[tail]),
        size_px=float(np.median([person_size_px(frames[i]) for i in order])), proportions=proportions,
        n_frames=len(order),
    )  # fmt: skip


@dataclass(frozen=True)
class FragmentJoiner:
    """Join track pieces of one person: motion continuity, size and body proportions.

    A piece B may continue piece A when B starts after A ends (one person is never two
    detections in one frame) and all three agree:

    - **motion**: B's first hip position is within reach of where A was heading: A's last
      position moved on by A's end velocity (for at most 1 s), or B's first position moved
      back by B's start velocity; reach = ``max_jump`` + ``reach_sizes_per_s`` x gap
      person sizes (walking covers about 0.8 body heights a second);
    - **size**: median person sizes within a factor ``max_size_ratio``;
    - **build**: median body proportions (segment lengths / trunk) differ by at most
      ``max_proportion_diff`` on average.

    Each term is divided by its limit and the three are added; the cheapest joins are made
    first, each piece continuing at most one piece and continued by at most one, so a
    person is a chain of pieces in time order.

    Args:
        max_gap_s: longest time between two pieces of one person (default 30 s: someone
            who leaves the room and comes back).
        max_jump: reach at zero gap, person sizes (default 0.75).
        reach_sizes_per_s: reach added per second of gap (default 1.0).
        max_size_ratio: largest ratio of the pieces' sizes (default 1.35).
        max_proportion_diff: largest mean absolute difference of proportions (default 0.2).
    """

    max_gap_s: float = 30.0
    max_jump: float = 0.75
    reach_sizes_per_s: float = 1.0
    max_size_ratio: float = 1.35
    max_proportion_diff: float = 0.2

    def cost(self, a: Fragment, b: Fragment) -> float:
        """Cost of B continuing A (lower is likelier), inf when not allowed."""
        gap = b.t_start_s - a.t_end_s
        if b.first_frame <= a.last_frame or gap > self.max_gap_s:
            return float("inf")
        size = 0.5 * (a.size_px + b.size_px)
        lead = min(gap, MAX_PREDICTION_S)
        forward = np.linalg.norm(b.start_hip_px - (a.end_hip_px + a.end_velocity_px_s * lead))
        backward = np.linalg.norm(a.end_hip_px - (b.start_hip_px - b.start_velocity_px_s * lead))
        reach = self.max_jump + self.reach_sizes_per_s * gap
        motion = float(min(forward, backward)) / size / reach
        ratio = max(a.size_px, b.size_px) / max(min(a.size_px, b.size_px), 1.0)
        size_term = float(np.log(ratio) / np.log(self.max_size_ratio))
        both = np.isfinite(a.proportions) & np.isfinite(b.proportions)
        build = float(np.mean(np.abs(a.proportions[both] - b.proportions[both]))) / self.max_proportion_diff if both.any() else 0.0
        if motion > 1.0 or size_term > 1.0 or build > 1.0:
            return float("inf")
        return motion + size_term + build

    def join(self, fragments: Sequence[Fragment]) -> list[list[int]]:
        """Chains of track ids, one chain per person, in time order."""
        pairs = sorted(
            (self.cost(a, b), a.track_id, b.track_id) for a in fragments for b in fragments if a is not b
        )
        successor: dict[int, int] = {}
        predecessor: dict[int, int] = {}
        for cost, a, b in pairs:
            if not np.isfinite(cost):
                break
            if a in successor or b in predecessor:
                continue
            successor[a] = b
            predecessor[b] = a
        chains = []
        for fragment in sorted(fragments, key=lambda f: f.t_start_s):
            if fragment.track_id in predecessor:
                continue
            chain = [fragment.track_id]
            while chain[-1] in successor:
                chain.append(successor[chain[-1]])
            chains.append(chain)
        return chains


def join_fragments(
    tracks: dict[int, dict[int, PoseDetection]], t_s: FloatArray, joiner: FragmentJoiner | None = None
) -> dict[int, dict[int, PoseDetection]]:
    """Tracks of one person joined (see FragmentJoiner); keys are the first piece's id."""
    joiner = joiner or FragmentJoiner()
    fragments = [describe_fragment(track_id, frames, t_s) for track_id, frames in tracks.items() if frames]
    joined: dict[int, dict[int, PoseDetection]] = {}
    for chain in joiner.join(fragments):
        frames: dict[int, PoseDetection] = {}
        for track_id in chain:
            frames.update(tracks[track_id])
        joined[chain[0]] = frames
    return joined


def track_to_pose_track(
    frames: dict[int, PoseDetection],
    t_s: FloatArray,
    *,
    person_id: int,
    image_width_px: int,
    image_height_px: int,
    frame_rate_hz: float,
    source: str,
) -> PoseTrack:
    """A PoseTrack over all ``t_s`` frames, NaN where this person was not detected."""
    n = t_s.size
    xy = np.full((n, N_LANDMARKS, 2), np.nan)
    visibility = np.full((n, N_LANDMARKS), np.nan)
    z = np.full((n, N_LANDMARKS), np.nan)
    has_world = any(d.world_m is not None for d in frames.values())
    world = np.full((n, N_LANDMARKS, 3), np.nan) if has_world else None
    for index, detection in frames.items():
        xy[index] = detection.landmarks_px
        visibility[index] = detection.visibility
        z[index] = detection.landmarks_z
        if world is not None and detection.world_m is not None:
            world[index] = detection.world_m
    return PoseTrack(
        t_s=t_s,
        landmarks_px=xy,
        visibility=visibility,
        landmarks_z=z,
        world_m=world,
        image_width_px=image_width_px,
        image_height_px=image_height_px,
        frame_rate_hz=frame_rate_hz,
        person_id=person_id,
        source=source,
    )


#: limb movement (relative to the hips, in person sizes) that counts as fully active: a lunge or
#: arm raise moves the visible landmarks by ~0.1 person sizes (SD) or more; a person standing
#: still shows only landmark jitter, ~0.02-0.05 (measured on the Pose2Sim clips, docs/capture.md)
ACTIVE_MOVEMENT = 0.1
#: the least activity factor, so a patient holding a position still is not ruled out
ACTIVITY_FLOOR = 0.25
#: landmarks with median visibility at least this count for movement
VISIBLE = 0.5


@dataclass(frozen=True)
class PersonSummary:
    """What the patient rule looks at for one tracked person.

    Attributes:
        person_id: the track's id.
        detection_rate: share of frames (0-1) in which the person was detected.
        size_share: median person size (landmark box diagonal) / image diagonal.
        movement: how much the person moves their body: mean over the landmarks mostly
            visible (median visibility >= 0.5) of the spread (standard deviation) of their
            position relative to the hips' midpoint, in person sizes. Walking across the
            picture without moving the limbs does not count, exercising does.
        activity: movement / ACTIVE_MOVEMENT, clipped to [ACTIVITY_FLOOR, 1].
        score: detection_rate * size_share * activity.
    """

    person_id: int
    detection_rate: float
    size_share: float
    movement: float
    activity: float
    score: float

    def describe(self) -> str:
        """One clause with the numbers."""
        return (
            f"person {self.person_id}: detected in {100 * self.detection_rate:.0f} % of frames, "
            f"size {100 * self.size_share:.0f} % of the image diagonal, movement {self.movement:.3f} "
            f"(activity {self.activity:.2f}), score {self.score:.3f}"
        )


def summarise_person(track: PoseTrack) -> PersonSummary:
    """Detection rate, size and movement of one tracked person (see PersonSummary)."""
    detected = np.isfinite(track.landmarks_px).all(axis=(1, 2))
    rate = float(detected.mean()) if track.n_frames else 0.0
    if not detected.any():
        return PersonSummary(track.person_id, 0.0, 0.0, 0.0, ACTIVITY_FLOOR, 0.0)
    xy = track.landmarks_px[detected]
    diagonal = np.hypot(xy[..., 0].max(axis=1) - xy[..., 0].min(axis=1), xy[..., 1].max(axis=1) - xy[..., 1].min(axis=1))
    size_px = max(float(np.median(diagonal)), 1.0)
    size_share = size_px / float(np.hypot(track.image_width_px, track.image_height_px))
    relative = xy - (xy[:, 23:24] + xy[:, 24:25]) / 2.0  # about the hips' midpoint
    spread = np.sqrt(relative.var(axis=0).sum(axis=-1))  # (33,) pixels
    # Only landmarks the model mostly sees: guessed positions of hidden limbs jitter widely.
    seen = np.nanmedian(track.visibility[detected], axis=0) >= VISIBLE
    movement = float(spread[seen].mean() if seen.any() else spread.mean()) / size_px if detected.sum() > 1 else 0.0
    activity = float(np.clip(movement / ACTIVE_MOVEMENT, ACTIVITY_FLOOR, 1.0))
    return PersonSummary(track.person_id, rate, size_share, movement, activity, rate * size_share * activity)


@dataclass(frozen=True)
class PatientChoice:
    """Which tracked person is the patient, and why (a sentence for the user)."""

    person_id: int | None
    reason: str
    people: tuple[PersonSummary, ...]


def choose_patient(tracks: Sequence[PoseTrack]) -> PatientChoice:
    """Pick the patient: the person present most of the time, large in the picture, and exercising.

    Rule: score = detection rate x size share x activity (see PersonSummary); the highest
    score is the patient. Why these three: at home the patient sets the camera up for
    themselves, so they are in view throughout and fill much of the picture, and they are the
    one doing the exercise. A bystander in the background is small and still; one walking
    through is seen briefly; one standing close to the camera is large but still (activity
    at its floor, ACTIVITY_FLOOR). Activity saturates at ACTIVE_MOVEMENT so that vigorous
    movement cannot outweigh being present and in frame.
    """
    if not tracks:
        return PatientChoice(None, "no person was detected", ())
    people = sorted((summarise_person(track) for track in tracks), key=lambda p: -p.score)
    best = people[0]
    if len(people) == 1:
        reason = f"person {best.person_id} is the only person tracked ({best.describe()})"
    else:
        others = "; ".join(p.describe() for p in people[1:])
        reason = (
            f"person {best.person_id} was chosen as the patient: highest score of detection rate x size x activity "
            f"({best.describe()}) against {others}"
        )
    return PatientChoice(best.person_id, reason, tuple(people))
