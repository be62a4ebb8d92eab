"""The hip-hinge measure from Python: a pose-track CSV in, repetitions with faults and cues out.

Any pose-track CSV works (`motionrehab pose VIDEO --out DIR` writes one); without one this
example films a synthetic set first, so it runs anywhere:

    .venv/bin/python examples/hinge_set_in_python.py [POSE_CSV]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from motionrehab.capture.pose_csv import read_pose_csv, write_pose_csv
from motionrehab.measures.hip_hinge import HingeCriteria, analyze_hip_hinge_track
from motionrehab.synth.camera import Realism
from motionrehab.synth.exercises import HingeRep, hip_hinge_set


def main(argv: list[str]) -> int:
    if argv:
        csv_path = Path(argv[0])
    else:
        reps = [HingeRep(), HingeRep(eccentric_s=1.5), HingeRep(knee_flexion_deg=60.0, trunk_deg=40.0, shin_deg=15.0)]
        csv_path = write_pose_csv(Path(tempfile.mkdtemp()) / "hinge.csv", [hip_hinge_set(reps, realism=Realism(), seed=3).track])
    track = read_pose_csv(csv_path)[0]
    # the prescription: hinge to 70 deg of hip flexion, lower over 3 s
    analysis = analyze_hip_hinge_track(track, criteria=HingeCriteria(target_hip_flexion_deg=70.0, eccentric_s=3.0))
    result = analysis.result
    print(f"{result.reps} reps, {result.view} view ({result.side} side to the camera); {result.explanation()}")
    for rep in result.repetitions:
        print(f"rep {rep.index + 1}: lowered in {rep.eccentric_s:.1f} s to {rep.peak_hip_flexion_deg:.0f} deg of hip flexion, "
              f"knees {rep.knee_flexion_at_bottom_deg:.0f} deg -> score {rep.score}: {rep.cue}")  # fmt: skip
    print("notes:", "; ".join(result.notes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
