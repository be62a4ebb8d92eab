"""--plot: the hinge and SLR pictures exist, are real PNGs, and mark what the analysis found."""

from __future__ import annotations

import numpy as np
import pytest

from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.cli.main import main
from motionrehab.measures.hip_hinge import HingeCriteria, analyze_hip_hinge_track
from motionrehab.measures.slr import measure_slr_track
from motionrehab.records.plots import hinge_figure, slr_figure
from motionrehab.synth.camera import PinholeCamera, Realism
from motionrehab.synth.exercises import HingeRep, SlrTrial, hip_hinge_set, supine_slr

PNG = b"\x89PNG\r\n\x1a\n"
REPS = [HingeRep(trunk_deg=65.0, knee_flexion_deg=20.0), HingeRep(trunk_deg=42.0, knee_flexion_deg=62.0, shin_deg=15.0),
        HingeRep(trunk_deg=66.0, knee_flexion_deg=20.0, eccentric_s=1.4)]  # fmt: skip
SLR_CAMERA = PinholeCamera(distance_m=4.0, height_m=0.6, roll_deg=10.0, target_m=(0.3, 0.6, 0.0), image_width_px=1920, image_height_px=1080)


def _markers(figure, marker: str) -> list:
    return [line for line in figure.axes[0].get_lines() if line.get_marker() == marker]


@pytest.fixture(scope="module")
def hinge():
    track = hip_hinge_set(REPS, camera=PinholeCamera(roll_deg=6.0), realism=Realism(), seed=1).track
    return track, analyze_hip_hinge_track(track, criteria=HingeCriteria(target_hip_flexion_deg=70.0, eccentric_s=3.0))


def test_the_hinge_picture_marks_every_rep_its_faults_phases_and_the_target(hinge):
    _, analysis = hinge
    result = analysis.result
    faulty = [rep for rep in result.repetitions if rep.faults]
    assert result.reps == 3 and len(faulty) == 2  # the squat and the rushed lowering
    figure = hinge_figure(analysis)
    assert len(_markers(figure, "o")) == 1 and len(_markers(figure, "X")) == 2
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert [text.split("\n")[0] for text in texts] == ["rep 1", "rep 2", "rep 3"] and all(any(f.replace("_", " ") in text for text in texts) for rep in faulty for f in rep.faults)
    spans = [p for p in figure.axes[0].patches]
    assert len(spans) >= 3 * 3 + 1  # lowering, hold, rising per rep and the target band
    assert figure.axes[0].get_legend_handles_labels()[1].count("target depth 70 ± 5 deg") == 1


def test_analyze_hip_hinge_plot_writes_a_png_beside_the_results(hinge, tmp_path, capsys):
    track, _ = hinge
    pose = write_pose_csv(tmp_path / "hinge_pose.csv", track)
    out = tmp_path / "out"
    assert main(["analyze", "hip-hinge", str(pose), "--target-depth-deg", "70", "--tempo", "3-1-2", "--out", str(out), "--plot"]) == 0
    png = out / "hinge_angle.png"
    assert png.read_bytes()[:8] == PNG and png.stat().st_size > 20_000 and png.stat().st_mode & 0o777 == 0o600
    assert "plots: hinge_angle.png" in capsys.readouterr().err
    assert main(["analyze", "hip-hinge", str(pose), "--plot"]) == 2
    assert "--plot needs an output folder" in capsys.readouterr().err


def test_the_slr_picture_marks_each_trial_peak_and_validity(tmp_path, capsys):
    recording = supine_slr([SlrTrial(60), SlrTrial(64), SlrTrial(62, knee_bend_deg=25)], side="left", camera=SLR_CAMERA, realism=Realism(), seed=3)
    analysis = measure_slr_track(recording.track, "left")
    trials = analysis.result.trials
    figure = slr_figure(analysis)
    valid = [t for t in trials if t.valid]
    assert len(trials) == 3 and len(_markers(figure, "o")) == len(valid) and len(_markers(figure, "X")) == 3 - len(valid) >= 1
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert [text.split(":")[0] for text in texts] == ["trial 1", "trial 2", "trial 3"] and "knee" in texts[2]
    peaks = [line.get_ydata()[0] for line in figure.axes[0].get_lines() if line.get_marker() in ("o", "X")]
    assert np.allclose(sorted(peaks), sorted(t.peak_deg for t in trials))
    pose = write_pose_csv(tmp_path / "slr_pose.csv", recording.track)
    assert main(["measure", "slr", str(pose), "--side", "left", "--out", str(tmp_path / "out"), "--plot"]) == 0
    png = tmp_path / "out" / "slr_left_trials.png"
    assert png.read_bytes()[:8] == PNG and png.stat().st_size > 20_000


def test_the_gait_pictures_mark_every_detected_event_and_average_each_sides_strides(tmp_path, capsys):
    from motionrehab.capture.pose_csv import read_pose_csv
    from motionrehab.measures.gait_video import analyze_video_gait
    from motionrehab.records.plots import VideoGaitRun, gait_cycle_figure, gait_event_figure
    from motionrehab.synth.exercises import walk

    recording = walk(strides=6, camera=PinholeCamera(distance_m=5.0), realism=Realism(), seed=4)
    pose = write_pose_csv(tmp_path / "walk_pose.csv", recording.track)
    tracks = read_pose_csv(pose)
    run = VideoGaitRun(tuple(tracks.values()), analyze_video_gait(tracks, height_m=1.70))
    events = gait_event_figure(run)
    for ax, side in zip(events.axes, ("left", "right"), strict=True):
        strides = [s for s in run.result.strides if s.side == side]
        assert strides, side
        (ic,) = [line for line in ax.get_lines() if line.get_marker() == "v"]
        (fc,) = [line for line in ax.get_lines() if line.get_marker() == "^"]
        assert len(ic.get_xdata()) == len({s.t_ic_s for s in strides} | {s.t_next_ic_s for s in strides})
        assert len(fc.get_xdata()) == len({s.t_fc_s for s in strides if s.t_fc_s is not None})
    cycle = gait_cycle_figure(run)
    for ax in cycle.axes:  # strides whose angles were measured over at least 80 % of the cycle (here the middle of the walk)
        labels = ax.get_legend_handles_labels()[1]
        counts = [int(label.split("n=")[1].split()[0]) for label in labels]
        assert [label.split()[0] for label in labels] == ["left", "right"]
        assert all(2 <= n <= sum(s.side == side for s in run.result.strides) for n, side in zip(counts, ("left", "right"), strict=True))
    knee_left = cycle.axes[1].get_lines()[0].get_ydata()
    assert knee_left.max() - knee_left.min() > 15.0 and np.argmax(knee_left) > 50  # the knee bends most in swing, after toe-off
    out = tmp_path / "out"
    assert main(["analyze", "gait", str(pose), "--height-m", "1.70", "--out", str(out), "--plot"]) == 0
    assert "plots: gait_events.png, gait_cycle.png" in capsys.readouterr().err
    for name in ("gait_events.png", "gait_cycle.png"):
        assert (out / name).read_bytes()[:8] == PNG and (out / name).stat().st_size > 20_000
