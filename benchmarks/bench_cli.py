"""CLI start-up: `motionrehab --help`, `--version` and every command's `--help`, wall time in fresh processes.

Each figure is the best of ``REPEATS`` runs of a new interpreter (what a user waits for),
all in one run so the ratios compare like with like. For scale it also times a bare
interpreter and the old way of printing the command list: importing every command module
(what `--help` did before the list was read from the sources), plus mediapipe and
matplotlib, which those modules pulled in.
Target: `motionrehab --help` and `--version` under 0.5 s on the project machine.

Run: .venv/bin/python benchmarks/bench_cli.py
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from motionrehab.cli.main import COMMANDS

REPEATS = 5
TARGET_S = 0.5
ENTRY = Path(sys.executable).with_name("motionrehab")
OLD_HELP = (
    "import importlib; from motionrehab.cli.main import COMMANDS; "
    "[importlib.import_module(t.split(':')[0]) for t in COMMANDS.values()]; import mediapipe, matplotlib.pyplot"
)


def best_of(argv: list[str]) -> tuple[float, float]:
    """(best wall time, best CPU time user+system) over REPEATS fresh processes, seconds."""
    walls, cpus = [], []
    for _ in range(REPEATS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def main() -> None:
    cli = [str(ENTRY)] if ENTRY.exists() else [sys.executable, "-m", "motionrehab.cli.main"]
    rows = [
        ("python -c pass (bare interpreter)", best_of([sys.executable, "-c", "pass"])),
        ("motionrehab --version", best_of([*cli, "--version"])),
        ("motionrehab --help", best_of([*cli, "--help"])),
    ]
    rows += [(f"motionrehab {name} --help", best_of([*cli, name, "--help"])) for name in COMMANDS]
    rows.append(("old --help: import every command module", best_of([sys.executable, "-c", OLD_HELP])))
    width = max(len(label) for label, _ in rows)
    load = os.getloadavg()[0]
    print(f"best of {REPEATS} fresh processes each; load average {load:.1f} on {os.cpu_count()} cores (wall time grows with it, CPU time much less)")
    print(f"{'':<{width}}    wall      CPU")
    for label, (wall, cpu) in rows:
        print(f"{label:<{width}}  {wall:6.3f} s  {cpu:6.3f} s")
    top = dict(rows)
    for label in ("motionrehab --version", "motionrehab --help"):
        wall, cpu = top[label]
        verdict = "meets" if wall < TARGET_S else "MISSES"
        print(f"{label}: {wall:.3f} s wall ({cpu:.3f} s CPU), {verdict} the {TARGET_S} s target")
    old, new = top["old --help: import every command module"], top["motionrehab --help"]
    print(f"--help now vs the old way: {old[0] / new[0]:.1f}x less wall time, {old[1] / new[1]:.1f}x less CPU time")


if __name__ == "__main__":
    main()
