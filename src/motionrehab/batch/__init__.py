"""Batch analysis at clinic scale: many recordings, one task, on a local process pool or a Dask cluster.

Beside the data flow (like cli/): it uses the stages' library functions and nothing in the
flow imports it. ``tasks`` is the registry of what a batch can run, ``worker`` what runs in
a worker process, ``engines`` where it runs, ``run`` the parent that keeps every result.
See docs/batch.md.
"""

from motionrehab.batch.engines import DaskEngine, LocalEngine
from motionrehab.batch.run import (
    EXIT_SOME_FAILED,
    BatchSummary,
    collect_inputs,
    read_patient_map,
    run_batch,
)
from motionrehab.batch.tasks import (
    TASKS,
    BatchTask,
    Recording,
    TaskOutput,
    pose_exercise_task,
    register_task,
)

__all__ = [
    "EXIT_SOME_FAILED",
    "TASKS",
    "BatchSummary",
    "BatchTask",
    "DaskEngine",
    "LocalEngine",
    "Recording",
    "TaskOutput",
    "collect_inputs",
    "pose_exercise_task",
    "read_patient_map",
    "register_task",
    "run_batch",
]
