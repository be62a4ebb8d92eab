"""Pictures of one analysis, as PNG files beside its results (``--plot`` on analyze/measure commands).

- Hip hinge: the driving angle (hip flexion of the side facing the camera; trunk inclination
  in a front view) over time, each repetition shaded by phase (lowering, hold at the bottom,
  rising), the prescribed depth as a band, each repetition's deepest point marked green
  (within criteria) or red with its faults named.
- Straight-leg raise: the raised leg's elevation over time, each trial's span shaded, its
  peak marked and labelled with the angle and whether the trial is valid (and why not).
- Gait from a pose track: heel and toe horizontal positions over time per side with the
  detected initial contacts (on the heel) and final contacts (on the toe); and hip and knee
  flexion over the gait cycle (0-100 % from one initial contact to the next of the same foot),
  mean ± SD of the strides, per side.

matplotlib is imported when a picture is drawn (Agg, no screen). Measures never import this
module; the CLI does, after the analysis.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from motionrehab._files import make_private_dir, open_private
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.measures.gait import GaitResult
from motionrehab.measures.hip_hinge import HingeAnalysis
from motionrehab.measures.slr import SlrCameraAnalysis

_PHASE_COLOURS = {"lowering": "#9ecae1", "hold": "#fdd0a2", "rising": "#dadaeb"}


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    return matplotlib.pyplot


def _save(figure: Any, path: Path) -> Path:
    with open_private(path, "wb") as handle:
        figure.savefig(handle, format="png", dpi=110, bbox_inches="tight")
    _pyplot().close(figure)
    return path


def plot_hinge(analysis: HingeAnalysis, path: str | os.PathLike[str]) -> Path:
    """PNG of a hinge set: driving angle, repetitions by phase, target band, faults (see the module docstring)."""
    return _save(hinge_figure(analysis), Path(path))


def hinge_figure(analysis: HingeAnalysis) -> Any:
    """The matplotlib figure of :func:`plot_hinge` (for tests and notebooks)."""
    result, angles = analysis.result, analysis.measurement.angles
    column = f"{result.side}_hip_flexion_deg" if result.view == "side" and f"{result.side}_hip_flexion_deg" in angles else "trunk_inclination_deg"
    t, angle = angles.t_s, angles[column]
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(9.0, 4.0))
    axes.plot(t, angle, color="#1f3b73", linewidth=1.4, label=column)
    target = result.criteria.target_hip_flexion_deg if column.endswith("hip_flexion_deg") else result.criteria.target_trunk_inclination_deg
    if target is not None:
        tolerance = result.criteria.depth_tolerance_deg
        axes.axhspan(target - tolerance, target + tolerance, color="#2ca02c", alpha=0.12, label=f"target depth {target:.0f} ± {tolerance:.0f} deg")
    labelled: set[str] = set()
    for rep in result.repetitions:
        bounds = (rep.t_start_s, rep.t_start_s + rep.eccentric_s, rep.t_start_s + rep.eccentric_s + rep.pause_s, rep.t_end_s)
        for (start, end), phase in zip(zip(bounds[:-1], bounds[1:], strict=True), _PHASE_COLOURS, strict=True):
            if end > start:
                axes.axvspan(start, end, color=_PHASE_COLOURS[phase], alpha=0.6, label=None if phase in labelled else phase)
                labelled.add(phase)
        axes.axvline(rep.t_start_s, color="#555555", linewidth=0.6)
        axes.axvline(rep.t_end_s, color="#555555", linewidth=0.6)
        inside = (t >= rep.t_start_s) & (t <= rep.t_end_s) & np.isfinite(angle)
        if inside.any():
            k = int(np.flatnonzero(inside)[np.argmax(angle[inside])])
            good = not rep.faults
            axes.plot(t[k], angle[k], marker="o" if good else "X", markersize=9, color="#2ca02c" if good else "#d62728",
                      label=None if ("ok" if good else "fault") in labelled else ("rep within criteria" if good else "rep with a fault"))  # fmt: skip
            labelled.add("ok" if good else "fault")
            text = f"rep {rep.index + 1}" + ("" if good else "\n" + "\n".join(f.replace("_", " ") for f in rep.faults))
            axes.annotate(text, (t[k], angle[k]), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8,
                          color="#222222" if good else "#d62728")  # fmt: skip
    finite = angle[np.isfinite(angle)]
    axes.set_ylim(top=(float(finite.max()) if finite.size else 90.0) + 8.0 * (1 + max((len(r.faults) for r in result.repetitions), default=0)))
    axes.set_xlabel("time (s)")
    axes.set_ylabel(column.replace("_deg", "").replace("_", " ") + " (deg)")
    axes.set_title(f"Hip hinge: {result.reps} repetitions, {result.view} view, {result.side} side", fontsize=10)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4, fontsize=8, frameon=False)
    axes.grid(alpha=0.3)
    return figure


def plot_slr(analysis: SlrCameraAnalysis, path: str | os.PathLike[str]) -> Path:
    """PNG of straight-leg raises: leg elevation, each trial's span, peak and validity (see the module docstring)."""
    return _save(slr_figure(analysis), Path(path))


