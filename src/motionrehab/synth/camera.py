"""A pinhole camera that films the stick figure, and the realism added to what it sees.

World frame (metres): +x the person's forward at the start, +y up, +z the person's right;
origin on the floor. The camera looks horizontally at the point ``target_m`` from
``distance_m`` away, at ``height_m`` above the floor, placed by its azimuth ``yaw_deg``
around the target:

- yaw 0: on the person's LEFT (at -z), a side view; the person faces image-LEFT;
- yaw 180: on the person's right, a side view; the person faces image-right;
- yaw 90: in front of the person (at +x), a frontal view.

``roll_deg`` rotates the sensor about the optical axis, as a phone propped at a tilt:
positive roll makes the true vertical appear turned clockwise (true up points up-right in
the image), the convention of motionrehab.kinematics.calibration.

Projection: u = cx + f * x_c / z_c, v = cy + f * y_c / z_c (camera x right, y down, z ahead),
with f from the horizontal field of view. World landmarks are given as MediaPipe gives
them: metres, origin between the hips, axes of the (rolled) camera: x right, y down, z away.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import LANDMARK_INDEX, MIRROR_PERMUTATION
from motionrehab.capture.pose_track import PoseTrack

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PinholeCamera:
    """Where the camera stands and what it records.

    Defaults: a phone in portrait (1080x1920 at 30 fps, about 38 x 64 deg field of view) on a
    shelf 1 m high, 2.5 m to the person's left, level and aimed 0.35 m ahead of them: a
    1.70 m person fills over half the frame height and the head stays in view at the bottom
    of a deep hinge (trunk 80 deg, shins 40 deg forward).
    """

    distance_m: float = 2.5
    height_m: float = 1.0
    yaw_deg: float = 0.0
    roll_deg: float = 0.0
    target_m: tuple[float, float, float] = (0.35, 1.0, 0.0)
    image_width_px: int = 1080
    image_height_px: int = 1920
    horizontal_fov_deg: float = 38.0
    frame_rate_hz: float = 30.0

    @property
    def focal_px(self) -> float:
        """Focal length in pixels from the horizontal field of view."""
        return 0.5 * self.image_width_px / math.tan(math.radians(self.horizontal_fov_deg) / 2)

    def _axes(self) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        yaw = math.radians(self.yaw_deg)
        # yaw 0 at -z looking +z; yaw 90 at +x looking -x
        offset = np.array([math.sin(yaw), 0.0, -math.cos(yaw)])
        position = np.array(self.target_m, dtype=np.float64) + self.distance_m * offset
        position[1] = self.height_m
        ahead = -offset
        down = np.array([0.0, -1.0, 0.0])
        right = np.cross(down, ahead)
        r = math.radians(self.roll_deg)
        # roll: the sensor turns anticlockwise (as seen from behind it), so the scene turns clockwise
        right_r = math.cos(r) * right - math.sin(r) * down
        down_r = math.sin(r) * right + math.cos(r) * down
        return position, right_r, down_r, ahead

    def to_camera(self, points_m: FloatArray) -> FloatArray:
        """World points (..., 3) -> camera coordinates (..., 3): x right, y down, z ahead (metres)."""
        position, right, down, ahead = self._axes()
        relative = np.asarray(points_m, dtype=np.float64) - position
        return np.stack([relative @ right, relative @ down, relative @ ahead], axis=-1)

    def project(self, points_m: FloatArray) -> FloatArray:
        """World points (..., 3) -> image pixels (..., 2), x right, y down."""
        c = self.to_camera(points_m)
        f = self.focal_px
        return np.stack([self.image_width_px / 2 + f * c[..., 0] / c[..., 2], self.image_height_px / 2 + f * c[..., 1] / c[..., 2]], axis=-1)


def film(frames_m: FloatArray, camera: PinholeCamera, *, t_s: FloatArray | None = None, source: str = "synthetic") -> PoseTrack:
    """Film (n, 33, 3) world points with ``camera``: a noise-free PoseTrack like the video pipeline's."""
    frames_m = np.asarray(frames_m, dtype=np.float64)
    n = len(frames_m)
    times = np.arange(n) / camera.frame_rate_hz if t_s is None else np.asarray(t_s, dtype=np.float64)
    in_camera = camera.to_camera(frames_m)
    hip_mid = (in_camera[:, LANDMARK_INDEX["left_hip"]] + in_camera[:, LANDMARK_INDEX["right_hip"]]) / 2
    world = in_camera - hip_mid[:, None, :]
    # MediaPipe's z: depth relative to the hips, on roughly the scale of x in normalised image units
    z = world[..., 2] * camera.focal_px / hip_mid[:, None, 2] / camera.image_width_px
    px = camera.project(frames_m)
    inside = (px[..., 0] >= 0) & (px[..., 0] < camera.image_width_px) & (px[..., 1] >= 0) & (px[..., 1] < camera.image_height_px)
    return PoseTrack(
        t_s=times,
        landmarks_px=px,
        visibility=np.where(inside, 0.99, 0.05),  # out of the picture: the model is unsure
        image_width_px=camera.image_width_px,
        image_height_px=camera.image_height_px,
        frame_rate_hz=camera.frame_rate_hz,
        source=source,
        landmarks_z=z,
        world_m=world,
    )


