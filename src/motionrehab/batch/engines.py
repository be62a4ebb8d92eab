"""Where the recordings are analysed: a local process pool (default) or a Dask distributed cluster.

Both run the same function, ``worker.run_job``, on the same ``Recording`` objects, and hand
back ``(index, JobResult)`` pairs as the recordings finish, in any order. Scheduling is theirs:
concurrent.futures locally, Dask's scheduler on a cluster.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from motionrehab.batch.tasks import Recording
from motionrehab.batch.worker import ONE_THREAD_ENV, JobResult, init_worker, run_job
from motionrehab.errors import MotionRehabError

#: a recording whose worker died this many times is reported failed (a crash in a native library)
MAX_ATTEMPTS = 2


class Engine(Protocol):
    """Runs ``run_job`` on recordings; yields ``(index, result)`` as each finishes."""

    description: str

    def run(self, recordings: Sequence[Recording]) -> Iterator[tuple[int, JobResult]]:
        """Analyse ``recordings``; the index is the position in ``recordings``."""
        ...

    def close(self) -> None:
        """Stop the workers (or disconnect) and cancel what has not started."""
        ...


def available_cores() -> int:
    """Cores this process may use (the affinity mask where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


class LocalEngine:
    """A pool of worker processes on this machine, one per core by default.

    Processes are started with 'spawn' (MediaPipe and OpenCV hold threads that do not survive
    a fork), each with one thread for OpenCV and the numeric libraries. A worker keeps its
    pose model for its whole life. If a worker process dies (a crash in native code), the pool
    is restarted and the unfinished recordings are run again; a recording that was running in
    a dying worker ``MAX_ATTEMPTS`` times is reported failed.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or available_cores()
        if self.workers < 1:
            raise MotionRehabError(f"workers must be at least 1, got {self.workers}", where="--workers")
        self.description = f"local, {self.workers} worker process{'es' if self.workers > 1 else ''}"
        self._pool: cf.ProcessPoolExecutor | None = None

    def _start(self) -> cf.ProcessPoolExecutor:
        # children inherit the environment when they start: one thread each from the first import
        saved = {name: os.environ.get(name) for name in ONE_THREAD_ENV}
        os.environ.update({name: os.environ.get(name) or value for name, value in ONE_THREAD_ENV.items()})
        try:
            pool = cf.ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=init_worker)
            # start every worker now, while the environment is set
            list(pool.map(_nothing, range(self.workers)))
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
        return pool

    def run(self, recordings: Sequence[Recording]) -> Iterator[tuple[int, JobResult]]:
        """Analyse ``recordings`` in the pool; yields as each finishes."""
        attempts = dict.fromkeys(range(len(recordings)), 0)
        pending = list(range(len(recordings)))
        while pending:
            if self._pool is None:
                self._pool = self._start()
            futures = {self._pool.submit(run_job, recordings[i]): i for i in pending}
            pending = []
            for future in cf.as_completed(futures):
                index = futures[future]
                try:
                    yield index, future.result()
                except cf.process.BrokenProcessPool:
                    attempts[index] += 1
                    if attempts[index] >= MAX_ATTEMPTS:
                        yield index, JobResult(ok=False, error=f"{recordings[index].path}: the worker process died while analysing "
                                               "this recording (twice); it may be damaged", bug="BrokenProcessPool")  # fmt: skip
                    else:
                        pending.append(index)
            if pending:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _nothing(_: int) -> None:
    return None


class DaskEngine:
    """A Dask distributed cluster: ``dask scheduler`` and ``dask worker`` processes, here or on many machines.

    Args:
        scheduler: the scheduler's address (``tcp://host:8786``) or a ``distributed.Client``
            already connected (e.g. to a LocalCluster).

    Each recording is one Dask task (``client.map(run_job, ...)``, not pure: a rerun is a new
    analysis); results come back to this process as they finish. Workers need motionrehab
    installed, the inputs at the same paths and the pose model (MOTIONREHAB_POSE_MODEL), see
    docs/batch.md.
    """

    def __init__(self, scheduler: Any, *, connect_timeout_s: float = 10.0) -> None:
        try:
            import distributed
        except ImportError:
            raise MotionRehabError("Dask is not installed", where="--scheduler",
                                   fix="pip install 'motionrehab[dask]' (on this machine and on every worker)") from None  # fmt: skip
        if isinstance(scheduler, distributed.Client):
            self._client, self._own = scheduler, False
        else:
            try:
                self._client, self._own = distributed.Client(str(scheduler), timeout=connect_timeout_s, set_as_default=False), True
            except (OSError, TimeoutError) as error:
                raise MotionRehabError(f"cannot reach the Dask scheduler ({str(error).splitlines()[0][:160]})", where=str(scheduler),
                                       fix="start it with `dask scheduler` and give its address, e.g. tcp://host:8786") from None  # fmt: skip
        workers = len(self._client.scheduler_info().get("workers", {}))
        address = self._client.scheduler_info().get("address", str(scheduler))
        self.description = f"Dask at {address}, {workers} worker(s)"
        self._futures: list[Any] = []

    def run(self, recordings: Sequence[Recording]) -> Iterator[tuple[int, JobResult]]:
        """Submit every recording to the cluster; yields as each finishes."""
        import distributed

        futures = self._client.map(run_job, list(recordings), pure=False)
        self._futures = list(futures)
        index = {future.key: i for i, future in enumerate(futures)}
        for future in distributed.as_completed(futures, loop=self._client.loop):
            i = index[future.key]
            try:
                yield i, future.result()
            except Exception as error:  # the worker died (KilledWorker) or the task could not run there
                yield i, JobResult(ok=False, error=f"{recordings[i].path}: the Dask worker could not analyse it "
                                   f"({type(error).__name__}: {str(error).splitlines()[0][:200] if str(error) else ''})", bug=repr(error))  # fmt: skip

    def close(self) -> None:
        """Cancel what has not finished and disconnect (a cluster we did not start keeps running)."""
        if self._futures:
            self._client.cancel(self._futures)
            self._futures = []
        if self._own:
            self._client.close()
