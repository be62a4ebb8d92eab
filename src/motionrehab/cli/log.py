"""`motionrehab log PATIENT EXERCISE_ID ...`: record an exercise done without a camera, or a walk from a sensor recording.

The work is motionrehab.records.journal (today's session, logged vs measured dose, the
walk's gait measures and walking tolerance).
"""

from __future__ import annotations

from pathlib import Path

import click

from motionrehab.cli.for_patient import PatientLink, parse_at
from motionrehab.cli.program import open_store, store_option
from motionrehab.errors import InvalidDataError


@click.command()
@click.argument("patient")
@click.argument("exercise_id")
@click.option("--sets", type=click.IntRange(1, 20), default=None, help="Sets done (default 1).")
@click.option("--reps", type=click.IntRange(1, 200), default=None, help="Repetitions in each set.")
@click.option("--hold-s", type=click.FloatRange(1, 1800), default=None, help="Seconds of each hold (planks, stretches, breathing).")
@click.option("--minutes", type=click.FloatRange(0.5, 600), default=None, help="Walk: minutes walked.")
@click.option("--distance-m", type=click.FloatRange(0, 100000), default=None, help="Walk: metres walked.")
@click.option("--pain-onset-m", type=click.FloatRange(0, 100000), default=None, help="Walk: metres walked when the leg pain began.")
@click.option("--pain-free", is_flag=True, help="Walk: no pain during the whole walk.")
@click.option("--recording", type=click.Path(exists=True, path_type=Path), default=None,
              help="Walk: a footpod, phone, foot or lower-back sensor recording (or a pose CSV); measured instead of logged.")  # fmt: skip
@click.option("--sensor-placement", type=click.Choice(["foot", "shank", "lower_back", "phone"]), default=None,
              help="--recording: where the sensor was worn (overrides the file).")  # fmt: skip
@click.option("--pain-onset-s", type=float, default=None, help="--recording: seconds into the recording when the pain began.")
@click.option("--leg-length-m", type=float, default=None, help="--recording from the lower back: sensor height (inverted pendulum).")
@click.option("--pain-after", type=click.IntRange(0, 10), default=None, help="Pain right after, 0-10 (the progression rules use it).")
@click.option("--at", "at_text", default=None, help="When it was done, YYYY-MM-DDTHH:MM (default: now).")
@store_option
def log(patient: str, exercise_id: str, sets: int | None, reps: int | None, hold_s: float | None, minutes: float | None, distance_m: float | None,
        pain_onset_m: float | None, pain_free: bool, recording: Path | None, sensor_placement: str | None, pain_onset_s: float | None,
        leg_length_m: float | None, pain_after: int | None, at_text: str | None, store_url: str | None) -> None:  # fmt: skip
    """Record what PATIENT did of EXERCISE_ID today (after `motionrehab checkin`): sets x reps, sets x hold, or a walk."""
    from motionrehab.records.journal import exercise_kind, log_work, store_work

    at = parse_at(at_text)
    store = open_store(store_url)
    try:
        kind = exercise_kind(store, patient, exercise_id, at)
    finally:
        store.close()
    if recording is not None:
        if kind != "walking":
            raise InvalidDataError(f"--recording measures a walk; {exercise_id} is {kind}", where="--recording",
                                   fix="film it: motionrehab analyze ... --patient ID, or log --sets/--reps")  # fmt: skip
        if any(v is not None for v in (sets, reps, hold_s, minutes, distance_m, pain_onset_m)):
            raise InvalidDataError("a recorded walk is measured from the recording", where="log --recording",
                                   fix="leave out --minutes, --distance-m and --pain-onset-m; give --pain-onset-s or --pain-free")  # fmt: skip
        from dataclasses import replace

        from motionrehab.cli.analyze_gait import read_walk
        from motionrehab.records.journal import gait_work

        if pain_free and pain_onset_s is not None:
            raise InvalidDataError("give either --pain-onset-s or --pain-free", where="log --recording")
        walk = read_walk(recording, sensor_placement=sensor_placement, leg_length_m=leg_length_m, pain_onset_s=pain_onset_s)
        work = replace(gait_work(walk, exercise_id=exercise_id, pain_free=pain_free), pain_after=pain_after)
        distance = "distance not measured" if walk.distance_m is None else f"{walk.distance_m:.0f} m"
        click.echo(f"Walk measured from {recording.name}: {walk.steps} steps, {walk.duration_s / 60:.1f} min, {distance}")
        PatientLink(patient, store_url, at).save(work, inputs=[recording])
        return
    work = log_work(kind, exercise_id, sets=sets, reps=reps, hold_s=hold_s, minutes=minutes, distance_m=distance_m,
                    pain_onset_m=pain_onset_m, pain_free=pain_free, pain_after=pain_after)  # fmt: skip
    store = open_store(store_url)
    try:
        result = store_work(store, patient, work, at=at)
    finally:
        store.close()
    for line in result.lines:
        click.echo(f"Stored: {line}")