def slr_figure(analysis: SlrCameraAnalysis) -> Any:
    """The matplotlib figure of :func:`plot_slr` (for tests and notebooks)."""
    result, angles = analysis.result, analysis.measurement.angles
    column = f"{result.side}_leg_elevation_deg" if result.leg_axis == "hip_ankle" else f"{result.side}_hip_flexion_deg"
    t, leg = angles.t_s, angles[column]
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(9.0, 4.0))
    axes.plot(t, leg, color="#1f3b73", linewidth=1.4, label=column)
    labelled: set[str] = set()
    for trial in result.trials:
        good = trial.valid
        axes.axvspan(trial.t_start_s, trial.t_end_s, color="#c7e9c0" if good else "#fcbba1", alpha=0.5,
                     label=None if ("v" if good else "i") in labelled else ("valid trial" if good else "invalid trial"))  # fmt: skip
        labelled.add("v" if good else "i")
        if trial.peak_deg is not None:
            axes.plot(trial.t_peak_s, trial.peak_deg, marker="o" if good else "X", markersize=9, color="#2ca02c" if good else "#d62728")
            why = "valid" if good else "invalid: " + ", ".join(r.replace("_", " ") for r in trial.invalid_reasons)
            axes.annotate(f"trial {trial.index + 1}: {trial.peak_deg:.1f} deg\n{why}", (trial.t_peak_s, trial.peak_deg), textcoords="offset points",
                          xytext=(0, 10), ha="center", fontsize=8, color="#222222" if good else "#d62728")  # fmt: skip
        if trial.onset_t_s is not None and trial.onset_deg is not None:
            axes.plot(trial.onset_t_s, trial.onset_deg, marker="v", color="#ff7f0e", label=None if "o" in labelled else "symptom onset")
            labelled.add("o")
    axes.set_xlabel("time (s)")
    axes.set_ylabel(f"{result.side} leg elevation (deg)" if result.leg_axis == "hip_ankle" else f"{result.side} hip flexion (deg)")
    axes.set_title(f"Straight-leg raise, {result.side} leg: {len(result.trials)} trials", fontsize=10)
    top = max([trial.peak_deg for trial in result.trials if trial.peak_deg is not None], default=90.0)
    axes.set_ylim(top=top + 20)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=4, fontsize=8, frameon=False)
    axes.grid(alpha=0.3)
    return figure


@dataclass(frozen=True)
class VideoGaitRun:
    """A gait analysis from a pose-track file and the tracks it read (what the gait pictures need)."""

    tracks: tuple[PoseTrack, ...]
    result: GaitResult


@dataclass(frozen=True)
class VideoGaitFile:
    """A gait analysis of a pose-track file (CSV or Parquet): the tracks are read again only to draw."""

    path: Path
    result: GaitResult


_SIDE_COLOURS = {"left": "#1f77b4", "right": "#d62728"}


def _walker(run: VideoGaitRun) -> PoseTrack:
    from motionrehab.events.gait_events import ZeniEventDetector
    from motionrehab.measures.gait_video import select_walking_person

    index, _, _ = select_walking_person(run.tracks, ZeniEventDetector())  # the person the analysis chose
    return run.tracks[index]


