"""`motionrehab session`: the camera-guided home session.

Check-in first (a red flag ends it, exit 3); today's exercises from the prescription;
then the camera-guided exercise (the hip hinge) with the live view: set-up advice, skeleton,
key angle and band, rep counter, tempo guide, a cue after each rep, rest between sets;
closing pain check-in. Each event is printed to stdout as one JSON line and each rep is
committed to the session store as it happens. The work is in motionrehab.live.session.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import numpy as np
from numpy.typing import NDArray

from motionrehab._files import open_private
from motionrehab.cli.numbers import Quantity
from motionrehab.cli.program import open_store, store_option
from motionrehab.errors import InputFileError, InvalidDataError
from motionrehab.live.preflight import failure_reason
from motionrehab.measures.hip_hinge import HingeCriteria
from motionrehab.program.prescription import Exercise, Prescription, load_prescription
from motionrehab.program.progression import plan_session, state_for_week
from motionrehab.program.safety import (
    RED_FLAG_IDS,
    RED_FLAGS,
    CheckIn,
    evaluate_checkin,
    require_safe_to_start,
)

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
            if self.path.is_symlink() or self.path.exists():
                self.path.unlink()  # --force was given (checked before the session); a symlink is removed, never followed
            with open_private(self.path, "x"):  # created owner-only, exclusively: OpenCV then writes into our file
                pass
            height, width = image.shape[:2]
            # .mkv: Matroska stays playable after kill -9 (no index needed at the end); .mp4 does not (warned before the session)
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


@click.command()
@click.option("--patient", "patient_arg", help="Pseudonymous patient id (default: the prescription file's patient).")
@click.option("--camera", type=int, default=None, help="Camera index (0 = the default webcam).")
@click.option("--source", "source_path", type=click.Path(dir_okay=False, path_type=Path), help="Play a video file as if it were the camera.")
@click.option("--headless", is_flag=True, help="No window: events as JSON lines on stdout, the overlay only to --overlay.")
@click.option("--checkin-answers", help="Check-in answers, e.g. pain=3,tingling=no,numbness=no,red_flags=none,pain_after=3 (others are asked).")
@click.option("--prescription", "prescription_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Prescription file (default: the one stored for the patient).")
@click.option("--exercise", "exercise_id", help="The camera-guided exercise (default: today's first hip hinge).")
@click.option("--overlay", "overlay_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the overlay video here (.mkv stays playable if the session is cut off; .mp4 does not).")
@click.option("--force", is_flag=True, help="Replace an existing --overlay file.")
@click.option("--rest-s", type=Quantity(0, 600, "s"), default=60.0, show_default=True, help="Rest between sets, seconds.")
@click.option("--speak", is_flag=True, help="Speak each cue (offline text-to-speech; needs the speech extra).")
@click.option("--every-frame", is_flag=True, help="Analyse every frame, never drop one (tests; slower than real time).")
@click.option("--pose-model", type=click.Path(path_type=Path), help="MediaPipe pose model (.task).")
@click.option("--at", "at_text", default=None, help="Date and time of the session, YYYY-MM-DDTHH:MM (default: now).")
@store_option
def session(patient_arg: str | None, camera: int | None, source_path: Path | None, headless: bool, checkin_answers: str | None,
            prescription_path: Path | None, exercise_id: str | None, overlay_path: Path | None, force: bool, rest_s: float, speak: bool,
            every_frame: bool, pose_model: Path | None, at_text: str | None, store_url: str | None) -> None:  # fmt: skip
    """Run today's camera-guided session: check-in, exercises with live feedback, closing check-in."""
    if camera is not None and source_path is not None:
        raise InvalidDataError("give either --camera or --source, not both", where="session")
    from motionrehab.cli.checkin import _parse_at
    from motionrehab.live.preflight import preflight_session
    from motionrehab.pseudonym import check_pseudonym

    if patient_arg is not None:
        check_pseudonym(patient_arg, where="--patient")
    at = _parse_at(at_text)
    answers = parse_answers(checkin_answers)
    # a prescription file (and its patient), then display, overlay name, model and source are checked before anything is asked or stored
    from_file = _prescription(None, patient_arg, prescription_path) if prescription_path is not None else None
    warning = preflight_session(camera=camera, source_path=source_path, pose_model=pose_model, headless=headless, overlay_path=overlay_path, force=force)
    if warning:
        click.echo(f"warning: {warning}", err=True)
    store = open_store(store_url)
    try:
        prescription = from_file or _prescription(store, patient_arg, prescription_path)
        patient = patient_arg or prescription.patient
        _run(store, prescription, patient, at, answers, camera=camera, source_path=source_path, headless=headless, exercise_id=exercise_id,
             overlay_path=overlay_path, rest_s=rest_s, speak=speak, every_frame=every_frame, pose_model=pose_model)  # fmt: skip
    finally:
        store.close()


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


