"""Batch analysis throughput and reading a large pose-track CSV, before and after the Arrow reader.

1. Reading: a pose-track CSV of about 200 MB (2 people, world landmarks, as `motionrehab
   pose` writes it) read by the reader before this change (the module as it was at the
   merge base with main, loaded from git) and by the current one, each in a fresh process,
   interleaved, best of READ_REPEATS: wall time and the process's peak resident memory (VmHWM; the interpreter with numpy
   and pyarrow loaded is the baseline, shown too). The same tracks as Parquet, read the
   same way. Goals: >= 10x faster, peak < 500 MB.
2. Batch: N synthetic hip-hinge recordings (pose CSVs) through ``run_batch`` with the hip-hinge
   task, on the local pool with 1 and 2 workers and on a Dask LocalCluster of 2 workers (1
   thread each). Each engine is warmed first (a short batch: workers started, libraries
   imported), then timed: recordings per minute = N / wall time x 60. Engine overhead per
   recording (1 worker), in the steady state from the first recording kept to the last: (that
   time - the worker's analysis time in it) / that analysis time: everything the batch adds
   to the analysis (dispatch, moving results back, atomic writes with fsync). Goal < 5 %.
   For every engine also the whole-batch share, (wall x workers - all analysis time) / all
   analysis time, which adds the once-per-batch costs and idle or core-waiting workers, and
   the warm-up (starting workers, importing the analysis libraries).

Run: .venv/bin/python benchmarks/bench_batch.py   (Dask part needs motionrehab[dask])
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from motionrehab.batch import LocalEngine, collect_inputs, run_batch
from motionrehab.capture.pose_csv import write_pose_csv
from motionrehab.capture.pose_parquet import write_pose_parquet
from motionrehab.capture.pose_track import PoseTrack
from motionrehab.synth.exercises import HingeRep, hip_hinge_set

ROOT = Path(__file__).resolve().parents[1]
N_RECORDINGS = 16
READ_REPEATS = 2  # each reader, best of
TARGET_CSV_BYTES = 200e6

_MEASURE = """
import json, sys, time, importlib.util
spec = importlib.util.spec_from_file_location("reader_under_test", sys.argv[1])
module = importlib.util.module_from_spec(spec); sys.modules["reader_under_test"] = module; spec.loader.exec_module(module)
import pyarrow, pyarrow.csv, pyarrow.parquet  # loaded for both, so the baselines match
def high_water_mb():  # VmHWM: this process's peak resident memory (fresh after exec, unlike ru_maxrss)
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024
base = high_water_mb()
start = time.perf_counter()
tracks = getattr(module, sys.argv[2])(sys.argv[3])
seconds = time.perf_counter() - start
peak = high_water_mb()
frames = sum(t.n_frames for t in tracks.values())
print(json.dumps({"seconds": seconds, "peak_mb": peak, "baseline_mb": base, "frames": frames,
                  "checksum": float(sum(float(__import__("numpy").nansum(t.landmarks_px)) for t in tracks.values()))}))