def gait_event_figure(run: VideoGaitRun) -> Any:
    """Heel and toe x (px) over time per side, initial contacts on the heel, final contacts on the toe."""
    track = _walker(run)
    plt = _pyplot()
    figure, axes = plt.subplots(2, 1, figsize=(9.0, 5.5), sharex=True)
    for ax, side in zip(axes, ("left", "right"), strict=True):
        heel, toe = track.landmark_px(f"{side}_heel")[:, 0], track.landmark_px(f"{side}_foot_index")[:, 0]
        colour = _SIDE_COLOURS[side]
        ax.plot(track.t_s, heel, color=colour, linewidth=1.2, label=f"{side} heel")
        ax.plot(track.t_s, toe, color=colour, linewidth=1.0, linestyle="--", label=f"{side} toe")
        strides = [s for s in run.result.strides if s.side == side]
        contacts = sorted({s.t_ic_s for s in strides} | {s.t_next_ic_s for s in strides})
        offs = sorted({s.t_fc_s for s in strides if s.t_fc_s is not None})
        ax.plot(contacts, np.interp(contacts, track.t_s, heel), "v", color="black", markersize=7, label="initial contact")
        ax.plot(offs, np.interp(offs, track.t_s, toe), "^", color="#ff7f0e", markersize=7, label="final contact")
        ax.set_ylabel("image x (px)")
        ax.set_title(f"{side}: {len(contacts)} initial contacts, {len(offs)} final contacts", fontsize=9)
        ax.legend(loc="upper left", fontsize=8, ncol=4, frameon=False)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("time (s)")
    return figure


def _normalised(t_s: Any, values: Any, start_s: float, end_s: float, points: int, min_finite: float = 0.8) -> Any:
    """``values`` over [start_s, end_s] resampled to ``points`` samples; None when under ``min_finite`` of the stride was measured."""
    inside = (t_s >= start_s) & (t_s <= end_s)
    finite = inside & np.isfinite(values)
    if not inside.any() or finite.sum() < max(2, min_finite * inside.sum()):
        return None
    return np.interp(np.linspace(start_s, end_s, points), t_s[finite], values[finite])


def gait_cycle_figure(run: VideoGaitRun, *, points: int = 101) -> Any:
    """Hip and knee flexion over the gait cycle, mean ± SD of each side's strides."""
    from motionrehab.kinematics.measure import measure_angles

    angles = measure_angles(_walker(run)).angles
    cycle = np.linspace(0.0, 100.0, points)
    plt = _pyplot()
    figure, axes = plt.subplots(1, 2, figsize=(9.0, 3.6))
    for ax, joint in zip(axes, ("hip", "knee"), strict=True):
        for side in ("left", "right"):
            values = angles[f"{side}_{joint}_flexion_deg"]
            curves = [c for s in run.result.strides if s.side == side
                      if (c := _normalised(angles.t_s, values, s.t_ic_s, s.t_next_ic_s, points)) is not None]  # fmt: skip
            if not curves:
                continue
            stack = np.vstack(curves)
            mean, sd = stack.mean(axis=0), stack.std(axis=0, ddof=1) if len(curves) > 1 else np.zeros(points)
            ax.plot(cycle, mean, color=_SIDE_COLOURS[side], label=f"{side} (n={len(curves)} strides)")
            ax.fill_between(cycle, mean - sd, mean + sd, color=_SIDE_COLOURS[side], alpha=0.2)
        ax.set_xlabel("gait cycle (% from initial contact)")
        ax.set_ylabel(f"{joint} flexion (deg)")
        ax.set_title(f"{joint.capitalize()} flexion, mean ± SD", fontsize=10)
        ax.legend(fontsize=8, frameon=False)
        ax.grid(alpha=0.3)
    figure.tight_layout()
    return figure


def write_plots(analysis: Any, folder: str | os.PathLike[str]) -> list[Path]:
    """The pictures of ``analysis`` (a command's returned analysis) into ``folder``; [] for kinds without a picture yet."""
    out = make_private_dir(folder)
    if isinstance(analysis, HingeAnalysis):
        return [plot_hinge(analysis, out / "hinge_angle.png")]
    if isinstance(analysis, SlrCameraAnalysis):
        return [plot_slr(analysis, out / f"slr_{analysis.result.side}_trials.png")]
    if isinstance(analysis, VideoGaitFile):
        from motionrehab.capture.pose_parquet import read_pose_file

        analysis = VideoGaitRun(tuple(read_pose_file(analysis.path).values()), analysis.result)
    if isinstance(analysis, VideoGaitRun):
        return [_save(gait_event_figure(analysis), out / "gait_events.png"), _save(gait_cycle_figure(analysis), out / "gait_cycle.png")]
    return []
