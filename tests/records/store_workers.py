"""Worker processes for the concurrency tests: each opens the same brand-new store at the same moment."""

from __future__ import annotations

import datetime as dt
import threading
import traceback


def open_and_check_in(urls, barrier, results, worker: int) -> None:
    """For each round's URL: wait for every process at ``barrier``, open the store and commit one check-in.

    The test process is one of the barrier's parties: it prepares a fresh database before each
    round and checks it after. Puts (round, worker, None) on ``results`` once the check-in was
    committed, or (round, worker, the traceback).
    """
    from motionrehab.program.safety import RED_FLAG_IDS, CheckIn, evaluate_checkin
    from motionrehab.records.store import SessionStore

    try:
        for round_index, url in enumerate(urls):
            barrier.wait(timeout=120)  # the fresh database is ready: go
            try:
                checkin = CheckIn(patient=f"P-W{worker}", at=dt.datetime(2026, 1, 6, 9, worker), pain_nrs=worker % 11,
                                  tingling=False, numbness=False, red_flags={flag: False for flag in RED_FLAG_IDS})  # fmt: skip
                store = SessionStore(url)
                store.record_checkin(checkin, evaluate_checkin(checkin, baseline_pain_nrs=3))
                store.close()
                results.put((round_index, worker, None))
            except Exception:
                results.put((round_index, worker, traceback.format_exc()))
            barrier.wait(timeout=120)  # done: the test checks this round
    except threading.BrokenBarrierError:
        return  # the test stopped early (a failed round)
