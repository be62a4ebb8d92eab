"""Gait benchmark.

1. 24 h of 100 Hz synthetic foot-IMU sitting and walking: analysis time and memory
   (targets: < 10 s, < 1 GB), run in a child process so its peak RSS is its own.
2. gaitmap's example recording (204.8 Hz, both feet, mocap reference): motionrehab and
   gaitmap (PyPI; BarthDtw + RamppEventDetection + StrideLevelTrajectory, the pipeline of
   gaitmap's README) side by side: event errors, stride time and stride length errors
   (mean, SD, Bland-Altman limits of agreement) against the reference, and run times.
   gaitmap runs in a separate venv (default /work/gaitmap-venv, or $GAITMAP_PYTHON)
   through a subprocess, so the project venv is not disturbed. Its BarthDtw and
   RamppEventDetection live in the AGPL-3.0 package gaitmap_mad: installed only in that
   benchmark venv, never a motionrehab dependency.

Run: .venv/bin/python benchmarks/bench_gait.py [--hours 24] [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import resource
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FS_GAITMAP = 204.8

GAITMAP_SCRIPT = textwrap.dedent(
    """
    import json, sys, time
    import pandas as pd
    t0 = time.perf_counter()
    from gaitmap.event_detection import RamppEventDetection
    from gaitmap.parameters import SpatialParameterCalculation, TemporalParameterCalculation
    from gaitmap.stride_segmentation import BarthDtw
    from gaitmap.trajectory_reconstruction import StrideLevelTrajectory
    from gaitmap.utils.coordinate_conversion import convert_to_fbf
    import_s = time.perf_counter() - t0
    fs = 204.8
    data = pd.read_csv(sys.argv[1], header=[0, 1], index_col=0)

    def pipeline():
        bf = convert_to_fbf(data, left_like="left_", right_like="right_")
        dtw = BarthDtw().segment(data=bf, sampling_rate_hz=fs)
        ed = RamppEventDetection().detect(data=bf, stride_list=dtw.stride_list_, sampling_rate_hz=fs)
        traj = StrideLevelTrajectory().estimate(data=data, stride_event_list=ed.min_vel_event_list_, sampling_rate_hz=fs)
        temporal = TemporalParameterCalculation().calculate(stride_event_list=ed.min_vel_event_list_, sampling_rate_hz=fs)
        spatial = SpatialParameterCalculation().calculate(
            stride_event_list=ed.min_vel_event_list_, positions=traj.position_, orientations=traj.orientation_,
            sampling_rate_hz=fs)
        return ed, temporal, spatial

    times = []
    for _ in range(2):
        t1 = time.perf_counter()
        ed, temporal, spatial = pipeline()
        times.append(time.perf_counter() - t1)
    out = {"import_s": import_s, "first_run_s": times[0], "second_run_s": times[1], "sides": {}}
    for side in ("left_sensor", "right_sensor"):
        events = ed.min_vel_event_list_[side]
        tp, sp = temporal.parameters_[side], spatial.parameters_[side]
        out["sides"][side.split("_")[0]] = [
            {"pre_ic": float(r["pre_ic"]), "ic": float(r["ic"]), "tc": float(r["tc"]),
             "stride_time_s": float(tp.loc[i, "stride_time"]), "stride_length_m": float(sp.loc[i, "stride_length"])}
            for i, r in events.iterrows()
        ]
    print(json.dumps(out))
    """
)


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter (VmHWM) of this process (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child_day(hours: float) -> None:
    """Generate and analyse a synthetic day; print one JSON line (run in a child process)."""
    from motionrehab.measures.gait_imu import analyze_foot_imu
    from motionrehab.synth.foot_imu import synthesize_foot_day

    t0 = time.perf_counter()
    day = synthesize_foot_day(hours)
    generate_s = time.perf_counter() - t0
    rss_after_generation = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    data_mb = (day.recording.t_s.nbytes + day.recording.acc_m_s2.nbytes + day.recording.gyr_deg_s.nbytes) / 2**20
    gc.collect()
    reset = _reset_peak_rss()
    t1 = time.perf_counter()
    result = analyze_foot_imu([day.recording])
    analyse_s = time.perf_counter() - t1
    analysis_peak_rss = _peak_rss_mb() if reset else float("nan")
    # a second run under tracemalloc: memory allocated by the analysis itself (slow, not timed)
    tracemalloc.start()
    analyze_foot_imu([day.recording])
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    lengths = np.array([s.stride_length_m for s in result.strides])
    print(json.dumps({
        "samples": day.recording.n_samples,
        "walking_bouts": int(day.recording.source.split(", ")[-1].split()[0]),
        "true_strides": int(day.stride_length_m.size),
        "found_strides": len(result.strides),
        "stride_length_error_pct": float(100 * (lengths.mean() - day.stride_length_m.mean()) / day.stride_length_m.mean()),
        "generate_s": generate_s,
        "analyse_s": analyse_s,
        "data_mb": data_mb,
        "analysis_traced_peak_mb": traced_peak / 2**20,
        "rss_after_generation_mb": rss_after_generation,
        "analysis_peak_rss_mb": analysis_peak_rss,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))  # fmt: skip


def _stats(errors: np.ndarray) -> str:
    mean, sd = float(np.mean(errors)), float(np.std(errors, ddof=1))
    return f"{mean:+.3f} +- {sd:.3f} (LoA {mean - 1.96 * sd:+.3f} .. {mean + 1.96 * sd:+.3f})"


def _reference(shared: Path) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    with open(shared / "gaitmap" / "stride_events_sample.csv", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row["foot"] == "left"]
    events = {key: np.array([float(row[key]) for row in rows]) for key in ("pre_ic", "ic", "tc")}
    spatial = json.loads((shared / "gaitmap" / "reference_spatial_parameters_left_sensor.json").read_text())
    temporal = json.loads((shared / "gaitmap" / "reference_temporal_parameters_left_sensor.json").read_text())
    return events, np.array([r["stride_length"] for r in spatial["data"]]), np.array([r["stride_time"] for r in temporal["data"]])


def _compare(name: str, strides: list[dict[str, float]], ref: dict[str, np.ndarray], ref_len: np.ndarray,
             ref_time: np.ndarray, run_s: float) -> None:
    starts = np.array([s["pre_ic"] for s in strides])
    matched, index = [], []
    for k, x in enumerate(ref["pre_ic"]):
        j = int(np.argmin(np.abs(starts - x))) if starts.size else -1
        if j >= 0 and abs(starts[j] - x) <= 40:  # same stride (strides are ~220 samples long)
            matched.append(strides[j])
            index.append(k)
    idx = np.array(index)
    ic_err = np.array([m["ic"] for m in matched]) - ref["ic"][idx]
    tc_err = np.array([m["tc"] for m in matched]) - ref["tc"][idx]
    time_err_ms = (np.array([m["stride_time_s"] for m in matched]) - ref_time[idx]) * 1000
    len_err = np.array([m["stride_length_m"] for m in matched]) - ref_len[idx]
    total = sum(m["stride_length_m"] for m in matched)
    print(f"  {name}")
    print(f"    left strides matched to the 28 reference strides: {len(matched)}")
    print(f"    IC within +-10 samples: {np.mean(np.abs(ic_err) <= 10) * 100:.0f} %  (error {_stats(ic_err)} samples)")
    print(f"    TC within +-10 samples: {np.mean(np.abs(tc_err) <= 10) * 100:.0f} %  (error {_stats(tc_err)} samples)")
    print(f"    stride time error (ms): {_stats(time_err_ms)}")
    print(f"    stride length error (m): {_stats(len_err)};  mean = {100 * len_err.mean() / ref_len[idx].mean():+.2f} % of mean")
    print(f"    |stride length error| median {np.median(np.abs(len_err) / ref_len[idx]) * 100:.1f} %")
    print(f"    left distance over matched strides: {total:.2f} m (reference {ref_len[idx].sum():.2f} m)")
    print(f"    run time: {run_s * 1000:.0f} ms")


def gaitmap_comparison(shared: Path, gaitmap_python: Path) -> None:
    """Both tools on gaitmap's example recording, errors against the mocap reference."""
    from motionrehab.measures.gait_imu import analyze_foot_imu
    from motionrehab.sensors.imu_csv import read_gaitmap_imu_csv

    path = shared / "gaitmap" / "imu_sample.csv"
    ref, ref_len, ref_time = _reference(shared)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        recordings = [read_gaitmap_imu_csv(path, side) for side in ("left", "right")]
        result = analyze_foot_imu(recordings)
        times.append(time.perf_counter() - t0)
    ours = [
        {"pre_ic": s.t_ic_s * FS_GAITMAP, "ic": s.t_next_ic_s * FS_GAITMAP, "tc": (s.t_fc_s or np.nan) * FS_GAITMAP,
         "stride_time_s": s.stride_time_s, "stride_length_m": s.stride_length_m or np.nan}
        for s in result.strides if s.side == "left"
    ]  # fmt: skip
    print("\ngaitmap example recording (left foot vs mocap reference)")
    _compare("motionrehab (read + events + ZUPT, both feet; best of 3)", ours, ref, ref_len, ref_time, min(times))
    if not gaitmap_python.is_file():
        print(f"  gaitmap: not run ({gaitmap_python} not found; python3 -m venv /work/gaitmap-venv && "
              "/work/gaitmap-venv/bin/pip install gaitmap gaitmap_mad)")  # fmt: skip
        return
    done = subprocess.run([str(gaitmap_python), "-c", GAITMAP_SCRIPT, str(path)], capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    if done.returncode != 0:
        print(f"  gaitmap failed: {done.stderr.strip().splitlines()[-1] if done.stderr else done.returncode}")
        return
    out = json.loads(done.stdout.strip().splitlines()[-1])
    _compare("gaitmap 2.6 (BarthDtw + RamppEventDetection + StrideLevelTrajectory; 2nd run)", out["sides"]["left"],
             ref, ref_len, ref_time, out["second_run_s"])  # fmt: skip
    print(f"    gaitmap first run (numba compilation) {out['first_run_s']:.1f} s, import {out['import_s']:.1f} s")
    print(f"  run time ratio gaitmap / motionrehab: {out['second_run_s'] / min(times):.1f}")


def main() -> None:
    """Run both parts and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("MOTIONREHAB_SHARED", ROOT.parent / "shared")) / "data")
    parser.add_argument("--gaitmap-python", type=Path,
                        default=Path(os.environ.get("GAITMAP_PYTHON", "/work/gaitmap-venv/bin/python")))
    parser.add_argument("--child-day", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_day:
        child_day(args.child_day)
        return
    print(f"Synthetic foot IMU, {args.hours:g} h at 100 Hz (sitting + walking bouts), analysed in a child process")
    done = subprocess.run([sys.executable, __file__, "--child-day", str(args.hours)], capture_output=True, text=True,
                          check=True)  # fmt: skip
    day = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  samples {day['samples']:,}, walking bouts {day['walking_bouts']}, strides true {day['true_strides']}, "
          f"found {day['found_strides']}, mean stride length error {day['stride_length_error_pct']:+.2f} %")  # fmt: skip
    print(f"  generate {day['generate_s']:.1f} s; ANALYSE {day['analyse_s']:.2f} s (target < 10 s, "
          f"ratio to target {day['analyse_s'] / 10:.2f})")  # fmt: skip
    print(f"  memory during analysis: peak RSS {day['analysis_peak_rss_mb']:.0f} MB (VmHWM reset after generation; "
          f"includes the {day['data_mb']:.0f} MB recording; target < 1024 MB, ratio {day['analysis_peak_rss_mb'] / 1024:.2f})")
    print(f"  allocated by the analysis itself (tracemalloc peak): {day['analysis_traced_peak_mb']:.0f} MB")  # fmt: skip
    print(f"  (the synthetic generator itself peaked at {day['rss_after_generation_mb']:.0f} MB RSS before the analysis)")
    if args.shared.is_dir():
        gaitmap_comparison(args.shared, args.gaitmap_python)
    else:
        print(f"\n{args.shared} not found: gaitmap comparison skipped")


if __name__ == "__main__":
    main()
