"""kill -9 during a recorded session: every repetition committed before the kill is read back."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from store_backends import store_url

from motionrehab.records.store import SessionStore

WRITER = textwrap.dedent(
    """
    import sys
    from motionrehab.program.prescription import Dose
    from motionrehab.program.progression import PlannedExercise
    from motionrehab.records.store import SessionStore

    store = SessionStore(sys.argv[1])
    plan = [PlannedExercise("hinge", "hip_hinge", Dose(sets=3, reps=1000))]
    recorder = store.open_session("P-KILL", plan, pain_before=2)
    print("session", recorder.session_id, flush=True)
    n = 0
    while True:  # a live session that never ends on its own
        n += 1
        recorder.add_repetition("hinge", set_index=1, t_start_s=float(n), t_end_s=n + 0.8, within_criteria=n % 4 != 0,
                                metrics={"trunk_inclination_deg": 30.0 + n % 7})
        print("committed", n, flush=True)  # printed only after the commit returned
    """
)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_kill_minus_9_mid_session_keeps_every_committed_repetition(backend, tmp_path):
    url = store_url(backend, tmp_path)
    SessionStore(url).close()  # schema created before the writer starts
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True)
    try:
        session_id = int(writer.stdout.readline().split()[1])
        last = 0
        while last < 40:
            line = writer.stdout.readline()
            assert line.startswith("committed"), line
            last = int(line.split()[1])
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == -signal.SIGKILL
    store = SessionStore(url)
    reps = store.repetitions(session_id)
    # Every rep reported as committed is there; at most the one being written when killed is extra.
    assert last <= len(reps) <= last + 1
    assert [r.rep_index for r in reps] == list(range(1, len(reps) + 1))
    assert [r.t_start_s for r in reps[:last]] == [float(n) for n in range(1, last + 1)]
    assert all(r.metrics == {"trunk_inclination_deg": 30.0 + (i + 1) % 7} for i, r in enumerate(reps))
    (stored,) = store.stored_sessions("P-KILL")
    assert stored.status == "open" and stored.ended_at is None  # never closed: the crash is visible
    assert stored.log.exercises[0].reps == len(reps)
    assert stored.log.exercises[0].reps_within_criteria == len(reps) - len(reps) // 4
    store.close()
