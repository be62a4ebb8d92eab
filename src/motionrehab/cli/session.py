"""`motionrehab session`: the camera-guided home session, the day's whole plan in one run.

Check-in first (a red flag ends it, exit 3); today's exercises from the prescription; then,
in the plan's order, each camera-guided exercise (the hip hinge and every exercise of the
library, measures.exercises) with the live view: set-up check and advice, skeleton, key angle,
rep counter or hold, a cue after each rep, rest between sets, spoken cues with --speak.
Exercises the camera does not measure (breathing, walking, or one without a video source)
are recorded from the patient's answer (--done, or asked); closing pain check-in. Each event
is printed to stdout as one JSON line and each rep is committed to the session store as it
happens. The work is in motionrehab.live.session.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import numpy as np
from numpy.typing import NDArray

from motionrehab._files import open_private
from motionrehab.cli.numbers import Quantity
from motionrehab.cli.program import open_store, store_option
from motionrehab.errors import InputFileError, InvalidDataError
from motionrehab.program.prescription import Exercise, Prescription, load_prescription
from motionrehab.program.progression import plan_session, require_program_running, state_for_week
from motionrehab.program.safety import (
    RED_FLAG_IDS,
    RED_FLAGS,
    CheckIn,
    evaluate_checkin,
    require_safe_to_start,
)

if TYPE_CHECKING:  # the library loads when a command runs, not for its --help
    from motionrehab.measures.hip_hinge import HingeCriteria

#: check-in answers that --checkin-answers may give (the rest are asked)
ANSWER_KEYS = ("pain", "tingling", "numbness", "red_flags", "pain_after", "tingling_after")


def parse_answers(text: str | None) -> dict[str, str]:
    """'pain=3,tingling=no,numbness=no,red_flags=none,pain_after=3' -> {key: value}; red flags as 'bladder+fever'."""
    if not text:
        return {}
    answers: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in ANSWER_KEYS:
            raise InvalidDataError(f"cannot read the check-in answer {part!r}", where="--checkin-answers",
                                   fix=f"write KEY=VALUE pairs separated by commas; keys: {', '.join(ANSWER_KEYS)}")  # fmt: skip
        answers[key] = value.strip().lower()
    return answers


def _yes_no(answers: dict[str, str], key: str, question: str) -> bool:
    if key in answers:
        if answers[key] not in ("yes", "no", "y", "n", "true", "false"):
            raise InvalidDataError(f"{key}={answers[key]} is not yes or no", where="--checkin-answers")
        return answers[key] in ("yes", "y", "true")
    return click.confirm(question, err=True)


def _pain(answers: dict[str, str], key: str, question: str) -> int:
    if key in answers:
        try:
            value = int(answers[key])
        except ValueError:
            raise InvalidDataError(f"{key}={answers[key]} is not a whole number 0-10", where="--checkin-answers") from None
        if not 0 <= value <= 10:
            raise InvalidDataError(f"{key}={value} is outside 0-10", where="--checkin-answers", fix="0 is no pain, 10 the worst imaginable")
        return value
    return int(click.prompt(question, type=click.IntRange(0, 10), err=True))


def _red_flags(answers: dict[str, str]) -> dict[str, bool]:
    if "red_flags" in answers:
        given = {f for f in answers["red_flags"].split("+") if f and f != "none"}
        unknown = sorted(given - set(RED_FLAG_IDS))
        if unknown:
            raise InvalidDataError(f"unknown red flag(s): {', '.join(unknown)}", where="--checkin-answers", fix=f"known: {', '.join(RED_FLAG_IDS)}")
        return {flag: flag in given for flag in RED_FLAG_IDS}
    return {flag.id: click.confirm(flag.question, err=True) for flag in RED_FLAGS}


def criteria_for(exercise: Exercise) -> HingeCriteria:
    """The hinge criteria of a prescribed hinge: depth from its target range's lower end, eccentric tempo."""
    from motionrehab.measures.hip_hinge import HingeCriteria

    targets = {target.name: target for target in exercise.targets}
    hip, trunk = targets.get("hip_flexion_deg"), targets.get("trunk_inclination_deg")
    return HingeCriteria(target_hip_flexion_deg=None if hip is None else hip.low, target_trunk_inclination_deg=None if trunk is None else trunk.low,
                         eccentric_s=None if exercise.tempo is None else exercise.tempo.eccentric_s)  # fmt: skip


