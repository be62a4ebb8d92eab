"""What runs in a worker process (local pool or Dask worker): one recording in, one JobResult out.

The worker keeps what is costly to set up for its whole life: the pose model is resolved
(found, checked, read) once per worker process and kept; numeric libraries and OpenCV are
held to one thread each, so N workers use N cores. Each recording is analysed in a scratch
folder; the files the task wrote come back as bytes in the JobResult, and the parent (the
only writer) puts them into the batch folder. A worker therefore needs no access to the
output folder, only to the inputs and the model.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from motionrehab.batch.tasks import TASKS, Figure, Measurement, Recording
from motionrehab.errors import MotionRehabError

#: environment settings that hold numeric libraries to one thread per worker
ONE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1"}

_models: dict[str | None, Any] = {}


@dataclass(frozen=True)
class JobResult:
    """The outcome of one recording.

    Attributes:
        ok: True when the task finished.
        figures: the task's key figures (empty when it failed).
        files: file name -> bytes written by the task (kept also on failure: e.g. a pose CSV
            of a video that broke off part way).
        error: one line, the message the single command prints (failures only).
        bug: the traceback when the failure was not a MotionRehabError (a defect to report).
        seconds: the analysis time in the worker (s).
        measurements: figures for the session store.
        worker: host and process id that did the work.
    """

    ok: bool
    figures: dict[str, Figure] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    error: str = ""
    bug: str = ""
    seconds: float = 0.0
    measurements: tuple[Measurement, ...] = ()
    worker: str = ""


def one_line(error: BaseException) -> str:
    """The error as the single command prints it, on one line."""
    if isinstance(error, MotionRehabError):
        return error.one_line()
    text = f"{type(error).__name__}: {error}"
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def init_worker() -> None:
    """Set a worker process up: one thread for OpenCV, Arrow and the numeric libraries."""
    for name, value in ONE_THREAD_ENV.items():
        os.environ.setdefault(name, value)
    import pyarrow

    pyarrow.set_cpu_count(1)  # the CSV reader's parsing threads
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - OpenCV comes with mediapipe
        pass


def pose_model_for(recording: Recording) -> Any:
    """The resolved pose model for this worker (resolved once per process and kept)."""
    if recording.pose_model not in _models:
        from motionrehab.capture.model_files import resolve_pose_model

        _models[recording.pose_model] = resolve_pose_model(Path(recording.pose_model) if recording.pose_model else None)
    return _models[recording.pose_model]


def _patient(recording: Recording) -> Any:
    from motionrehab.capture.patient import POSE_FILE_SUFFIXES, patient_from_file

    if Path(recording.path).suffix.lower() in POSE_FILE_SUFFIXES:
        return patient_from_file(recording.path)
    return patient_from_file(recording.path, model=pose_model_for(recording))


def run_job(recording: Recording) -> JobResult:
    """Analyse one recording with its task; never raises for a bad recording (the error is in the result)."""
    init_worker()
    started = time.perf_counter()
    worker = f"{os.uname().nodename}:{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="motionrehab-batch-") as scratch_name:
        scratch = Path(scratch_name)
        ok, error, bug = True, "", ""
        output = None
        try:
            task = TASKS.get(recording.task)
            if task is None:
                raise MotionRehabError(f"no batch task named {recording.task!r}", where=recording.path,
                                       fix=f"use one of: {', '.join(sorted(TASKS))}")  # fmt: skip
            output = task.run(recording, scratch, _patient)
        except MotionRehabError as failure:
            ok, error = False, one_line(failure)
        except Exception as failure:  # a defect: the batch goes on, the traceback is kept for the report
            ok, error, bug = False, one_line(failure), traceback.format_exc()
        files = {path.name: path.read_bytes() for path in sorted(scratch.iterdir()) if path.is_file()}
    return JobResult(
        ok=ok,
        figures=dict(output.figures) if output is not None and ok else {},
        files=files,
        error=error,
        bug=bug,
        seconds=time.perf_counter() - started,
        measurements=tuple(output.measurements) if output is not None and ok else (),
        worker=worker,
    )