@dataclass(frozen=True)
class Realism:
    """What a real pose model adds to the truth (defaults: the signals issue's "realistic noise").

    noise_fraction_of_height: landmark noise sigma as a fraction of image height (0.5 %).
    dropout_rate: share of (frame, landmark) entries lost: a wrong guess with low visibility (2 %).
    swap_every_frames: on average one left/right swap episode (1-3 frames) per this many frames.
    world_noise_m: noise on world landmarks, metres.
    """

    noise_fraction_of_height: float = 0.005
    dropout_rate: float = 0.02
    swap_every_frames: float = 300.0
    world_noise_m: float = 0.01

    @classmethod
    def none(cls) -> Realism:
        """No noise, no drop-outs, no swaps."""
        return cls(0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class RealismLog:
    """What was done to a track: frames that were swapped, entries that were dropped."""

    swapped_frames: tuple[int, ...]
    dropped_entries: int


def add_realism(track: PoseTrack, realism: Realism, rng: np.random.Generator) -> tuple[PoseTrack, RealismLog]:
    """Add landmark noise, drop-outs (low visibility, wrong position) and left/right swaps."""
    n = track.n_frames
    sigma = realism.noise_fraction_of_height * track.image_height_px
    px = track.landmarks_px + rng.normal(0.0, sigma, track.landmarks_px.shape) if sigma > 0 else track.landmarks_px.copy()
    visibility = track.visibility.copy()
    world = None if track.world_m is None else track.world_m + rng.normal(0.0, realism.world_noise_m, track.world_m.shape) * (realism.world_noise_m > 0)
    dropped = rng.random((n, 33)) < realism.dropout_rate
    # a lost landmark: the model guesses somewhere near (10 % of height off) and says it is unsure
    px[dropped] += rng.normal(0.0, 0.1 * track.image_height_px, (int(dropped.sum()), 2))
    visibility[dropped] = rng.uniform(0.0, 0.3, int(dropped.sum()))
    swapped: list[int] = []
    if realism.swap_every_frames > 0:
        mirror = np.asarray(MIRROR_PERMUTATION)
        for start in np.flatnonzero(rng.random(n) < 1.0 / realism.swap_every_frames):
            for i in range(int(start), min(n, int(start) + int(rng.integers(1, 4)))):
                px[i] = px[i, mirror]
                visibility[i] = visibility[i, mirror]
                if world is not None:
                    world[i] = world[i, mirror]
                swapped.append(i)
    noisy = track.replace(landmarks_px=px, visibility=visibility, world_m=world)
    return noisy, RealismLog(swapped_frames=tuple(sorted(set(swapped))), dropped_entries=int(dropped.sum()))