def _echo(data: dict[str, Any]) -> None:
    click.echo(json.dumps(data))


class _OverlayWriter:
    """The overlay video, owner-only (it shows the patient), opened on the first frame."""

    def __init__(self, path: Path, fps: float) -> None:
        self.path = path
        self.fps = fps
        self.frames = 0
        self._writer: Any = None

    def write(self, image: NDArray[np.uint8], t_s: float) -> None:
        import cv2

        if self._writer is None:
            with open_private(self.path, "wb"):
                pass
            height, width = image.shape[:2]
            self._writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter.fourcc(*"mp4v"), self.fps, (width, height))
            if not self._writer.isOpened():
                raise InputFileError("cannot write the overlay video", where=str(self.path), fix="give a writable path ending in .mp4")
        # frames dropped live are filled with the last analysed one, so the video keeps the source's timing
        due = max(self.frames + 1, round(t_s * self.fps) + 1)
        while self.frames < due:
            self._writer.write(image)
            self.frames += 1

    def close(self) -> None:
        if self._writer is not None:
            self._writer.release()
            os.chmod(self.path, 0o600)


@click.command()
@click.option("--patient", "patient_arg", help="Pseudonymous patient id (default: the prescription file's patient).")
@click.option("--camera", type=int, default=None, help="Camera index (0 = the default webcam).")
@click.option("--source", "source_args", multiple=True, metavar="[ID=]FILE",
              help="Play a video file as if it were the camera. Repeat as ID=FILE, one per camera-guided exercise; a plain FILE goes to the hip hinge (else the first camera-measurable exercise).")
@click.option("--done", "done_text", help="Exercises done without the camera, e.g. breathing=yes,walk=20 (walking: minutes); the others are asked.")
@click.option("--headless", is_flag=True, help="No window: events as JSON lines on stdout, the overlay only to --overlay.")
@click.option("--checkin-answers", help="Check-in answers, e.g. pain=3,tingling=no,numbness=no,red_flags=none,pain_after=3 (others are asked).")
@click.option("--prescription", "prescription_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Prescription file (default: the one stored for the patient).")
@click.option("--exercise", "exercise_id", help="Guide only this exercise (default: with --camera every camera-measurable exercise of today's plan).")
@click.option("--overlay", "overlay_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the overlay video here (.mkv stays playable if the session is cut off; .mp4 does not).")
@click.option("--force", is_flag=True, help="Replace an existing --overlay file.")
@click.option("--rest-s", type=Quantity(0, 600, "s"), default=60.0, show_default=True, help="Rest between sets, seconds.")
@click.option("--speak", is_flag=True, help="Speak each cue (offline text-to-speech; needs the speech extra).")
@click.option("--every-frame", is_flag=True, help="Analyse every frame, never drop one (tests; slower than real time).")
@click.option("--one-person", is_flag=True, help="Follow the patient with a one-person model once they are alone in view (faster; landmarks a few pixels off the two-person model's).")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task).")
@click.option("--at", "at_text", default=None, help="Date and time of the session, YYYY-MM-DDTHH:MM (default: now).")
@store_option
def session(patient_arg: str | None, camera: int | None, source_args: tuple[str, ...], done_text: str | None, headless: bool, checkin_answers: str | None,
            prescription_path: Path | None, exercise_id: str | None, overlay_path: Path | None, force: bool, rest_s: float, speak: bool,
            every_frame: bool, one_person: bool, pose_model: Path | None, at_text: str | None, store_url: str | None) -> None:  # fmt: skip
    """Run today's session: check-in, each exercise of the plan (camera-guided where it can be), closing check-in."""
    if camera is not None and source_args:
        raise InvalidDataError("give either --camera or --source, not both", where="session")
    sources = parse_sources(source_args)
    done = parse_done(done_text)
    from motionrehab.cli.checkin import _parse_at
    from motionrehab.pseudonym import check_pseudonym

    if patient_arg is not None:
        check_pseudonym(patient_arg, where="--patient")
    at = _parse_at(at_text)
    answers = parse_answers(checkin_answers)
    # a prescription file (and its patient), then display, overlay name, model and sources are checked before anything is asked or stored
    from_file = _prescription(None, patient_arg, prescription_path) if prescription_path is not None else None
    _preflight(camera=camera, sources=sources, pose_model=pose_model, headless=headless, overlay_path=overlay_path, force=force)
    store = open_store(store_url)
    try:
        prescription = from_file or _prescription(store, patient_arg, prescription_path)
        patient = patient_arg or prescription.patient
        _run(store, prescription, patient, at, answers, camera=camera, sources=sources, done=done, headless=headless, exercise_id=exercise_id,
             overlay_path=overlay_path, rest_s=rest_s, speak=speak, every_frame=every_frame, one_person=one_person, pose_model=pose_model)  # fmt: skip
    finally:
        store.close()


