"""Lower-back gait: motionrehab and mobgap (Mobilise-D algorithms) side by side, one run.

On mobgap's two lab trials (stereophotogrammetric reference) and the APDM two-minute
walk (foot-sensor swings, 16 turns), both sides' figures: steps, bout start/end,
cadence, and run time. mobgap (Apache-2.0, PyPI `mobgap`, the `bench` extra) runs its
GsdIluz gait-sequence detection, IcdShinImproved contacts and LrcMcCamley sides per
sequence, and its whole Mobilise-D pipeline (MobilisedPipelineHealthy / Impaired, with its
walking-bout assembly, cadence, stride length and speed); it is a reference here, not a
dependency of motionrehab. mobgap's first call compiles (numba): its time is reported
separately from a warm run.

Run: .venv/bin/python benchmarks/bench_lumbar_gait.py [--shared ../shared/data]
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path

import numpy as np

from motionrehab.measures.gait_imu import analyze_lower_back_imu
from motionrehab.sensors.apdm_h5 import read_apdm_h5
from motionrehab.sensors.imu_csv import read_mobgap_imu_csv

ROOT = Path(__file__).resolve().parents[1]


def mobgap_run(acc, gyr, fs):
    """mobgap on body-frame data (x up, y right, z forward): sequences, contacts, sides, seconds."""
    import pandas as pd
    from mobgap.gait_sequences import GsdIluz
    from mobgap.initial_contacts import IcdShinImproved
    from mobgap.laterality import LrcMcCamley

    data = pd.DataFrame({"acc_is": acc[:, 0], "acc_ml": acc[:, 1], "acc_pa": acc[:, 2],
                         "gyr_is": gyr[:, 0], "gyr_ml": gyr[:, 1], "gyr_pa": gyr[:, 2]})  # fmt: skip
    start = time.perf_counter()
    sequences = GsdIluz().detect(data, sampling_rate_hz=fs).gs_list_
    out = []
    for _, gs in sequences.iterrows():
        part = data.iloc[int(gs.start) : int(gs.end)].reset_index(drop=True)
        ics = IcdShinImproved().detect(part, sampling_rate_hz=fs).ic_list_
        sides = LrcMcCamley().predict(part, ics, sampling_rate_hz=fs).ic_lr_list_ if len(ics) else ics
        out.append((int(gs.start) / fs, int(gs.end) / fs, (ics["ic"].to_numpy() + int(gs.start)) / fs,
                    list(sides.get("lr_label", []))))  # fmt: skip
    return out, time.perf_counter() - start


def mobgap_pipeline(acc, gyr, fs, height_m, sensor_height_m, cohort):
    """mobgap's full Mobilise-D pipeline on sensor-frame data (x up, y right, z forward)."""
    import pandas as pd
    from mobgap.data import GaitDatasetFromData
    from mobgap.pipeline import MobilisedPipelineHealthy, MobilisedPipelineImpaired

    data = pd.DataFrame({"acc_x": acc[:, 0], "acc_y": acc[:, 1], "acc_z": acc[:, 2],
                         "gyr_x": gyr[:, 0], "gyr_y": gyr[:, 1], "gyr_z": gyr[:, 2]})  # fmt: skip
    dataset = GaitDatasetFromData({"trial": {"LowerBack": data}}, fs,
                                  {"trial": {"height_m": height_m, "sensor_height_m": sensor_height_m, "cohort": cohort}},
                                  {"trial": {"measurement_condition": "laboratory"}})  # fmt: skip
    pipeline = MobilisedPipelineHealthy() if cohort == "HA" else MobilisedPipelineImpaired()
    start = time.perf_counter()
    result = pipeline.safe_run(dataset[0])
    return result.per_wb_parameters_, time.perf_counter() - start


def show_pipeline(wbs, seconds, fs):
    if len(wbs) == 0:
        print(f"  mobgap pipeline: no walking bout, {seconds:.2f} s")
    for _, wb in wbs.iterrows():
        print(f"  mobgap pipeline: {int(wb.n_raw_initial_contacts)} contacts, bout {wb.start / fs:.2f}-{wb.end / fs:.2f} s, "
              f"cadence {wb.cadence_spm:.1f}, speed {wb.walking_speed_mps:.2f} m/s, {seconds:.2f} s")


