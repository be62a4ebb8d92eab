"""Left/right swap repair for pose tracks.

Pose models sometimes label the left limbs as right for a frame or a few (most often in a
side view, where the far limbs are hidden). Each frame is compared with the last trusted
frame: if the mirrored labelling (every left landmark exchanged with its right twin) is
much closer to it than the labelling as given, the frame is swapped back. "Much closer"
is a cost ratio below ``max_cost_ratio`` (default 0.5), so ordinary movement, which moves
both labellings alike, is never mistaken for a swap.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from motionrehab.capture.landmarks import MIRROR_PERMUTATION

FloatArray = NDArray[np.float64]

_MIRROR = np.asarray(MIRROR_PERMUTATION)
#: landmarks that have a twin on the other side (everything but the nose)
_PAIRED = np.flatnonzero(_MIRROR != np.arange(_MIRROR.size))


def _cost(frame: FloatArray, reference: FloatArray) -> float:
    distance = np.linalg.norm(frame[_PAIRED] - reference[_PAIRED], axis=-1)
    distance = distance[np.isfinite(distance)]
    return float(distance.mean()) if distance.size else float("nan")


class SwapRepairer:
    """Incremental swap repair (the same decision live and offline).

    ``update(landmarks (33, 2), visibility (33,))`` returns the (possibly swapped back)
    landmarks and visibility, and whether this frame was swapped.
    """

    def __init__(self, max_cost_ratio: float = 0.5) -> None:
        self.max_cost_ratio = max_cost_ratio
        self._reference: FloatArray | None = None

    def update(self, landmarks_px: FloatArray, visibility: FloatArray) -> tuple[FloatArray, FloatArray, bool]:
        """Repair one frame."""
        frame = np.asarray(landmarks_px, dtype=np.float64)
        vis = np.asarray(visibility, dtype=np.float64)
        swapped = False
        if self._reference is not None:
            keep = _cost(frame, self._reference)
            mirror = _cost(frame[_MIRROR], self._reference)
            if np.isfinite(keep) and np.isfinite(mirror) and mirror < self.max_cost_ratio * keep:
                frame, vis, swapped = frame[_MIRROR], vis[_MIRROR], True
        if np.isfinite(frame[_PAIRED]).any():
            # the reference follows the repaired track; missing landmarks keep their last position
            self._reference = frame.copy() if self._reference is None else np.where(np.isfinite(frame), frame, self._reference)
        return frame, vis, swapped


def repair_swaps(landmarks_px: FloatArray, visibility: FloatArray, max_cost_ratio: float = 0.5) -> tuple[FloatArray, FloatArray, NDArray[np.int64]]:
    """Repair a whole (n, 33, 2) track. Returns landmarks, visibility and the indices of swapped frames."""
    repairer = SwapRepairer(max_cost_ratio)
    out = np.empty_like(np.asarray(landmarks_px, dtype=np.float64))
    vis_out = np.empty_like(np.asarray(visibility, dtype=np.float64))
    swapped: list[int] = []
    for i in range(out.shape[0]):
        out[i], vis_out[i], was_swapped = repairer.update(landmarks_px[i], visibility[i])
        if was_swapped:
            swapped.append(i)
    return out, vis_out, np.asarray(swapped, dtype=np.int64)