def _preflight(*, camera: int | None, sources: dict[str, Path], pose_model: Path | None, headless: bool, overlay_path: Path | None, force: bool) -> None:
    from motionrehab.live.preflight import (
        check_camera,
        check_display,
        check_overlay_path,
        check_video_source,
    )

    check_display(headless)
    warning = check_overlay_path(overlay_path, force=force)
    if warning:
        click.echo(f"warning: {warning}", err=True)
    if sources or camera is not None:
        from motionrehab.capture.model_files import resolve_pose_model

        resolve_pose_model(pose_model)
        for path in sources.values():
            check_video_source(path)
        if camera is not None:
            check_camera(camera)


def parse_sources(args: tuple[str, ...]) -> dict[str, Path]:
    """--source values -> {exercise id: file}; a plain FILE is keyed '' (the hinge, else the first camera-guided exercise)."""
    sources: dict[str, Path] = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        name, path = (key.strip(), Path(value)) if sep and not Path(arg).exists() else ("", Path(arg))
        if name in sources:
            raise InvalidDataError(f"two sources for {name or 'the default exercise'!r}", where="--source", fix="give one FILE per exercise as ID=FILE")
        sources[name] = path
    return sources


def parse_done(text: str | None) -> dict[str, str]:
    """'breathing=yes,walk=20' -> {exercise id: answer}."""
    done: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise InvalidDataError(f"cannot read {part!r}", where="--done", fix="write ID=yes|no (walking: ID=MINUTES), separated by commas")
        done[key.strip()] = value.strip().lower()
    return done


def camera_measurable(kind: str) -> bool:
    """True for the exercise kinds the camera measures: the hip hinge and the library's."""
    from motionrehab.measures.exercises import BY_KIND

    return kind == "hip_hinge" or kind in BY_KIND


def choose_guided(plan_items: list[Any], *, camera: int | None, sources: dict[str, Path], exercise_id: str | None) -> dict[str, Path | None]:
    """The camera-guided exercises of today's plan, in its order: exercise id -> video file (None: the camera)."""
    measurable = [item for item in plan_items if camera_measurable(item.kind)]
    if exercise_id is not None:
        measurable = [item for item in measurable if item.exercise_id == exercise_id]
        if not measurable:
            return {}
        return {measurable[0].exercise_id: None if camera is not None else sources.get(exercise_id, sources.get(""))}
    if camera is not None:
        return {item.exercise_id: None for item in measurable}
    chosen: dict[str, Path | None] = {}
    if "" in sources and measurable:
        default = next((item for item in measurable if item.kind == "hip_hinge"), measurable[0])
        chosen[default.exercise_id] = sources[""]
    for item in measurable:
        if item.exercise_id in sources:
            chosen[item.exercise_id] = sources[item.exercise_id]
    unknown = set(sources) - {""} - {item.exercise_id for item in measurable}
    if unknown:
        raise InvalidDataError(f"no camera-measurable exercise {sorted(unknown)[0]!r} in today's plan", where="--source",
                               fix="use the ids of today's plan (printed above)")  # fmt: skip
    return {item.exercise_id: chosen[item.exercise_id] for item in measurable if item.exercise_id in chosen}