def _run(store: Any, prescription: Prescription, patient: str, at: dt.datetime, answers: dict[str, str], *, camera: int | None,
         source_path: Path | None, headless: bool, exercise_id: str | None, overlay_path: Path | None, rest_s: float, speak: bool,
         every_frame: bool, pose_model: Path | None) -> None:  # fmt: skip
    # 1. check-in: a red flag is stored (flagged for the clinician) and ends the session here
    pain = _pain(answers, "pain", "Pain now, 0 (none) to 10 (worst imaginable)")
    tingling = _yes_no(answers, "tingling", "Tingling (pins and needles) in the leg now?")
    numbness = _yes_no(answers, "numbness", "Numbness in the leg now?")
    screen = CheckIn(patient=patient, at=at, pain_nrs=pain, tingling=tingling, numbness=numbness, red_flags=_red_flags(answers))
    outcome = evaluate_checkin(screen, baseline_pain_nrs=prescription.baseline_pain_nrs, rules=prescription.rules)
    checkin_id = store.record_checkin(screen, outcome)
    _echo({"event": "checkin", "checkin_id": checkin_id, "start": outcome.start, "dose_pct": outcome.dose_pct, "message": outcome.message})
    require_safe_to_start(outcome)

    # 2. today's plan
    week = prescription.week_of(at.date())
    state = state_for_week(prescription, store.session_logs(patient), store.measurements(patient), week)
    plan = plan_session(prescription, state, pain_nrs=pain, tingling=tingling or numbness, dose_pct=outcome.dose_pct)
    phase = state.phase(prescription)
    guided = [item for item in plan.exercises if item.kind == "hip_hinge" and (exercise_id is None or item.exercise_id == exercise_id)]
    _echo({"event": "plan", "week": week, "phase": phase.name,
           "exercises": [{"id": item.exercise_id, "kind": item.kind, "dose": item.dose.describe(), "note": item.note, "clinician_note": item.clinician_note,
                          "camera_guided": any(g.exercise_id == item.exercise_id for g in guided[:1])} for item in plan.exercises]})  # fmt: skip
    if not guided:
        raise InvalidDataError("no camera-guided exercise (hip hinge) is planned today" + (f" with id {exercise_id!r}" if exercise_id else ""),
                               where="session", fix="do today's exercises from the plan above; the camera guides the hip hinge")  # fmt: skip
    item = guided[0]
    exercise = phase.exercise(item.exercise_id)
    # the camera's prerequisites are checked before the session is opened, so a typo leaves no empty session behind
    if source_path is not None and not source_path.is_file():
        raise InputFileError("video file not found", where=str(source_path), fix="check the path, or use --camera INDEX")
    from motionrehab.capture.model_files import resolve_pose_model

    resolve_pose_model(pose_model)
    recorder = store.open_session(patient, plan.exercises, pain_before=pain, tingling_before=tingling or numbness, started_at=at,
                                  dose_pct=plan.dose_pct, checkin_id=checkin_id)  # fmt: skip
    _echo({"event": "session_open", "session_id": recorder.session_id})
    try:
        result = _camera_exercise(recorder, item.exercise_id, item.dose.sets, item.dose.reps or 1, criteria_for(exercise), camera=camera,
                                  source_path=source_path, headless=headless, overlay_path=overlay_path, rest_s=rest_s, speak=speak,
                                  every_frame=every_frame, pose_model=pose_model)  # fmt: skip
    except BaseException as error:
        reason = failure_reason(recorder.repetitions_recorded, 0, None, error)
        if reason is None:
            recorder.close()  # what was recorded is kept; the pain after is unknown
        else:
            recorder.fail(reason)  # measured nothing: stored as failed, never counted toward adherence
        raise
    stats = result.stats
    reason = failure_reason(len(result.repetitions), stats.frames_analysed, stats.capture_error)
    if reason is not None:
        recorder.fail(reason)
        _echo({"event": "session_failed", "session_id": recorder.session_id, "reason": reason})
        raise InputFileError(f"the session measured nothing ({reason}); it is stored as failed and does not count toward adherence",
                             where=f"session {recorder.session_id}", fix="check the camera's view of the whole body (motionrehab doctor) and start again")  # fmt: skip
    # 3. closing check-in
    pain_after = _pain(answers, "pain_after", "Pain now, after the session, 0 to 10")
    new_tingling = _yes_no(answers, "tingling_after", "Any new tingling or numbness in the leg?") if ("tingling_after" in answers or not headless) else False
    recorder.close(pain_after=pain_after, new_tingling=new_tingling)
    added = stats.added_latency_ms
    _echo({"event": "session_closed", "session_id": recorder.session_id, "repetitions": len(result.repetitions), "pain_after": pain_after,
           "frames_captured": stats.frames_captured, "frames_analysed": stats.frames_analysed, "frames_dropped": stats.frames_dropped,
           "median_added_latency_ms": round(float(np.median(added)), 1) if added.size else None, "quit_early": result.quit_early,
           "capture_error": stats.capture_error})  # fmt: skip


def _camera_exercise(recorder: Any, exercise_id: str, sets: int, reps: int, criteria: HingeCriteria, *, camera: int | None, source_path: Path | None,
                     headless: bool, overlay_path: Path | None, rest_s: float, speak: bool, every_frame: bool, pose_model: Path | None) -> Any:  # fmt: skip
    from motionrehab.capture.model_files import resolve_pose_model
    from motionrehab.capture.pose_estimator import PoseEstimator
    from motionrehab.capture.video import Camera, VideoFile
    from motionrehab.live.session import (
        Controls,
        ExerciseEvent,
        ExerciseLoop,
        camera_frames,
        handle_key,
        played_as_camera,
        run_exercise,
    )

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
            recorder.add_measured_repetition(exercise_id, event.rep, set_index=event.set_index)
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
        with PoseEstimator(model.path, num_poses=2) as estimator:
            loop = ExerciseLoop(estimator, exercise_id=exercise_id, sets=sets, reps_per_set=reps, criteria=criteria, frame_rate_hz=fps, rest_s=rest_s,
                                on_event=on_event, on_frame=on_frame, controls=controls)  # fmt: skip
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

