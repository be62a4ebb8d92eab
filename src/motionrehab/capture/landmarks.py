"""MediaPipe Pose's 33 landmarks, by index and by their lower-case names.

Names follow MediaPipe's PoseLandmark enum (BlazePose GHUM topology). Index conventions
are those of docs/clinical-terms.md section 6: 0 nose, 11/12 shoulders, 23/24 hips,
25/26 knees, 27/28 ankles, 29/30 heels, 31/32 foot index (toes); odd = left, even = right.
"""

from __future__ import annotations

LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
N_LANDMARKS = len(LANDMARK_NAMES)
assert N_LANDMARKS == 33

#: index of each landmark by name, e.g. ``LANDMARK_INDEX["left_hip"] == 23``
LANDMARK_INDEX: dict[str, int] = {name: i for i, name in enumerate(LANDMARK_NAMES)}


def mirrored_index(index: int) -> int:
    """The index of the same landmark on the other side of the body (nose maps to itself).

    Used to undo left/right swaps. ``mirrored_index(23) == 24`` (left hip -> right hip).
    """
    name = LANDMARK_NAMES[index]
    if name.startswith("left_"):
        return LANDMARK_INDEX["right_" + name[len("left_") :]]
    if name.startswith("right_"):
        return LANDMARK_INDEX["left_" + name[len("right_") :]]
    if name == "mouth_left":
        return LANDMARK_INDEX["mouth_right"]
    if name == "mouth_right":
        return LANDMARK_INDEX["mouth_left"]
    return index


#: permutation that swaps every left landmark with its right twin
MIRROR_PERMUTATION: tuple[int, ...] = tuple(mirrored_index(i) for i in range(N_LANDMARKS))

#: the skeleton's bones as landmark index pairs, for drawing overlays
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (0, 11), (0, 12),
)  # fmt: skip