def _prescription(store: Any, patient: str | None, path: Path | None) -> Prescription:
    if path is not None:
        prescription = load_prescription(path)
        if patient is not None and prescription.patient != patient:  # a prescription belongs to one patient
            raise InvalidDataError(f"the prescription {path} is for {prescription.patient}, not {patient}", where="--prescription",
                                   fix=f"give {patient}'s own prescription, or leave out --prescription to use the one assigned to {patient}")  # fmt: skip
        return prescription
    if patient is None:
        raise InvalidDataError("no patient given", where="session", fix="give --patient ID (or --prescription FILE)")
    return store.prescription(patient)  # type: ignore[no-any-return]


def _check_prerequisites(guided: dict[str, Path | None], pose_model: Path | None) -> None:
    """What the camera-guided part needs, checked before the session is opened so a typo leaves no empty session behind.

    The place for the session's pre-flight checks (sources readable, the pose model, a display).
    """
    if not guided:
        return
    for path in guided.values():
        if path is not None and not path.is_file():
            raise InputFileError("video file not found", where=str(path), fix="check the path, or use --camera INDEX")
    from motionrehab.capture.model_files import resolve_pose_model

    resolve_pose_model(pose_model)


def _record_by_answer(recorder: Any, item: Any, done: dict[str, str], headless: bool) -> None:
    """An exercise the camera did not guide: recorded from the patient's answer (--done, or asked when not headless)."""
    answer = done.get(item.exercise_id)
    if answer is None and not headless:
        question = f"{item.exercise_id} ({item.dose.describe()}): " + ("minutes walked?" if item.dose.minutes is not None else "done? (yes/no)")
        answer = str(click.prompt(question, default="0" if item.dose.minutes is not None else "no", err=True)).strip().lower()
    if answer is None:
        return
    if item.dose.minutes is not None or item.dose.metres is not None:
        try:
            minutes = float(answer)
        except ValueError:
            raise InvalidDataError(f"{item.exercise_id}={answer} is not a number of minutes", where="--done") from None
        recorder.add_walking(item.exercise_id, minutes=minutes)
        _echo({"event": "recorded", "exercise": item.exercise_id, "how": "patient's answer", "minutes": minutes})
        return
    if answer not in ("yes", "y", "no", "n"):
        raise InvalidDataError(f"{item.exercise_id}={answer} is not yes or no", where="--done")
    if answer in ("yes", "y"):
        for set_index in range(1, item.dose.sets + 1):
            for _ in range(item.dose.reps or 1):
                recorder.add_repetition(item.exercise_id, set_index=set_index, hold_s=item.dose.hold_s)
    _echo({"event": "recorded", "exercise": item.exercise_id, "how": "patient's answer", "done": answer in ("yes", "y")})