def ours(recording):
    start = time.perf_counter()
    result = analyze_lower_back_imu(recording)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    t_cold = mobgap_pipeline(*_mobgap_arrays(args.shared / "mobgap" / "MS_001_Test5_Trial1"), 100.0, 1.68, 0.975, "MS")[1]
    print(f"mobgap pipeline first call (numba compilation included): {t_cold:.1f} s")
    for trial in ("HA_002_Test5_Trial2", "MS_001_Test5_Trial1"):
        folder = args.shared / "mobgap" / trial
        recording, meta = read_mobgap_imu_csv(folder)
        with open(folder / "reference_stereophoto_wb.csv") as handle:
            (wb,) = list(csv.DictReader(handle))
        with open(folder / "reference_stereophoto_ic.csv") as handle:
            n_ref = len(list(csv.DictReader(handle)))
        result, t_ours = ours(recording)
        seqs, t_mobgap = mobgap_run(recording.acc_m_s2, recording.gyr_deg_s, 100.0)
        print(f"{trial}: reference {n_ref} steps, bout {int(wb['start']) / 100:.2f}-{(int(wb['end']) - 1) / 100:.2f} s, "
              f"cadence {float(wb['avg_cadence_spm']):.1f}")
        for bout in result.bouts:
            print(f"  motionrehab: {bout.steps} steps ({bout.left_steps} L / {bout.right_steps} R), "
                  f"bout {bout.t_start_s:.2f}-{bout.t_end_s:.2f} s, cadence {bout.cadence_steps_per_min:.1f}, {t_ours * 1000:.0f} ms")
        for start, end, ics, sides in seqs:
            inside = ics[(ics >= start) & (ics < end)]
            print(f"  mobgap:      {inside.size} contacts ({sides.count('left')} L / {sides.count('right')} R) in "
                  f"sequence {start:.2f}-{end:.2f} s, first-last contact {inside[0]:.2f}-{inside[-1]:.2f} s, "
                  f"{t_mobgap * 1000:.0f} ms")
        print(f"  run time ratio mobgap parts / motionrehab: {t_mobgap / t_ours:.1f}")
        wbs, t_pipe = mobgap_pipeline(recording.acc_m_s2, recording.gyr_deg_s, 100.0, float(meta["height_m"]),
                                      float(meta["sensor_height_m"]), trial[:2])  # fmt: skip
        show_pipeline(wbs, t_pipe, 100.0)
        print(f"  run time ratio mobgap pipeline / motionrehab: {t_pipe / t_ours:.0f}")
    path = args.shared / "apdm_2mwt" / "recording.h5"
    (lumbar,) = read_apdm_h5(path, placement="lower_back")
    with open(args.shared / "apdm_2mwt" / "reference_foot_swings.csv") as handle:
        n_swings = len(list(csv.DictReader(handle)))
    result, t_ours = ours(lumbar)
    # APDM lumbar (x down, y right, z back) -> mobgap body frame (x up, y right, z forward)
    flip = np.array([-1.0, 1.0, -1.0])
    seqs, t_mobgap = mobgap_run(lumbar.acc_m_s2 * flip, lumbar.gyr_deg_s * flip, lumbar.sampling_rate_hz)
    print(f"APDM 2MWT: reference {n_swings} foot swings, 16 turns")
    print(f"  motionrehab: {result.steps} steps ({result.steps / n_swings - 1:+.1%}), {len(result.bouts)} bouts, "
          f"{len(result.turns)} turns, cadence {result.cadence_steps_per_min:.1f}, {t_ours * 1000:.0f} ms")
    n_mobgap = sum(ics.size for _, _, ics, _ in seqs)
    print(f"  mobgap:      {n_mobgap} contacts ({n_mobgap / n_swings - 1:+.1%}) in {len(seqs)} gait sequences, "
          f"{t_mobgap * 1000:.0f} ms")
    print(f"  run time ratio mobgap parts / motionrehab: {t_mobgap / t_ours:.1f}")
    wbs, t_pipe = mobgap_pipeline(lumbar.acc_m_s2 * flip, lumbar.gyr_deg_s * flip, lumbar.sampling_rate_hz, 1.75, 1.0, "HA")
    print(f"  mobgap pipeline: {len(wbs)} walking bouts, {int(wbs.n_raw_initial_contacts.sum()) if len(wbs) else 0} contacts, "
          f"{t_pipe:.2f} s (ratio {t_pipe / t_ours:.0f}; participant height/leg length unknown: 1.75/1.0 m assumed)")


def _mobgap_arrays(folder):
    recording, _ = read_mobgap_imu_csv(folder)
    return recording.acc_m_s2, recording.gyr_deg_s


if __name__ == "__main__":
    main()
