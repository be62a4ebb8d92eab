"""The same batch on Dask (a LocalCluster, and a scheduler with two workers as separate processes) gives the local engine's results."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import read_csv, single_command

distributed = pytest.importorskip("distributed", reason="Dask is an optional extra: pip install 'motionrehab[dask]'")

from motionrehab.batch import DaskEngine, collect_inputs, run_batch  # noqa: E402

#: what is run where: figures and failures must not depend on it
ENGINE_COLUMNS = {"seconds", "patient"}


def assert_same_results(local_out: Path, out: Path) -> None:
    local = {row["output"]: row for row in read_csv(local_out / "summary.csv")}
    other = {row["output"]: row for row in read_csv(out / "summary.csv")}
    assert sorted(other) == sorted(local)
    for stem, row in local.items():
        assert {k: v for k, v in other[stem].items() if k not in ENGINE_COLUMNS} == \
               {k: v for k, v in row.items() if k not in ENGINE_COLUMNS}, stem  # fmt: skip
        if row["status"] == "ok":
            for name in ("hinge_summary.json", "hinge_repetitions.csv", "angles.csv"):
                assert (out / stem / name).read_bytes() == (local_out / stem / name).read_bytes(), (stem, name)
    assert read_csv(out / "failures.csv") == read_csv(local_out / "failures.csv")


@pytest.mark.slow
def test_local_cluster_gives_the_local_engines_results(local_run, tmp_path):
    _, local_out, _, _, folder, _ = local_run
    out = tmp_path / "out"
    items = collect_inputs([folder], task="hip-hinge", out_dir=out)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:  # fmt: skip
        summary = run_batch(items, out, DaskEngine(client))
    assert (summary.count("ok"), summary.count("failed")) == (6, 2)
    assert summary.engine.startswith("Dask at tcp://127.0.0.1") and "2 worker(s)" in summary.engine
    assert_same_results(local_out, out)
    workers = {json.loads((out / r.item.stem / "batch_result.json").read_text())["worker"] for r in summary.results}
    assert len(workers) == 2  # both workers took part


def _dask_command() -> str:
    command = Path(sys.executable).with_name("dask")
    if not command.is_file():
        pytest.skip(f"the dask command is not installed beside {sys.executable}")
    return str(command)


@pytest.mark.slow
def test_scheduler_and_two_worker_processes_give_the_local_engines_results(local_run, tmp_path, capsys):
    _, local_out, _, _, folder, _ = local_run
    dask = _dask_command()
    scheduler_file = tmp_path / "scheduler.json"
    log = open(tmp_path / "dask.log", "wb")  # noqa: SIM115 - closed in finally
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                   "--scheduler-file", str(scheduler_file)], stdout=log, stderr=log, start_new_session=True)]  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        address = None
        while address is None:  # poll for the file the scheduler writes when it listens
            assert processes[0].poll() is None, (tmp_path / "dask.log").read_text()
            assert time.monotonic() < deadline, "the scheduler did not start in 120 s"
            try:
                address = json.loads(scheduler_file.read_text())["address"]
            except (OSError, ValueError, KeyError):
                time.sleep(0.05)
        for number in range(2):
            processes.append(subprocess.Popen([dask, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--no-nanny",
                                               "--no-dashboard", "--name", f"w{number}", "--local-directory", str(tmp_path / f"w{number}")],
                                              stdout=log, stderr=log, start_new_session=True))  # fmt: skip
        with distributed.Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        out = tmp_path / "out"
        status, text, err = single_command(["batch", str(folder), "--task", "hip-hinge", "--out", str(out), "--scheduler", address, "--json"], capsys)
        assert status == 3, err
        summary = json.loads(text)
        assert (summary["ok"], summary["failed"]) == (6, 2) and summary["engine"] == f"Dask at {address}, 2 worker(s)"
        assert_same_results(local_out, out)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()


def test_an_unreachable_scheduler_is_a_clear_error():
    from motionrehab.errors import MotionRehabError

    with pytest.raises(MotionRehabError, match="cannot reach the Dask scheduler") as info:
        DaskEngine("tcp://127.0.0.1:1", connect_timeout_s=1.0)
    assert "dask scheduler" in str(info.value)