def _run(store: Any, prescription: Prescription, patient: str, at: dt.datetime, answers: dict[str, str], *, camera: int | None,
         sources: dict[str, Path], done: dict[str, str], headless: bool, exercise_id: str | None, overlay_path: Path | None, rest_s: float,
         speak: bool, every_frame: bool, pose_model: Path | None, one_person: bool = False) -> None:  # fmt: skip
    # 1. check-in: a red flag is stored (flagged for the clinician) and ends the session here
    from motionrehab.live.preflight import failure_reason

    if patient in store.patients():  # a clinician's stop: before any question (a new patient has none)
        require_program_running(prescription, store.session_logs(patient))
    pain = _pain(answers, "pain", "Pain now, 0 (none) to 10 (worst imaginable)")
    tingling = _yes_no(answers, "tingling", "Tingling (pins and needles) in the leg now?")
    numbness = _yes_no(answers, "numbness", "Numbness in the leg now?")
    screen = CheckIn(patient=patient, at=at, pain_nrs=pain, tingling=tingling, numbness=numbness, red_flags=_red_flags(answers))
    outcome = evaluate_checkin(screen, baseline_pain_nrs=prescription.baseline_pain_nrs, rules=prescription.rules)
    checkin_id = store.record_checkin(screen, outcome)
    _echo({"event": "checkin", "checkin_id": checkin_id, "start": outcome.start, "dose_pct": outcome.dose_pct, "message": outcome.message})
    require_safe_to_start(outcome)

    # 2. today's plan: the camera guides what it can measure (and has a source for), in the plan's order
    week = prescription.week_of(at.date())
    state = state_for_week(prescription, store.session_logs(patient), store.measurements(patient), week)
    plan = plan_session(prescription, state, pain_nrs=pain, tingling=tingling or numbness, dose_pct=outcome.dose_pct)
    phase = state.phase(prescription)
    guided = choose_guided(list(plan.exercises), camera=camera, sources=sources, exercise_id=exercise_id)
    _echo({"event": "plan", "week": week, "phase": phase.name,
           "exercises": [{"id": item.exercise_id, "kind": item.kind, "dose": item.dose.describe(), "note": item.note, "clinician_note": item.clinician_note,
                          "camera_guided": item.exercise_id in guided} for item in plan.exercises]})  # fmt: skip
    if not guided and (exercise_id is not None or not done):
        raise InvalidDataError("no camera-guided exercise is planned today" + (f" with id {exercise_id!r}" if exercise_id else ""),
                               where="session", fix="give --camera INDEX or --source FILE for a camera-measurable exercise of the plan above, or --done for the others")  # fmt: skip
    _check_prerequisites(guided, pose_model)
    recorder = store.open_session(patient, plan.exercises, pain_before=pain, tingling_before=tingling or numbness, started_at=at,
                                  dose_pct=plan.dose_pct, checkin_id=checkin_id)  # fmt: skip
    _echo({"event": "session_open", "session_id": recorder.session_id})
    results: list[Any] = []
    try:
        for item in plan.exercises:
            if item.exercise_id not in guided:
                if exercise_id is None:
                    _record_by_answer(recorder, item, done, headless)
                continue
            exercise = phase.exercise(item.exercise_id)
            result = _camera_exercise(recorder, item, exercise, camera=camera, source_path=guided[item.exercise_id], headless=headless,
                                      overlay_path=overlay_path if not results else None, rest_s=rest_s, speak=speak, every_frame=every_frame,
                                      pose_model=pose_model, one_person=one_person)  # fmt: skip
            results.append(result)
            if result.quit_early:
                break
    except BaseException as error:
        reason = None if done else failure_reason(recorder.repetitions_recorded, 0, None, error)
        if reason is None:
            recorder.close()  # what was recorded is kept; the pain after is unknown
        else:
            recorder.fail(reason)  # measured nothing: stored as failed, never counted toward adherence
        raise
    capture_error = next((r.stats.capture_error for r in results if r.stats.capture_error), None)
    reason = failure_reason(recorder.repetitions_recorded, sum(r.stats.frames_analysed for r in results), capture_error) if results and not done else None
    if reason is not None:
        recorder.fail(reason)
        _echo({"event": "session_failed", "session_id": recorder.session_id, "reason": reason})
        click.echo(f"warning: session {recorder.session_id}: the session measured nothing ({reason}); it is stored as failed and does not "
                   "count toward adherence. Check the camera's view of the whole body (motionrehab doctor) and start again", err=True)  # fmt: skip
        return
    # 3. closing check-in
    pain_after = _pain(answers, "pain_after", "Pain now, after the session, 0 to 10")
    new_tingling = _yes_no(answers, "tingling_after", "Any new tingling or numbness in the leg?") if ("tingling_after" in answers or not headless) else False
    recorder.close(pain_after=pain_after, new_tingling=new_tingling)
    added = np.concatenate([r.stats.added_latency_ms for r in results]) if results else np.zeros(0)
    _echo({"event": "session_closed", "session_id": recorder.session_id, "repetitions": sum(len(r.repetitions) for r in results), "pain_after": pain_after,
           "frames_captured": sum(r.stats.frames_captured for r in results), "frames_analysed": sum(r.stats.frames_analysed for r in results),
           "frames_dropped": sum(r.stats.frames_dropped for r in results),
           "median_added_latency_ms": round(float(np.median(added)), 1) if added.size else None, "quit_early": any(r.quit_early for r in results),
           "capture_error": next((r.stats.capture_error for r in results if r.stats.capture_error), None)})  # fmt: skip