"""


def _big_tracks() -> list[PoseTrack]:
    """Two people, ~25 000 frames each at 30 Hz, with world landmarks: ~200 MB of CSV."""
    rng = np.random.default_rng(7)
    n = int(TARGET_CSV_BYTES / 2 / 4000)
    tracks = []
    for person in range(2):
        px = rng.uniform(0, 1080, (n, 33, 2))
        px[rng.random((n, 33)) < 0.02] = np.nan
        tracks.append(PoseTrack(t_s=np.arange(n) / 30.0, landmarks_px=px, visibility=rng.uniform(0, 1, (n, 33)),
                                landmarks_z=rng.normal(0, 0.3, (n, 33)), world_m=rng.normal(0, 0.5, (n, 33, 3)),
                                image_width_px=1080, image_height_px=1920, frame_rate_hz=30.0, person_id=person))  # fmt: skip
    return tracks


def _old_reader(folder: Path) -> Path:
    base = subprocess.run(["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    text = subprocess.run(["git", "show", f"{base}:src/motionrehab/capture/pose_csv.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    path = folder / "pose_csv_before.py"
    path.write_text(text)
    return path


def _measure(module: Path, function: str, data: Path) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(module), function, str(data)], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def bench_reading(folder: Path) -> None:
    tracks = _big_tracks()
    csv_path = write_pose_csv(folder / "big_pose.csv", tracks)
    parquet_path = write_pose_parquet(folder / "big_pose.parquet", tracks)
    del tracks
    size_mb = csv_path.stat().st_size / 1e6
    current = ROOT / "src" / "motionrehab" / "capture" / "pose_csv.py"
    old = _old_reader(folder)
    runs: dict[str, list[dict[str, float]]] = {"before": [], "after": [], "parquet": []}
    for _ in range(READ_REPEATS):  # interleaved, so that a busy spell on a shared machine hits both readers
        runs["after"].append(_measure(current, "read_pose_csv", csv_path))
        runs["before"].append(_measure(old, "read_pose_csv", csv_path))
        runs["parquet"].append(_measure(ROOT / "src" / "motionrehab" / "capture" / "pose_parquet.py", "read_pose_parquet", parquet_path))
    after, before, parquet = (min(runs[name], key=lambda m: m["seconds"]) for name in ("after", "before", "parquet"))
    assert before["checksum"] == after["checksum"] == parquet["checksum"], "the readers disagree"
    print(f"Reading a {size_mb:.0f} MB pose-track CSV ({after['frames']:.0f} frames, 2 people, world landmarks); "
          f"Parquet of the same tracks {parquet_path.stat().st_size / 1e6:.0f} MB")  # fmt: skip
    print(f"{'reader':<26}{'time s':>9}{'peak RSS MB':>13}{'of which reading':>18}")
    for name, m in (("before (csv module)", before), ("after (Arrow, blocks)", after), ("Parquet", parquet)):
        print(f"{name:<26}{m['seconds']:>9.2f}{m['peak_mb']:>13.0f}{m['peak_mb'] - m['baseline_mb']:>18.0f}")
    print(f"speed-up after/before: {before['seconds'] / after['seconds']:.1f}x (goal >= 10x); "
          f"peak memory {after['peak_mb']:.0f} MB vs {before['peak_mb']:.0f} MB (goal < 500 MB); identical tracks read")  # fmt: skip


def _recordings(folder: Path, n: int, prefix: str) -> list[Path]:
    paths = []
    for i in range(n):
        rec = hip_hinge_set([HingeRep(trunk_deg=50 + 3 * (i % 6))] * 2, seed=i, lead_in_s=1.5)
        paths.append(write_pose_csv(folder / f"{prefix}_{i:03d}.csv", rec.track))
    return paths


def _timed_batch(engine, inputs: list[Path], warm: list[Path], out: Path, workers: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    run_batch(collect_inputs(warm, task="hip-hinge", out_dir=out / "warm"), out / "warm", engine, close_engine=False)
    cold = time.perf_counter() - started
    items = collect_inputs(inputs, task="hip-hinge", out_dir=out / "run")
    finished: list[tuple[float, float]] = []  # (time the parent had kept it, the worker's analysis time)

    def kept(result) -> None:  # type: ignore[no-untyped-def]
        finished.append((time.perf_counter(), result.seconds))

    started = time.perf_counter()
    summary = run_batch(items, out / "run", engine, progress=kept)
    wall = time.perf_counter() - started
    assert summary.count("ok") == len(inputs), summary.to_json_dict()
    analysis = sum(r.seconds for r in summary.results)
    # steady state: from the first recording kept to the last, what the workers did not spend analysing
    span = finished[-1][0] - finished[0][0]
    later = sum(seconds for _, seconds in finished[1:])
    return {"wall": wall, "cold": cold, "per_min": len(inputs) / wall * 60, "analysis": analysis / len(inputs),
            "steady": (span - later) / later if workers == 1 else float("nan"), "whole": (wall * workers - analysis) / analysis,
            "fixed": wall - span - finished[0][1]}  # fmt: skip


def bench_batch(folder: Path) -> None:
    inputs = _recordings(folder, N_RECORDINGS, "rec")
    warm = _recordings(folder, 2, "warm")
    rows = []
    for workers in (1, 2):
        rows.append((f"local, {workers} worker(s)", _timed_batch(LocalEngine(workers), inputs, warm, folder / f"local{workers}", workers)))
    try:
        import distributed

        from motionrehab.batch import DaskEngine

        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                distributed.Client(cluster) as client:  # fmt: skip
            rows.append(("Dask LocalCluster, 2 workers", _timed_batch(DaskEngine(client), inputs, warm, folder / "dask", 2)))
    except ImportError:
        print("Dask not installed: pip install 'motionrehab[dask]' to measure it")
    print(f"\nBatch of {N_RECORDINGS} hip-hinge recordings (pose CSVs, 2 reps each, {len(np.loadtxt(inputs[0], delimiter=',', skiprows=1, usecols=0))} frames)")
    print(f"{'engine':<30}{'recordings/min':>16}{'analysis s/rec':>16}{'overhead/rec':>14}{'whole batch':>13}{'warm-up s':>11}")
    for name, m in rows:
        steady = "-" if m["steady"] != m["steady"] else f"{100 * m['steady']:.1f} %"
        print(f"{name:<30}{m['per_min']:>16.1f}{m['analysis']:>16.2f}{steady:>14}{100 * m['whole']:>11.1f} %{m['cold']:>11.1f}")
    print("overhead/rec (1 worker) = (time from the first recording kept to the last - the worker's analysis time in it) / that "
          "analysis time; goal < 5 %.\nwhole batch = (wall x workers - all analysis time) / all analysis time: adds the once-per-batch "
          "costs (checksums, summary tables, stopping workers) and any idle or core-waiting worker.\nwarm-up = starting the "
          "workers and importing the analysis libraries (a 2-recording batch).")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as name:
        folder = Path(name)
        bench_batch(folder)
        print()
        bench_reading(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