def _camera_exercise(recorder: Any, item: Any, exercise: Exercise, *, camera: int | None, source_path: Path | None, headless: bool,
                     overlay_path: Path | None, rest_s: float, speak: bool, every_frame: bool, pose_model: Path | None, one_person: bool = False) -> Any:  # fmt: skip
    from motionrehab.capture.model_files import resolve_pose_model
    from motionrehab.capture.pose_estimator import PoseEstimator
    from motionrehab.capture.video import Camera, VideoFile
    from motionrehab.live.session import (
        Controls,
        ExerciseEvent,
        ExerciseLoop,
        LibraryExerciseLoop,
        camera_frames,
        handle_key,
        played_as_camera,
        run_exercise,
    )
    from motionrehab.measures.exercises import BY_KIND
    from motionrehab.measures.exercises.base import MeasuredHold
    from motionrehab.measures.hip_hinge import HingeRepetition

    exercise_id = item.exercise_id
    sets, reps = item.dose.sets, item.dose.reps or 1
    model = resolve_pose_model(pose_model)
    if source_path is not None:
        video = VideoFile(source_path)
        fps = video.frame_rate_hz or 30.0
        source: Any = played_as_camera(video)
    else:
        cam = Camera(0 if camera is None else camera)
        fps = cam.frame_rate_hz or 30.0
        source = camera_frames(cam)
    speaker = None
    if speak:
        from motionrehab.live.speech import CueSpeaker

        speaker = CueSpeaker()
    overlay = _OverlayWriter(overlay_path, fps) if overlay_path is not None else None
    controls = Controls()

    def on_event(event: ExerciseEvent) -> None:
        click.echo(event.to_json())
        if event.kind == "rep" and event.rep is not None:
            rep = event.rep
            if isinstance(rep, HingeRepetition):
                recorder.add_measured_repetition(exercise_id, rep, set_index=event.set_index)
            else:  # a library repetition or hold: its values are the metrics
                hold = rep.duration_s if isinstance(rep, MeasuredHold) else rep.hold_s
                metrics = {name: value for name, value in rep.values.items() if np.isfinite(value)}
                recorder.add_repetition(exercise_id, set_index=event.set_index, t_start_s=rep.t_start_s, t_end_s=rep.t_end_s,
                                        hold_s=hold if hold is not None and np.isfinite(hold) else None, within_criteria=not rep.faults,
                                        faults=tuple(rep.faults), metrics=metrics)  # fmt: skip
            if speaker is not None:
                speaker.say(event.message)
        elif event.kind == "symptom":
            recorder.add_measurement("symptom_onset_s", event.t_s)
        elif event.kind in ("setup", "set_done") and speaker is not None:
            speaker.say(event.message)

    frame_handlers: list[Callable[[NDArray[np.uint8], float], None]] = []
    if overlay is not None:
        frame_handlers.append(overlay.write)
    if not headless:
        import cv2

        def show(image: NDArray[np.uint8], t_s: float) -> None:
            cv2.imshow("motionrehab session (p pause, s skip, m mark symptom, q quit)", image)
            handle_key(cv2.waitKey(1), controls, t_s)

        frame_handlers.append(show)

    def on_frame(image: NDArray[np.uint8], t_s: float) -> None:
        for handler in frame_handlers:
            handler(image, t_s)

    try:
        # --one-person: two people looked for until the patient is known to be alone, then one (live.follower: about half
        # the inference time; its landmarks differ from the two-person model's by a few pixels, so not the default)
        with PoseEstimator(model.path, num_poses=2) as estimator, PoseEstimator(model.path, num_poses=1) as one_model:
            single = one_model if one_person else None
            loop: ExerciseLoop
            if item.kind == "hip_hinge":
                loop = ExerciseLoop(estimator, exercise_id=exercise_id, sets=sets, reps_per_set=reps, criteria=criteria_for(exercise), frame_rate_hz=fps,
                                    rest_s=rest_s, on_event=on_event, on_frame=on_frame, controls=controls, single=single)  # fmt: skip
            else:
                loop = LibraryExerciseLoop(estimator, exercise=BY_KIND[item.kind], exercise_id=exercise_id, sets=sets, reps_per_set=reps, frame_rate_hz=fps,
                                           rest_s=rest_s, on_event=on_event, on_frame=on_frame, controls=controls, single=single)  # fmt: skip
            result = run_exercise(loop, source, lockstep=every_frame, stop_when_done=True)
    finally:
        if overlay is not None:
            overlay.close()
        if speaker is not None:
            speaker.close()
        if not headless:
            import cv2

            cv2.destroyAllWindows()
    if result.stats.capture_error:
        click.echo(f"warning: the video source stopped early ({result.stats.capture_error}); what was recorded is kept", err=True)
    return result

